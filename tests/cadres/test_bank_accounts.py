"""Issue 9 item 2: a bank account is 8 to 32 digits, optionally grouped by spaces, wherever it
enters — the registry's form, the API, the import, the allowance declaration (page and API).
Formula text such as ``=HYPERLINK(…)`` is refused with a clear message and nothing is saved
(SPEC §2, §3)."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cadres.importer import registry_import
from cadres.models import Person
from portal.validators import validate_bank_account
from subsidies.allowance.models import AllowanceApplication
from tests.cadres.importfiles import ID_WANG, PEOPLE_HEADERS, csv_bytes
from tests.fixtures import PNG, scan

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","1")'
MESSAGE = "A bank account is 8 to 32 digits, optionally grouped by spaces."


@pytest.fixture(autouse=True)
def _english_client(client):
    """The messages asserted are the English msgids: the requests ask for English."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("", True),
        ("12345678", True),
        ("6222 0212 3456 7890", True),
        ("1" * 32, True),
        ("1234567", False),  # 7 digits
        ("1" * 33, False),
        (FORMULA, False),
        ("+6222021234567890", False),
        ("-6222021234567890", False),
        ("@6222021234567890", False),
        ("\t6222021234567890", False),
        ("6222-0212-3456-7890", False),
        ("6222  0212 3456", False),  # a double space
        (" 62220212345678", False),
        ("６２２２０２１２３４５６", False),  # full-width digits are not ASCII digits
    ],
)
def test_the_validator(value, ok):
    """Issue 9 item 2: the rule as a table."""
    if ok:
        validate_bank_account(value)
    else:
        with pytest.raises(ValidationError, match="8 to 32 digits"):
            validate_bank_account(value)


def test_the_api_refuses_formula_text_and_saves_nothing(client, world):
    person = world.secretary_a
    before = Person.objects.filter(pk=person.pk).values().get()
    client.force_login(world.staff_a)
    response = client.patch(
        f"/api/v1/people/{person.pk}/",
        {"bank_account": FORMULA, "name": "改名"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["bank_account"] == [MESSAGE]
    assert Person.objects.filter(pk=person.pk).values().get() == before


def test_the_form_refuses_formula_text_and_saves_nothing(client, world):
    from tests.fixtures import person_form

    person = world.secretary_a
    before = Person.objects.filter(pk=person.pk).values().get()
    client.force_login(world.staff_a)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("cadres:person-edit", args=[person.pk]),
        person_form(person, bank_account=FORMULA, name="改名"),
    )
    assert response.status_code in (200, 400)
    assert MESSAGE in response.content.decode()
    assert Person.objects.filter(pk=person.pk).values().get() == before


def test_the_import_refuses_formula_text_and_writes_nothing(world):
    row = ["V-A1", "王五", ID_WANG, None, None, None, None, "农村信用社", FORMULA]
    people = Person.objects.count()
    # CSV: the text arrives as typed (in an XLSX, openpyxl would store it as a formula cell)
    result = registry_import(
        user=None, source=io.BytesIO(csv_bytes([PEOPLE_HEADERS, row])), name="people.csv"
    )
    assert not result.ok
    reasons = [e.reason for e in result.errors if e.column == "银行账号"]
    assert any("8 to 32 digits" in r for r in reasons), [str(e) for e in result.errors]
    assert Person.objects.count() == people


def test_the_declaration_refuses_formula_text_by_api_and_page(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.staff_a)
    response = client.post(
        reverse("allowance-application-list"),
        {
            "village": world.village_a.pk,
            "name": world.secretary_a.name,
            "id_number": world.secretary_a.id_number,
            "bank_name": "银行",
            "bank_account": FORMULA,
            "declared_on": "2009-03-01",
            "tenures": json.dumps(
                [{"start_month": "1980-01-01", "end_month": "1999-12-01", "end_reason": "retired"}]
            ),
            "referees": json.dumps([{"name": "赵", "relation": "邻居", "phone": "139"}]),
            "scans": [scan("b.png", PNG)],
        },
    )
    assert response.status_code == 400
    assert response.json()["bank_account"] == [MESSAGE]
    from tests.fixtures import declaration_post

    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("allowance:declare"), declaration_post(world, bank_account=FORMULA)
    )
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert not AllowanceApplication.objects.exists()
