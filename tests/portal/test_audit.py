"""The audit trail (issue 6): who created, changed or deleted which record, when, and what
changed; one summary entry per bulk write; exports and run transitions; the search page."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal import audit
from portal.models import AuditEntry, ImportJob
from subsidies import services
from subsidies.models import LedgerExport, PaymentLine, PayrollRun
from tests import factories as f
from tests.cadres.importfiles import good_sheets, xlsx_bytes
from tests.fixtures import person_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOV = date(2026, 11, 1)
SEARCH = reverse("audit-log")


def entries_for(obj):
    return AuditEntry.objects.get_for_object(obj).order_by("timestamp", "pk")


def test_a_change_through_a_page_names_the_user_and_masks_accounts(client, world):
    person = world.secretary_a
    client.force_login(world.staff_a)
    old_account = person.bank_account
    response = client.post(
        reverse("cadres:person-edit", args=[person.pk]),
        person_form(person, name="李明书记", bank_account="6222020000001234"),
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    entry = entries_for(person).last()
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.actor == world.staff_a
    assert entry.remote_addr == "10.1.2.3"
    assert entry.changes["name"] == ["李书记", "李明书记"]
    # the account is logged masked: only its last four digits
    before, after = entry.changes["bank_account"]
    assert after == "************1234" and before.endswith(old_account[-4:])
    assert old_account not in str(entry.changes) and "6222020000001234" not in str(entry.changes)
    assert (entry.district_pk, entry.township_pk) == (world.district.pk, world.town_a.pk)


def test_create_and_delete_are_logged_with_the_record_text(world):
    with audit.acting_as(world.admin):
        village = f.VillageFactory(township=world.town_a, code="V-A9", name="北村")
        pk = village.pk
        village.delete()
    actions = list(
        AuditEntry.objects.filter(content_type__model="village", object_id=pk)
        .order_by("pk")
        .values_list("action", "actor", "object_repr")
    )
    assert [a for a, _u, _r in actions] == [AuditEntry.Action.CREATE, AuditEntry.Action.DELETE]
    assert {u for _a, u, _r in actions} == {world.admin.pk}
    assert all("北村" in r for _a, _u, r in actions)


def test_a_user_entry_never_holds_the_password(world):
    user = f.UserFactory(username="newbie", role="finance", district=world.district)
    user.set_password("another-secret-123")
    user.save()
    for entry in entries_for(user):
        assert "password" not in (entry.changes or {})
        assert "another-secret" not in str(entry.changes)


@pytest.mark.usefixtures("payroll")
def test_payroll_compute_is_one_summary_entry_and_transitions_are_logged(world):
    run = PayrollRun.objects.create(township=world.town_a, month=NOV)
    before = AuditEntry.objects.count()
    with audit.acting_as(world.staff_a):
        run = services.run_compute(run_id=run.pk, user=world.staff_a)
    lines = PaymentLine.objects.filter(run=run).count()
    assert lines >= 6
    # no entry per line: the run's own change, its RunEvent and the summary
    assert AuditEntry.objects.count() - before == 3
    summary = entries_for(run).get(changes_text__startswith="computed")
    assert summary.additional_data["lines"] == lines
    assert summary.actor == world.staff_a
    assert f"{lines} payment lines" in summary.changes_text
    with audit.acting_as(world.staff_a):
        services.run_approve(user=world.staff_a, run=run, acknowledge=True, comment="ok")
    with audit.acting_as(world.finance):
        services.run_lock(user=world.finance, run=run)
    statuses = [
        e.changes["status"]
        for e in entries_for(run).filter(action=AuditEntry.Action.UPDATE)
        if e.changes and "status" in e.changes
    ]
    assert statuses == [["draft", "computed"], ["computed", "approved"], ["approved", "locked"]]
    events = AuditEntry.objects.filter(content_type__model="runevent")
    assert events.count() == 3
    assert events.filter(actor=world.finance).count() == 1


@pytest.mark.usefixtures("payroll")
def test_a_ledger_download_is_logged_with_its_user(client, world):
    run = PayrollRun.objects.create(township=world.town_a, month=NOV)
    run = services.run_compute(run_id=run.pk, user=world.admin)
    run = services.run_approve(user=world.admin, run=run, acknowledge=True)
    run = services.run_lock(user=world.finance, run=run)
    client.force_login(world.finance)
    response = client.get(reverse("ledgers:run-download", args=[run.pk, "csv"]))
    b"".join(response.streaming_content)
    export = LedgerExport.objects.get()
    entry = entries_for(export).get()
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor == world.finance  # the stream ends after the middleware: named anyway
    assert entry.changes["sha256"][1] == export.sha256
    assert entry.district_pk == world.district.pk


def test_an_import_is_one_summary_entry(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    branch = f.BranchFactory(township=world.town_a, code="B-A1")
    branch.villages.add(world.village_a)
    client.force_login(world.staff_a)
    before = AuditEntry.objects.count()
    client.post(
        reverse("importer:import-list"),
        {"file": SimpleUploadedFile("registry.xlsx", xlsx_bytes(good_sheets()))},
    )
    job = ImportJob.objects.get()
    assert job.imported
    entry = AuditEntry.objects.get(content_type__model="importjob")
    assert AuditEntry.objects.count() - before == 1  # no entry per imported row
    assert entry.actor == world.staff_a
    assert entry.additional_data["counts"]["people"]["created"] == 3
    assert "registry import of registry.xlsx" in entry.changes_text
    assert entry.township_pk == world.town_a.pk


def test_attendance_in_bulk_is_one_entry_and_reviews_one_per_entry(world):
    from training import services as training

    course = f.CourseFactory(township=world.town_a)
    people = [f.PersonFactory(village=world.village_a) for _ in range(3)]
    before = AuditEntry.objects.count()
    training.attendance_record_bulk(
        user=world.staff_a, course=course, rows=[(p, Decimal("8")) for p in people]
    )
    assert AuditEntry.objects.count() - before == 1
    entry = entries_for(course).last()
    assert entry.additional_data == {"operation": "attendance", "created": 3, "updated": 0}
    assert entry.actor == world.staff_a
    logged = f.SelfLoggedTrainingFactory(person=world.secretary_a)
    training.self_logged_training_review(user=world.staff_a, entries=[logged], approve=True)
    review = entries_for(logged).last()
    assert review.changes == {"status": ["pending", "verified"]}
    assert review.actor == world.staff_a


# --- the search page --------------------------------------------------------------------------


@pytest.fixture
def other_district(world):
    district = f.DistrictFactory(code="D002", name="别区")
    town = f.TownshipFactory(district=district, code="T-X", name="外镇")
    village = f.VillageFactory(township=town, code="V-X1", name="外村")
    person = f.PersonFactory(village=village, name="外人")
    return person


def test_district_admins_search_their_district_only(client, world, other_district, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with audit.acting_as(world.staff_a):
        f.PersonFactory(village=world.village_a, name="甲人")
    client.force_login(world.admin)
    page = client.get(SEARCH).content.decode()
    assert "甲人" in page
    assert "外人" not in page  # another district's record
    found = client.get(SEARCH, {"q": "甲人", "user": "staff_a", "model": "cadres.person"})
    assert [e.object_repr for e, _rows in found.context["rows"]] == ["甲人"]
    assert not client.get(SEARCH, {"user": "finance", "q": "甲人"}).context["rows"]
    township = client.get(SEARCH, {"township": world.town_b.pk, "q": "甲人"})
    assert not township.context["rows"]
    today = date.today().isoformat()
    assert client.get(SEARCH, {"since": today, "until": today, "q": "甲人"}).context["rows"]
    assert not client.get(SEARCH, {"until": "2000-01-01"}).context["rows"]
    actions = client.get(SEARCH, {"action": AuditEntry.Action.DELETE}).context["rows"]
    assert not actions


@pytest.mark.parametrize("role", ["staff_a", "finance", "reviewer_a", "secretary"])
def test_others_may_not_search_the_audit_trail(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get(SEARCH).status_code == 403


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(SEARCH)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_search_page_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world.admin)
    with audit.acting_as(world.staff_a):
        for n in range(5):
            f.PersonFactory(village=world.village_a, name=f"人{n}")
    with django_assert_max_num_queries(12) as few:
        client.get(SEARCH, {"per_page": 50})
    with audit.acting_as(world.admin):
        for _ in range(30):
            f.PostFactory(person=f.PersonFactory(village=world.village_a), role="committee_member")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(SEARCH, {"per_page": 50})
    assert len(response.context["rows"]) == 50


def test_superusers_list_the_entries_in_the_django_admin(client, world):
    from portal.models import User

    with audit.acting_as(world.staff_a):
        f.PersonFactory(village=world.village_a, name="管理人")
    root = User.objects.create_superuser("root", "root@example.org", "Root-pass-4567")
    client.force_login(root)
    response = client.get(reverse("admin:portal_auditentry_changelist"))
    assert response.status_code == 200
    assert "管理人" in response.content.decode()
    client.force_login(world.admin)  # staff, but the audit trail is searched on its page
    assert client.get(reverse("admin:portal_auditentry_changelist")).status_code == 403
