"""Pure rules of the post-retirement living allowance (SPEC §4, R-ALW-1..3).

Stdlib only (and ``portal.dates``): tenures are plain ``Tenure`` values, the policy values a
frozen ``AllowancePolicy``, months are ``date``\\ s on the first of the month.

- :func:`service_months` (R-ALW-2): a month counts when the secretary post was held on any
  day of it; overlapping tenures count once.
- :func:`eligibility` (R-ALW-1, R-ALW-2): eligible or the reason why not, the tier and the
  monthly amount. The tenures are the declared ones and the registry's secretary posts of the
  person together: a month counts once, and the registry's open or later post refuses.
- :func:`first_payable_month` (R-ALW-3): the later of the policy's "payable from" and the month
  the declaration was filed.
- :func:`settle` (R-ALW-3): what a payroll run of a month owes on a grant, given the months
  already paid by other runs: the regular month, the arrears months before it, and months
  paid after the month of death that must be reclaimed.
- :func:`allowance_lines` turns a settlement into payment lines with their derivations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from portal.dates import month_start
from subsidies.rules import ADJUSTMENT, ARREARS, REGULAR, PayLine, quantize_money

ALLOWANCE = "allowance"

# R-ALW-1: the normal end reasons (values of cadres.choices.EndReason, repeated: rules are
# stdlib only). Resigned, dismissed for discipline and deceased are not normal.
NORMAL_END_REASONS = frozenset({"term_ended", "retired", "health"})

# Why an application is not eligible (rendered in words by ``allowance.words``).
NO_TENURE = "no_tenure"
DECEASED = "deceased"
STILL_SERVING = "still_serving"
END_REASON = "end_reason"
AFTER_CUTOFF = "after_cutoff"
TOO_FEW_MONTHS = "too_few_months"


@dataclass(frozen=True)
class Tenure:
    """One branch secretary tenure: first and last day (``end`` None: still serving) and why
    it ended. A tenure declared to the month starts on the first day of its first month and
    ends on the last day of its last month."""

    start: date
    end: date | None
    end_reason: str = ""
    registry: bool = False  # a registry post (exact dates) rather than a declared tenure


@dataclass(frozen=True)
class AllowancePolicy:
    """The policy values of SPEC §4 in force (``subsidies.models.Policy``)."""

    label: str
    cutoff: date
    payable_from: date
    min_months: int
    tier1_max_months: int
    tier1_amount: Decimal
    tier2_amount: Decimal


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    months: int
    tier: int | None = None
    monthly_amount: Decimal | None = None
    refusal: str | None = None
    detail: dict = field(default_factory=dict, compare=False)


PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def scan_type(head: bytes) -> str | None:
    """The MIME type of a scanned document told by its first bytes, not its name; None for
    anything but PDF, JPEG and PNG."""
    if head.startswith(PDF_MAGIC):
        return "application/pdf"
    if head.startswith(JPEG_MAGIC):
        return "image/jpeg"
    if head.startswith(PNG_MAGIC):
        return "image/png"
    return None


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def month_from_index(index: int) -> date:
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def label(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def tenure_months(tenures, until: date | None = None) -> set[int]:
    """The month indices in which a secretary post was held on any day (an open tenure runs
    to ``until``)."""
    months: set[int] = set()
    for tenure in tenures:
        end = tenure.end if tenure.end is not None else until
        if end is None or end < tenure.start:
            continue
        months.update(range(month_index(tenure.start), month_index(end) + 1))
    return months


def service_months(tenures, until: date | None = None) -> int:
    """R-ALW-2: total months as branch secretary, overlapping tenures counted once."""
    return len(tenure_months(tenures, until))


def spans(indices) -> list[tuple[date, date]]:
    """Month indices as contiguous (first month, last month) spans."""
    out: list[list[int]] = []
    for index in sorted(set(indices)):
        if out and out[-1][1] == index - 1:
            out[-1][1] = index
        else:
            out.append([index, index])
    return [(month_from_index(a), month_from_index(b)) for a, b in out]


def tier_for(months: int, policy: AllowancePolicy) -> tuple[int, Decimal] | None:
    """R-ALW-2: (tier, monthly amount) for the months of service, None below the minimum."""
    if months < policy.min_months:
        return None
    if months <= policy.tier1_max_months:
        return 1, policy.tier1_amount
    return 2, policy.tier2_amount


def eligibility(
    tenures, policy: AllowancePolicy, died_on: date | None = None, on: date | None = None
) -> Eligibility:
    """R-ALW-1, R-ALW-2: a former branch secretary, alive (on ``on``), whose last secretary
    tenure ended on or before the cutoff for a normal reason, with at least the minimum months
    of service. The first failed condition is the reason given."""
    tenures = list(tenures)
    if not tenures:
        return Eligibility(False, 0, refusal=NO_TENURE)
    if died_on is not None and (on is None or died_on <= on):
        return Eligibility(False, 0, refusal=DECEASED, detail={"died_on": died_on})
    if any(t.end is None for t in tenures):
        return Eligibility(False, 0, refusal=STILL_SERVING)
    months = service_months(tenures)
    # The last tenure by the month it ended; in the same month a registry post outranks a
    # declared tenure (the registry's end reason and date count).
    last = max(tenures, key=lambda t: (month_index(t.end), t.registry, t.end, t.start))
    if last.end_reason not in NORMAL_END_REASONS:
        return Eligibility(
            False, months, refusal=END_REASON, detail={"end_reason": last.end_reason}
        )
    if last.end > policy.cutoff:
        return Eligibility(
            False, months, refusal=AFTER_CUTOFF, detail={"end": last.end, "cutoff": policy.cutoff}
        )
    tier = tier_for(months, policy)
    if tier is None:
        return Eligibility(
            False, months, refusal=TOO_FEW_MONTHS, detail={"minimum": policy.min_months}
        )
    return Eligibility(True, months, tier=tier[0], monthly_amount=tier[1])


def first_payable_month(policy: AllowancePolicy, declared_on: date) -> date:
    """R-ALW-3: the later of the policy's first payable month and the month of declaration."""
    return max(month_start(policy.payable_from), month_start(declared_on))


@dataclass(frozen=True)
class Settlement:
    """What one run owes on one grant: the run's own month (or None), the earlier months
    never paid (arrears), and months paid after the last payable month (reclaimed)."""

    regular: date | None
    arrears: tuple[date, ...]
    reclaim: tuple[date, ...]


def settle(start: date, last: date | None, run_month: date, paid: dict[int, int]) -> Settlement:
    """R-ALW-3 for a run of ``run_month``: months from ``start`` to ``last`` (the month of
    death or the grant's end; None: open) are payable. ``paid`` counts, per month index, the
    times other runs paid it (reclaims subtract). The run pays its own month if payable and
    unpaid, every earlier payable month still unpaid as arrears, and reclaims every month
    paid but not payable (a death recorded after the months were paid). Never twice."""
    first = month_index(start)
    now = month_index(run_month)
    end = now if last is None else min(now, month_index(last))
    payable = set(range(first, end + 1))
    unpaid = {m for m in payable if paid.get(m, 0) <= 0}
    regular = month_from_index(now) if now in unpaid else None
    arrears = tuple(month_from_index(m) for m in sorted(unpaid) if m < now)
    reclaim = tuple(
        month_from_index(m)
        for m, times in sorted(paid.items())
        if times > 0 and m not in payable and m <= now
    )
    return Settlement(regular, arrears, reclaim)


@dataclass(frozen=True)
class GrantTerms:
    """A grant as the payroll sees it (``AllowanceGrant``)."""

    grant_id: int
    monthly_amount: Decimal
    tier: int
    service_months: int
    start: date
    last: date | None = None  # the last payable month (death or stop); None: open
    died_on: date | None = None


def _span_labels(months) -> list[list[str]]:
    return [[label(a), label(b)] for a, b in spans(month_index(m) for m in months)]


def allowance_lines(terms: GrantTerms, settlement: Settlement) -> list[PayLine]:
    """The lines of a settlement: a regular line for the run's month, ONE arrears line for the
    earlier unpaid months (pays for the first of them) and one negative adjustment for months
    paid after the last payable month."""
    common = {
        "component": ALLOWANCE,
        "grant": terms.grant_id,
        "monthly": str(terms.monthly_amount),
        "tier": terms.tier,
        "service_months": terms.service_months,
    }
    if terms.died_on is not None:
        common["died_on"] = terms.died_on.isoformat()
    lines = []
    if settlement.regular is not None:
        amount = quantize_money(terms.monthly_amount)
        derivation = {
            **common,
            "kind": REGULAR,
            "month": label(settlement.regular),
            "amount": str(amount),
        }
        lines.append(PayLine(ALLOWANCE, amount, None, False, derivation, None, REGULAR))
    if settlement.arrears:
        count = len(settlement.arrears)
        amount = quantize_money(terms.monthly_amount * count)
        derivation = {
            **common,
            "kind": ARREARS,
            "spans": _span_labels(settlement.arrears),
            "months": count,
            "amount": str(amount),
        }
        lines.append(PayLine(ALLOWANCE, amount, None, False, derivation, None, ARREARS))
    if settlement.reclaim:
        count = len(settlement.reclaim)
        amount = quantize_money(-terms.monthly_amount * count)
        derivation = {
            **common,
            "kind": ADJUSTMENT,
            "spans": _span_labels(settlement.reclaim),
            "months": count,
            "amount": str(amount),
        }
        lines.append(PayLine(ALLOWANCE, amount, None, False, derivation, None, ADJUSTMENT))
    return lines


def covered_months(kind: str, pays_for: date, derivation: dict) -> tuple[int, list[int]]:
    """(sign, month indices) a stored allowance line pays (+1) or reclaims (−1)."""
    if kind == REGULAR:
        return 1, [month_index(pays_for)]
    indices: list[int] = []
    for first, last in derivation.get("spans", ()):
        a = month_index(date.fromisoformat(f"{first}-01"))
        b = month_index(date.fromisoformat(f"{last}-01"))
        indices.extend(range(a, b + 1))
    return (-1 if kind == ADJUSTMENT else 1), indices


def describe(derivation: dict) -> str:
    """An allowance line's derivation in English words (pages use ``allowance.words``)."""
    grant = derivation["grant"]
    kind = derivation.get("kind", REGULAR)
    if kind == REGULAR:
        text = (
            f"living allowance {derivation['amount']} for {derivation['month']} = tier "
            f"{derivation['tier']} monthly {derivation['monthly']} "
            f"({derivation['service_months']} months of service, grant #{grant})"
        )
    else:
        months = ", ".join(a if a == b else f"{a}–{b}" for a, b in derivation["spans"])
        word = "arrears" if kind == ARREARS else "reclaimed"
        sign = "" if kind == ARREARS else "−"
        text = (
            f"{word} of living allowance for {months}: {derivation['amount']} = "
            f"{sign}{derivation['months']} months × {derivation['monthly']} (grant #{grant})"
        )
    if derivation.get("died_on"):
        text += f"; not paid after the month of death ({derivation['died_on']})"
    return text
