"""Reads for remuneration: the policy in force, a township's standard, a run's inputs, the
integrity checks, the floor report, ledgers and pay slips (SPEC §3)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from cadres.choices import PostRole
from cadres.models import PerformanceAppraisal, Person, Post
from portal.dates import month_end
from portal.masking import mask_id_number
from portal.scope import scope_queryset

from . import rules
from .choices import Component, RunStatus
from .models import PaymentLine, PayrollRun, PerformanceStandard, Policy


def policy_for(district_id: int, month: date) -> Policy | None:
    """The policy record in force in ``month`` (the latest valid from on or before it)."""
    return (
        Policy.objects.filter(district_id=district_id, valid_from__lte=month)
        .order_by("-valid_from")
        .first()
    )


def pay_policy(policy: Policy) -> rules.PayPolicy:
    return rules.PayPolicy(
        label=policy.label,
        secretary_basic=policy.secretary_basic,
        one_shoulder_basic=policy.one_shoulder_basic,
        member_ratio=policy.member_ratio,
        factors=(
            ("excellent", policy.factor_excellent),
            ("competent", policy.factor_competent),
            ("basic", policy.factor_basic),
            ("incompetent", policy.factor_incompetent),
        ),
    )


def standard_for(township_id: int, month: date) -> PerformanceStandard | None:
    return (
        PerformanceStandard.objects.filter(township_id=township_id, valid_from__lte=month)
        .order_by("-valid_from")
        .first()
    )


def month_posts(township_id: int, month: date) -> QuerySet:
    """Posts held on any day of ``month`` in villages of the township."""
    return Post.objects.filter(
        village__township_id=township_id, start_date__lte=month_end(month)
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=month))


def spans_by_person(posts: QuerySet) -> dict[int, list[rules.Span]]:
    spans: dict[int, list[rules.Span]] = defaultdict(list)
    rows = posts.values_list("person_id", "role", "village_id", "start_date", "end_date")
    for person_id, role, village_id, start, end in rows:
        spans[person_id].append(rules.Span(role, village_id, start, end))
    return spans


def grades_for(person_ids, month: date) -> dict[int, str]:
    """The grade of the appraisal covering ``month`` (monthly or quarterly), per person."""
    grades: dict[int, tuple[date, str]] = {}
    rows = PerformanceAppraisal.objects.filter(
        person_id__in=person_ids, period_start__lte=month_end(month), period_end__gte=month
    ).values_list("person_id", "period_start", "grade")
    for person_id, start, grade in rows:
        if person_id not in grades or start > grades[person_id][0]:
            grades[person_id] = (start, grade)
    return {person_id: grade for person_id, (_start, grade) in grades.items()}


@dataclass(frozen=True)
class Payee:
    name: str
    bank_name: str
    bank_account: str
    died_on: date | None
    id_number_masked: str = ""
    home_village: tuple[str, str] = ("", "")  # (code, name) of the village registered in


def payees(person_ids) -> dict[int, Payee]:
    rows = Person.objects.filter(pk__in=person_ids).values_list(
        "pk",
        "name",
        "bank_name",
        "bank_account",
        "died_on",
        "id_number",
        "village__code",
        "village__name",
    )
    return {
        pk: Payee(name, bank, account, died, mask_id_number(id_number), (code, village))
        for pk, name, bank, account, died, id_number, code, village in rows
    }


def village_labels(township_id: int) -> dict[int, tuple[str, str]]:
    """(code, name) of each village of a township, for the lines' snapshots."""
    from branches.models import Village

    return {
        pk: (code, name)
        for pk, code, name in Village.objects.filter(township_id=township_id).values_list(
            "pk", "code", "name"
        )
    }


# --- Runs and lines -----------------------------------------------------------------------


def run_list(*, user) -> QuerySet:
    return scope_queryset(user, PayrollRun).select_related("township", "policy")


def line_list(*, user, run: PayrollRun | None = None) -> QuerySet:
    lines = scope_queryset(user, PaymentLine).select_related("person", "village")
    if run is not None:
        lines = lines.filter(run=run)
    return lines


def pay_slips(*, user, person: Person) -> QuerySet:
    """A person's lines in runs that are approved or further (what they will be paid)."""
    return (
        scope_queryset(user, PaymentLine)
        .filter(person=person)
        .exclude(run__status__in=[RunStatus.DRAFT])
        .select_related("run__township", "village")
        .order_by("-run__month", "pays_for", "component")
    )


# --- Integrity checks (SPEC §3, shown before approval) ---------------------------------------


@dataclass(frozen=True)
class Issue:
    code: str
    person_ids: tuple[int, ...]
    detail: str


def run_integrity(run: PayrollRun) -> list[Issue]:
    """One bank account used by two people; payment after a date of death; a person paid as
    secretary of two villages at once; lines without a bank account."""
    issues: list[Issue] = []
    lines = PaymentLine.objects.filter(run=run)
    paid = lines.filter(amount__gt=0)

    accounts = (
        paid.exclude(bank_account="")
        .values("bank_account")
        .annotate(people=Count("person", distinct=True))
        .filter(people__gt=1)
    )
    for row in accounts:
        ids = tuple(
            sorted(
                set(
                    paid.filter(bank_account=row["bank_account"]).values_list(
                        "person_id", flat=True
                    )
                )
            )
        )
        issues.append(Issue("shared_account", ids, row["bank_account"][-4:]))
    # The same account also held by someone outside this run (another township).
    in_run = set(paid.exclude(bank_account="").values_list("bank_account", flat=True))
    if in_run:
        others = (
            Person.objects.filter(bank_account__in=in_run)
            .exclude(pk__in=paid.values("person_id"))
            .values_list("bank_account", "pk")
        )
        for account, pk in others:
            ids = tuple(
                sorted(
                    set(paid.filter(bank_account=account).values_list("person_id", flat=True))
                    | {pk}
                )
            )
            issues.append(Issue("shared_account", ids, account[-4:]))

    dead = paid.filter(person__died_on__isnull=False, person__died_on__lt=run.month)
    for person_id in sorted(set(dead.values_list("person_id", flat=True))):
        issues.append(Issue("paid_after_death", (person_id,), ""))
    dead_in_month = paid.filter(
        person__died_on__gte=run.month,
        person__died_on__lte=month_end(run.month),
        component=Component.BASIC,
        kind="regular",
    ).select_related("person")
    for line in dead_in_month:
        days_alive = (line.person.died_on - run.month).days + 1
        if line.days and line.days > days_alive:
            issues.append(Issue("paid_after_death", (line.person_id,), ""))

    secretaries = (
        month_posts(run.township_id, run.month)
        .filter(role=PostRole.SECRETARY)
        .values("person_id")
        .annotate(villages=Count("village", distinct=True))
        .filter(villages__gt=1)
    )
    for row in secretaries:
        posts = list(
            Post.objects.filter(
                person_id=row["person_id"],
                role=PostRole.SECRETARY,
                start_date__lte=month_end(run.month),
            )
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=run.month))
            .order_by("start_date")
        )
        if _overlap(posts):
            issues.append(Issue("secretary_of_two_villages", (row["person_id"],), ""))

    missing = paid.filter(bank_account="").values_list("person_id", flat=True).distinct()
    for person_id in sorted(set(missing)):
        issues.append(Issue("no_bank_account", (person_id,), ""))
    return issues


def _overlap(posts) -> bool:
    for a, b in zip(posts, posts[1:], strict=False):
        if a.end_date is None or a.end_date >= b.start_date:
            return True
    return False


def run_totals(run: PayrollRun) -> dict:
    return PaymentLine.objects.filter(run=run).aggregate(
        total=Sum("amount"), lines=Count("pk"), held=Count("pk", filter=Q(held=True))
    )


# --- R-PAY-5 floor report ------------------------------------------------------------------


@dataclass(frozen=True)
class FloorRow:
    person_id: int
    name: str
    township_id: int
    result: rules.FloorResult


def floor_report(
    *,
    township_id: int,
    year: int,
    income: Decimal,
    other_ratio: Decimal,
    extra_earned: dict[int, Decimal] | None = None,
    exclude_run_id: int | None = None,
) -> list[FloorRow]:
    """R-PAY-5: each cadre whose last post of ``year`` is in the township, their earnings of
    the year (lines paying for its months, all runs but ``exclude_run_id``, plus
    ``extra_earned``) against A (secretaries, directors) or ``other_ratio`` × A (other
    cadres), prorated by the days served.

    A cadre who served in several townships in the year is settled once, by the township of
    their last post (the latest end, an open post last; then the latest start), over the days
    of all their posts of the year and their earnings in every township: the other townships
    leave them out."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    days_in_year = (last - first).days + 1
    here = Post.objects.filter(village__township_id=township_id, start_date__lte=last).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first)
    )
    posts = (
        Post.objects.filter(person_id__in=here.values("person_id"), start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values_list(
            "person_id",
            "role",
            "start_date",
            "end_date",
            "person__name",
            "person__died_on",
            "village__township_id",
            "pk",
        )
    )
    served: dict[int, set] = defaultdict(set)
    top: dict[int, bool] = {}
    names: dict[int, str] = {}
    latest: dict[int, tuple] = {}  # person → (end, start, pk, township) of the last post
    for person_id, role, start, end, name, died, post_township, pk in posts:
        begin = max(start, first)
        stop = min(end or last, last, died or last)
        if stop < begin:
            continue
        served[person_id].add((begin, stop))
        names[person_id] = name
        top[person_id] = top.get(person_id, False) or role in (
            PostRole.SECRETARY,
            PostRole.DIRECTOR,
        )
        key = (end or date.max, start, pk, post_township)
        if person_id not in latest or key > latest[person_id]:
            latest[person_id] = key
    settled_here = [p for p in served if latest[p][3] == township_id]
    lines = PaymentLine.objects.filter(person_id__in=settled_here, pays_for__year=year).exclude(
        component=Component.FLOOR_TOPUP
    )
    if exclude_run_id is not None:
        lines = lines.exclude(run_id=exclude_run_id)
    earned = dict(
        lines.values("person_id").annotate(total=Sum("amount")).values_list("person_id", "total")
    )
    rows = []
    for person_id in settled_here:
        days = _union_days(served[person_id])
        ratio = Decimal(1) if top[person_id] else other_ratio
        total = (earned.get(person_id) or Decimal(0)) + (extra_earned or {}).get(
            person_id, Decimal(0)
        )
        result = rules.floor_shortfall(total, income, ratio, days, days_in_year, year)
        rows.append(FloorRow(person_id, names[person_id], township_id, result))
    rows.sort(key=lambda r: (-r.result.shortfall, r.name))
    return rows


def _union_days(ranges) -> int:
    total = 0
    current_start = current_end = None
    for start, end in sorted(ranges):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += (current_end - current_start).days + 1
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    if current_end is not None:
        total += (current_end - current_start).days + 1
    return total
