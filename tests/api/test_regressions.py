"""Bugs found by the API fuzz test and the permission matrix (issue 6), each pinned by a
plain test."""

import pytest
import yaml
from django.urls import reverse

from portal.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_api_root_answers_a_logged_in_user(client, world):
    """It was a 500: the API's permission class looked for a model on a view without one."""
    client.force_login(world.staff_a)
    response = client.get(reverse("api-root"))
    assert response.status_code == 200
    assert "villages" in response.json()
    assert client.post(reverse("api-root")).status_code in (403, 405)


def test_anonymous_api_root_is_refused(client, world):
    assert client.get(reverse("api-root")).status_code == 403


@pytest.mark.parametrize("name", ["township", "village"])
def test_training_compliance_with_a_forged_place_is_a_400(client, world, name):
    """``?township=abc`` was a 500 (ValueError from the ORM)."""
    client.force_login(world.staff_a)
    response = client.get(reverse("training-compliance-list"), {name: "abc"})
    assert response.status_code == 400
    assert name in response.json()
    other = world.town_b.pk if name == "township" else world.village_b.pk
    assert client.get(reverse("training-compliance-list"), {name: other}).status_code == 400


def _schema(client):
    client.force_login(User.objects.get(username="staff_a"))  # the schema needs a login
    return yaml.safe_load(client.get(reverse("api-schema")).content)


def _ok_schema(schema, path):
    return schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]


def test_the_schema_tells_the_truth_about_progress_and_summaries(client, world):
    """The schema promised a whole payroll run from /progress/ and pages from the township
    summaries and the budget report; the responses are a progress object and plain lists."""
    schema = _schema(client)
    progress = _ok_schema(schema, "/api/v1/payroll-runs/{id}/progress/")["$ref"].split("/")[-1]
    assert set(schema["components"]["schemas"][progress]["properties"]) == {
        "status",
        "done",
        "total",
        "running",
    }
    for path in ("/api/v1/training-compliance/townships/", "/api/v1/training-compliance/budget/"):
        assert _ok_schema(schema, path)["type"] == "array"


@pytest.mark.usefixtures("payroll")
def test_the_progress_endpoint_matches_it(client, world):
    from datetime import date

    from subsidies.models import PayrollRun
    from subsidies.services import run_compute

    run = PayrollRun.objects.create(township=world.town_a, month=date(2026, 11, 1))
    run_compute(run_id=run.pk, user=world.staff_a)
    client.force_login(world.staff_a)
    data = client.get(reverse("payroll-run-progress", args=[run.pk])).json()
    assert data == {"status": "computed", "done": 3, "total": 3, "running": False}


HUGE = "18446744073709551615"  # beyond a bigint: SQLite overflowed in an ``__in`` lookup


def test_review_with_an_id_beyond_a_primary_key_is_a_400(client, world):
    client.force_login(world.staff_a)
    response = client.post(
        reverse("training-log-review"),
        {"ids": [5, f"-{HUGE}"], "decision": "approve"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "ids" in response.json()


def test_pages_ignore_ids_beyond_a_primary_key(client, world):
    client.force_login(world.staff_a)
    queue = client.post(reverse("training:queue"), {"entry": [HUGE], "decision": "approve"})
    assert queue.status_code in (200, 302)
    notices = client.post(reverse("notifications"), {"id": [HUGE, "1"]})
    assert notices.status_code == 302
