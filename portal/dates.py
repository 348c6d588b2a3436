"""Calendar helpers on plain dates (stdlib only, safe to use from pure rule modules)."""

import calendar
from datetime import date


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def month_start(d: date) -> date:
    return d.replace(day=1)


def month_end(d: date) -> date:
    return d.replace(day=days_in_month(d.year, d.month))


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clipped to the month's last day."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, days_in_month(year, month)))


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def parse_month(value: str) -> date:
    """``"2026-03"`` → ``date(2026, 3, 1)``; raises ValueError on anything else."""
    year, month = value.strip().split("-")
    if len(year) != 4 or not 1 <= len(month) <= 2:
        raise ValueError(value)
    return date(int(year), int(month), 1)


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
