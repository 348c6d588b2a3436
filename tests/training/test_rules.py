"""Pure training rules as tables (R-TRN-1, R-TRN-3, refusals, evidence types)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

import pytest

from training import rules

POLICY = rules.Policy(
    hours_per_day=D("8"),
    required_days=D("7"),
    budget_per_secretary=D("300"),
    reminder_month=10,
    reminder_day=1,
)


@dataclass(frozen=True)
class Proration:
    name: str
    spans: tuple
    year: int
    served: int
    required: D


PRORATION = [
    Proration("whole year", ((date(2018, 1, 1), None),), 2025, 365, D("7.0")),
    Proration("whole leap year", ((date(2018, 1, 1), None),), 2024, 366, D("7.0")),
    Proration(
        "from 1 July: 184/365*7=3.53 -> 4.0", ((date(2025, 7, 1), None),), 2025, 184, D("4.0")
    ),
    Proration(
        "from 2 July: 183/365*7=3.51 -> 4.0", ((date(2025, 7, 2), None),), 2025, 183, D("4.0")
    ),
    Proration(
        "from 3 July: 182/365*7=3.49 -> 3.5", ((date(2025, 7, 3), None),), 2025, 182, D("3.5")
    ),
    Proration("last day only -> half a day", ((date(2025, 12, 31), None),), 2025, 1, D("0.5")),
    Proration("no day in post", ((date(2026, 1, 1), None),), 2025, 0, D("0.0")),
    Proration("ended 2024", ((date(2020, 1, 1), date(2024, 12, 31)),), 2025, 0, D("0.0")),
    Proration(
        "two tenures with a gap: Jan and Dec (62 days) -> 1.19 -> 1.5",
        ((date(2025, 1, 1), date(2025, 1, 31)), (date(2025, 12, 1), None)),
        2025,
        62,
        D("1.5"),
    ),
    Proration(
        "overlapping tenures count each day once",
        ((date(2025, 1, 1), date(2025, 6, 30)), (date(2025, 3, 1), date(2025, 12, 31))),
        2025,
        365,
        D("7.0"),
    ),
    Proration(
        "adjacent tenures join",
        ((date(2024, 1, 1), date(2025, 3, 31)), (date(2025, 4, 1), None)),
        2025,
        365,
        D("7.0"),
    ),
    Proration(
        "364 days: 6.98 -> 7.0 (never above 7)", ((date(2025, 1, 2), None),), 2025, 364, D("7.0")
    ),
    Proration(
        "leap year, 340 days: 340/366*7=6.50 -> 7.0 (not 340/367 -> 6.5)",
        ((date(2028, 1, 27), None),),
        2028,
        340,
        D("7.0"),
    ),
    Proration("leap year, 365 days: 6.98 -> 7.0", ((date(2028, 1, 2), None),), 2028, 365, D("7.0")),
    Proration(
        "leap year, 339 days: 339/366*7=6.48 -> 6.5 (not 339/365 -> 7.0)",
        ((date(2028, 1, 28), None),),
        2028,
        339,
        D("6.5"),
    ),
    Proration(
        "tenure ending on 1 January: one day -> 0.5",
        ((date(2020, 1, 1), date(2025, 1, 1)),),
        2025,
        1,
        D("0.5"),
    ),
    Proration(
        "tenure ending on 31 December of the year before: nothing",
        ((date(2020, 1, 1), date(2024, 12, 31)), (date(2026, 1, 1), None)),
        2025,
        0,
        D("0.0"),
    ),
    Proration(
        "one-day gap between tenures: that day is not served",
        ((date(2025, 1, 1), date(2025, 6, 30)), (date(2025, 7, 2), None)),
        2025,
        364,
        D("7.0"),
    ),
    Proration(
        "one-day gap, the later tenure listed first",
        ((date(2025, 7, 2), date(2025, 7, 10)), (date(2025, 1, 1), date(2025, 1, 10))),
        2025,
        19,
        D("0.5"),
    ),
    Proration(
        "adjacent one-day tenures join: 2 days",
        ((date(2025, 3, 1), date(2025, 3, 1)), (date(2025, 3, 2), date(2025, 3, 2))),
        2025,
        2,
        D("0.5"),
    ),
    Proration(
        "tenures overlapping by one day",
        ((date(2025, 3, 1), date(2025, 3, 10)), (date(2025, 3, 10), date(2025, 3, 20))),
        2025,
        20,
        D("0.5"),
    ),
    Proration(
        "a tenure inside another counts nothing more",
        ((date(2025, 1, 1), date(2025, 3, 31)), (date(2025, 2, 1), date(2025, 2, 10))),
        2025,
        90,
        D("2.0"),  # 90/365*7 = 1.73 -> 2.0
    ),
    Proration(
        "three tenures: gap, then overlap",
        (
            (date(2025, 1, 1), date(2025, 1, 10)),
            (date(2025, 1, 20), date(2025, 1, 31)),
            (date(2025, 1, 25), date(2025, 2, 5)),
        ),
        2025,
        27,  # 10 + (20 Jan – 5 Feb) 17
        D("1.0"),  # 27/365*7 = 0.52 -> 1.0
    ),
    Proration(
        "a span ending before it starts counts nothing",
        ((date(2025, 3, 10), date(2025, 3, 1)), (date(2025, 12, 31), None)),
        2025,
        1,
        D("0.5"),
    ),
    Proration(
        "from before the year to after it",
        ((date(2024, 6, 1), date(2026, 6, 1)),),
        2025,
        365,
        D("7.0"),
    ),
]


@pytest.mark.parametrize("case", PRORATION, ids=lambda c: c.name)
def test_proration(case):  # R-TRN-1
    served = rules.days_in_post(case.spans, case.year)
    assert served == case.served
    assert rules.required_days(served, case.year, POLICY.required_days) == case.required


@pytest.mark.parametrize(
    ("full", "served", "expected"),
    [
        (D("7.3"), 364, D("7.3")),
        (D("7.3"), 365, D("7.3")),
        (D("7.25"), 365, D("7.2")),  # one decimal
        (D("10"), 73, D("2.0")),
        (D("0"), 200, D("0.0")),
        (D("7"), 366, D("7.0")),  # never above the full requirement
        (D("7"), -100, D("0.0")),  # never below nothing
    ],
)
def test_proration_respects_the_policy_value(full, served, expected):  # R-TRN-1
    assert rules.required_days(served, 2025, full) == expected


@pytest.mark.parametrize(
    ("hours", "per_day", "days"),
    [
        (D("0"), D("8"), D("0.00")),
        (D("8"), D("8"), D("1.00")),
        (D("55.99"), D("8"), D("6.99")),  # rounded down: 6.99875 is not 7 days
        (D("56"), D("8"), D("7.00")),
        (D("13"), D("6.5"), D("2.00")),
        (D("1"), D("3"), D("0.33")),
    ],
)
def test_days_from_hours(hours, per_day, days):  # R-TRN-1 (1 day = 8 hours, policy)
    assert rules.days_from_hours(hours, per_day) == days


@pytest.mark.parametrize(
    ("hours", "required", "compliant", "percent"),
    [
        (D("56"), D("7.0"), True, 100),
        (D("55.99"), D("7.0"), False, 99),
        (D("28"), D("7.0"), False, 50),
        (D("32"), D("4.0"), True, 100),
        (D("100"), D("7.0"), True, 100),
        (D("0"), D("0.0"), True, 100),
        (D("0"), D("0.5"), False, 0),
        (D("0"), D("0.1"), False, 0),  # 0.8 hours needed: not done yet
        (D("0.4"), D("0.1"), False, 50),
    ],
)
def test_compliance(hours, required, compliant, percent):  # R-TRN-1
    assert rules.is_compliant(hours, required, D("8")) is compliant
    assert rules.progress_percent(hours, required, D("8")) == percent


def test_yearly_progress_combines_the_rules():  # R-TRN-1
    progress = rules.yearly_progress(
        hours=D("30"), spans=[(date(2025, 7, 1), None)], year=2025, policy=POLICY
    )
    assert progress == rules.Progress(
        hours=D("30"),
        days=D("3.75"),
        served_days=184,
        required_days=D("4.0"),
        compliant=False,
        percent=93,
    )
    assert progress.missing_days == D("0.25")


@pytest.mark.parametrize(
    ("total", "secretaries", "per", "meets", "shortfall"),
    [
        (D("3000"), 10, D("300.00"), True, D("0.00")),
        (D("2999.99"), 10, D("300.00"), True, D("0.00")),  # 299.999 rounds half up to 300.00
        (D("2999.94"), 10, D("299.99"), False, D("0.10")),
        (D("1000"), 3, D("333.33"), True, D("0.00")),
        (D("500"), 2, D("250.00"), False, D("100.00")),
        (D("0"), 5, D("0.00"), False, D("1500.00")),
        (D("1000"), 0, None, None, D("0.00")),
    ],
)
def test_budget_ratio(total, secretaries, per, meets, shortfall):  # R-TRN-3
    result = rules.budget_per_secretary(total, secretaries, D("300"))
    assert result.per_secretary == per
    assert result.meets is meets
    assert result.shortfall == shortfall


@pytest.mark.parametrize(
    ("existing", "new", "refused"),
    [
        ((), D("12"), False),
        ((), D("12.01"), True),
        ((D("8"),), D("4"), False),
        ((D("8"),), D("4.5"), True),
        ((D("4"), D("4"), D("3.5")), D("0.5"), False),
        ((D("4"), D("4"), D("3.5")), D("1"), True),
    ],
)
def test_daily_limit(existing, new, refused):  # SPEC §5: more than 12 hours in a day
    assert rules.exceeds_daily_limit(existing, new) is refused


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"GIF89a", None),
        (b"<html><script>", None),
        (b"PK\x03\x04", None),
        (b"", None),
        (b"%PD", None),
    ],
)
def test_evidence_type_by_content(head, kind):
    assert rules.evidence_type(head) == kind


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (date(2025, 9, 30), False),
        (date(2025, 10, 1), True),
        (date(2025, 12, 31), True),
        (date(2026, 1, 5), False),
    ],
)
def test_reminders_start_on_1_october(today, due):  # R-TRN-1
    assert rules.reminder_due(today, POLICY) is due


def test_reminder_week_is_the_iso_week():
    assert rules.reminder_week(date(2025, 10, 6)) == (2025, 41)
    assert rules.reminder_week(date(2025, 10, 12)) == (2025, 41)
    assert rules.reminder_week(date(2025, 10, 13)) == (2025, 42)
    assert rules.reminder_week(date(2026, 12, 31)) == (2026, 53)


def test_reminder_start_clips_to_the_month():
    policy = rules.Policy(D("8"), D("7"), D("300"), 2, 30)
    assert policy.reminder_start(2025) == date(2025, 2, 28)


@pytest.mark.parametrize(
    ("day", "future"),
    [(date(2025, 10, 14), False), (date(2025, 10, 15), False), (date(2025, 10, 16), True)],
)
def test_future_date_is_refused_but_today_is_not(day, future):  # SPEC §5: "a future date"
    """Training logged for today is accepted; only a day after today is in the future."""
    assert rules.is_future(day, date(2025, 10, 15)) is future
