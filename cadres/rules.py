"""Pure registry rules (stdlib only): the thresholds behind the R-REG flags."""

from dataclasses import dataclass
from datetime import date

from portal.dates import add_months, add_years, age_on

CADRES_MIN = 3  # R-REG-1
CADRES_MAX = 5
HEALTH_CHECK_YEARS = 2  # R-REG-2
HEALTH_CHECK_DUE_WITHIN_DAYS = 90
ACTIVISTS_MIN = 3  # R-REG-3
YOUNG_MEMBER_MAX_AGE = 35  # R-REG-4: "aged under 35"
AWAY_MONTHS_WITH_CERTIFICATE = 6  # R-REG-5


def cadre_count_flag(count: int) -> str | None:
    """R-REG-1: a village has 3 to 5 village cadres on the day."""
    if count < CADRES_MIN:
        return "too_few"
    if count > CADRES_MAX:
        return "too_many"
    return None


@dataclass(frozen=True)
class HealthCheckStatus:
    status: str  # "overdue", "due" or "ok"
    due_on: date | None


def health_check_status(last_check: date | None, today: date) -> HealthCheckStatus:
    """R-REG-2: a secretary has a health check every 2 years; due within 90 days → "due"."""
    if last_check is None:
        return HealthCheckStatus("overdue", None)
    due_on = add_years(last_check, HEALTH_CHECK_YEARS)
    if due_on < today:
        return HealthCheckStatus("overdue", due_on)
    if (due_on - today).days <= HEALTH_CHECK_DUE_WITHIN_DAYS:
        return HealthCheckStatus("due", due_on)
    return HealthCheckStatus("ok", due_on)


def is_young_educated_recruit(birth_date: date, joined_on: date, higher_education: bool) -> bool:
    """R-REG-4: a new member aged under 35 on joining, with higher education."""
    return higher_education and age_on(birth_date, joined_on) < YOUNG_MEMBER_MAX_AGE


def mobility_flag(away_since: date | None, has_certificate: bool, today: date) -> str | None:
    """R-REG-5: away ≤ 6 months needs a certificate; away > 6 months must be transferred."""
    if away_since is None:
        return None
    if today > add_months(away_since, AWAY_MONTHS_WITH_CERTIFICATE):
        return "must_transfer"
    if not has_certificate:
        return "needs_certificate"
    return None


def spans_overlap(start_a: date, end_a: date | None, start_b: date, end_b: date | None) -> bool:
    """Two spans of days, ends included, share a day; an end of None is still running.

    The rule behind ``OneHolderPerDayConstraint`` (``daterange(start, end, '[]') &&``),
    applied in memory by the registry import to a whole file at once."""
    return (end_b is None or end_b >= start_a) and (end_a is None or start_b <= end_a)
