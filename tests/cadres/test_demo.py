"""``seed_demo`` (issue 2): deterministic Chinese demo data whose flagged cases show on the
R-REG selectors, with tenures the database accepts (one secretary and one director a day)."""

from collections import Counter, defaultdict
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from branches.choices import AppraisalPeriod, BranchKind, MemberStage, Mobility
from branches.models import Branch, District, PartyMember, Township, Village
from branches.selectors import (
    mobile_member_flags,
    villages_short_of_activists,
    young_recruits_by_village,
)
from cadres.choices import EndReason, PostRole
from cadres.demo import DemoOptions, appraisal_periods, load_demo, months_between
from cadres.models import AnnualAssessment, HealthCheck, PerformanceAppraisal, Person, Post
from cadres.selectors import (
    one_shoulder_person_ids,
    posts_on,
    secretary_health_checks,
    villages_outside_cadre_range,
)
from cadres.validators import birth_date_from_id, gender_from_id
from portal.dates import add_months
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 15)
SMALL = {"townships": 2, "villages": 6, "seed": 7, "today": TODAY}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", **{**SMALL, **options}, stdout=out)
    return out.getvalue()


def snapshot():
    people = list(
        Person.objects.order_by("id_number").values_list(
            "id_number", "name", "gender", "birth_date", "bank_account", "phone", "died_on"
        )
    )
    posts = list(
        Post.objects.order_by("person__id_number", "role", "start_date").values_list(
            "person__id_number", "village__code", "role", "start_date", "end_date", "end_reason"
        )
    )
    members = list(
        PartyMember.objects.order_by("person__id_number").values_list(
            "person__id_number", "branch__code", "stage", "applied_on", "full_on", "mobility"
        )
    )
    appraisals = list(
        PerformanceAppraisal.objects.order_by("person__id_number", "period_start").values_list(
            "person__id_number", "period_start", "grade"
        )
    )
    return people, posts, members, appraisals


@pytest.fixture
def demo():
    seed()
    return f.district_admin(District.objects.get(), username="demo_admin")


def test_same_seed_gives_the_same_rows_and_another_seed_others():
    seed()
    first = snapshot()
    seed(reset=True)
    assert snapshot() == first
    seed(reset=True, seed=8)
    other = snapshot()
    ids = {row[0] for row in first[0]}
    assert not ids & {row[0] for row in other[0]}
    assert [row[1] for row in first[0][:20]] != [row[1] for row in other[0][:20]]


def test_copy_and_bulk_create_write_the_same_rows():
    """On PostgreSQL the default writer is COPY; both writers give identical rows."""
    options = DemoOptions(townships=1, villages=3, seed=5, today=TODAY)
    load_demo(options)
    default = snapshot()
    load_demo(options, reset=True, use_copy=False)
    assert snapshot() == default


def test_the_district_townships_and_branches_are_chinese(demo):
    district = District.objects.get()
    assert (district.code, district.name) == ("360426", "示范区")
    first = Township.objects.order_by("code").first()
    assert first.name == "城关镇"
    assert {t.kind for t in Township.objects.all()} == {"town", "street"}
    assert all(v.name.endswith("村") for v in Village.objects.all())
    assert Village.objects.count() == 6
    assert set(Township.objects.annotate(n=Count("villages")).values_list("n", flat=True)) == {3}
    kinds = Counter(Branch.objects.values_list("kind", flat=True))
    assert kinds[BranchKind.VILLAGE] == 6
    assert {BranchKind.JOINT, BranchKind.COOPERATIVE, BranchKind.ENTERPRISE} <= set(kinds)
    assert BranchKind.TEMPORARY in kinds
    for joint in Branch.objects.filter(kind=BranchKind.JOINT):
        assert 2 <= joint.villages.count() <= 3
    assert Branch.objects.filter(five_good=True).exists()
    weak = Branch.objects.filter(weak_lax=True)
    assert weak.exists()
    assert all(b.rectification_note for b in weak)


def test_people_have_valid_unique_ids_agreeing_with_gender_and_birth(demo):
    people = list(Person.objects.all())
    assert len({p.id_number for p in people}) == len(people)
    for person in people:
        assert birth_date_from_id(person.id_number) == person.birth_date
        assert gender_from_id(person.id_number) == person.gender
        assert all("\u4e00" <= ch <= "\u9fff" for ch in person.name)
    assert Person.objects.filter(bank_account="").exists()  # a few missing on purpose
    assert Person.objects.exclude(bank_account="").count() > len(people) * 0.8
    assert Person.objects.filter(died_on__isnull=False).exists()


def test_every_village_has_one_living_secretary_today_and_some_are_one_shoulder(demo):
    for village in Village.objects.all():
        secretaries = Post.objects.filter(posts_on(TODAY), village=village, role=PostRole.SECRETARY)
        assert secretaries.count() == 1
        assert secretaries.get().person.died_on is None
    one_shoulder = set(one_shoulder_person_ids(day=TODAY).values_list("person_id", flat=True))
    assert one_shoulder
    first_village = Village.objects.order_by("code").first()
    secretary = Post.objects.get(posts_on(TODAY), village=first_village, role=PostRole.SECRETARY)
    assert secretary.person_id in one_shoulder


def test_tenures_never_give_a_village_two_secretaries_or_directors_on_one_day(demo):
    spans = defaultdict(list)
    for post in Post.objects.filter(role__in=[PostRole.SECRETARY, PostRole.DIRECTOR]):
        spans[post.village_id, post.role].append((post.start_date, post.end_date or date.max))
    for tenures in spans.values():
        tenures.sort()
        for (_s1, e1), (s2, _e2) in zip(tenures, tenures[1:], strict=False):
            assert e1 < s2
    assert not Post.objects.filter(end_date__isnull=True).exclude(end_reason="").exists()
    assert not Post.objects.filter(end_date__isnull=False, end_reason="").exists()


def test_former_secretaries_go_back_to_the_1980s_with_allowance_cases(demo):
    former = Post.objects.filter(role=PostRole.SECRETARY, end_date__isnull=False)
    assert former.order_by("start_date").first().start_date.year < 1990
    by_person = defaultdict(list)
    for post in Post.objects.filter(role=PostRole.SECRETARY).order_by("start_date"):
        by_person[post.person_id].append(post)
    eligible_months = []
    for posts in by_person.values():
        last = posts[-1]
        normal = (EndReason.TERM_ENDED, EndReason.RETIRED, EndReason.HEALTH)
        if last.end_date and last.end_date <= date(2008, 12, 31) and last.end_reason in normal:
            eligible_months.append(sum(months_between(p.start_date, p.end_date) for p in posts))
    assert any(120 <= m <= 216 for m in eligible_months)  # R-ALW-2: 100 yuan tier
    assert any(m > 216 for m in eligible_months)  # R-ALW-2: 200 yuan tier
    reasons = set(former.values_list("end_reason", flat=True))
    assert {EndReason.RESIGNED, EndReason.DISMISSED} <= reasons
    split = [posts for posts in by_person.values() if len(posts) > 1]
    assert split
    assert len({p.village_id for p in split[0]}) == 1


def test_the_flagged_cases_show_on_the_registry_selectors(demo):
    user = demo
    cadre_flags = {v.flag for v in villages_outside_cadre_range(user=user, day=TODAY)}
    assert cadre_flags == {"too_few", "too_many"}  # R-REG-1
    checks = secretary_health_checks(user=user, day=TODAY)
    overdue = [r for r in checks if r.status.status == "overdue"]
    assert any(r.last_check is None for r in overdue)  # R-REG-2: never checked
    assert any(r.last_check is not None for r in overdue)  # R-REG-2: more than 2 years ago
    short = list(villages_short_of_activists(user=user))
    assert 1 <= len(short) < Village.objects.count()  # R-REG-3
    recruits = young_recruits_by_village(user=user, year=TODAY.year)
    assert any(not r.met for r in recruits)  # R-REG-4
    for township in Township.objects.all():
        assert any(r.met for r in recruits if r.village.township_id == township.pk)
    mobility = {row.flag for row in mobile_member_flags(user=user, day=TODAY)}
    assert mobility == {"needs_certificate", "must_transfer"}  # R-REG-5


def test_payroll_integrity_cases_are_there(demo):
    shared = (
        Person.objects.exclude(bank_account="")
        .values("bank_account")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert shared.exists()
    open_after_death = Post.objects.filter(end_date__isnull=True, person__died_on__lt=TODAY)
    assert open_after_death.exists()
    serving = Post.objects.filter(posts_on(TODAY), person__died_on__isnull=True)
    assert serving.filter(person__bank_account="").exists()


def test_member_stages_are_all_present_with_dates_in_order(demo):
    stages = Counter(PartyMember.objects.values_list("stage", flat=True))
    assert set(stages) == set(MemberStage.values)
    for member in PartyMember.objects.all():
        dates = [
            member.applied_on,
            member.activist_on,
            member.target_on,
            member.probationary_on,
            member.full_on,
        ]
        reached = MemberStage.values.index(member.stage)
        assert all(d is not None for d in dates[: reached + 1]), member.stage
        assert all(d is None for d in dates[reached + 1 :]), member.stage
        present = [d for d in dates if d is not None]
        assert present == sorted(present)
        assert present[-1] <= TODAY
    mobility = set(PartyMember.objects.values_list("mobility", flat=True))
    assert mobility == set(Mobility.values)
    assert PartyMember.objects.filter(mobility=Mobility.AWAY).exclude(certificate_no="").exists()


def test_appraisals_cover_24_months_with_the_last_missing_for_a_few(demo):
    last_month = date(2026, 2, 1)
    window_start = add_months(last_month, -23)
    serving = Post.objects.filter(posts_on(TODAY), person__died_on__isnull=True)
    complete = 0
    missing_last = 0
    for person_id in serving.values_list("person_id", flat=True).distinct():
        months = set(
            PerformanceAppraisal.objects.filter(person_id=person_id).values_list(
                "period_start", flat=True
            )
        )
        started = Post.objects.filter(person_id=person_id).order_by("start_date").first()
        if started.start_date <= window_start:
            expected = {add_months(window_start, i) for i in range(24)}
            assert months - {last_month} == expected - {last_month}
            complete += months == expected
        if last_month not in months:
            missing_last += 1
    assert complete > 0
    assert 1 <= missing_last <= 4  # held payroll lines to show (R-PAY-2)
    appraisal = PerformanceAppraisal.objects.order_by("-period_start").first()
    assert (appraisal.period_start, appraisal.period_end) == (last_month, date(2026, 2, 28))
    assessments = AnnualAssessment.objects.all()
    assert set(assessments.values_list("year", flat=True)) == {2024, 2025}
    assert all(0 <= a.score <= 100 and a.score == round(a.score, 2) for a in assessments)
    assert HealthCheck.objects.exists()


@pytest.mark.parametrize(
    ("today", "period", "expected"),
    [
        (date(2026, 3, 15), AppraisalPeriod.MONTH, (date(2024, 3, 1), date(2026, 2, 28), 24)),
        (date(2026, 1, 1), AppraisalPeriod.MONTH, (date(2024, 1, 1), date(2025, 12, 31), 24)),
        (date(2026, 3, 15), AppraisalPeriod.QUARTER, (date(2024, 1, 1), date(2025, 12, 31), 8)),
        (date(2026, 4, 2), AppraisalPeriod.QUARTER, (date(2024, 4, 1), date(2026, 3, 31), 8)),
    ],
)
def test_appraisal_periods_are_the_last_complete_ones(today, period, expected):
    periods = appraisal_periods(today, 24, period)
    assert (periods[0][0], periods[-1][1], len(periods)) == expected


def test_a_quarterly_township_gets_quarterly_appraisals():
    seed(townships=3, villages=3)
    quarterly = Township.objects.get(appraisal_period=AppraisalPeriod.QUARTER)
    starts = set(
        PerformanceAppraisal.objects.filter(person__village__township=quarterly).values_list(
            "period_start", flat=True
        )
    )
    assert starts
    assert {d.month for d in starts} <= {1, 4, 7, 10}


def test_a_sample_of_rows_passes_full_clean(demo):
    for model in (District, Township, Village, Branch, Person, Post, PartyMember):
        for obj in model.objects.order_by("pk")[:40]:
            obj.full_clean()
    for model in (PerformanceAppraisal, AnnualAssessment, HealthCheck):
        for obj in model.objects.order_by("?")[:40]:
            obj.full_clean()


def test_a_new_year_still_has_young_recruits():
    """On 1 January the recruits of "this year" joined that very day (R-REG-4)."""
    seed(today=date(2027, 1, 1))
    admin = f.district_admin(District.objects.get())
    recruits = young_recruits_by_village(user=admin, year=2027)
    assert sum(r.met for r in recruits) >= 2


def test_if_empty_keeps_loaded_data_and_a_plain_rerun_refuses(demo):
    before = snapshot()
    out = seed(if_empty=True, seed=99)
    assert "already has villages" in out
    assert snapshot() == before
    with pytest.raises(CommandError, match="not empty"):
        seed(seed=99)


def test_the_summary_prints_counts_and_seconds():
    out = seed()
    assert "villages" in out and "6" in out
    assert " s:" in out
    assert "one-shoulder" in out


def test_reset_clears_users_tied_to_the_registry_but_keeps_superusers(demo):
    superuser = f.UserFactory(is_superuser=True, district=District.objects.get())
    seed(reset=True)
    assert not type(demo).objects.filter(pk=demo.pk).exists()
    superuser.refresh_from_db()
    assert superuser.district is None
    assert Village.objects.count() == 6
