"""The living allowance and award lists in the REST API, scoped like the pages: a multipart
declaration, each step as an action (400 with the message when the application is not ready,
403 for a role that may not take it), the ledger with its filters, and the award list's
ranking, tie choice and approvals."""

import json
from datetime import date

import pytest
from django.urls import reverse

from subsidies.allowance.choices import ApplicationStatus as S
from subsidies.allowance.models import AllowanceApplication
from subsidies.choices import AwardStatus
from tests import factories as f
from tests.fixtures import PNG, scan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def en(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def act(client, application, name, **data):
    url = reverse(f"allowance-application-{name}", args=[application.pk])
    return client.post(url, data, content_type="application/json")


def test_declare_by_multipart_and_read_back(client, world, allowance):
    from cadres.validators import make_id_number

    # a secretary declares a former secretary the registry holds in their village
    former = f.PersonFactory(
        village=world.village_a,
        name="冯老",
        id_number=make_id_number("110101", date(1938, 1, 5), 7),
        bank_name="",
        bank_account="",
    )
    client.force_login(world.secretary)
    response = client.post(
        reverse("allowance-application-list"),
        {
            "village": world.village_a.pk,
            "name": "冯老",
            "id_number": former.id_number,
            "declared_on": "2009-03-01",
            "tenures": json.dumps(
                [{"start_month": "1980-01-01", "end_month": "1999-12-01", "end_reason": "retired"}]
            ),
            "referees": json.dumps([{"name": "赵", "relation": "邻居", "phone": "139"}]),
            "scans": [scan("a.pdf"), scan("b.png", PNG)],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "declared" and body["eligibility"]["months"] == 240
    assert body["eligibility"]["eligible"] and body["eligibility"]["monthly_amount"] == "200.00"
    assert body["actions"] == []  # the declarant does not review it (issue 9 item 7)
    assert len(body["scans"]) == 2 and body["scans"][0]["url"].startswith("/allowance/scans/")
    assert "*" in body["id_number"]


def test_declaration_refusals_are_400_and_roles_403(client, world, allowance):
    client.force_login(world.staff_a)
    response = client.post(
        reverse("allowance-application-list"),
        {
            "village": world.village_a.pk,
            "name": "冯老",
            "id_number": "110101193801050075",
            "declared_on": "2009-03-01",
            "tenures": "[]",
            "referees": "[]",
            "scans": [],
        },
    )
    assert response.status_code == 400
    assert "at least one secretary tenure" in json.dumps(response.json(), ensure_ascii=False)
    client.force_login(world.finance)
    response = client.post(
        reverse("allowance-application-list"),
        {
            "village": world.village_a.pk,
            "name": "x",
            "id_number": "1",
            "declared_on": "2009-01-01",
            "tenures": "[]",
            "referees": "[]",
        },
    )
    assert response.status_code in (400, 403)  # the village is outside finance's choices
    assert not AllowanceApplication.objects.exists()


def test_steps_as_actions(client, world, allowance):
    application = allowance.declare()
    client.force_login(world.staff_a)
    response = act(client, application, "approve")
    assert response.status_code == 400
    assert "village preliminary review" in str(response.json())
    client.force_login(world.finance)
    assert act(client, application, "village-review").status_code == 403
    client.force_login(world.secretary)
    assert act(client, application, "village-review", comment="同意").status_code == 200
    client.force_login(world.staff_a)
    response = act(client, application, "start-review", investigator=allowance.investigator.pk)
    assert response.json()["status"] == S.TOWNSHIP_REVIEW
    client.force_login(allowance.discipline)
    assert (
        act(client, application, "opinion", text="无").json()["opinions"][0]["kind"] == "discipline"
    )
    client.force_login(allowance.comprehensive)
    assert act(client, application, "opinion", text="无").status_code == 200
    client.force_login(world.staff_a)
    response = act(client, application, "approve", comment="会议通过")
    assert response.json()["status"] == S.APPROVED and response.json()["grant"]
    client.force_login(world.finance)
    assert act(client, application, "acknowledge", body="organisation").status_code == 403
    assert act(client, application, "acknowledge", body="finance").status_code == 200
    client.force_login(world.admin)
    assert act(client, application, "acknowledge", body="labour").status_code == 400
    act(client, application, "acknowledge", body="labour", comment="劳动局李科长")
    response = act(client, application, "acknowledge", body="organisation")
    assert response.json()["status"] == S.REPORTED
    assert [e["to_status"] for e in response.json()["events"]][-1] == S.REPORTED


def test_api_scope(client, world, allowance):
    declared = allowance.declare()
    sent = allowance.advance(allowance.declare(), S.TOWNSHIP_REVIEW)
    client.force_login(allowance.discipline)
    ids = [a["id"] for a in client.get(reverse("allowance-application-list")).json()["results"]]
    assert ids == [sent.pk]
    url = reverse("allowance-application-detail", args=[declared.pk])
    assert client.get(url).status_code == 404
    client.force_login(world.staff_b)
    assert client.get(reverse("allowance-application-list")).json()["results"] == []
    assert client.get(reverse("allowance-grant-list")).json()["results"] == []


def test_grant_ledger_api(client, world, allowance, django_assert_max_num_queries):
    from tests.subsidies.test_allowance_pages import make_grants

    make_grants(world, 4)
    make_grants(world, 2, tier=2)
    client.force_login(world.finance)
    with django_assert_max_num_queries(8):
        body = client.get(reverse("allowance-grant-list"), {"tier": 2}).json()
    assert body["count"] == 2 and {g["monthly_amount"] for g in body["results"]} == {"200.00"}
    assert all("*" in g["bank_account"] or g["bank_account"] == "" for g in body["results"])
    assert client.get(reverse("allowance-grant-list"), {"status": "stopped"}).json()["count"] == 0


def test_award_list_api(client, world):
    from subsidies.models import Policy

    Policy.objects.create(district=world.district, valid_from=date(2020, 1, 1))
    people = [world.secretary_a]
    for _n in range(13):
        village = f.VillageFactory(township=world.town_a)
        person = f.PersonFactory(village=village)
        f.PostFactory(person=person, village=village, start_date=date(2015, 1, 1))
        people.append(person)
    for person, score in zip(people, ["95", "90", "90", *["80"] * 11], strict=True):
        f.AssessmentFactory(person=person, year=2025, score=score)
    client.force_login(world.staff_a)
    response = client.post(
        reverse("award-list-list"),
        {"township": world.town_a.pk, "year": 2025},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["candidates"], body["quota"], body["places_for_tied"]) == (14, 2, 1)
    tied = [e["person"] for e in body["entries"] if e["tied"]]
    assert len(tied) == 2
    pk = body["id"]
    submit = reverse("award-list-submit", args=[pk])
    assert client.post(submit, {}, content_type="application/json").status_code == 400
    choose = reverse("award-list-choose", args=[pk])
    assert (
        client.post(choose, {"person_ids": tied}, content_type="application/json").status_code
        == 400
    )
    client.post(choose, {"person_ids": tied[:1]}, content_type="application/json")
    assert client.post(submit, {}, content_type="application/json").json()["status"] == (
        AwardStatus.SUBMITTED
    )
    approve = reverse("award-list-approve", args=[pk])
    assert client.post(approve, {}, content_type="application/json").status_code == 403
    client.force_login(world.admin)
    back = reverse("award-list-send-back", args=[pk])
    assert client.post(back, {"reason": ""}, content_type="application/json").status_code == 400
    assert client.post(approve, {}, content_type="application/json").json()["status"] == (
        AwardStatus.APPROVED
    )
    client.force_login(world.finance)
    record = reverse("award-list-record", args=[pk])
    assert client.post(record, {}, content_type="application/json").json()["status"] == (
        AwardStatus.RECORDED
    )
    client.force_login(world.staff_b)
    assert client.get(reverse("award-list-detail", args=[pk])).status_code == 404
