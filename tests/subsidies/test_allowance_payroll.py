"""The living allowance paid through the payroll run (R-ALW-3, R-ALW-4 step 5), on SQLite and
PostgreSQL: the first run after approval pays the month and ONE arrears line, the next months
only their own line, nothing after the month of death, never a month twice; the application
becomes "paid" when finance locks the ledger that pays it."""

from datetime import date
from decimal import Decimal

import pytest

from cadres.models import Person
from subsidies import services
from subsidies.allowance.choices import ApplicationStatus as S
from subsidies.allowance.models import AllowanceApplication
from subsidies.choices import Component, LineKind
from subsidies.derivations import render
from subsidies.models import PaymentLine, PayrollRun
from subsidies.rules import describe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

JAN10 = date(2010, 1, 1)
MAR26, APR26, MAY26 = date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)


def compute(world, month):
    run = PayrollRun.objects.get_or_create(township=world.town_a, month=month)[0]
    return services.run_compute(run_id=run.pk, user=world.staff_a)


def approve_lock(world, run):
    run = services.run_approve(user=world.staff_a, run=run, acknowledge=True)
    return services.run_lock(user=world.finance, run=run)


def allowance_lines(run, person):
    return {
        (line.kind, line.pays_for): line
        for line in PaymentLine.objects.filter(
            run=run, person=person, component=Component.ALLOWANCE
        )
    }


@pytest.fixture
def grant(world, payroll, allowance):
    """A former secretary (230 months, retired 2008) declared in 2009: 200 a month from
    January 2010, approved in March 2026."""
    application = allowance.advance(allowance.declare(months=230), S.APPROVED)
    AllowanceApplication.objects.filter(pk=application.pk).update(
        decided_at="2026-03-10T10:00:00+08:00"
    )
    return application.grant


def test_first_run_after_approval_pays_the_month_and_one_arrears_line(world, grant):
    march = compute(world, MAR26)
    got = allowance_lines(march, grant.person)
    assert set(got) == {(LineKind.REGULAR, MAR26), (LineKind.ARREARS, JAN10)}
    regular, arrears = got[(LineKind.REGULAR, MAR26)], got[(LineKind.ARREARS, JAN10)]
    assert regular.amount == Decimal("200.00")
    assert arrears.amount == Decimal("38800.00")  # 194 months (2010-01 … 2026-02) × 200
    assert regular.source == arrears.source == f"grant:{grant.pk}"
    assert arrears.derivation["months"] == 194
    assert arrears.derivation["spans"] == [["2010-01", "2026-02"]]
    assert describe(arrears.derivation) == (
        f"arrears of living allowance for 2010-01–2026-02: 38800.00 = 194 months × 200.00 "
        f"(grant #{grant.pk})"
    )
    assert render(regular.derivation).startswith("living allowance 200.00 for 2026-03 = tier 2")
    assert regular.account_name == grant.person.name
    assert regular.village_name == world.village_a.name  # the snapshot of the home village
    # recomputing the run replaces, never duplicates
    march = services.run_compute(run_id=march.pk, user=world.staff_a)
    assert len(allowance_lines(march, grant.person)) == 2

    approve_lock(world, march)
    april = compute(world, APR26)
    got = allowance_lines(april, grant.person)
    assert set(got) == {(LineKind.REGULAR, APR26)}
    assert (
        PaymentLine.objects.filter(
            person=grant.person, component=Component.ALLOWANCE, kind=LineKind.ARREARS
        ).count()
        == 1
    )


def test_a_later_month_computed_first_leaves_nothing_to_pay_twice(world, grant):
    april = compute(world, APR26)
    assert allowance_lines(april, grant.person)[(LineKind.ARREARS, JAN10)].amount == Decimal(
        "39000.00"
    )  # 195 months up to March
    march = compute(world, MAR26)
    assert allowance_lines(march, grant.person) == {}
    total = sum(
        PaymentLine.objects.filter(person=grant.person, component=Component.ALLOWANCE).values_list(
            "amount", flat=True
        )
    )
    assert total == Decimal("39200.00")  # Jan 2010 … Apr 2026: 196 months, each once


def test_death_in_a_month_is_paid_for_that_month_and_nothing_after(world, grant):
    approve_lock(world, compute(world, MAR26))
    Person.objects.filter(pk=grant.person_id).update(died_on=date(2026, 4, 12))
    april = compute(world, APR26)
    line = allowance_lines(april, grant.person)[(LineKind.REGULAR, APR26)]
    assert line.amount == Decimal("200.00")
    assert "not paid after the month of death (2026-04-12)" in describe(line.derivation)
    approve_lock(world, april)
    may = compute(world, MAY26)
    assert allowance_lines(may, grant.person) == {}


def test_a_death_recorded_late_reclaims_the_months_paid_after_it(world, grant):
    approve_lock(world, compute(world, MAR26))
    approve_lock(world, compute(world, APR26))
    Person.objects.filter(pk=grant.person_id).update(died_on=date(2026, 3, 20))
    may = compute(world, MAY26)
    (line,) = allowance_lines(may, grant.person).values()
    assert (line.kind, line.pays_for, line.amount) == (
        LineKind.ADJUSTMENT,
        APR26,
        Decimal("-200.00"),
    )
    assert line.derivation["spans"] == [["2026-04", "2026-04"]]
    approve_lock(world, may)
    june = compute(world, date(2026, 6, 1))
    assert allowance_lines(june, grant.person) == {}


def test_only_the_runs_of_the_home_township_pay(world, grant):
    run_b = PayrollRun.objects.create(township=world.town_b, month=MAR26)
    run_b = services.run_compute(run_id=run_b.pk, user=world.staff_b)
    assert not PaymentLine.objects.filter(run=run_b, component=Component.ALLOWANCE).exists()


def test_the_application_is_paid_when_the_ledger_is_locked(world, grant, allowance):
    application = grant.application
    march = compute(world, MAR26)
    allowance.acknowledge_all(application)
    assert AllowanceApplication.objects.get(pk=application.pk).status == S.REPORTED
    approve_lock(world, march)
    application = AllowanceApplication.objects.get(pk=application.pk)
    assert application.status == S.PAID
    event = application.events.latest("pk")
    assert (event.from_status, event.to_status, event.user) == (S.REPORTED, S.PAID, world.finance)


def test_a_ledger_locked_before_the_report_is_complete_pays_on_the_last_acknowledgement(
    world, grant, allowance
):
    approve_lock(world, compute(world, MAR26))
    application = AllowanceApplication.objects.get(pk=grant.application_id)
    assert application.status == S.APPROVED  # the grant pays from approval
    allowance.acknowledge_all(application)
    application = AllowanceApplication.objects.get(pk=application.pk)
    assert application.status == S.PAID
    assert list(application.events.values_list("to_status", flat=True))[-2:] == [
        S.REPORTED,
        S.PAID,
    ]
