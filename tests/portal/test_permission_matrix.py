"""The permission matrix (issue 6, STYLE "Tests"): every page and API endpoint, for every role,
against the expected outcome; modelled on NetBox's shared view tests (one harness, a table of
expectations).

The URLs come from the URL conf itself (``get_resolver()``, walked recursively, router routes
and their actions included): a URL name without a row in :data:`MATRIX` FAILS
:func:`test_every_url_has_a_row` — a new endpoint must be given its expectations here.

Each row gives the outcome of a GET for the six roles, in the order of :data:`ROLES`:

    O  allowed: 2xx, or a redirect that is not to the login page
    L  sent to the login page (anonymous, pages)
    F  403 Forbidden (anonymous on the API too: DRF answers 403 to a session-less request)
    N  404 Not Found (out of scope, or nothing there for this user)
    M  405 Method Not Allowed (POST-only endpoints)

and how to fill its parameters from :func:`objects` for side "a" (township A, the users' own)
or "b" (township B). A URL with an object of township B is requested again for the
township-bound roles (staff, reviewer, secretary): where side "a" is allowed, side "b" must be
404 — a forged id outside the scope is never served. District-wide objects (the policy) have
no side "b".

For every endpoint that accepts writes, the roles that may not write POST (and DELETE, on
API detail routes) an empty body: the answer must be a refusal (403/404/405, or the login
page), never a 500, and nothing may change (no audit entry, no new export).

The Django admin is covered by one rule (:func:`test_admin_is_for_staff_only`); static files
are not routed through the URL conf.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.choices import ImportStatus
from portal.models import AuditEntry, ImportJob
from subsidies.choices import ExportFormat
from subsidies.models import LedgerExport, PaymentLine
from tests import factories as f
from tests.subsidies.ledgers import NOV, build

pytestmark = [pytest.mark.django_db]

ROLES = ("anon", "admin", "staff", "reviewer", "secretary", "finance")
TOWNSHIP_BOUND = ("staff", "reviewer", "secretary")


@dataclass(frozen=True)
class Row:
    get: str  # six codes, one per role of ROLES
    args: object = None  # callable(objects, side) -> kwargs, or None for a URL without any
    writes: bool = False  # the endpoint accepts POST (pages) or POST/PUT/PATCH/DELETE (API)
    writers: str = ""  # the roles that may write (their POST is not checked as a refusal)
    public: bool = False  # the same page for everyone: no side "b" refusal


def pk(key):
    return lambda o, side: {"pk": o[key][side].pk} if o[key].get(side) is not None else None


def run_fmt(o, side):
    return {"pk": o["run"][side].pk, "fmt": "csv"}


def run_action(o, side):
    return {"pk": o["run"][side].pk, "action": "approve"}


def api_download(o, side):
    return {"pk": o["run"][side].pk, "file_format": "csv"}


def month(o, side):
    return {"month": "2026-11"}


def month_fmt(o, side):
    return {"month": "2026-11", "fmt": "csv"}


def public_township(o, side):
    return {"township": {"a": "T-A", "b": "T-B"}[side]}


def public_village(o, side):
    return {
        "township": {"a": "T-A", "b": "T-B"}[side],
        "village": {"a": "V-A1", "b": "V-B1"}[side],
        "year": 2026,
    }


def year(o, side):
    return {"year": 2026}


def app_action(o, side):
    return {"pk": o["application"][side].pk, "action": "approve"}


def award_action(o, side):
    return {"pk": o["award"][side].pk, "action": "submit"}


#            anon admin staff reviewer secretary finance
MATRIX: dict[str, Row] = {
    "home": Row("L O O O O O"),
    "healthz": Row("O O O O O O"),
    "notifications": Row(
        "L O O O O O", writes=True, writers="admin staff reviewer secretary finance"
    ),
    "audit-log": Row("L O F F F F"),
    "login": Row("O O O O O O"),
    "logout": Row("M M M M M M"),
    "set_language": Row("O O O O O O"),
    "branches:village-list": Row("L O O F O O"),
    "branches:village-add": Row("L O O F F F", writes=True, writers="admin staff"),
    "branches:village-detail": Row("L O O F O O", args=pk("village")),
    "branches:village-edit": Row(
        "L O O F F F", args=pk("village"), writes=True, writers="admin staff"
    ),
    "branches:branch-list": Row("L O O F O O"),
    "branches:branch-add": Row("L O O F F F", writes=True, writers="admin staff"),
    "branches:branch-detail": Row("L O O F O O", args=pk("branch")),
    "branches:branch-edit": Row(
        "L O O F F F", args=pk("branch"), writes=True, writers="admin staff"
    ),
    "branches:member-list": Row("L O O F O O"),
    "branches:member-add": Row("L O O F F F", writes=True, writers="admin staff"),
    "branches:member-detail": Row("L O O F O O", args=pk("member")),
    "branches:member-edit": Row(
        "L O O F F F", args=pk("member"), writes=True, writers="admin staff"
    ),
    "cadres:person-list": Row("L O O F O O"),
    "cadres:person-add": Row("L O O F F F", writes=True, writers="admin staff"),
    "cadres:person-detail": Row("L O O F O O", args=pk("person")),
    "cadres:person-edit": Row("L O O F F F", args=pk("person"), writes=True, writers="admin staff"),
    "cadres:post-add": Row("L O O F F F", writes=True, writers="admin staff"),
    "cadres:post-edit": Row("L O O F F F", args=pk("post"), writes=True, writers="admin staff"),
    "cadres:post-end": Row("L O O F F F", args=pk("post"), writes=True, writers="admin staff"),
    "cadres:appraisal-add": Row("L O O F F F", writes=True, writers="admin staff"),
    "cadres:assessment-add": Row("L O O F F F", writes=True, writers="admin staff"),
    "cadres:health-check-add": Row("L O O F F F", writes=True, writers="admin staff"),
    "ledgers:index": Row("L O F F F O"),
    "ledgers:export-list": Row("L O F F F O"),
    "ledgers:run-download": Row("L O F F F O", args=run_fmt),
    "ledgers:month": Row("L O F F F O", args=month),
    "ledgers:month-download": Row("L O F F F O", args=month_fmt),
    "subsidies:run-list": Row("L O O F F O"),
    "subsidies:compute-month": Row("L M M M M M", writes=True, writers="admin staff"),
    "subsidies:month": Row("L O O F F O", args=month),
    "subsidies:month-progress": Row("L O O F F O", args=month),
    "subsidies:run-detail": Row("L O O F F O", args=pk("run")),
    "subsidies:run-progress": Row("L O O F F O", args=pk("run")),
    "subsidies:run-action": Row(
        "L M M M M M", args=run_action, writes=True, writers="admin staff finance"
    ),
    "subsidies:my-slips": Row("L N N N O N"),
    "subsidies:pay-slips": Row("L O O N O O", args=pk("person")),
    "subsidies:policy-list": Row("L O O F F O"),
    "subsidies:policy-add": Row("L O F F F F", writes=True, writers="admin"),
    "subsidies:policy-edit": Row("L O F F F F", args=pk("policy"), writes=True, writers="admin"),
    "subsidies:standard-add": Row("L O O F F F", writes=True, writers="admin staff"),
    "subsidies:income-add": Row("L O F F F F", writes=True, writers="admin"),
    "subsidies:floor-report": Row("L O O F F O"),
    "subsidies:floor-report-year": Row("L O O F F O", args=year),
    "training:home": Row("L O O F O O"),
    "training:my-training": Row("L F F F O F", writes=True, writers="secretary"),
    "training:evidence": Row("L O O N O N", args=pk("entry")),
    "training:entry-withdraw": Row(
        "L M M M M M", args=pk("entry"), writes=True, writers="secretary"
    ),
    "training:queue": Row("L F O F F F", writes=True, writers="staff"),
    "training:compliance": Row("L O O F F F"),
    "training:other-cadres": Row("L O O F F F"),
    "training:district": Row("L O F F F O"),
    "training:policy": Row("L O F F F F", writes=True, writers="admin"),
    "training:course-list": Row("L O O F O O"),
    "training:course-add": Row("L O O F F F", writes=True, writers="admin staff"),
    "training:course-detail": Row(
        "L O O F O O", args=pk("course"), writes=True, writers="admin staff"
    ),
    "training:course-edit": Row(
        "L O O F F F", args=pk("course"), writes=True, writers="admin staff"
    ),
    "training:attendance-delete": Row(
        "L M M M M M", args=pk("attendance"), writes=True, writers="admin staff"
    ),
    "training:attendance-template": Row("L O O F F F"),
    "importer:import-list": Row("L O O F F F", writes=True, writers="admin staff"),
    "importer:import-template": Row("L O O F F F"),
    "importer:import-detail": Row("L O O F F F", args=pk("job")),
    "importer:import-progress": Row("L O O F F F", args=pk("job")),
    "importer:import-report": Row("L O O F F F", args=pk("job")),
    "disclosure:index": Row("O O O O O O"),
    "disclosure:township": Row("O O O O O O", args=public_township, public=True),
    "disclosure:village-year": Row("O O O O O O", args=public_village, public=True),
    "api-token": Row("M M M M M M"),
    "api-root": Row("F O O O O O"),
    "api-schema": Row("F O O O O O"),  # issue 9: no longer open to anonymous visitors
    "api-docs": Row("F O O O O O"),
    "township-list": Row("F O O F O O"),
    "township-detail": Row("F O O F O O", args=pk("township")),
    "village-list": Row("F O O F O O", writes=True, writers="admin staff"),
    "village-detail": Row("F O O F O O", args=pk("village"), writes=True, writers="admin staff"),
    "branch-list": Row("F O O F O O", writes=True, writers="admin staff"),
    "branch-detail": Row("F O O F O O", args=pk("branch"), writes=True, writers="admin staff"),
    "member-list": Row("F O O F O O", writes=True, writers="admin staff"),
    "member-detail": Row("F O O F O O", args=pk("member"), writes=True, writers="admin staff"),
    "person-list": Row("F O O F O O", writes=True, writers="admin staff"),
    "person-detail": Row("F O O F O O", args=pk("person"), writes=True, writers="admin staff"),
    "post-list": Row("F O O F O O", writes=True, writers="admin staff"),
    "post-detail": Row("F O O F O O", args=pk("post"), writes=True, writers="admin staff"),
    "appraisal-list": Row("F O O F O O", writes=True, writers="admin staff"),
    "appraisal-detail": Row(
        "F O O F O O", args=pk("appraisal"), writes=True, writers="admin staff"
    ),
    "assessment-list": Row("F O O F O O", writes=True, writers="admin staff"),
    "assessment-detail": Row(
        "F O O F O O", args=pk("assessment"), writes=True, writers="admin staff"
    ),
    "health-check-list": Row("F O O F O O", writes=True, writers="admin staff"),
    "health-check-detail": Row(
        "F O O F O O", args=pk("health-check"), writes=True, writers="admin staff"
    ),
    "policy-list": Row("F O O F F O", writes=True, writers="admin"),
    "policy-detail": Row("F O O F F O", args=pk("policy"), writes=True, writers="admin"),
    "performance-standard-list": Row("F O O F F O", writes=True, writers="admin staff"),
    "performance-standard-detail": Row(
        "F O O F F O", args=pk("standard"), writes=True, writers="admin staff"
    ),
    "course-list": Row("F O O F O O", writes=True, writers="admin staff"),
    "course-detail": Row("F O O F O O", args=pk("course"), writes=True, writers="admin staff"),
    "attendance-list": Row("F O O F O O", writes=True, writers="admin staff"),
    "attendance-detail": Row(
        "F O O F O O", args=pk("attendance"), writes=True, writers="admin staff"
    ),
    "training-log-list": Row("F O O F O F", writes=True, writers="staff secretary"),
    "training-log-detail": Row(
        "F O O F O F", args=pk("entry"), writes=True, writers="staff secretary"
    ),
    "payroll-run-list": Row("F O O F F O"),
    "payroll-run-detail": Row("F O O F F O", args=pk("run")),
    "payroll-run-approve": Row("F M M F F M", args=pk("run"), writes=True, writers="admin staff"),
    "payroll-run-compute": Row("F M M F F M", args=pk("run"), writes=True, writers="admin staff"),
    "payroll-run-reopen": Row("F M M F F M", args=pk("run"), writes=True, writers="admin staff"),
    "payroll-run-lock": Row("F M M F F M", args=pk("run"), writes=True, writers="finance"),
    "payroll-run-disburse": Row("F M M F F M", args=pk("run"), writes=True, writers="finance"),
    "payroll-run-progress": Row("F O O F F O", args=pk("run")),
    "payment-line-list": Row("F O O F O O"),
    "payment-line-detail": Row("F O O F N O", args=pk("line")),
    "attendance-bulk": Row("F M M F M M", writes=True, writers="admin staff"),
    "training-log-review": Row("F M M F M F", writes=True, writers="staff"),
    "training-log-verify": Row("F M M F M F", args=pk("entry"), writes=True, writers="staff"),
    "training-log-reject": Row("F M M F M F", args=pk("entry"), writes=True, writers="staff"),
    "training-compliance-list": Row("F O O F O F"),
    "training-compliance-budget": Row("F O F F F O"),
    "training-compliance-townships": Row("F O O F F O"),
    "ledger-list": Row("F O F F F O"),
    "ledger-detail": Row("F O F F F O", args=pk("run")),
    "ledger-download": Row("F O F F F O", args=api_download),
    "ledger-export-list": Row("F O F F F O"),
    "ledger-export-detail": Row("F O F F F O", args=pk("export")),
    # living allowance (R-ALW-4) and annual award lists (R-PAY-4)
    "allowance:queue": Row("L O O O O O"),
    "allowance:application-list": Row("L O O O O O"),
    "allowance:declare": Row("L F O F O F", writes=True, writers="staff secretary"),
    "allowance:application-detail": Row("L O O O O O", args=pk("application")),
    "allowance:opinion": Row(
        "L F F O F F", args=pk("application"), writes=True, writers="reviewer"
    ),
    "allowance:application-action": Row(
        "L M M M M M", args=app_action, writes=True, writers="admin staff secretary finance"
    ),
    "allowance:scan": Row("L O O O O O", args=pk("scan")),
    "allowance:grant-list": Row("L O O F O O"),
    "allowance:grant-export": Row("L O O F O O"),
    "awards:award-list": Row("L O O F F O"),
    "awards:award-prepare": Row("L M M M M M", writes=True, writers="staff"),
    "awards:award-detail": Row("L O O N N O", args=pk("award")),
    "awards:award-action": Row(
        "L M M M M M", args=award_action, writes=True, writers="admin staff finance"
    ),
    "allowance-application-list": Row("F O O O O O", writes=True, writers="staff secretary"),
    "allowance-application-detail": Row("F O O O O O", args=pk("application")),
    "allowance-application-village-review": Row(
        "F M M M M M", args=pk("application"), writes=True, writers="staff secretary"
    ),
    "allowance-application-start-review": Row(
        "F M M M M M", args=pk("application"), writes=True, writers="staff"
    ),
    "allowance-application-opinion": Row(
        "F M M M M M", args=pk("application"), writes=True, writers="reviewer"
    ),
    "allowance-application-approve": Row(
        "F M M M M M", args=pk("application"), writes=True, writers="staff"
    ),
    "allowance-application-suspend": Row(
        "F M M M M M", args=pk("application"), writes=True, writers="staff"
    ),
    "allowance-application-resume": Row(
        "F M M M M M", args=pk("application"), writes=True, writers="staff"
    ),
    "allowance-application-reject": Row(
        "F M M M M M", args=pk("application"), writes=True, writers="staff"
    ),
    "allowance-application-acknowledge": Row(
        "F M M M M M", args=pk("application"), writes=True, writers="admin finance"
    ),
    "allowance-grant-list": Row("F O O F O O"),
    "allowance-grant-detail": Row("F O O F O O", args=pk("grant")),
    "award-list-list": Row("F O O F F O", writes=True, writers="staff"),
    "award-list-detail": Row("F O O F F O", args=pk("award")),
    "award-list-choose": Row("F M M F F M", args=pk("award"), writes=True, writers="staff"),
    "award-list-submit": Row("F M M F F M", args=pk("award"), writes=True, writers="staff"),
    "award-list-approve": Row("F M M F F M", args=pk("award"), writes=True, writers="admin"),
    "award-list-send-back": Row("F M M F F M", args=pk("award"), writes=True, writers="admin"),
    "award-list-record": Row("F M M F F M", args=pk("award"), writes=True, writers="finance"),
}


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def objects(world, payroll):
    """One object of each kind in township A (the users' own) and in township B."""
    ledgers = build(world, payroll, lock_b=True)
    secretary_b = ledgers.run_b.lines.first().person
    branch = {
        "a": f.BranchFactory(township=world.town_a, code="B-A1"),
        "b": f.BranchFactory(township=world.town_b, code="B-B1"),
    }
    branch["a"].villages.add(world.village_a)
    branch["b"].villages.add(world.village_b)
    person = {"a": world.secretary_a, "b": secretary_b}
    course = {
        "a": f.CourseFactory(township=world.town_a),
        "b": f.CourseFactory(township=world.town_b),
    }
    run = {"a": ledgers.run_a, "b": ledgers.run_b}
    jobs = {}
    for side, user, town in (
        ("a", world.staff_a, world.town_a),
        ("b", world.staff_b, world.town_b),
    ):
        jobs[side] = ImportJob.objects.create(
            user=user,
            township=town,
            district=world.district,
            original_name="registry.xlsx",
            status=ImportStatus.DONE,
        )
    exports = {
        side: LedgerExport.objects.create(
            run=run[side],
            district=world.district,
            month=NOV,
            format=ExportFormat.CSV,
            user=world.finance,
            sha256="0" * 64,
            lines=1,
            size=1,
        )
        for side in "ab"
    }
    from subsidies.allowance.choices import ApplicationStatus
    from subsidies.models import AwardList, PerformanceStandard, Policy
    from tests.fixtures import Allowance

    helper = Allowance(world)
    application = {
        "a": helper.advance(helper.declare(), ApplicationStatus.TOWNSHIP_REVIEW),
        "b": helper.declare(user=world.staff_b, village=world.village_b),
    }
    approved = helper.advance(helper.declare(), ApplicationStatus.APPROVED)
    grant = {"a": approved.grant, "b": None}
    award_list = {
        side: AwardList.objects.create(township=t, year=2025)
        for side, t in (("a", world.town_a), ("b", world.town_b))
    }

    return {
        "township": {"a": world.town_a, "b": world.town_b},
        "village": {"a": world.village_a, "b": world.village_b},
        "branch": branch,
        "member": {
            side: f.PartyMemberFactory(person=person[side], branch=branch[side]) for side in "ab"
        },
        "person": person,
        "post": {side: person[side].posts.first() for side in "ab"},
        "appraisal": {
            side: person[side].appraisals.first() or f.AppraisalFactory(person=person[side])
            for side in "ab"
        },
        "assessment": {side: f.AssessmentFactory(person=person[side]) for side in "ab"},
        "health-check": {side: f.HealthCheckFactory(person=person[side]) for side in "ab"},
        "policy": {"a": Policy.objects.get(), "b": None},
        "standard": {
            side: PerformanceStandard.objects.get(township=t)
            for side, t in (("a", world.town_a), ("b", world.town_b))
        },
        "run": run,
        "line": {
            side: PaymentLine.objects.filter(run=run[side]).order_by("pk").first() for side in "ab"
        },
        "course": course,
        "attendance": {
            side: f.AttendanceFactory(course=course[side], person=person[side]) for side in "ab"
        },
        "entry": {side: f.SelfLoggedTrainingFactory(person=person[side]) for side in "ab"},
        "job": jobs,
        "export": exports,
        "application": application,
        "grant": grant,
        "scan": {side: application[side].scans.first() for side in "ab"},
        "award": award_list,
    }


@pytest.fixture
def users(world):
    return {
        "anon": None,
        "admin": world.admin,
        "staff": world.staff_a,
        "reviewer": world.reviewer_a,
        "secretary": world.secretary,
        "finance": world.finance,
    }


# --- the URL conf -----------------------------------------------------------------------------


def url_names() -> dict[str, URLPattern]:
    """Every named URL of the portal (one pattern per name: the one without a format
    suffix), the admin's left out."""
    found: dict[str, URLPattern] = {}

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                ns = pattern.namespace
                inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                route = prefix + str(pattern.pattern)
                if "format" in route and name in found:
                    continue
                if name not in found or "format" in prefix + str(found[name].pattern):
                    found[name] = pattern
                    found[name].full_route = route

    walk(get_resolver().url_patterns, None, "")
    return found


def outcome(response) -> str:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        return "L" if "/login/" in location else "O"
    if 200 <= code < 300:
        return "O"
    return {403: "F", 404: "N", 405: "M", 401: "F"}.get(code, str(code))


def fetch(client, user, url, method="get"):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response


RECORD = False  # True: print the observed matrix instead of asserting (to fill the table)


def test_every_url_has_a_row():
    missing = sorted(set(url_names()) - set(MATRIX))
    assert not missing, f"URLs without a row in the permission matrix: {missing}"
    stale = sorted(set(MATRIX) - set(url_names()))
    assert not stale, f"rows for URLs that no longer exist: {stale}"


def test_get_by_role(client, objects, users):
    """Every URL, every role, GET: the outcome class of the table."""
    observed, wrong = {}, []
    for name, row in sorted(MATRIX.items()):
        kwargs = row.args(objects, "a") if row.args else {}
        url = reverse(name, kwargs=kwargs)
        codes = []
        for role in ROLES:
            got = outcome(fetch(client, users[role], url))
            codes.append(got)
        observed[name] = " ".join(codes)
        if observed[name] != row.get:
            wrong.append(f"{name} {url}: expected {row.get!r}, got {observed[name]!r}")
    if RECORD:
        for name, codes in observed.items():
            print(f'    "{name}": Row("{codes}"),')
    assert not wrong, "\n".join(wrong)


def test_objects_of_another_township_are_not_found(client, objects, users):
    """Side "b": the township-bound roles get 404 wherever side "a" was allowed."""
    wrong = []
    for name, row in sorted(MATRIX.items()):
        if row.args is None or row.public:
            continue
        kwargs = row.args(objects, "b")
        if kwargs is None or kwargs == row.args(objects, "a"):
            continue
        url = reverse(name, kwargs=kwargs)
        for role, code in zip(ROLES, row.get.split(), strict=True):
            if code != "O" or role not in TOWNSHIP_BOUND:
                continue
            got = outcome(fetch(client, users[role], url))
            if got != "N":
                wrong.append(f"{name} {url} as {role}: expected 'N', got {got!r}")
    assert not wrong, "\n".join(wrong)


def _changes():
    return AuditEntry.objects.count(), LedgerExport.objects.count()


def test_refused_writes_change_nothing(client, objects, users):
    """POST (and DELETE on API detail routes) an empty body as each role that may not write:
    a refusal, never a 500, nothing changed."""
    wrong = []
    for name, row in sorted(MATRIX.items()):
        if not row.writes:
            continue
        kwargs = row.args(objects, "a") if row.args else {}
        url = reverse(name, kwargs=kwargs)
        methods = ["post"]
        if url.startswith("/api/") and "pk" in kwargs:
            methods.append("delete")
        for role in ROLES:
            if role in row.writers.split():
                continue
            for method in methods:
                before = _changes()
                got = outcome(fetch(client, users[role], url, method))
                if got not in ("F", "N", "M", "L") or _changes() != before:
                    wrong.append(f"{method.upper()} {name} {url} as {role}: {got}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anon", 302), ("admin", 200), ("staff", 302), ("secretary", 302), ("finance", 302)],
)
def test_admin_is_for_staff_only(client, users, role, expected):
    """The one rule for the Django admin: its index opens for district admins (staff) and
    sends everyone else to the admin's login."""
    response = fetch(client, users[role], reverse("admin:index"))
    assert response.status_code == expected
    if expected == 302:
        assert "/admin/login/" in response["Location"]


ADMIN_LISTS = {
    "admin:cadres_person_changelist": "person",
    "admin:cadres_post_changelist": "post",
    "admin:cadres_performanceappraisal_changelist": "appraisal",
    "admin:cadres_annualassessment_changelist": "assessment",
    "admin:cadres_healthcheck_changelist": "health-check",
}


@pytest.fixture
def other_district():
    """A second district with a village, a serving secretary and their registry rows: none of
    them is the first district's admin's to see (SPEC §1 "district admin: their district")."""
    district = f.DistrictFactory(code="D002", name="他区")
    village = f.VillageFactory(
        township=f.TownshipFactory(district=district, code="T-Z", name="丙镇"),
        code="V-Z1",
        name="北村",
    )
    person = f.PersonFactory(village=village, name="外区孙书记")
    return {
        "admin": f.district_admin(district, username="admin_other"),
        "person": person,
        "post": f.PostFactory(person=person),
        "appraisal": f.AppraisalFactory(person=person),
        "assessment": f.AssessmentFactory(person=person),
        "health-check": f.HealthCheckFactory(person=person),
    }


@pytest.mark.parametrize("url_name", sorted(ADMIN_LISTS))
def test_admin_lists_are_scoped(client, world, objects, other_district, url_name):
    """A district admin's admin lists hold their own district's rows and none of another
    district's (ScopedAdmin.get_queryset through portal.scope); each answers 200."""
    key = ADMIN_LISTS[url_name]
    for admin, mine, theirs in (
        (world.admin, objects[key]["a"], other_district[key]),
        (other_district["admin"], other_district[key], objects[key]["a"]),
    ):
        client.force_login(admin)
        response = client.get(reverse(url_name))
        assert response.status_code == 200
        listed = {row.pk for row in response.context["cl"].result_list}
        assert mine.pk in listed
        assert theirs.pk not in listed
    client.force_login(world.admin)
    page = client.get(reverse("admin:cadres_person_changelist")).content.decode()
    assert world.secretary_a.name in page
    assert other_district["person"].name not in page


ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def test_admin_list_filters_name_no_other_districts_township(client, world, other_district):
    """The person admin's township filter offers only townships of rows in scope (it listed
    every district's: issue 11 item 5)."""
    f.PersonFactory(village=world.village_b)  # two townships in scope: the filter shows
    client.force_login(world.admin)
    page = client.get(reverse("admin:cadres_person_changelist")).content.decode()
    assert world.town_a.name in page and world.town_b.name in page
    assert other_district["post"].village.township.name not in page
