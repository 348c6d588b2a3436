"""API fuzzing (issue 6): schemathesis generates requests for every operation of
/api/schema/ and sends them to the WSGI app as a logged-in township user (token
authentication, so writes are not stopped by CSRF). No response may be a 5xx, and every
response must match the schema.

The examples are generated deterministically (``derandomize``), so a CI failure repeats on a
developer's machine. ``SCHEMATHESIS_EXAMPLES`` raises the number of examples per operation
(default 5: the whole test takes about a minute on two cores). It runs on SQLite only: CI runs
the suite on both databases and the API is the same on either.
"""

import os
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from tests.markers import POSTGRES

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(POSTGRES, reason="fuzzed once, on SQLite (CI runs both databases)"),
]

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))


@pytest.fixture
def api_schema(fuzzer):
    """The schema, read as the fuzzing user (it is not served to anonymous visitors)."""
    import schemathesis

    from portal.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/", application, headers=fuzzer.headers)


@dataclass
class Fuzzer:
    headers: dict
    fields: dict  # body field name → an id in the user's scope (related rows)
    user: object

    def object_id(self, path: str) -> int | None:
        """An id in the user's scope for a path like /api/v1/villages/{id}/."""
        from django.urls import resolve

        from portal.scope import scope_queryset

        view = resolve(path.replace("{id}", "1").replace("{file_format}", "csv")).func
        queryset = getattr(getattr(view, "cls", None), "queryset", None)
        if queryset is None:
            return None
        return scope_queryset(self.user, queryset).values_list("pk", flat=True).first()


@pytest.fixture
def fuzzer(world, payroll, tmp_path, settings):
    """A township user of township A with a computed run, a branch, a course, attendance
    and an entry to act on."""
    from datetime import date

    from subsidies.models import PayrollRun
    from subsidies.services import run_compute
    from tests import factories as f

    settings.MEDIA_ROOT = tmp_path
    run = PayrollRun.objects.create(township=world.town_a, month=date(2026, 11, 1))
    run_compute(run_id=run.pk, user=world.staff_a)
    branch = f.BranchFactory(township=world.town_a)
    branch.villages.add(world.village_a)
    course = f.CourseFactory(township=world.town_a)
    f.AttendanceFactory(course=course, person=world.secretary_a)
    entry = f.SelfLoggedTrainingFactory(person=world.secretary_a)
    token = Token.objects.create(user=world.staff_a)
    fields = {
        "township": world.town_a.pk,
        "village": world.village_a.pk,
        "villages": [world.village_a.pk],
        "branch": branch.pk,
        "person": world.secretary_a.pk,
        "course": course.pk,
        "run": run.pk,
        "ids": [entry.pk],
    }
    return Fuzzer({"Authorization": f"Token {token.key}"}, fields, world.staff_a)


def _fuzz(operation, fuzzer: Fuzzer, checks) -> list[str]:
    """Up to EXAMPLES requests to one operation. Half of them use real ids of the user's
    scope (in the path and in related fields of the body), so the fuzzing reaches the
    services and not only the 404 of a random id."""
    failures: list[str] = []
    object_id = fuzzer.object_id(operation.path) if "{id}" in operation.path else None

    @given(case=operation.as_strategy(), real=st.booleans())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    def run(case, real):
        if real:
            if object_id is not None:
                case.path_parameters["id"] = object_id
            if isinstance(case.body, dict):
                for name in set(case.body) & set(fuzzer.fields):
                    case.body[name] = fuzzer.fields[name]
        response = case.call(headers=fuzzer.headers)
        case.validate_response(response, checks=checks)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - one report for all
        failures.append(f"{operation.label}: {str(exc)[:1200]}")
    return failures


def test_no_server_errors_and_responses_match_the_schema(api_schema, fuzzer):
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    checks = [not_a_server_error, response_schema_conformance]
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        failures += _fuzz(operation, fuzzer, checks)
    assert operations > 50  # every route of the router, not a stray one
    assert not failures, "\n\n".join(failures)
