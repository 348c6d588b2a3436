"""Pure training rules (stdlib only), SPEC §5.

Every policy value (hours in a day of training, the yearly requirement, the budget per
secretary, the reminder start) comes in as an argument (:class:`Policy`); the database
keeps them in ``TrainingPolicy`` rows that the district admin edits. The only constant is
the refusal of more than 12 hours of training in one day, which a database constraint also
holds.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction

MAX_HOURS_PER_DAY = Decimal("12")  # SPEC §5: "Refused: more than 12 hours in a day"
CENTS = Decimal("0.01")
TENTHS = Decimal("0.1")


@dataclass(frozen=True)
class Policy:
    """The policy values of one district and year (R-TRN-1, R-TRN-3, reminders)."""

    hours_per_day: Decimal  # 1 day of training = 8 hours
    required_days: Decimal  # 7 days of centralised training a year
    budget_per_secretary: Decimal  # 300 yuan per secretary and year
    reminder_month: int  # reminders from 1 October
    reminder_day: int

    def reminder_start(self, year: int) -> date:
        last = calendar.monthrange(year, self.reminder_month)[1]
        return date(year, self.reminder_month, min(self.reminder_day, last))


def quantize_money(amount: Decimal) -> Decimal:
    return amount.quantize(CENTS, rounding=ROUND_HALF_UP)


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def days_in_post(spans: Iterable[tuple[date, date | None]], year: int) -> int:
    """Days of ``year`` covered by the spans (start, end or None while serving), each day
    once even where spans overlap.

    Each span is clipped to the year; a span outside the year (or ending before it starts)
    clips to an empty one and is skipped. Overlapping spans are merged; adjacent ones are
    counted one after the other, which gives the same total."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    clipped = sorted((max(start, first), min(end or last, last)) for start, end in spans)
    total = 0
    current_start = current_end = None
    for start, end in clipped:
        if start > end:
            continue
        if current_end is not None and start <= current_end:
            current_end = max(current_end, end)
            continue
        if current_end is not None:
            total += (current_end - current_start).days + 1
        current_start, current_end = start, end
    if current_end is not None:
        total += (current_end - current_start).days + 1
    return total


def required_days(served_days: int, year: int, full_year_days: Decimal) -> Decimal:
    """R-TRN-1 proration: ``full_year_days`` × served days ÷ days in the year, rounded UP to
    the next half day and never above ``full_year_days``; a whole year needs exactly
    ``full_year_days``, no day in post needs nothing. Exact (fractions), one decimal."""
    total = days_in_year(year)
    if served_days <= 0:
        return Decimal("0.0")
    # A whole year: ceil(2 × full × total ÷ total) ÷ 2 ≥ full, so the min() gives full.
    halves = math.ceil(Fraction(full_year_days) * 2 * served_days / total)
    return min(Decimal(halves) / 2, full_year_days).quantize(TENTHS)


def days_from_hours(hours: Decimal, hours_per_day: Decimal) -> Decimal:
    """Hours as days of training, rounded DOWN to the hundredth, so a person shown with
    7.00 days has really done 7 days."""
    return (hours / hours_per_day).quantize(CENTS, rounding=ROUND_DOWN)


def is_compliant(hours: Decimal, required: Decimal, hours_per_day: Decimal) -> bool:
    """R-TRN-1, compared in hours so that rounding of days cannot decide it."""
    return hours >= required * hours_per_day


def progress_percent(hours: Decimal, required: Decimal, hours_per_day: Decimal) -> int:
    """The width of a progress bar, 0–100 (100 when nothing is required)."""
    needed = required * hours_per_day
    if needed <= 0:
        return 100
    return min(100, int(hours * 100 // needed))


@dataclass(frozen=True)
class Progress:
    """One person's R-TRN-1 standing for a year."""

    hours: Decimal
    days: Decimal
    served_days: int
    required_days: Decimal
    compliant: bool
    percent: int

    @property
    def missing_days(self) -> Decimal:
        return max(Decimal("0"), self.required_days - self.days)


def yearly_progress(
    *, hours: Decimal, spans: Iterable[tuple[date, date | None]], year: int, policy: Policy
) -> Progress:
    """R-TRN-1: verified centralised ``hours`` of ``year`` against the prorated requirement
    of a secretary whose tenures in the year are ``spans``."""
    served = days_in_post(spans, year)
    required = required_days(served, year, policy.required_days)
    return Progress(
        hours=hours,
        days=days_from_hours(hours, policy.hours_per_day),
        served_days=served,
        required_days=required,
        compliant=is_compliant(hours, required, policy.hours_per_day),
        percent=progress_percent(hours, required, policy.hours_per_day),
    )


def exceeds_daily_limit(hours_that_day: Iterable[Decimal], new_hours: Decimal) -> bool:
    """More than 12 hours in one day across the entries of that day (SPEC §5)."""
    return sum(hours_that_day, Decimal("0")) + new_hours > MAX_HOURS_PER_DAY


def is_future(day: date, today: date) -> bool:
    return day > today


@dataclass(frozen=True)
class BudgetResult:
    """R-TRN-3: budgeted course spend per serving secretary against the policy."""

    total_budget: Decimal
    secretaries: int
    per_secretary: Decimal | None  # None when there is no secretary to divide by
    standard: Decimal

    @property
    def meets(self) -> bool | None:
        return None if self.per_secretary is None else self.per_secretary >= self.standard

    @property
    def shortfall(self) -> Decimal:
        if self.per_secretary is None or self.meets:
            return Decimal("0.00")
        return quantize_money((self.standard - self.per_secretary) * self.secretaries)


def budget_per_secretary(
    total_budget: Decimal, secretaries: int, standard: Decimal
) -> BudgetResult:
    """R-TRN-3: total budget ÷ secretaries, rounded half up to the cent once."""
    per = quantize_money(total_budget / secretaries) if secretaries else None
    return BudgetResult(quantize_money(total_budget), secretaries, per, standard)


def reminder_due(today: date, policy: Policy) -> bool:
    """Reminders go out from the policy's start date (1 October) to the end of the year."""
    return today >= policy.reminder_start(today.year)


def reminder_week(today: date) -> tuple[int, int]:
    """The ISO (year, week) a reminder belongs to: one reminder per person and week."""
    iso = today.isocalendar()
    return iso[0], iso[1]


PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def evidence_type(head: bytes) -> str | None:
    """The MIME type of an evidence file told by its first bytes, not its name; None for
    anything but PDF, JPEG and PNG."""
    if head.startswith(PDF_MAGIC):
        return "application/pdf"
    if head.startswith(JPEG_MAGIC):
        return "image/jpeg"
    if head.startswith(PNG_MAGIC):
        return "image/png"
    return None


EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
