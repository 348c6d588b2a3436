"""R-PAY-3 across townships: one pay per person per *day*, each township paying its own days
(issue 9, item 10a), corrections compared per township, the R-PAY-5 floor settled once per
person and year, and a recompute giving the same lines as the first compute (item 10b)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from cadres.choices import EndReason, PostRole
from subsidies import services
from subsidies.choices import Component, LineKind
from subsidies.models import PaymentLine, PayrollRun, RuralIncome
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOV = date(2026, 11, 1)
DEC = date(2026, 12, 1)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's"
)


def run_for(township, month=NOV):
    return PayrollRun.objects.get_or_create(township=township, month=month)[0]


def compute(world, township, month=NOV):
    user = world.staff_a if township == world.town_a else world.staff_b
    return services.run_compute(run_id=run_for(township, month).pk, user=user)


def approve_lock(world, run):
    user = world.staff_a if run.township_id == world.town_a.pk else world.staff_b
    run = services.run_approve(user=user, run=run, acknowledge=True)
    return services.run_lock(user=world.finance, run=run)


def person_lines(run, person, **filters):
    return {
        (line.component, line.kind): line
        for line in PaymentLine.objects.filter(run=run, person=person, **filters)
    }


def appraise(person, month, grade="competent"):
    end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    f.AppraisalFactory(
        person=person,
        period_start=month,
        period_end=date.fromordinal(end.toordinal() - 1),
        grade=grade,
    )


@pytest.fixture
def mover(world):
    """A secretary of a village of township A (standard 500) until 15 November 2026 who is
    secretary and director ("one shoulder") of a village of township B (standard 400) from
    the 16th; appraised competent for November and December."""
    f.policy(world.district)
    f.standard(world.town_a, "500.00")
    f.standard(world.town_b, "400.00")
    village_a2 = f.VillageFactory(township=world.town_a, code="V-A2", name="南村")
    person = f.PersonFactory(village=village_a2, name="王迁")
    f.PostFactory(
        person=person,
        village=village_a2,
        start_date=date(2020, 1, 1),
        end_date=date(2026, 11, 15),
        end_reason=EndReason.TERM_ENDED,
    )
    for role in (PostRole.SECRETARY, PostRole.DIRECTOR):
        f.PostFactory(
            person=person, village=world.village_b, role=role, start_date=date(2026, 11, 16)
        )
    for month in (NOV, DEC):
        appraise(person, month)
    return person


@pytest.mark.parametrize("order", ["A then B", "B then A"])
def test_r_pay_3_a_move_mid_month_each_township_pays_its_own_days(world, mover, order):
    """R-PAY-3: the move on the 16th is paid by both townships, each for its days; together
    one month's pay at the blended rates."""
    townships = [world.town_a, world.town_b]
    if order == "B then A":
        townships.reverse()
    for township in townships:
        compute(world, township)
    got_a = person_lines(run_for(world.town_a), mover)
    got_b = person_lines(run_for(world.town_b), mover)
    regular = LineKind.REGULAR
    # A: secretary 500 × 15/30 and performance 500 × 15/30 × 1.0, for 1–15 November.
    assert got_a[("basic", regular)].amount == Decimal("250.00")
    assert got_a[("performance", regular)].amount == Decimal("250.00")
    assert (got_a[("basic", regular)].covers_from, got_a[("basic", regular)].covers_to) == (
        date(2026, 11, 1),
        date(2026, 11, 15),
    )
    # B: one shoulder 600 × 15/30 and performance 400 × 15/30, for 16–30 November.
    assert got_b[("basic", regular)].amount == Decimal("300.00")
    assert got_b[("performance", regular)].amount == Decimal("200.00")
    assert (
        got_b[("performance", regular)].covers_from,
        got_b[("performance", regular)].covers_to,
    ) == (
        date(2026, 11, 16),
        date(2026, 11, 30),
    )
    blended_basic = (Decimal(500) * 15 + Decimal(600) * 15) / 30
    blended_performance = (Decimal(500) * 15 + Decimal(400) * 15) / 30
    total = PaymentLine.objects.filter(person=mover, pays_for=NOV).values_list("amount", flat=True)
    assert sum(total) == blended_basic + blended_performance == Decimal("1000")


def test_r_pay_3_the_same_day_paid_in_another_run_is_refused_by_the_service(world, mover):
    """R-PAY-3: B's post corrected to start on the 15th, a day A pays: B's compute is refused
    with a clear message naming the person (the service on SQLite, the exclusion constraint on
    PostgreSQL), and nothing of B's run is written."""
    compute(world, world.town_a)
    compute(world, world.town_b)
    mover.posts.filter(village=world.village_b).update(start_date=date(2026, 11, 15))
    with pytest.raises(ValidationError, match="already paid this component") as refused:
        compute(world, world.town_b)
    assert "王迁" in str(refused.value)
    # the first compute of B is still in place, unchanged
    run_b = run_for(world.town_b)
    assert person_lines(run_b, mover)[("basic", LineKind.REGULAR)].covers_from == date(2026, 11, 16)


@on_postgresql
def test_r_pay_3_the_database_refuses_a_day_paid_twice(world, mover):
    """R-PAY-3 on PostgreSQL: the exclusion constraint refuses a regular line of the same
    person and component over a day another run's line covers, whatever wrote it."""
    compute(world, world.town_a)
    line = person_lines(run_for(world.town_a), mover)[("basic", LineKind.REGULAR)]
    town_c = f.TownshipFactory(district=world.district, code="T-C")
    line.pk, line.run = None, run_for(town_c)
    line.covers_from = line.covers_to = date(2026, 11, 15)
    with pytest.raises(IntegrityError, match="one_pay_a_day"), transaction.atomic():
        line.save()
    line.covers_from = line.covers_to = date(2026, 11, 16)  # a day A does not pay: accepted
    line.save()


@pytest.mark.parametrize(
    ("covers_from", "covers_to"),
    [
        (date(2026, 11, 20), date(2026, 11, 10)),  # backwards
        (date(2026, 10, 31), date(2026, 11, 10)),  # starts in another month
        (date(2026, 11, 20), date(2026, 12, 1)),  # ends in another month
        (None, None),  # a regular basic line must say which days it pays
    ],
)
def test_r_pay_3_a_line_covers_days_of_its_own_month(world, mover, covers_from, covers_to):
    compute(world, world.town_a)
    line = person_lines(run_for(world.town_a), mover)[("basic", LineKind.REGULAR)]
    line.covers_from, line.covers_to = covers_from, covers_to
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


def test_r_pay_3_corrections_compare_each_townships_days_with_its_own_runs(world, mover):
    """SPEC §3 corrections after lock: A's due for its days against what A's runs paid, not
    against what every run paid; a corrected tenure in B is adjusted by B alone."""
    approve_lock(world, compute(world, world.town_a))
    approve_lock(world, compute(world, world.town_b))
    mover.phone = "13900000001"
    mover.save()  # a change after the lock: the mover is looked at again in December
    december_a = compute(world, world.town_a, DEC)
    assert not PaymentLine.objects.filter(run=december_a, person=mover).exists()
    mover.posts.filter(village=world.village_b).update(start_date=date(2026, 11, 20))
    december_b = compute(world, world.town_b, DEC)
    adjustments = person_lines(december_b, mover, kind=LineKind.ADJUSTMENT, pays_for=NOV)
    # B paid 300 for 16–30; due now 600 × 11/30 = 220.00; performance 400 × 11/30 = 146.67.
    assert adjustments[("basic", LineKind.ADJUSTMENT)].amount == Decimal("-80.00")
    assert adjustments[("performance", LineKind.ADJUSTMENT)].amount == Decimal("-53.33")
    december_a = compute(world, world.town_a, DEC)  # A's days did not change
    assert not PaymentLine.objects.filter(run=december_a, person=mover).exists()


@pytest.fixture
def floor_year(world):
    """Floor top-ups on, A = 8,000 for 2026; a secretary of A's village V-A2 from 1 January
    to 15 June 2026, then of B's village from 16 June on."""
    f.policy(world.district, floor_topup_enabled=True)
    f.standard(world.town_a, "500.00")
    f.standard(world.town_b, "400.00")
    RuralIncome.objects.create(district=world.district, year=2026, amount=Decimal("8000.00"))
    village_a2 = f.VillageFactory(township=world.town_a, code="V-A2", name="南村")
    person = f.PersonFactory(village=village_a2, name="王迁")
    f.PostFactory(
        person=person,
        village=village_a2,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 6, 15),
        end_reason=EndReason.TERM_ENDED,
    )
    f.PostFactory(person=person, village=world.village_b, start_date=date(2026, 6, 16))
    appraise(person, DEC)
    appraise(world.secretary_a, DEC)
    return person


@pytest.mark.parametrize("order", ["A then B", "B then A"])
def test_r_pay_5_floor_settled_once_by_the_township_of_the_last_post(world, floor_year, order):
    """R-PAY-5: a cadre who served in two townships in the year has one floor top-up, in the
    December run of the township of their last post, over the whole year's days and earnings."""
    townships = [world.town_a, world.town_b]
    if order == "B then A":
        townships.reverse()
    for township in townships:
        compute(world, township, DEC)
    floors = PaymentLine.objects.filter(person=floor_year, component=Component.FLOOR_TOPUP)
    assert [line.run.township_id for line in floors] == [world.town_b.pk]
    line = floors.get()
    # required 8,000 × 365/365; earned in 2026: December in B, 500 + 400.
    assert line.derivation["days"] == 365
    assert line.amount == Decimal("7100.00")


def test_r_pay_5_a_recompute_of_december_gives_the_same_floor(world, floor_year):
    """Issue 9, 10b: the year's earnings must not count the old lines of the run being
    recomputed (the top-up shrank on every recompute)."""
    first = snapshot(compute(world, world.town_b, DEC))
    again = snapshot(compute(world, world.town_b, DEC))
    assert again == first
    floor = [row for row in first if row["component"] == Component.FLOOR_TOPUP]
    assert [row["amount"] for row in floor if row["person_id"] == floor_year.pk] == [
        Decimal("7100.00")
    ]


# --- helpers shared with the demo year property test ----------------------------------------

SKIPPED = {"id", "run"}


def snapshot(run):
    """Every field of every line of a run but its id and run, as dicts in a stable order
    (comparable across computes)."""
    names = [f.attname for f in PaymentLine._meta.concrete_fields if f.name not in SKIPPED]
    rows = PaymentLine.objects.filter(run=run).values(*names)
    return sorted(
        rows,
        key=lambda r: (r["person_id"], r["component"], r["kind"], r["pays_for"], r["source"]),
    )
