"""Public disclosure (SPEC §3 "Public disclosure", issue 6): no login; only locked ledgers;
names masked; no ID numbers, bank data or internal ids; cached, and a newly locked ledger
shows at once."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

from portal.masking import mask_id_number
from subsidies.choices import Component, LineKind
from subsidies.models import PaymentLine, PayrollRun
from tests import factories as f
from tests.subsidies.ledgers import DEC, NOV, appraise, approve_lock, build, compute

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

INDEX = reverse("disclosure:index")


def village_url(township="T-A", village="V-A1", year=2026):
    return reverse("disclosure:village-year", args=[township, village, year])


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ledgers(world, payroll):
    """甲镇 November locked; 乙街道 November only computed (never public)."""
    return build(world, payroll, lock_b=False)


def one_off_line(run, person, component, amount, pays_for=NOV):
    """An award or allowance line in a locked run, with the snapshots compute would take."""
    return PaymentLine.objects.create(
        run=run,
        person=person,
        village=None,
        component=component,
        kind=LineKind.REGULAR,
        pays_for=pays_for,
        amount=Decimal(amount),
        derivation={"component": component, "amount": amount},
        source=f"{component}:1",
        account_name=person.name,
        bank_name=person.bank_name,
        bank_account=person.bank_account,
        village_code=person.village.code,
        village_name=person.village.name,
        id_number_masked=mask_id_number(person.id_number),
    )


def test_index_and_township_list_only_locked_ledgers(client, world, ledgers):
    page = client.get(INDEX)
    assert page.status_code == 200
    html = page.content.decode()
    assert world.district.name in html and "甲镇" in html
    assert "乙街道" not in html  # its run is computed, not locked
    township = client.get(reverse("disclosure:township", args=["T-A"])).content.decode()
    assert "东村" in township and "南村" in township
    assert village_url() in township
    assert client.get(reverse("disclosure:township", args=["T-B"])).status_code == 404
    assert client.get(village_url("T-B", "V-B1")).status_code == 404


def test_village_year_shows_masked_totals_and_nothing_private(client, world, ledgers):
    response = client.get(village_url())
    assert response.status_code == 200
    html = response.content.decode()
    people = [world.secretary_a, ledgers.no_account, ledgers.held]
    lines = PaymentLine.objects.filter(run=ledgers.run_a, village_code="V-A1")
    for person in people:
        assert person.name not in html
        assert person.id_number not in html
        assert mask_id_number(person.id_number) not in html
        assert person.id_number[-4:] not in html
        if person.bank_account:
            assert person.bank_account not in html and person.bank_account[-4:] not in html
    assert "李*记" in html  # the one-shoulder secretary, masked
    secretary = sum(line.amount for line in lines.filter(person=world.secretary_a))
    assert f"{secretary:,.2f}" in html  # issue 10: 1,100.00
    village_total = sum(line.amount for line in lines)
    assert f"{village_total:,.2f}" in html
    # no internal ids: every link is a public page or a static file
    for href in re.findall(r'href="([^"]+)"', html):
        assert href.startswith(("/public/", "/static/")), href
    assert "/people/" not in html and "/payroll/" not in html
    # the other township's unlocked run is not counted
    assert "王*记" not in html


def test_roles_come_from_the_lines(client, world, ledgers):
    from subsidies.disclosure import selectors

    page = selectors.village_year("T-A", "V-A1", 2026)
    roles = {row.name: row.role for row in page.cadres}
    assert roles["李*记"] == "one_shoulder"
    assert set(roles.values()) == {"one_shoulder", "member"}
    assert [r.name for r in page.cadres] == sorted(r.name for r in page.cadres)
    assert page.months == [NOV]


def test_awards_and_allowances_are_listed(client, world, ledgers):
    former = f.PersonFactory(village=world.village_a, name="赵老书记")
    one_off_line(ledgers.run_a, former, Component.ALLOWANCE, "200.00")
    one_off_line(ledgers.run_a, former, Component.ALLOWANCE, "200.00", pays_for=date(2026, 10, 1))
    one_off_line(ledgers.run_a, world.secretary_a, Component.AWARD, "5000.00")
    html = client.get(village_url()).content.decode()
    awards = html.split("Annual awards")[1].split("Living allowance")[0]
    assert "5,000.00" in awards
    assert "赵**记" in html and "400.00" in html
    assert "赵老书记" not in html
    from subsidies.disclosure import selectors

    page = selectors.village_year("T-A", "V-A1", 2026)
    assert [(r.name, r.months, r.amount) for r in page.allowances] == [
        ("赵**记", 2, Decimal("400.00"))
    ]
    assert [(r.name, r.amount) for r in page.awards] == [("李*记", Decimal("5000.00"))]
    # the award is not remuneration
    secretary = next(r for r in page.cadres if r.name == "李*记")
    assert secretary.total == secretary.basic + secretary.performance + secretary.floor_topup


def test_public_pages_are_cached_and_write_no_session(client, world, ledgers):
    response = client.get(village_url())
    assert response["Cache-Control"] in ("public, max-age=600", "max-age=600, public")
    assert "Accept-Language" in response["Vary"]
    assert not response.cookies  # no session cookie, no CSRF cookie
    assert not response.wsgi_request.session.accessed  # the session was never read
    assert not Session.objects.exists()
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert client.post(village_url()).status_code == 405


def test_a_cached_page_costs_one_query(client, world, ledgers, django_assert_num_queries):
    client.get(village_url())
    with django_assert_num_queries(1):  # the ledger stamp
        assert client.get(village_url()).status_code == 200


def test_a_newly_locked_ledger_shows_at_once(client, world, ledgers):
    before = client.get(village_url()).content.decode()
    assert "2026-12" not in before
    appraise([world.secretary_a, ledgers.no_account, ledgers.tricky], DEC)
    december = compute(world, world.town_a, DEC)
    assert "2026-12" not in client.get(village_url()).content.decode()  # computed, not locked
    approve_lock(world, december)
    after = client.get(village_url()).content.decode()
    assert "2026-12" in after


def test_unlocked_runs_never_appear(client, world, payroll):
    run = PayrollRun.objects.create(township=world.town_a, month=NOV)
    compute(world, world.town_a)
    run.refresh_from_db()
    assert run.line_count
    assert client.get(INDEX).status_code == 200
    assert "甲镇" not in client.get(INDEX).content.decode()
    assert client.get(village_url()).status_code == 404
    assert client.get(reverse("disclosure:township", args=["T-A"])).status_code == 404


@pytest.mark.parametrize("year", [0, 1899, 3000, 99999])
def test_silly_years_are_not_found(client, world, ledgers, year):
    # The year converter (1900–2999, issue 9) does not even reverse such a year.
    assert client.get(f"/public/T-A/V-A1/{year}/").status_code == 404


def test_the_public_pages_print_the_districts_chain_head(client, world, payroll):
    """SPEC §3: the head (position and hash of the newest link) is on the public pages, and
    moves at once when any township of the district locks a ledger."""
    ledgers = build(world, payroll, lock_b=False)
    first = f"1:{ledgers.run_a.ledger_hash}"
    for url in (INDEX, reverse("disclosure:township", args=["T-A"]), village_url()):
        page = client.get(url).content.decode()
        assert "Ledger chain head" in page and first in page, url
    run_b = approve_lock(world, ledgers.run_b)  # another township locks
    second = f"2:{run_b.ledger_hash}"
    for url in (INDEX, reverse("disclosure:township", args=["T-A"]), village_url()):
        page = client.get(url).content.decode()
        assert second in page and first not in page, url
