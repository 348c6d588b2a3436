"""Reads of the training app: R-TRN-1 progress and compliance, township summaries, the list
of those behind, R-TRN-2 (other cadres without township training) and R-TRN-3 (budget per
secretary). Every read starts from the one scoping function; ``user=None`` is the system
(commands, the reminder task) and sees everything.

Query counts do not grow with the number of people: a compliance table is five queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from branches.models import District, Township, Village
from cadres.choices import PostRole
from cadres.models import Person, Post
from cadres.selectors import posts_on
from portal.scope import scope_queryset

from . import rules
from .choices import CourseLevel, EntryStatus, TrainingKind
from .models import Attendance, Course, SelfLoggedTraining, TrainingPolicy, TrainingYear

ZERO = Decimal("0.00")


def _scoped(user, model) -> QuerySet:
    return model._default_manager.all() if user is None else scope_queryset(user, model)


def reference_day(year: int, today: date | None = None) -> date:
    """The day "serving" is judged on: today within the current year, 31 December of a
    past year, 1 January of a future one."""
    today = today or timezone.localdate()
    return max(date(year, 1, 1), min(today, date(year, 12, 31)))


def _alive_on(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}died_on__isnull": True}) | Q(**{f"{prefix}died_on__gte": day})


# --- policy and closed years ---------------------------------------------------------------


def policies_for(district_ids, year: int) -> dict[int, rules.Policy]:
    """The policy in force in ``year`` for each district: its latest row from that year or
    before, else the defaults of ``TrainingPolicy``."""
    district_ids = set(district_ids)
    found: dict[int, rules.Policy] = {}
    rows = TrainingPolicy.objects.filter(district_id__in=district_ids, year__lte=year).order_by(
        "district_id", "-year"
    )
    for row in rows:
        found.setdefault(row.district_id, row.as_rules())
    default = TrainingPolicy().as_rules()
    return {district_id: found.get(district_id, default) for district_id in district_ids}


def policy_for(district_id: int, year: int) -> rules.Policy:
    return policies_for([district_id], year)[district_id]


def policy_record_for(district_id: int, year: int) -> TrainingPolicy | None:
    return (
        TrainingPolicy.objects.filter(district_id=district_id, year__lte=year)
        .order_by("-year")
        .first()
    )


def year_closed(district_id: int, year: int) -> bool:
    return TrainingYear.objects.filter(
        district_id=district_id, year=year, closed_at__isnull=False
    ).exists()


def first_open_year(district_id: int) -> int:
    """The first year a district's training is kept in (issue 9, SPEC §5): the year of its
    first training policy, or ``TRAINING_FIRST_YEAR`` (2000) when it has none. No requirement
    can be computed before it, so no entry, course or attendance is dated earlier."""
    first = (
        TrainingPolicy.objects.filter(district_id=district_id)
        .order_by("year")
        .values_list("year", flat=True)
        .first()
    )
    floor = getattr(settings, "TRAINING_FIRST_YEAR", 2000)
    return min(first, floor) if first is not None else floor


def user_district_id(user) -> int | None:
    """The district a user works in (through their township or person for local roles)."""
    if user is None:
        return None
    if user.district_id:
        return user.district_id
    if user.township_id:
        return Township.objects.filter(pk=user.township_id).values_list("district_id", flat=True)[0]
    if user.person_id:
        return (
            Person.objects.filter(pk=user.person_id)
            .values_list("village__township__district_id", flat=True)
            .first()
        )
    return None


# --- hours ---------------------------------------------------------------------------------


def _hours(total) -> Decimal:
    """A sum of hours with two places whatever the database returns (SQLite drops them)."""
    return (total or ZERO).quantize(rules.CENTS)


def _hours_by_person(person_ids, year: int, *, kind: str | None = TrainingKind.CENTRALISED):
    """Verified hours of ``year`` per person: attendance of courses starting in the year and
    self-logged entries dated in it (two grouped queries)."""
    attendance = Attendance.objects.filter(
        person_id__in=person_ids, verified=True, course__start_date__year=year
    )
    logged = SelfLoggedTraining.objects.filter(
        person_id__in=person_ids, status=EntryStatus.VERIFIED, date__year=year
    )
    if kind is not None:
        attendance = attendance.filter(course__kind=kind)
        logged = logged.filter(kind=kind)
    course_hours = {
        person_id: _hours(total)
        for person_id, total in attendance.values("person_id")
        .annotate(total=Sum("hours"))
        .values_list("person_id", "total")
    }
    logged_hours = {
        person_id: _hours(total)
        for person_id, total in logged.values("person_id")
        .annotate(total=Sum("hours"))
        .values_list("person_id", "total")
    }
    return course_hours, logged_hours


def _secretary_spans(person_ids, year: int) -> dict[int, list[tuple[date, date | None]]]:
    spans: dict[int, list] = defaultdict(list)
    posts = Post.objects.filter(
        person_id__in=person_ids,
        role=PostRole.SECRETARY,
        start_date__lte=date(year, 12, 31),
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=date(year, 1, 1)))
    for person_id, start, end in posts.values_list("person_id", "start_date", "end_date"):
        spans[person_id].append((start, end))
    return spans


# --- R-TRN-1 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceRow:
    """A serving secretary's R-TRN-1 standing for a year."""

    person: Person
    village: Village
    township: Township
    course_hours: Decimal
    logged_hours: Decimal
    progress: rules.Progress
    policy: rules.Policy

    @property
    def compliant(self) -> bool:
        return self.progress.compliant


def serving_secretary_posts(
    *, user, year: int, today: date | None = None, township=None, village=None
) -> QuerySet:
    """Secretary posts held on the reference day of ``year``, in the user's scope, of people
    alive on that day."""
    day = reference_day(year, today)
    posts = (
        _scoped(user, Post)
        .filter(posts_on(day), role=PostRole.SECRETARY)
        .filter(_alive_on(day, "person__"))
    )
    if township is not None:
        posts = posts.filter(village__township=township)
    if village is not None:
        posts = posts.filter(village=village)
    return posts


def compliance_rows(
    *,
    user,
    year: int,
    today: date | None = None,
    township=None,
    village=None,
    compliant: bool | None = None,
) -> list[ComplianceRow]:
    """R-TRN-1: one row per serving secretary in scope with verified centralised hours,
    days, prorated required days and whether they comply; ordered by township, village."""
    posts = list(
        serving_secretary_posts(
            user=user, year=year, today=today, township=township, village=village
        )
        .select_related("person", "village__township")
        .order_by("village__township__code", "village__code", "person__name", "pk")
    )
    seen: set[int] = set()
    posts = [p for p in posts if not (p.person_id in seen or seen.add(p.person_id))]
    person_ids = [p.person_id for p in posts]
    if not person_ids:
        return []
    course_hours, logged_hours = _hours_by_person(person_ids, year)
    spans = _secretary_spans(person_ids, year)
    policies = policies_for({p.village.township.district_id for p in posts}, year)
    rows = []
    for post in posts:
        from_courses = course_hours.get(post.person_id) or ZERO
        logged = logged_hours.get(post.person_id) or ZERO
        policy = policies[post.village.township.district_id]
        progress = rules.yearly_progress(
            hours=from_courses + logged, spans=spans[post.person_id], year=year, policy=policy
        )
        row = ComplianceRow(
            person=post.person,
            village=post.village,
            township=post.village.township,
            course_hours=from_courses,
            logged_hours=logged,
            progress=progress,
            policy=policy,
        )
        if compliant is None or row.compliant == compliant:
            rows.append(row)
    return rows


def behind_list(*, user, year: int, today: date | None = None, **filters) -> list[ComplianceRow]:
    """R-TRN-1: serving secretaries short of their (prorated) requirement."""
    return compliance_rows(user=user, year=year, today=today, compliant=False, **filters)


def person_progress(person: Person, year: int, today: date | None = None) -> rules.Progress:
    """R-TRN-1 for one person (the secretary's own page), whether or not serving today."""
    course_hours, logged_hours = _hours_by_person([person.pk], year)
    hours = (course_hours.get(person.pk) or ZERO) + (logged_hours.get(person.pk) or ZERO)
    policy = policy_for(person.village.township.district_id, year)
    spans = _secretary_spans([person.pk], year)[person.pk]
    return rules.yearly_progress(hours=hours, spans=spans, year=year, policy=policy)


@dataclass(frozen=True)
class TownshipSummary:
    township: Township
    secretaries: int
    compliant: int
    days: Decimal
    required_days: Decimal

    @property
    def behind(self) -> int:
        return self.secretaries - self.compliant

    @property
    def percent(self) -> int:
        """Share of secretaries who comply, 0–100."""
        return 100 * self.compliant // self.secretaries if self.secretaries else 0


def township_summaries(
    *, user, year: int, today: date | None = None, rows: list[ComplianceRow] | None = None
) -> list[TownshipSummary]:
    """R-TRN-1 per township: secretaries, how many comply, days done and required."""
    if rows is None:
        rows = compliance_rows(user=user, year=year, today=today)
    grouped: dict[int, list[ComplianceRow]] = defaultdict(list)
    for row in rows:
        grouped[row.township.pk].append(row)
    summaries = []
    for township in _scoped(user, Township).order_by("code"):
        mine = grouped.get(township.pk, [])
        summaries.append(
            TownshipSummary(
                township=township,
                secretaries=len(mine),
                compliant=sum(1 for r in mine if r.compliant),
                days=sum((r.progress.days for r in mine), ZERO),
                required_days=sum((r.progress.required_days for r in mine), ZERO),
            )
        )
    return summaries


# --- R-TRN-2 -------------------------------------------------------------------------------


def other_cadres_without_township_training(
    *, user, year: int, today: date | None = None, township=None
) -> list[Post]:
    """R-TRN-2: village cadres other than branch secretaries, in post on the reference day,
    with no verified attendance of a township-organised course starting in ``year``. One
    post per person (the first by village and role)."""
    day = reference_day(year, today)
    secretaries = Post.objects.filter(posts_on(day), role=PostRole.SECRETARY).values("person_id")
    attended = Attendance.objects.filter(
        verified=True, course__level=CourseLevel.TOWNSHIP, course__start_date__year=year
    ).values("person_id")
    posts = (
        _scoped(user, Post)
        .filter(posts_on(day))
        .exclude(role=PostRole.SECRETARY)
        .filter(_alive_on(day, "person__"))
        .exclude(person_id__in=secretaries)
        .exclude(person_id__in=attended)
        .select_related("person", "village__township")
        .order_by("village__township__code", "village__code", "person__name", "role", "pk")
    )
    if township is not None:
        posts = posts.filter(village__township=township)
    seen: set[int] = set()
    return [p for p in posts if not (p.person_id in seen or seen.add(p.person_id))]


# --- R-TRN-3 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetLine:
    label: str
    township: Township | None
    budget: Decimal
    secretaries: int


@dataclass(frozen=True)
class BudgetReport:
    district: District
    year: int
    result: rules.BudgetResult  # the rule: all the district's course budgets ÷ secretaries
    district_courses: Decimal  # budget of the district's own courses
    lines: list[BudgetLine]  # township courses per township, for information


def budget_reports(*, user, year: int, today: date | None = None) -> list[BudgetReport]:
    """R-TRN-3: for each district in scope, the budgeted spend of all courses (district and
    township) starting in ``year`` ÷ serving secretaries, against the policy's 300 yuan."""
    day = reference_day(year, today)
    districts = list(_scoped(user, District).order_by("code"))
    courses = Course.objects.filter(district__in=[d.pk for d in districts], start_date__year=year)
    by_township = dict(
        courses.filter(level=CourseLevel.TOWNSHIP)
        .values("township_id")
        .annotate(total=Sum("budget"))
        .values_list("township_id", "total")
    )
    by_district = dict(
        courses.filter(level=CourseLevel.DISTRICT)
        .values("district_id")
        .annotate(total=Sum("budget"))
        .values_list("district_id", "total")
    )
    serving = (
        Post.objects.filter(posts_on(day), role=PostRole.SECRETARY)
        .filter(_alive_on(day, "person__"))
        .filter(village__township__district__in=[d.pk for d in districts])
        .values_list("village__township_id", "person_id")
    )
    people_by_township: dict[int, set[int]] = defaultdict(set)
    for township_id, person_id in serving:
        people_by_township[township_id].add(person_id)
    townships = Township.objects.filter(district__in=[d.pk for d in districts]).order_by("code")
    policies = policies_for([d.pk for d in districts], year)
    reports = []
    for district in districts:
        lines = [
            BudgetLine(
                label=t.name,
                township=t,
                budget=rules.quantize_money(by_township.get(t.pk) or ZERO),
                secretaries=len(people_by_township.get(t.pk, ())),
            )
            for t in townships
            if t.district_id == district.pk
        ]
        own = rules.quantize_money(by_district.get(district.pk) or ZERO)
        people = set().union(*(people_by_township.get(line.township.pk, set()) for line in lines))
        total = own + sum((line.budget for line in lines), ZERO)
        reports.append(
            BudgetReport(
                district=district,
                year=year,
                result=rules.budget_per_secretary(
                    total, len(people), policies[district.pk].budget_per_secretary
                ),
                district_courses=own,
                lines=lines,
            )
        )
    return reports


# --- charts and lists ----------------------------------------------------------------------


def hours_by_kind(*, user, year: int) -> list[tuple[str, str, Decimal]]:
    """Verified hours of ``year`` by kind of training (attendance and self-logged) in scope:
    (kind, label, hours), every kind listed."""
    attendance = (
        _scoped(user, Attendance)
        .filter(verified=True, course__start_date__year=year)
        .values("course__kind")
        .annotate(total=Sum("hours"))
        .values_list("course__kind", "total")
    )
    logged = (
        _scoped(user, SelfLoggedTraining)
        .filter(status=EntryStatus.VERIFIED, date__year=year)
        .values("kind")
        .annotate(total=Sum("hours"))
        .values_list("kind", "total")
    )
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for kind, total in (*attendance, *logged):
        totals[kind] += _hours(total)
    return [(kind, label, totals[kind]) for kind, label in TrainingKind.choices]


def self_logged_list(*, user) -> QuerySet:
    return _scoped(user, SelfLoggedTraining).select_related(
        "person__village__township", "reviewed_by"
    )


def course_list(*, user) -> QuerySet:
    return _scoped(user, Course).select_related("township", "district")


def attendance_list(*, user) -> QuerySet:
    return _scoped(user, Attendance).select_related("course", "person__village")
