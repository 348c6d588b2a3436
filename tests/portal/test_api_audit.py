"""Issue 9 item 3: every write through the API names its user in the audit trail, for token
and for session authentication (auditlog's middleware runs before DRF authenticates a token).
Issue 9 item 6: the people endpoint masks phones as the pages do."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from portal.models import AuditEntry

pytestmark = pytest.mark.django_db


def _patch(client, person, **headers):
    return client.patch(
        f"/api/v1/people/{person.pk}/",
        {"name": "李明书记"},
        content_type="application/json",
        **headers,
    )


def test_a_token_write_names_its_user(world):
    """Issue 9 item 3: token authentication."""
    token = Token.objects.create(user=world.staff_a)
    person = world.secretary_a
    response = _patch(Client(), person, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.get_for_object(person).latest("pk")
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.actor == world.staff_a


def test_a_session_write_names_its_user(client, world):
    """Issue 9 item 3: session authentication."""
    client.force_login(world.staff_a)
    person = world.secretary_a
    response = _patch(client, person)
    assert response.status_code == 200, response.content
    assert AuditEntry.objects.get_for_object(person).latest("pk").actor == world.staff_a


def test_a_token_workflow_step_names_its_user(world, settings, tmp_path):
    """A step through a service (a created row, not only a change) is named too."""
    settings.MEDIA_ROOT = tmp_path
    from subsidies.allowance.models import ApplicationEvent
    from tests.fixtures import Allowance

    f_policy(world)
    allowance = Allowance(world)
    application = allowance.declare()
    token = Token.objects.create(user=world.secretary)
    response = Client().post(
        f"/api/v1/allowance-applications/{application.pk}/village-review/",
        {"comment": "同意"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 200, response.content
    event = ApplicationEvent.objects.latest("pk")
    assert AuditEntry.objects.get_for_object(event).get().actor == world.secretary


def f_policy(world):
    from datetime import date

    from tests import factories as f

    f.policy(world.district, valid_from=date(2009, 1, 1))


def test_people_endpoint_masks_phones_for_finance(client, world):
    """Issue 9 item 6: finance reads masked phones in lists and records, as on the pages."""
    person = world.secretary_a

    person.phone = "13812345678"
    person.save()
    client.force_login(world.finance)
    listing = client.get("/api/v1/people/").json()
    phones = {row["id"]: row["phone"] for row in listing["results"]}
    assert phones[person.pk] == "138****5678"
    assert client.get(f"/api/v1/people/{person.pk}/").json()["phone"] == "138****5678"


def test_those_who_keep_the_record_see_the_full_phone(client, world):
    person = world.secretary_a
    person.phone = "13812345678"
    person.save()
    client.force_login(world.staff_a)
    assert client.get(f"/api/v1/people/{person.pk}/").json()["phone"] == "13812345678"
    listing = client.get("/api/v1/people/").json()
    assert {r["id"]: r["phone"] for r in listing["results"]}[person.pk] == "138****5678"
