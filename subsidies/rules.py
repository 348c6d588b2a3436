"""Pure remuneration rules (SPEC §3, R-PAY-1..6): plain values in, payment lines out.

No Django, no ORM, no I/O: given a person's posts (spans), the grade of the appraisal
covering the month, the township's performance standard, the policy in force and the month,
:func:`monthly_lines` returns the basic and performance lines with their amounts (``Decimal``,
rounded once per line, ROUND_HALF_UP) and their derivations (plain dicts, rendered in words by
:func:`describe`). :func:`correction` turns "now due" against "already paid" for a locked month
into an arrears or adjustment line; :func:`floor_shortfall` is R-PAY-5.

Day by day (R-PAY-3) a person is paid on the one post with the highest standard they hold:

=============  =====================================  ===================================
category       basic subsidy (R-PAY-1)                performance standard (R-PAY-2)
=============  =====================================  ===================================
one shoulder   one-shoulder rate (600)                S (secretary's standard)
secretary      secretary rate (500)                   S
director       secretary rate (500)                   S (director on the secretary's)
member         secretary rate × member ratio (300)    S × member ratio
=============  =====================================  ===================================

A component for part of a month is Σ standard × days ÷ days in the month over the month's
segments, rounded once. Days after death are not paid (R-PAY-6); spans are the tenures, so no
day outside a tenure is ever paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from portal.dates import days_in_month, month_end

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Post roles (the values of cadres.choices.PostRole; repeated because rules are stdlib only).
SECRETARY = "secretary"
DIRECTOR = "director"

# Day categories, from the highest standard down.
ONE_SHOULDER = "one_shoulder"
SECRETARY_DAY = "secretary"
DIRECTOR_DAY = "director"
MEMBER_DAY = "member"
CATEGORY_ORDER = (ONE_SHOULDER, SECRETARY_DAY, DIRECTOR_DAY, MEMBER_DAY)

BASIC = "basic"
PERFORMANCE = "performance"

REGULAR = "regular"
ARREARS = "arrears"
ADJUSTMENT = "adjustment"


def quantize_money(value: Decimal) -> Decimal:
    """The one rounding of a payment line: to the cent, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Span:
    """One post (tenure) of a person: role, village, first and last day (None: open)."""

    role: str
    village: int
    start: date
    end: date | None = None


@dataclass(frozen=True)
class PayPolicy:
    """The policy values the monthly lines need (a policy record in force for the month)."""

    label: str  # "2024-01": the month the policy record is valid from
    secretary_basic: Decimal
    one_shoulder_basic: Decimal
    member_ratio: Decimal
    factors: tuple[tuple[str, Decimal], ...]  # (grade, factor) for each appraisal grade

    def factor(self, grade: str) -> Decimal:
        return dict(self.factors)[grade]


@dataclass(frozen=True)
class PayLine:
    component: str
    amount: Decimal
    days: int
    held: bool
    derivation: dict
    village: int | None = None
    kind: str = REGULAR
    # R-PAY-3: the first and last day of the month a regular line pays (its township's days);
    # None for corrections and one-off lines.
    covers: tuple[date, date] | None = None


@dataclass(frozen=True)
class Segment:
    category: str
    village: int
    days: int


def segments(spans: tuple[Span, ...] | list[Span], month: date, died_on: date | None = None):
    """Split the month at every post boundary and give each run of days its category.

    Returns ``[Segment(category, village, days), …]`` for the paid days only (days with no
    post, and days after death, are left out)."""
    first = month
    last = month_end(month)
    if died_on is not None and died_on < last:
        last = died_on
    if last < first:
        return []
    active = [s for s in spans if s.start <= last and (s.end is None or s.end >= first)]
    if not active:
        return []
    if len(active) == 1:  # the common case: one post, covering [start, end] ∩ the month
        only = active[0]
        begin = max(only.start, first)
        stop = last if only.end is None else min(only.end, last)
        category, village = _best_category(active)
        return [Segment(category, village, (stop - begin).days + 1)]
    cuts = {first, last + timedelta(days=1)}
    for s in active:
        if s.start > first:
            cuts.add(s.start)
        if s.end is not None and s.end < last:
            cuts.add(s.end + timedelta(days=1))
    points = sorted(cuts)
    out: list[Segment] = []
    for begin, stop in zip(points, points[1:], strict=False):
        held = [s for s in active if s.start <= begin and (s.end is None or s.end >= begin)]
        if not held:
            continue
        category, village = _best_category(held)
        days = (stop - begin).days
        if out and out[-1].category == category and out[-1].village == village:
            out[-1] = Segment(category, village, out[-1].days + days)
        else:
            out.append(Segment(category, village, days))
    return out


def paid_days(
    spans: tuple[Span, ...] | list[Span], month: date, died_on: date | None = None
) -> tuple[date, date] | None:
    """R-PAY-3, R-PAY-6: the first and last day of ``month`` that the spans pay (no day
    outside a tenure, none after death), or None when they pay no day. The lines a township
    computes cover these days, and no other run may pay a person's component on any of them
    (the ``one_pay_a_day`` constraint)."""
    first = month
    last = month_end(month)
    if died_on is not None and died_on < last:
        last = died_on
    if last < first:
        return None
    begin = stop = None
    for s in spans:
        if s.start > last or (s.end is not None and s.end < first):
            continue
        start, end = max(s.start, first), last if s.end is None else min(s.end, last)
        begin = start if begin is None or start < begin else begin
        stop = end if stop is None or end > stop else stop
    return None if begin is None else (begin, stop)


def _best_category(held: list[Span]) -> tuple[str, int]:
    secretary_villages = sorted({s.village for s in held if s.role == SECRETARY})
    director_villages = sorted({s.village for s in held if s.role == DIRECTOR})
    both = [v for v in secretary_villages if v in director_villages]
    if both:
        return ONE_SHOULDER, both[0]
    if secretary_villages:
        return SECRETARY_DAY, secretary_villages[0]
    if director_villages:
        return DIRECTOR_DAY, director_villages[0]
    return MEMBER_DAY, min(s.village for s in held)


def monthly_lines(
    spans: tuple[Span, ...] | list[Span],
    month: date,
    policy: PayPolicy,
    standard: Decimal,
    grade: str | None,
    died_on: date | None = None,
) -> tuple[PayLine, ...]:
    """The basic and performance lines of one person for one month (R-PAY-1..3, R-PAY-6).

    ``grade`` is the grade of the appraisal covering the month, or None when it is missing:
    then the performance line is **held** (shown with amount 0, never silently zero)."""
    segs = segments(spans, month, died_on)
    if not segs:
        return ()
    key = tuple((s.category, s.days) for s in segs)
    died = died_on.isoformat() if died_on is not None and died_on <= month_end(month) else None
    basic, performance = _lines_for(
        key,
        days_in_month(month.year, month.month),
        month.isoformat()[:7],
        policy,
        standard,
        grade,
        died,
    )
    village = _main_village(segs)
    covers = paid_days(spans, month, died_on)
    return (
        PayLine(BASIC, basic[0], basic[1], False, basic[2], village, covers=covers),
        PayLine(
            PERFORMANCE,
            performance[0],
            performance[1],
            performance[3],
            performance[2],
            village,
            covers=covers,
        ),
    )


def _main_village(segs: list[Segment]) -> int:
    """The village the month is booked to: of the highest category, the most days."""
    rank = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    best = min(segs, key=lambda s: (rank[s.category], -s.days, s.village))
    return best.village


@lru_cache(maxsize=4096)
def _lines_for(key, month_days, month_label, policy, standard, grade, died):
    """Amounts and derivations for a month's categories (cached: the same shape of month,
    grade, standard and policy gives the same lines, whoever they are for)."""
    basic_terms = []
    basic_sum = Decimal(0)
    perf_terms = []
    perf_sum = Decimal(0)
    days = 0
    for category, n in key:
        days += n
        rate = _basic_rate(category, policy)
        basic_sum += rate * n
        basic_terms.append({"rate": category, "standard": str(rate), "days": n})
        perf_standard = _performance_standard(category, policy, standard)
        perf_sum += perf_standard * n
        perf_terms.append({"rate": category, "standard": str(perf_standard), "days": n})
    common = {"days_in_month": month_days, "policy": policy.label, "month": month_label}
    if died:
        common["died_on"] = died
    if MEMBER_DAY in (c for c, _n in key):
        common["member_ratio"] = str(policy.member_ratio)
    basic_amount = quantize_money(basic_sum / month_days)
    basic = (
        basic_amount,
        days,
        {"component": BASIC, "amount": str(basic_amount), "terms": basic_terms, **common},
    )
    if grade is None:
        derivation = {
            "component": PERFORMANCE,
            "amount": str(ZERO),
            "terms": perf_terms,
            "held": "no_appraisal",
            **common,
        }
        return basic, (ZERO, days, derivation, True)
    factor = policy.factor(grade)
    perf_amount = quantize_money(perf_sum * factor / month_days)
    derivation = {
        "component": PERFORMANCE,
        "amount": str(perf_amount),
        "terms": perf_terms,
        "grade": grade,
        "factor": str(factor),
        **common,
    }
    return basic, (perf_amount, days, derivation, False)


def _basic_rate(category: str, policy: PayPolicy) -> Decimal:
    if category == ONE_SHOULDER:
        return policy.one_shoulder_basic
    if category in (SECRETARY_DAY, DIRECTOR_DAY):
        return policy.secretary_basic
    return quantize_money(policy.secretary_basic * policy.member_ratio)


def _performance_standard(category: str, policy: PayPolicy, standard: Decimal) -> Decimal:
    if category == MEMBER_DAY:
        return quantize_money(standard * policy.member_ratio)
    return standard


def correction(
    component: str,
    month: date,
    due: PayLine | None,
    paid: Decimal,
    corrects: int | None,
    was_held: bool,
) -> PayLine | None:
    """A locked month seen again: what is due now against what was paid (SPEC §3).

    Returns the arrears line (a held line released now that its appraisal exists) or the
    adjustment line (a corrected tenure, grade or date of death; it may be negative) that pays
    the difference in the next open run, or None when nothing is owed either way. A line still
    held stays held: nothing is paid until the appraisal is entered."""
    if due is not None and due.held:
        return None
    now_due = due.amount if due is not None else ZERO
    difference = quantize_money(now_due - paid)
    if difference == 0:
        return None
    kind = ARREARS if was_held and paid == 0 else ADJUSTMENT
    derivation = {
        "component": component,
        "kind": kind,
        "for": month.isoformat()[:7],
        "amount": str(difference),
        "now_due": str(now_due),
        "paid": str(quantize_money(paid)),
        "corrects": corrects,
        "due": due.derivation if due is not None else None,
    }
    village = due.village if due is not None else None
    days = due.days if due is not None else 0
    return PayLine(component, difference, days, False, derivation, village, kind)


@dataclass(frozen=True)
class FloorResult:
    required: Decimal
    earned: Decimal
    shortfall: Decimal
    derivation: dict


def floor_shortfall(
    earned: Decimal,
    income: Decimal,
    ratio: Decimal,
    days_served: int,
    days_in_year: int,
    year: int,
) -> FloorResult:
    """R-PAY-5: secretaries and directors should earn at least A a year (``ratio`` 1), other
    two-committee cadres 0.6 A; for part of a year, prorated by the days served."""
    required = quantize_money(income * ratio * days_served / days_in_year)
    shortfall = max(ZERO, quantize_money(required - earned))
    derivation = {
        "component": "floor_topup",
        "year": year,
        "income": str(income),
        "ratio": str(ratio),
        "days": days_served,
        "days_in_year": days_in_year,
        "required": str(required),
        "earned": str(quantize_money(earned)),
        "amount": str(shortfall),
    }
    return FloorResult(required, quantize_money(earned), shortfall, derivation)


# --- Words ------------------------------------------------------------------------------------

_RATE_WORDS = {
    BASIC: {
        ONE_SHOULDER: "one-shoulder rate",
        SECRETARY_DAY: "secretary rate",
        DIRECTOR_DAY: "director on the secretary rate",
        MEMBER_DAY: "member rate",
    },
    PERFORMANCE: {
        ONE_SHOULDER: "one-shoulder standard",
        SECRETARY_DAY: "secretary standard",
        DIRECTOR_DAY: "director on the secretary standard",
        MEMBER_DAY: "member standard",
    },
}
GRADE_WORDS = {
    "excellent": "excellent",
    "competent": "competent",
    "basic": "basically competent",
    "incompetent": "incompetent",
}


def describe(derivation: dict) -> str:
    """The derivation in (English) words, e.g. ``basic 600.00 = one-shoulder rate 600.00 ×
    31/31 days (policy 2024-01)``. Pages render it in the user's language from the same
    dict (``subsidies.derivations``)."""
    if derivation.get("component") == "allowance":
        from .allowance.rules import describe as describe_allowance

        return describe_allowance(derivation)
    kind = derivation.get("kind")
    if kind in (ARREARS, ADJUSTMENT):
        text = (
            f"{kind} {derivation['component']} for {derivation['for']}: "
            f"{derivation['amount']} = now due {derivation['now_due']} − paid {derivation['paid']}"
        )
        if derivation.get("corrects"):
            text += f" (corrects line #{derivation['corrects']})"
        if derivation.get("due"):
            text += f"; now due: {describe(derivation['due'])}"
        return text
    component = derivation["component"]
    if component in (BASIC, PERFORMANCE):
        words = _RATE_WORDS[component]
        month_days = derivation["days_in_month"]
        terms = " + ".join(
            f"{words[t['rate']]} {t['standard']} × {t['days']}/{month_days} days"
            for t in derivation["terms"]
        )
        if component == PERFORMANCE and derivation.get("held"):
            text = f"performance held: no appraisal for {derivation['month']}; standard {terms}"
        elif component == PERFORMANCE:
            grade = GRADE_WORDS.get(derivation["grade"], derivation["grade"])
            if len(derivation["terms"]) > 1:
                terms = f"({terms})"
            text = f"performance {derivation['amount']} = {terms} × {grade} {derivation['factor']}"
        else:
            text = f"basic {derivation['amount']} = {terms}"
        text += f" (policy {derivation['policy']})"
        if derivation.get("died_on"):
            text += f"; not paid after death on {derivation['died_on']}"
        return text
    if component == "award":
        return (
            f"annual award {derivation['year']}: {derivation['amount']} (rank "
            f"{derivation['rank']}, score {derivation['score']}, policy {derivation['policy']})"
        )
    if component == "floor_topup":
        return (
            f"floor top-up {derivation['amount']} = required {derivation['required']} "
            f"(income {derivation['income']} × {derivation['ratio']} × "
            f"{derivation['days']}/{derivation['days_in_year']} days) − earned "
            f"{derivation['earned']} in {derivation['year']}"
        )
    return derivation.get("text", "")
