"""Payroll runs through the services (SPEC §3): computing, lifecycle by role, recompute,
lock and hash chain, corrections after lock, awards, integrity checks, policy in force."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from cadres.choices import EndReason, PostRole
from cadres.models import PerformanceAppraisal
from subsidies import services
from subsidies.choices import AwardStatus, Component, LineKind, RunStatus
from subsidies.ledger import verify_chain
from subsidies.models import AwardEntry, AwardList, PaymentLine, PayrollRun
from subsidies.rules import describe
from subsidies.tasks import compute_district, create_draft_runs_task
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOV = date(2026, 11, 1)
DEC = date(2026, 12, 1)


def run_for(world, month=NOV, township=None):
    township = township or world.town_a
    return PayrollRun.objects.get_or_create(township=township, month=month)[0]


def lines(run, **filters):
    return {
        (line.person_id, line.component, line.kind, line.pays_for): line
        for line in PaymentLine.objects.filter(run=run, **filters)
    }


def compute(world, month=NOV):
    return services.run_compute(run_id=run_for(world, month).pk, user=world.staff_a)


def approve_lock(world, run):
    run = services.run_approve(user=world.staff_a, run=run, acknowledge=True)
    return services.run_lock(user=world.finance, run=run)


def test_compute_writes_each_cadres_lines_with_derivations(world, payroll):
    run = compute(world)
    got = lines(run)
    secretary = world.secretary_a.pk
    assert got[(secretary, "basic", "regular", NOV)].amount == Decimal("600.00")
    assert got[(secretary, "performance", "regular", NOV)].amount == Decimal("500.00")
    for member in payroll:
        assert got[(member.pk, "basic", "regular", NOV)].amount == Decimal("300.00")
    assert run.status == RunStatus.COMPUTED
    assert run.line_count == 6 and run.total_amount == Decimal("2300.00")
    text = describe(got[(secretary, "basic", "regular", NOV)].derivation)
    assert text == "basic 600.00 = one-shoulder rate 600.00 × 30/30 days (policy 2020-01)"
    line = got[(secretary, "basic", "regular", NOV)]
    assert line.account_name == world.secretary_a.name
    assert line.bank_account == world.secretary_a.bank_account


def test_recompute_replaces_lines_and_never_duplicates(world, payroll):
    run = compute(world)
    first = set(lines(run))
    PerformanceAppraisal.objects.filter(person=world.secretary_a).update(grade="excellent")
    run = services.run_compute(run_id=run.pk, user=world.staff_a)
    assert set(lines(run)) == first
    assert PaymentLine.objects.filter(run=run).count() == 6
    assert lines(run)[(world.secretary_a.pk, "performance", "regular", NOV)].amount == Decimal(
        "600.00"
    )


def test_duplicate_line_is_impossible_in_the_database(world, payroll):
    run = compute(world)
    line = PaymentLine.objects.filter(run=run).first()
    line.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


def test_missing_appraisal_is_held_then_paid_as_arrears_next_run(world, payroll):
    PerformanceAppraisal.objects.filter(person=payroll[0]).delete()
    run = compute(world)
    held = lines(run)[(payroll[0].pk, "performance", "regular", NOV)]
    assert held.held and held.amount == 0 and run.held_count == 1
    approve_lock(world, run)
    f.AppraisalFactory(
        person=payroll[0], period_start=NOV, period_end=date(2026, 11, 30), grade="excellent"
    )
    for person in [world.secretary_a, *payroll]:
        f.AppraisalFactory(person=person, period_start=DEC, period_end=date(2026, 12, 31))
    december = compute(world, DEC)
    arrears = lines(december)[(payroll[0].pk, "performance", "arrears", NOV)]
    assert arrears.amount == Decimal("360.00")  # 300 × 1.2
    assert arrears.corrects_id == held.pk
    assert describe(arrears.derivation).startswith("arrears performance for 2026-11: 360.00")
    # Recomputing December does not pay it twice; neither does January.
    december = services.run_compute(run_id=december.pk, user=world.staff_a)
    assert PaymentLine.objects.filter(person=payroll[0], kind=LineKind.ARREARS).count() == 1
    approve_lock(world, december)
    january = compute(world, date(2027, 1, 1))
    assert not PaymentLine.objects.filter(run=january, kind=LineKind.ARREARS).exists()


def test_corrected_tenure_after_lock_becomes_an_adjustment(world, payroll):
    run = approve_lock(world, compute(world))
    post = payroll[1].posts.get()
    post.end_date, post.end_reason = date(2026, 11, 15), EndReason.RESIGNED
    post.save()
    december = compute(world, DEC)
    got = lines(december)
    basic = got[(payroll[1].pk, "basic", "adjustment", NOV)]
    assert basic.amount == Decimal("-150.00")  # paid 300 for 30 days, due 150 for 15
    assert basic.corrects_id == lines(run)[(payroll[1].pk, "basic", "regular", NOV)].pk
    assert (payroll[1].pk, "basic", "regular", DEC) not in got  # no post in December
    # the locked run is untouched
    assert lines(run)[(payroll[1].pk, "basic", "regular", NOV)].amount == Decimal("300.00")


def test_lifecycle_by_role(world, payroll):
    run = compute(world)
    with pytest.raises(PermissionDenied):
        services.run_approve(user=world.finance, run=run)
    with pytest.raises(PermissionDenied):
        services.run_lock(user=world.staff_a, run=run)
    with pytest.raises(ValidationError, match="cannot be locked"):
        services.run_lock(user=world.finance, run=run)
    with pytest.raises(PermissionDenied):  # another township's staff: out of scope
        services.run_approve(user=world.staff_b, run=run)
    run = services.run_approve(user=world.staff_a, run=run, acknowledge=True)
    with pytest.raises(ValidationError, match="only a draft or computed run"):
        services.run_compute(run_id=run.pk, user=world.staff_a)
    with pytest.raises(ValidationError, match="cannot be disbursed"):
        services.run_disburse(user=world.finance, run=run)
    run = services.run_lock(user=world.finance, run=run)
    with pytest.raises(ValidationError, match="cannot be approved"):
        services.run_approve(user=world.staff_a, run=run, acknowledge=True)
    with pytest.raises(ValidationError, match="cannot be reopened"):
        services.run_reopen(user=world.staff_a, run=run, comment="late fix")
    run = services.run_disburse(user=world.finance, run=run)
    steps = list(run.events.values_list("from_status", "to_status", "user__username"))
    assert steps == [
        ("draft", "computed", "staff_a"),
        ("computed", "approved", "staff_a"),
        ("approved", "locked", "finance"),
        ("locked", "disbursed", "finance"),
    ]
    assert run.approved_by == world.staff_a and run.locked_by == world.finance


def test_reopen_sends_an_approved_run_back(world, payroll):
    run = services.run_approve(user=world.staff_a, run=compute(world), acknowledge=True)
    with pytest.raises(ValidationError):
        services.run_reopen(user=world.staff_a, run=run, comment=" ")
    run = services.run_reopen(user=world.staff_a, run=run, comment="wrong grade")
    assert run.status == RunStatus.COMPUTED


def test_integrity_warnings_must_be_acknowledged(world, payroll):
    payroll[0].bank_account = world.secretary_a.bank_account  # one account, two people
    payroll[0].save()
    payroll[1].bank_account = payroll[1].bank_name = ""
    payroll[1].save()
    run = compute(world)
    from subsidies.selectors import run_integrity

    codes = sorted(issue.code for issue in run_integrity(run))
    assert codes == ["no_bank_account", "shared_account"]
    with pytest.raises(ValidationError, match="2 integrity warnings"):
        services.run_approve(user=world.staff_a, run=run)
    assert services.run_approve(user=world.staff_a, run=run, acknowledge=True).status == (
        RunStatus.APPROVED
    )


def test_integrity_flags_a_secretary_of_two_villages(world, payroll):
    other = f.VillageFactory(township=world.town_a)
    f.PostFactory(person=world.secretary_a, village=other, start_date=date(2026, 1, 1))
    from subsidies.selectors import run_integrity

    run = compute(world)
    assert [i.code for i in run_integrity(run)] == ["secretary_of_two_villages"]
    # ... and is still paid once a day
    assert lines(run)[(world.secretary_a.pk, "basic", "regular", NOV)].amount == Decimal("600.00")


def test_death_mid_month_and_no_pay_after(world, payroll):
    payroll[0].died_on = date(2026, 11, 10)
    payroll[0].save()
    run = compute(world)
    assert lines(run)[(payroll[0].pk, "basic", "regular", NOV)].amount == Decimal("100.00")
    for person in [world.secretary_a, *payroll]:
        f.AppraisalFactory(person=person, period_start=DEC, period_end=date(2026, 12, 31))
    december = compute(world, DEC)
    assert not PaymentLine.objects.filter(run=december, person=payroll[0]).exists()


def test_lock_chains_ledgers_and_verify_finds_tampering(world, payroll):
    run = approve_lock(world, compute(world))
    assert run.chain_position == 1 and run.prev_hash == "" and len(run.ledger_hash) == 64
    for person in [world.secretary_a, *payroll]:
        f.AppraisalFactory(person=person, period_start=DEC, period_end=date(2026, 12, 31))
    second = approve_lock(world, compute(world, DEC))
    assert second.chain_position == 2 and second.prev_hash == run.ledger_hash
    assert verify_chain(world.district.pk) is None
    table = PaymentLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET bank_account = %s WHERE id = %s",
            ["6222999999999999", PaymentLine.objects.filter(run=run).first().pk],
        )
    broken = verify_chain(world.district.pk)
    assert broken is not None and broken.run_id == run.pk and broken.position == 1


def test_policy_in_force_is_used_for_each_month(world, payroll):
    f.policy(
        world.district,
        valid_from=DEC,
        secretary_basic=Decimal("550.00"),
        one_shoulder_basic=Decimal("650.00"),
    )
    november = compute(world)
    for person in [world.secretary_a, *payroll]:
        f.AppraisalFactory(person=person, period_start=DEC, period_end=date(2026, 12, 31))
    december = compute(world, DEC)
    secretary = world.secretary_a.pk
    assert lines(november)[(secretary, "basic", "regular", NOV)].amount == Decimal("600.00")
    assert lines(december)[(secretary, "basic", "regular", DEC)].amount == Decimal("650.00")
    assert lines(december)[(payroll[0].pk, "basic", "regular", DEC)].amount == Decimal("330.00")


def test_policy_used_by_a_locked_run_cannot_change(world, payroll):
    run = approve_lock(world, compute(world))
    with pytest.raises(ValidationError, match="Locked ledgers"):
        services.policy_save(user=world.admin, policy=run.policy, secretary_basic=Decimal("700.00"))
    with pytest.raises(ValidationError):
        services.policy_save(user=world.admin, valid_from=NOV)
    services.policy_save(user=world.admin, valid_from=DEC, secretary_basic=Decimal("700.00"))


def test_performance_standard_floor(world):
    f.policy(world.district)
    with pytest.raises(ValidationError, match="below 300"):
        services.standard_set(
            user=world.staff_a, township=world.town_a, valid_from=NOV, amount=Decimal("299.99")
        )
    services.standard_set(
        user=world.staff_a, township=world.town_a, valid_from=NOV, amount=Decimal("300.00")
    )
    with pytest.raises(PermissionDenied):
        services.standard_set(
            user=world.staff_a, township=world.town_b, valid_from=NOV, amount=Decimal("400.00")
        )


def test_missing_policy_or_standard_is_a_clear_error(world):
    with pytest.raises(ValidationError, match="No policy is in force"):
        compute(world)
    f.policy(world.district)
    with pytest.raises(ValidationError, match="no performance standard"):
        compute(world)


def test_award_paid_once_in_the_first_run_after_approval(world, payroll):
    award_list = AwardList.objects.create(township=world.town_a, year=2026)
    AwardList.objects.filter(pk=award_list.pk).update(
        status=AwardStatus.APPROVED, approved_at="2026-11-20T10:00:00+08:00"
    )
    entry = AwardEntry.objects.create(
        award_list=award_list,
        person=world.secretary_a,
        rank=1,
        score=Decimal("95.50"),
        selected=True,
    )
    AwardEntry.objects.create(
        award_list=award_list, person=payroll[0], rank=2, score=Decimal("90.00"), selected=False
    )
    run = compute(world)
    award = lines(run, component=Component.AWARD)
    assert list(award) == [(world.secretary_a.pk, "award", "regular", DEC)]
    assert award[(world.secretary_a.pk, "award", "regular", DEC)].amount == Decimal("5000.00")
    assert award[(world.secretary_a.pk, "award", "regular", DEC)].source == f"award:{entry.pk}"
    approve_lock(world, run)
    for person in [world.secretary_a, *payroll]:
        f.AppraisalFactory(person=person, period_start=DEC, period_end=date(2026, 12, 31))
    december = compute(world, DEC)
    assert not PaymentLine.objects.filter(run=december, component=Component.AWARD).exists()


def test_floor_top_up_in_december_when_switched_on(world, payroll):
    from subsidies.models import Policy, RuralIncome

    Policy.objects.update(floor_topup_enabled=True)
    RuralIncome.objects.create(district=world.district, year=2026, amount=Decimal("8000.00"))
    for person in [world.secretary_a, *payroll]:
        f.AppraisalFactory(person=person, period_start=DEC, period_end=date(2026, 12, 31))
    run = compute(world, DEC)
    topups = lines(run, component=Component.FLOOR_TOPUP)
    # December alone earns the secretary 1,100 and each member 600 in 2026: the members
    # (from 2021) fall short of 0.6 × 8,000 = 4,800 by 4,200; the secretary of 8,000 by 6,900.
    assert topups[(payroll[0].pk, "floor_topup", "regular", DEC)].amount == Decimal("4200.00")
    assert topups[(world.secretary_a.pk, "floor_topup", "regular", DEC)].amount == Decimal(
        "6900.00"
    )


def test_beat_creates_draft_runs_once(world):
    assert create_draft_runs_task("2026-12-01") == 2
    assert create_draft_runs_task("2026-12-01") == 2
    assert PayrollRun.objects.filter(month=DEC).count() == 2
    assert set(PayrollRun.objects.values_list("status", flat=True)) == {RunStatus.DRAFT}


def test_district_run_fans_out_per_township(world, payroll):
    f.PostFactory(person=f.PersonFactory(village=world.village_b), village=world.village_b)
    _result, runs = compute_district(district=world.district, month=NOV, user=world.admin)
    assert len(runs) == 2
    statuses = dict(PayrollRun.objects.filter(month=NOV).values_list("township__code", "status"))
    assert statuses == {"T-A": RunStatus.COMPUTED, "T-B": RunStatus.COMPUTED}
    assert PaymentLine.objects.filter(run__township=world.town_b, held=True).count() == 1


def test_a_person_paid_in_two_townships_for_one_month_is_refused(world, payroll):
    f.PostFactory(
        person=payroll[0],
        village=world.village_b,
        role=PostRole.COMMITTEE_MEMBER,
        start_date=date(2026, 1, 1),
    )
    compute(world)
    run_b = run_for(world, NOV, world.town_b)
    with pytest.raises(ValidationError, match="already paid this component"):
        services.run_compute(run_id=run_b.pk, user=world.admin)
    assert not PaymentLine.objects.filter(run=run_b).exists()
