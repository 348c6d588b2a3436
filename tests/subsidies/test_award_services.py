"""The annual award list (R-PAY-4) through its services, on SQLite and PostgreSQL: the
candidates and their ranking, the quota, the choice at a tie, every transition allowed and
refused by role, and the payment through the payroll run."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cadres.models import AnnualAssessment
from portal.scope import scope_queryset
from subsidies import services as payroll_services
from subsidies.award import selectors, services
from subsidies.choices import AwardStatus, Component
from subsidies.models import AwardEvent, AwardList, PaymentLine, PayrollRun, Policy
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

YEAR = 2025
# 14 candidates → quota 2 (15 % rounded down); the second place is tied between two.
SCORES = [
    "95.00",
    "90.00",
    "90.00",
    "85.00",
    "84.00",
    "83.00",
    "82.00",
    "81.00",
    "80.00",
    "79.00",
    "78.00",
    "77.00",
    "76.00",
]


@pytest.fixture
def award(world):
    Policy.objects.get_or_create(district=world.district, valid_from=date(2020, 1, 1))
    people = [world.secretary_a]
    for _n in SCORES[1:]:
        village = f.VillageFactory(township=world.town_a)
        person = f.PersonFactory(village=village)
        f.PostFactory(person=person, village=village, start_date=date(2015, 1, 1))
        people.append(person)
    # a 14th secretary: in post on 31 December but dismissed from another post in the year
    village = f.VillageFactory(township=world.town_a)
    dismissed = f.PersonFactory(village=village)
    f.PostFactory(
        person=dismissed,
        village=village,
        role="committee_member",
        start_date=date(2020, 1, 1),
        end_date=date(2025, 3, 31),
        end_reason="dismissed",
    )
    f.PostFactory(person=dismissed, village=village, start_date=date(2025, 6, 1))
    # left office in November: not in post on 31 December
    village = f.VillageFactory(township=world.town_a)
    left = f.PersonFactory(village=village)
    f.PostFactory(
        person=left,
        village=village,
        start_date=date(2015, 1, 1),
        end_date=date(2025, 11, 30),
        end_reason="term_ended",
    )
    # one more candidate so there are 14
    village = f.VillageFactory(township=world.town_a)
    extra = f.PersonFactory(village=village)
    f.PostFactory(person=extra, village=village, start_date=date(2010, 1, 1))
    people.append(extra)
    for person, score in zip(people, [*SCORES, "70.00"], strict=True):
        f.AssessmentFactory(person=person, year=YEAR, score=score)
    for person in (dismissed, left):
        f.AssessmentFactory(person=person, year=YEAR, score="99.00")
    return people


def prepare(world):
    return services.award_list_prepare(user=world.staff_a, township=world.town_a, year=YEAR)


def test_candidates_ranking_and_quota(world, award):
    award_list = prepare(world)
    assert (award_list.candidates, award_list.quota, award_list.ratio) == (14, 2, Decimal("0.15"))
    entries = list(selectors.entries(award_list))
    assert len(entries) == 14
    assert [e.rank for e in entries[:4]] == [1, 2, 2, 4]
    by_person = {e.person_id: e for e in entries}
    assert by_person[award[0].pk].selected and not by_person[award[0].pk].tied
    assert {e.person_id for e in entries if e.tied} == {award[1].pk, award[2].pk}
    assert not any(e.selected for e in entries if e.tied)
    ranking = selectors.ranking(award_list)
    assert ranking.places_for_tied == 1


def test_submitting_is_refused_while_the_tie_is_unresolved(world, award):
    award_list = prepare(world)
    with pytest.raises(ValidationError, match="2 people are tied at the cut for 1 places"):
        services.award_list_submit(user=world.staff_a, award_list=award_list)
    with pytest.raises(ValidationError, match="Choose exactly 1 of the 2"):
        services.award_list_choose(
            user=world.staff_a, award_list=award_list, person_ids=[award[1].pk, award[2].pk]
        )
    with pytest.raises(ValidationError, match="Only people tied"):
        services.award_list_choose(
            user=world.staff_a, award_list=award_list, person_ids=[award[3].pk]
        )
    services.award_list_choose(user=world.staff_a, award_list=award_list, person_ids=[award[2].pk])
    award_list = services.award_list_submit(user=world.staff_a, award_list=award_list)
    assert award_list.status == AwardStatus.SUBMITTED
    selected = set(award_list.entries.filter(selected=True).values_list("person_id", flat=True))
    assert selected == {award[0].pk, award[2].pk}


def test_a_missing_assessment_or_a_changed_registry_refuses_submission(world, award):
    award_list = prepare(world)
    services.award_list_choose(user=world.staff_a, award_list=award_list, person_ids=[award[1].pk])
    AnnualAssessment.objects.filter(person=award[5], year=YEAR).update(score="99.00")
    with pytest.raises(ValidationError, match="changed since the list was prepared"):
        services.award_list_submit(user=world.staff_a, award_list=award_list)
    AnnualAssessment.objects.filter(person=award[5], year=YEAR).delete()
    with pytest.raises(ValidationError, match=f"no annual assessment.*{award[5].name}"):
        services.award_list_submit(user=world.staff_a, award_list=award_list)


# R-PAY-4: a year's list waits for the year's end, so the test fixes the day (on 31 December of
# 2026 its own year is not finished; from 1 January 2027 it was, and the test failed).
@time_machine.travel(datetime(2026, 12, 31, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_prepare_is_for_a_finished_year_and_township_staff(world, award):
    with pytest.raises(ValidationError, match="after 31 December"):
        services.award_list_prepare(user=world.staff_a, township=world.town_a, year=2026)
    for user in (world.admin, world.finance, world.secretary, world.reviewer_a):
        with pytest.raises(PermissionDenied):
            services.award_list_prepare(user=user, township=world.town_a, year=YEAR)
    with pytest.raises(PermissionDenied):
        services.award_list_prepare(user=world.staff_b, township=world.town_a, year=YEAR)


def submitted(world):
    award_list = prepare(world)
    tied = award_list.entries.filter(tied=True).order_by("person_id").first()
    services.award_list_choose(
        user=world.staff_a, award_list=award_list, person_ids=[tied.person_id]
    )
    return services.award_list_submit(user=world.staff_a, award_list=award_list)


def act(action, user, award_list):
    if action == "submit":
        return services.award_list_submit(user=user, award_list=award_list)
    if action == "approve":
        return services.award_list_approve(user=user, award_list=award_list)
    if action == "return":
        return services.award_list_return(user=user, award_list=award_list, reason="名单有误")
    if action == "record":
        return services.award_list_record(user=user, award_list=award_list)
    raise AssertionError(action)


STEPS = [
    ("approve", AwardStatus.SUBMITTED, AwardStatus.APPROVED, {"admin"}),
    ("return", AwardStatus.SUBMITTED, AwardStatus.RETURNED, {"admin"}),
    ("record", AwardStatus.APPROVED, AwardStatus.RECORDED, {"finance"}),
    ("submit", AwardStatus.RETURNED, AwardStatus.SUBMITTED, {"staff_a"}),
]


def at(world, status):
    award_list = submitted(world)
    if status == AwardStatus.APPROVED:
        award_list = services.award_list_approve(user=world.admin, award_list=award_list)
    if status == AwardStatus.RETURNED:
        award_list = services.award_list_return(user=world.admin, award_list=award_list, reason="x")
    return award_list


@pytest.mark.parametrize("user_name", ["admin", "finance", "staff_a", "staff_b", "secretary"])
@pytest.mark.parametrize(("action", "start", "end", "allowed"), STEPS, ids=[s[0] for s in STEPS])
def test_each_transition_by_each_role(world, award, action, start, end, allowed, user_name):
    award_list = at(world, start)
    events = AwardEvent.objects.count()
    user = getattr(world, user_name)
    if user_name in allowed:
        act(action, user, award_list)
        award_list = AwardList.objects.get(pk=award_list.pk)
        assert award_list.status == end
        event = AwardEvent.objects.latest("pk")
        assert (event.from_status, event.to_status, event.user) == (start, end, user)
    else:
        with pytest.raises(PermissionDenied):
            act(action, user, award_list)
        assert AwardList.objects.get(pk=award_list.pk).status == start
        assert AwardEvent.objects.count() == events


@pytest.mark.parametrize(
    ("action", "start", "user_name"),
    [
        ("approve", AwardStatus.DRAFT, "admin"),
        ("record", AwardStatus.SUBMITTED, "finance"),
        ("submit", AwardStatus.APPROVED, "staff_a"),
        ("return", AwardStatus.APPROVED, "admin"),
    ],
)
def test_illegal_transitions_are_refused(world, award, action, start, user_name):
    award_list = prepare(world) if start == AwardStatus.DRAFT else at(world, start)
    with pytest.raises(ValidationError, match="cannot be"):
        act(action, getattr(world, user_name), award_list)
    assert AwardList.objects.get(pk=award_list.pk).status == start


def test_return_needs_a_reason_and_a_returned_list_can_be_prepared_again(world, award):
    award_list = submitted(world)
    with pytest.raises(ValidationError, match="why the list is returned"):
        services.award_list_return(user=world.admin, award_list=award_list, reason="")
    services.award_list_return(user=world.admin, award_list=award_list, reason="请核对分数")
    award_list = prepare(world)
    assert award_list.status == AwardStatus.RETURNED
    assert award_list.entries.filter(tied=True, selected=True).count() == 0
    submitted_again = at(world, AwardStatus.SUBMITTED)
    with pytest.raises(ValidationError, match="only a draft or returned list"):
        prepare(world)
    assert submitted_again.status == AwardStatus.SUBMITTED


def test_scope_of_the_lists(world, award):
    award_list = prepare(world)
    for user, sees in (
        (world.staff_a, True),
        (world.staff_b, False),
        (world.admin, True),
        (world.finance, True),
        (world.secretary, False),
    ):
        assert scope_queryset(user, AwardList).filter(pk=award_list.pk).exists() is sees


# The award approved in November is paid by the November run: the approval date is part of
# the rule, so the test fixes it rather than reading the wall clock (it failed from 1 December).
@time_machine.travel(datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_the_award_is_paid_once_through_payroll(world, payroll, award):
    award_list = submitted(world)
    services.award_list_approve(user=world.admin, award_list=award_list)
    run = PayrollRun.objects.create(township=world.town_a, month=date(2026, 11, 1))
    run = payroll_services.run_compute(run_id=run.pk, user=world.staff_a)
    lines = PaymentLine.objects.filter(run=run, component=Component.AWARD)
    awarded = set(award_list.entries.filter(selected=True).values_list("person_id", flat=True))
    assert {line.person_id for line in lines} == awarded and len(awarded) == 2
    assert {line.amount for line in lines} == {Decimal("5000.00")}
    assert {line.pays_for for line in lines} == {date(2025, 12, 1)}
    services.award_list_record(user=world.finance, award_list=award_list)
    run = payroll_services.run_approve(user=world.staff_a, run=run, acknowledge=True)
    payroll_services.run_lock(user=world.finance, run=run)
    december = PayrollRun.objects.create(township=world.town_a, month=date(2026, 12, 1))
    december = payroll_services.run_compute(run_id=december.pk, user=world.staff_a)
    assert not PaymentLine.objects.filter(run=december, component=Component.AWARD).exists()
