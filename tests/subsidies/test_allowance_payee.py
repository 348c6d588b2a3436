"""Issue 9 item 1: a declaration never writes the registry on the declarant's behalf.

The probe: a secretary declared with the ID number of a township person whose bank fields
were empty, and the registry took the declared account, phone and bank; the change survived a
rejection and the next bank file paid the new account. Now the payee data stays on the
application as filed, township staff confirm one account when they approve (R-ALW-4 step 3),
the grant pays the confirmed account (R-ALW-4 step 5) and refusals name no registry data."""

import csv
import io
import json
from datetime import date

import pytest
from django.urls import reverse

from cadres.models import Person
from cadres.validators import make_id_number
from portal.models import AuditEntry
from subsidies import services as payroll_services
from subsidies.allowance import services
from subsidies.allowance.choices import ApplicationStatus as S
from subsidies.allowance.models import AllowanceApplication, AllowanceGrant
from subsidies.exports import ExportStream, run_ledger
from subsidies.models import PayrollRun
from tests import factories as f
from tests.fixtures import PNG, scan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

REFUSAL = "This person cannot be declared here."
FILED = "6228480000123456"
REGISTRY_FIELDS = ("name", "phone", "bank_name", "bank_account", "village_id")


def registry(person):
    person = Person.objects.get(pk=person.pk)
    return {name: getattr(person, name) for name in REGISTRY_FIELDS}


@pytest.fixture(autouse=True)
def _english_client(client):
    """The messages asserted are the English msgids: the requests ask for English."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def former(world):
    """A person of township A whose phone and bank fields are empty (the probe's target)."""
    return f.PersonFactory(
        village=world.village_a, name="钱老", phone="", bank_name="", bank_account=""
    )


def api_declaration(world, person, **overrides):
    data = {
        "village": world.village_a.pk,
        "name": person.name,
        "id_number": person.id_number,
        "phone": "13912345678",
        "bank_name": "某某银行",
        "bank_account": FILED,
        "declared_on": "2009-03-01",
        "tenures": json.dumps(
            [{"start_month": "1980-01-01", "end_month": "1999-12-01", "end_reason": "retired"}]
        ),
        "referees": json.dumps([{"name": "赵", "relation": "邻居", "phone": "139"}]),
        "scans": [scan("a.pdf"), scan("b.png", PNG)],
    }
    data.update(overrides)
    return data


def bank_file(run) -> list[list[str]]:
    content = b"".join(ExportStream(run_ledger(run), "bank")).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def test_the_probe_a_secretary_cannot_redirect_pay_through_the_api(
    client, world, allowance, former
):
    """Issue 9 item 1 (R-ALW-4 step 1): the exact probe through ``POST
    /api/v1/allowance-applications/``. The registry is unchanged, the filed data is kept on
    the application, and a rejection leaves nothing behind in the registry."""
    before = registry(former)
    client.force_login(world.secretary)
    response = client.post(reverse("allowance-application-list"), api_declaration(world, former))
    assert response.status_code == 201, response.json()
    assert registry(former) == before
    application = AllowanceApplication.objects.get(pk=response.json()["id"])
    assert (application.payee_bank_account, application.payee_phone) == (FILED, "13912345678")
    assert response.json()["payee"]["state"] == "added"
    assert response.json()["payee"]["filed_account"] == "************3456"

    staff = world.staff_a
    services.application_village_review(user=staff, application=application)
    services.application_start_review(
        user=staff, application=application, investigator=allowance.investigator
    )
    services.application_reject(user=staff, application=application, reason="不符合")
    assert registry(former) == before
    assert not AllowanceGrant.objects.exists()


def test_the_probe_through_the_declaration_page(client, world, allowance, former):
    from tests.fixtures import declaration_post

    before = registry(former)
    client.force_login(world.secretary)
    data = declaration_post(world, name=former.name, id_number=former.id_number)
    data["bank_account"] = FILED
    response = client.post(reverse("allowance:declare"), data)
    assert response.status_code == 302
    assert registry(former) == before
    assert AllowanceApplication.objects.get().payee_bank_account == FILED


@pytest.mark.parametrize("case", ["unknown", "other_township", "wrong_name", "other_village"])
def test_every_refusal_is_the_same_message_and_leaves_nothing(client, world, allowance, case):
    """Issue 9 item 1: no message reveals a registry name or that an ID number exists in
    another township; a secretary cannot register anyone through a declaration."""
    other_village = f.VillageFactory(township=world.town_a, code="V-A2", name="南村")
    people = {
        "unknown": None,
        "other_township": f.PersonFactory(village=world.village_b, name="孙老"),
        "wrong_name": f.PersonFactory(village=world.village_a, name="周老"),
        "other_village": f.PersonFactory(village=other_village, name="吴老"),
    }
    person = people[case]
    name = "孙老" if person is None else ("周大" if case == "wrong_name" else person.name)
    number = make_id_number("110101", date(1941, 1, 1), 321) if person is None else person.id_number
    count = Person.objects.count()
    client.force_login(world.secretary)
    response = client.post(
        reverse("allowance-application-list"),
        api_declaration(world, former_stub(name, number)),
    )
    assert response.status_code == 400
    assert response.json() == {"id_number": [REFUSAL]}
    text = json.dumps(response.json(), ensure_ascii=False)
    assert "周老" not in text and "乙街道" not in text
    assert Person.objects.count() == count and not AllowanceApplication.objects.exists()


def former_stub(name, number):
    class Stub:
        pass

    stub = Stub()
    stub.name, stub.id_number = name, number
    return stub


def test_staff_register_an_unknown_person_as_their_own_write_without_the_payee(world, allowance):
    application = allowance.declare(phone="13700000000")
    person = application.person
    assert (person.phone, person.bank_account, person.bank_name) == ("", "", "")
    assert application.payee_bank_account.startswith("6228")
    entry = AuditEntry.objects.get_for_object(person).get()
    assert entry.action == AuditEntry.Action.CREATE


def _to_decision(allowance, application):
    return allowance.advance(application, "opinions")


def test_approval_confirms_the_filed_account_and_the_grant_pays_it(world, allowance, former):
    """An account the registry lacks (``added``) is confirmed by the approving staff; the
    registry changes only when they ask, as their own audited write."""
    application = allowance.declare(
        name=former.name, id_number=former.id_number, bank_account=FILED
    )
    application = _to_decision(allowance, application)
    grant = services.application_approve(user=world.staff_a, application=application)
    assert (grant.bank_name, grant.bank_account) == ("农村信用社", FILED)
    assert registry(former)["bank_account"] == ""
    event = application.events.latest("pk")
    assert "the account as filed" in event.comment and "3456" in event.comment
    assert FILED not in event.comment


def test_approval_may_enter_the_confirmed_account_into_the_registry_audited(
    client, world, allowance, former
):
    application = _to_decision(
        allowance,
        allowance.declare(name=former.name, id_number=former.id_number, bank_account=FILED),
    )
    client.force_login(world.staff_a)
    response = client.post(
        reverse("allowance-application-approve", args=[application.pk]),
        {"payee": "filed", "update_registry": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert registry(former)["bank_account"] == FILED
    entry = AuditEntry.objects.get_for_object(former).latest("pk")
    assert entry.actor == world.staff_a
    assert "bank_account" in entry.changes_dict


def test_a_differing_account_needs_a_choice_and_the_registry_one_can_be_kept(
    client, world, allowance
):
    person = f.PersonFactory(village=world.village_a, bank_account="6221000000009999")
    application = _to_decision(
        allowance,
        allowance.declare(name=person.name, id_number=person.id_number, bank_account=FILED),
    )
    client.force_login(world.staff_a)
    page = client.get(application.get_absolute_url()).content.decode()
    assert 'data-state="differs"' in page and 'name="payee"' in page
    assert "9999" in page and "3456" in page and FILED not in page
    url = reverse("allowance-application-approve", args=[application.pk])
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 400
    assert "choose which one" in json.dumps(response.json())
    assert AllowanceApplication.objects.get(pk=application.pk).status == S.TOWNSHIP_REVIEW
    response = client.post(
        reverse("allowance:application-action", args=[application.pk, "approve"]),
        {"payee": "registry", "comment": "会议通过", "confirm": "yes"},
    )
    assert response.status_code == 302
    grant = AllowanceGrant.objects.get(application=application)
    assert grant.bank_account == "6221000000009999"
    page = client.get(application.get_absolute_url()).content.decode()
    assert 'id="payee-confirmed"' in page


def test_the_bank_file_pays_only_the_confirmed_account(world, payroll, allowance, former):
    """The probe's last step: the bank file of the month after approval pays the confirmed
    account, never an account a declaration named on its own. Here staff keep the registry's
    account although the declaration filed another: the filed one appears nowhere."""
    from django.db.models import Q

    Person.objects.filter(pk=former.pk).update(
        bank_name="农村信用社", bank_account="6221000000007777"
    )
    application = allowance.declare(
        name=former.name, id_number=former.id_number, bank_account=FILED, months=230
    )
    application = _to_decision(allowance, application)
    services.application_approve(user=world.staff_a, application=application, payee="registry")
    AllowanceApplication.objects.filter(pk=application.pk).update(
        decided_at="2026-03-10T10:00:00+08:00"
    )
    # a registry change afterwards does not redirect the grant: it pays what was confirmed
    Person.objects.filter(pk=former.pk).update(bank_account="6221000000005555")
    run = PayrollRun.objects.create(township=world.town_a, month=date(2026, 3, 1))
    run = payroll_services.run_compute(run_id=run.pk, user=world.staff_a)
    run = payroll_services.run_approve(user=world.staff_a, run=run, acknowledge=True)
    run = payroll_services.run_lock(user=world.finance, run=run)
    rows = bank_file(run)
    accounts = [row[1] for row in rows[1:]]
    assert "6221000000007777" in accounts
    assert FILED not in accounts and "6221000000005555" not in accounts
    assert not run.lines.filter(Q(bank_account=FILED) | Q(bank_account="6221000000005555"))
