"""The training API, scoped like the pages: courses, attendance, self-logged training with
multipart create and review actions, compliance reads."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests import factories as f
from training.models import Attendance, SelfLoggedTraining

from .conftest import upload

pytestmark = pytest.mark.django_db


def create_entry(client, **kw):
    data = {
        "date": "2025-06-02",
        "provider": "区委党校",
        "kind": "centralised",
        "hours": "8",
        "evidence": upload(),
    }
    data.update(kw)
    return client.post(reverse("training-log-list"), data)  # multipart


def test_secretary_creates_with_multipart_and_person_is_never_input(client, world):
    other = f.PersonFactory(village=world.village_b)
    client.force_login(world.secretary)
    response = create_entry(client, person=other.pk)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["person"] == world.secretary_a.pk and body["status"] == "pending"
    assert body["evidence_url"].endswith(reverse("training:evidence", args=[body["id"]]))
    assert not SelfLoggedTraining.objects.filter(person=other).exists()


def test_api_refusals_are_400_and_save_nothing(client, world):
    client.force_login(world.secretary)
    assert create_entry(client, hours="13").status_code == 400
    assert create_entry(client, date="2999-01-01").status_code == 400
    assert create_entry(client, evidence=upload(b"GIF89a...", name="a.png")).status_code == 400
    assert create_entry(client).status_code == 201
    response = create_entry(client)
    assert response.status_code == 400
    assert "already logged" in str(response.json())
    assert SelfLoggedTraining.objects.count() == 1


def test_only_secretaries_create_entries(client, world):
    client.force_login(world.staff_a)
    assert create_entry(client).status_code == 403
    client.force_login(world.finance)
    assert create_entry(client).status_code == 403
    assert not SelfLoggedTraining.objects.exists()


@pytest.fixture
def two(world):
    other_person = f.PersonFactory(village=world.village_b)
    return (
        f.SelfLoggedTrainingFactory(person=world.secretary_a),
        f.SelfLoggedTrainingFactory(person=other_person),
    )


def test_scope_by_id(client, world, two):
    own, other = two
    client.force_login(world.secretary)
    ids = {row["id"] for row in client.get(reverse("training-log-list")).json()["results"]}
    assert ids == {own.pk}
    assert client.get(reverse("training-log-detail", args=[other.pk])).status_code == 404
    assert client.delete(reverse("training-log-detail", args=[other.pk])).status_code == 404
    client.force_login(world.staff_a)
    assert client.get(reverse("training-log-detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("training-log-verify", args=[other.pk])).status_code == 404
    client.force_login(world.finance)
    assert client.get(reverse("training-log-list")).status_code == 403
    assert SelfLoggedTraining.objects.filter(pk=other.pk, status="pending").exists()


def test_verify_and_reject_actions(client, world, two):
    own, _other = two
    client.force_login(world.secretary)
    assert client.post(reverse("training-log-verify", args=[own.pk])).status_code == 403
    client.force_login(world.staff_a)
    response = client.post(reverse("training-log-reject", args=[own.pk]), {"reason": ""})
    assert response.status_code == 400
    response = client.post(reverse("training-log-verify", args=[own.pk]))
    assert response.status_code == 200 and response.json()["status"] == "verified"
    response = client.post(reverse("training-log-reject", args=[own.pk]), {"reason": "x"})
    assert response.status_code == 400  # already reviewed


def test_bulk_review(client, world, two):
    own, other = two
    second = f.SelfLoggedTrainingFactory(person=world.secretary_a, date=date(2025, 6, 3))
    client.force_login(world.staff_a)
    url = reverse("training-log-review")
    payload = {"ids": [own.pk, other.pk], "decision": "approve"}
    assert client.post(url, payload, content_type="application/json").status_code == 403
    payload = {"ids": [own.pk, second.pk], "decision": "reject", "reason": "证明缺失"}
    response = client.post(url, payload, content_type="application/json")
    assert response.json() == {"reviewed": 2}
    assert set(
        SelfLoggedTraining.objects.filter(person=world.secretary_a).values_list("status", flat=True)
    ) == {"rejected"}


def test_secretary_withdraws_a_pending_entry(client, world, two):
    own, _other = two
    client.force_login(world.secretary)
    assert client.delete(reverse("training-log-detail", args=[own.pk])).status_code == 204
    assert not SelfLoggedTraining.objects.filter(pk=own.pk).exists()


def test_courses_scope(client, world):
    district_course = f.CourseFactory(township=None, district=world.district)
    own = f.CourseFactory(township=world.town_a)
    other = f.CourseFactory(township=world.town_b)
    client.force_login(world.staff_a)
    ids = {row["id"] for row in client.get(reverse("course-list")).json()["results"]}
    assert ids == {district_course.pk, own.pk}
    assert client.get(reverse("course-detail", args=[other.pk])).status_code == 404
    response = client.patch(
        reverse("course-detail", args=[district_course.pk]),
        {"title": "改"},
        content_type="application/json",
    )
    assert response.status_code == 403
    response = client.post(
        reverse("course-list"),
        {
            "title": "甲镇班",
            "kind": "centralised",
            "start_date": "2025-09-01",
            "end_date": "2025-09-02",
            "hours": "16",
            "budget": "800",
            "level": "district",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (response.json()["level"], response.json()["township"]) == ("township", world.town_a.pk)
    client.force_login(world.secretary)
    ids = {row["id"] for row in client.get(reverse("course-list")).json()["results"]}
    assert ids == {district_course.pk, own.pk, response.json()["id"]}


def test_attendance_create_and_bulk(client, world):
    course = f.CourseFactory(township=world.town_a, hours=D("24"))
    client.force_login(world.staff_a)
    response = client.post(
        reverse("attendance-list"),
        {"course": course.pk, "person": world.secretary_a.pk, "hours": "24"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    outsider = f.PersonFactory(village=world.village_b)
    people = [f.PersonFactory(village=world.village_a) for _ in range(2)]
    bad = {
        "course": course.pk,
        "rows": [
            {"id_number": people[0].id_number, "hours": "8"},
            {"id_number": outsider.id_number},
            {"id_number": people[1].id_number, "name": "错名"},
        ],
    }
    response = client.post(reverse("attendance-bulk"), bad, content_type="application/json")
    assert response.status_code == 400
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [
        (2, "身份证号"),
        (3, "姓名"),
    ]
    assert Attendance.objects.count() == 1
    good = {"course": course.pk, "rows": [{"id_number": p.id_number} for p in people]}
    response = client.post(reverse("attendance-bulk"), good, content_type="application/json")
    assert response.json() == {"created": 2, "updated": 0}
    client.force_login(world.staff_b)
    ids = {row["id"] for row in client.get(reverse("attendance-list")).json()["results"]}
    assert ids == set()
    response = client.post(reverse("attendance-bulk"), good, content_type="application/json")
    assert response.status_code == 404


def test_compliance_endpoints(client, world):
    other = f.PersonFactory(village=world.village_b)
    f.PostFactory(person=other, village=world.village_b, start_date=date(2018, 1, 1))
    client.force_login(world.staff_a)
    rows = client.get(reverse("training-compliance-list"), {"year": 2025}).json()["results"]
    assert [(r["person"], r["required_days"], r["compliant"]) for r in rows] == [
        (world.secretary_a.pk, "7.0", False)
    ]
    assert (
        client.get(
            reverse("training-compliance-list"), {"year": 2025, "township": world.town_b.pk}
        ).status_code
        == 400
    )
    assert client.get(reverse("training-compliance-budget")).status_code == 403
    client.force_login(world.admin)
    rows = client.get(reverse("training-compliance-list"), {"year": 2025}).json()["results"]
    assert len(rows) == 2
    summaries = client.get(reverse("training-compliance-townships"), {"year": 2025}).json()
    assert [s["secretaries"] for s in summaries] == [1, 1]
    [budget] = client.get(reverse("training-compliance-budget"), {"year": 2025}).json()
    assert budget["secretaries"] == 2 and budget["standard"] == "300.00"
    client.force_login(world.secretary)
    rows = client.get(reverse("training-compliance-list"), {"year": 2025}).json()["results"]
    assert [r["person"] for r in rows] == [world.secretary_a.pk]
    client.force_login(world.reviewer_a)
    assert client.get(reverse("training-compliance-list")).status_code == 403


def test_api_list_query_counts(client, world, django_assert_max_num_queries):
    client.force_login(world.staff_a)
    for n in range(20):
        f.SelfLoggedTrainingFactory(person=world.secretary_a, date=date(2025, 3, 1 + n))
        f.AttendanceFactory(person=f.PersonFactory(village=world.village_a))
    for name in ("training-log-list", "attendance-list", "course-list"):
        with django_assert_max_num_queries(8):
            client.get(reverse(name), {"page_size": 100})


def test_schema_builds(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    assert b"/api/v1/training-logs/" in response.content
