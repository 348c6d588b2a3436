"""Table-driven tests of the pure remuneration rules (R-PAY-1..6), no database."""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import pytest

from portal.dates import days_in_month
from subsidies.rules import (
    ADJUSTMENT,
    ARREARS,
    PayPolicy,
    Span,
    correction,
    describe,
    floor_shortfall,
    monthly_lines,
    quantize_money,
    segments,
)

D = Decimal
POLICY = PayPolicy(
    label="2024-01",
    secretary_basic=D("500.00"),
    one_shoulder_basic=D("600.00"),
    member_ratio=D("0.60"),
    factors=(
        ("excellent", D("1.20")),
        ("competent", D("1.00")),
        ("basic", D("0.60")),
        ("incompetent", D("0.00")),
    ),
)
POLICY_JULY = replace(
    POLICY, label="2026-07", secretary_basic=D("550.00"), one_shoulder_basic=D("660.00")
)
S = D("500.00")
V1, V2 = 1, 2
NOV = date(2026, 11, 1)  # 30 days
DEC = date(2026, 12, 1)  # 31 days


@dataclass
class Case:
    name: str
    spans: list
    month: date
    grade: str | None
    basic: str | None  # None: no lines at all
    performance: str | None = None
    held: bool = False
    policy: PayPolicy = POLICY
    standard: Decimal = S
    died_on: date | None = None
    village: int | None = V1
    days: int | None = None  # days paid (PayLine.days); None: the whole month


CASES = [
    Case(
        "secretary full month",
        [Span("secretary", V1, date(2020, 1, 1))],
        DEC,
        "competent",
        "500.00",
        "500.00",
    ),
    Case(
        "one shoulder full month",
        [Span("secretary", V1, date(2020, 1, 1)), Span("director", V1, date(2021, 1, 1))],
        DEC,
        "excellent",
        "600.00",
        "600.00",
    ),
    Case(
        "one shoulder from the 16th of a 30-day month",
        [Span("secretary", V1, date(2020, 1, 1)), Span("director", V1, date(2026, 11, 16))],
        NOV,
        "competent",
        "550.00",
        "500.00",
    ),
    Case(
        "one shoulder for 30 of 31 days: rounded once per line, not per term",
        [Span("secretary", V1, date(2020, 1, 1)), Span("director", V1, date(2026, 12, 2))],
        DEC,
        "competent",
        "596.77",
        "500.00",
    ),
    Case(
        "post ending on the 15th of a 31-day month",
        [Span("secretary", V1, date(2020, 1, 1), date(2026, 12, 15))],
        DEC,
        "competent",
        "241.94",
        "241.94",
        days=15,
    ),
    Case(
        "post starting on the 20th",
        [Span("committee_member", V1, date(2026, 11, 20))],
        NOV,
        "competent",
        "110.00",
        "110.00",
        days=11,
    ),
    Case(
        "appraisal missing: performance held, basic paid",
        [Span("secretary", V1, date(2020, 1, 1))],
        DEC,
        None,
        "500.00",
        "0.00",
        held=True,
    ),
    Case(
        "grade incompetent: performance zero, not held",
        [Span("secretary", V1, date(2020, 1, 1))],
        DEC,
        "incompetent",
        "500.00",
        "0.00",
    ),
    Case(
        "grade basically competent",
        [Span("secretary", V1, date(2020, 1, 1))],
        DEC,
        "basic",
        "500.00",
        "300.00",
    ),
    Case(
        "death on the 10th of a 30-day month",
        [Span("secretary", V1, date(2020, 1, 1))],
        NOV,
        "competent",
        "166.67",
        "166.67",
        died_on=date(2026, 11, 10),
        days=10,
    ),
    Case(
        "dead before the month: nothing",
        [Span("secretary", V1, date(2020, 1, 1))],
        DEC,
        "competent",
        None,
        died_on=date(2026, 11, 30),
    ),
    Case(
        "director who is not the secretary: secretary's standard",
        [Span("director", V1, date(2020, 1, 1))],
        DEC,
        "competent",
        "500.00",
        "500.00",
    ),
    Case(
        "committee member: 60 % of the secretary's standards",
        [Span("committee_member", V1, date(2020, 1, 1))],
        DEC,
        "excellent",
        "300.00",
        "360.00",
    ),
    Case(
        "deputy secretary is a member",
        [Span("deputy_secretary", V1, date(2020, 1, 1))],
        DEC,
        "competent",
        "300.00",
        "300.00",
    ),
    Case(
        "two posts on one day are paid once, on the higher",
        [Span("secretary", V1, date(2020, 1, 1)), Span("committee_member", V1, date(2020, 1, 1))],
        DEC,
        "competent",
        "500.00",
        "500.00",
    ),
    Case(
        "secretary of one village, director of another: not one shoulder",
        [Span("secretary", V1, date(2020, 1, 1)), Span("director", V2, date(2020, 1, 1))],
        DEC,
        "competent",
        "500.00",
        "500.00",
    ),
    Case(
        "member becomes secretary mid-month",
        [
            Span("committee_member", V2, date(2020, 1, 1), date(2026, 11, 15)),
            Span("secretary", V1, date(2026, 11, 16)),
        ],
        NOV,
        "competent",
        "400.00",
        "400.00",
    ),
    Case(
        "policy of July applies from July",
        [Span("secretary", V1, date(2020, 1, 1))],
        date(2026, 7, 1),
        "competent",
        "550.00",
        "500.00",
        policy=POLICY_JULY,
    ),
    Case(
        "no post in the month: no lines",
        [Span("secretary", V1, date(2020, 1, 1), date(2026, 10, 31))],
        NOV,
        "competent",
        None,
    ),
    Case(
        "post starting after the month: no lines",
        [Span("secretary", V1, date(2027, 1, 1))],
        DEC,
        "competent",
        None,
    ),
    Case(
        "township standard above the floor",
        [Span("secretary", V1, date(2020, 1, 1))],
        DEC,
        "excellent",
        "500.00",
        "480.00",
        standard=D("400.00"),
    ),
    Case(
        "half-up rounding of a line (255.085 → 255.09)",
        [Span("secretary", V1, date(2020, 1, 1))],
        DEC,
        "excellent",
        "500.00",
        "255.09",
        policy=replace(POLICY, factors=(("excellent", D("0.85")),)),
        standard=D("300.10"),
    ),
    # R-PAY-3, R-PAY-6: one-day edges of a month, each paid for exactly one day
    Case(
        "death on the 1st: the 1st is paid",
        [Span("secretary", V1, date(2020, 1, 1))],
        NOV,
        "competent",
        "16.67",
        "16.67",
        died_on=date(2026, 11, 1),
        days=1,
    ),
    Case(
        "death on the last day: the whole month is paid",
        [Span("secretary", V1, date(2020, 1, 1))],
        NOV,
        "competent",
        "500.00",
        "500.00",
        died_on=date(2026, 11, 30),
    ),
    Case(
        "death on the 1st of the next month: the whole month is paid",
        [Span("secretary", V1, date(2020, 1, 1))],
        NOV,
        "competent",
        "500.00",
        "500.00",
        died_on=date(2026, 12, 1),
    ),
    Case(
        "post starting on the month's last day",
        [Span("secretary", V1, date(2026, 11, 30))],
        NOV,
        "competent",
        "16.67",
        "16.67",
        days=1,
    ),
    Case(
        "post ending on the month's first day",
        [Span("secretary", V1, date(2020, 1, 1), date(2026, 11, 1))],
        NOV,
        "competent",
        "16.67",
        "16.67",
        days=1,
    ),
    Case(
        "post starting on the 1st of the next month: no lines",
        [Span("secretary", V1, date(2026, 12, 1))],
        NOV,
        "competent",
        None,
    ),
    Case(
        "post ending on the last day of the previous month: no lines",
        [Span("secretary", V1, date(2020, 1, 1), date(2026, 10, 31))],
        NOV,
        "competent",
        None,
    ),
    Case(
        "two posts: one starting on the month's last day",
        [
            Span("committee_member", V1, date(2020, 1, 1)),
            Span("secretary", V1, date(2026, 11, 30)),
        ],
        NOV,
        "competent",
        "306.67",  # (29 × 300 + 1 × 500) / 30
        "306.67",
    ),
    Case(
        "two posts: the higher ending on the month's first day",
        [
            Span("secretary", V1, date(2020, 1, 1), date(2026, 11, 1)),
            Span("committee_member", V1, date(2020, 1, 1)),
        ],
        NOV,
        "competent",
        "306.67",  # (1 × 500 + 29 × 300) / 30
        "306.67",
    ),
    Case(
        "two posts and a death on the 1st: one day at the higher rate",
        [Span("secretary", V1, date(2020, 1, 1)), Span("committee_member", V1, date(2020, 1, 1))],
        NOV,
        "competent",
        "16.67",
        "16.67",
        died_on=date(2026, 11, 1),
        days=1,
    ),
    Case(
        "two posts, dead before the month: nothing",
        [Span("secretary", V1, date(2020, 1, 1)), Span("committee_member", V1, date(2020, 1, 1))],
        NOV,
        "competent",
        None,
        died_on=date(2026, 10, 31),
    ),
    Case(
        "handover day inside the month is paid at the higher rate",
        [
            Span("secretary", V1, date(2020, 1, 1), date(2026, 11, 16)),
            Span("committee_member", V1, date(2026, 11, 16)),
        ],
        NOV,
        "competent",
        "406.67",  # (16 × 500 + 14 × 300) / 30: the 16th as secretary
        "406.67",
    ),
    Case(
        "handover day, the lower post first: the 16th at the higher rate",
        [
            Span("committee_member", V1, date(2020, 1, 1), date(2026, 11, 16)),
            Span("secretary", V1, date(2026, 11, 16)),
        ],
        NOV,
        "competent",
        "400.00",  # (15 × 300 + 15 × 500) / 30: the 16th as secretary
        "400.00",
    ),
    Case(
        "one-day gap between two posts is not paid",
        [
            Span("secretary", V1, date(2020, 1, 1), date(2026, 11, 15)),
            Span("committee_member", V1, date(2026, 11, 17)),
        ],
        NOV,
        "competent",
        "390.00",  # (15 × 500 + 14 × 300) / 30, the 16th unpaid
        "390.00",
        days=29,
    ),
    Case(
        "a one-day post inside another: that day at its rate",
        [
            Span("committee_member", V1, date(2020, 1, 1)),
            Span("director", V1, date(2026, 11, 10), date(2026, 11, 10)),
        ],
        NOV,
        "competent",
        "306.67",  # (29 × 300 + 1 × 500) / 30
        "306.67",
    ),
    Case(
        "one shoulder on a single day: that day at the one-shoulder rate",
        [
            Span("secretary", V1, date(2020, 1, 1)),
            Span("director", V1, date(2026, 11, 10), date(2026, 11, 10)),
        ],
        NOV,
        "competent",
        "503.33",  # (29 × 500 + 1 × 600) / 30
        "500.00",
    ),
    Case(
        "director of one village, secretary of another from the 16th",
        [
            Span("director", V2, date(2020, 1, 1)),
            Span("secretary", V1, date(2026, 11, 16)),
        ],
        NOV,
        "competent",
        "500.00",
        "500.00",
        village=V1,  # secretary outranks director, though both are on the secretary's rate
    ),
    # R-PAY-3: the village a month is booked to
    Case(
        "member of two villages on the same days: the lower village id",
        [
            Span("committee_member", 3, date(2020, 1, 1)),
            Span("branch_member", V2, date(2020, 1, 1)),
        ],
        NOV,
        "competent",
        "300.00",
        "300.00",
        village=V2,
    ),
    Case(
        "member of one village, then of another for more days: the one with more days",
        [
            Span("committee_member", V1, date(2020, 1, 1), date(2026, 11, 10)),
            Span("committee_member", V2, date(2026, 11, 11)),
        ],
        NOV,
        "competent",
        "300.00",
        "300.00",
        village=V2,  # 20 days in V2 against 10 in V1
    ),
    Case(
        "member of one village for more days, then of another: the one with more days",
        [
            Span("committee_member", V2, date(2020, 1, 1), date(2026, 11, 20)),
            Span("committee_member", V1, date(2026, 11, 21)),
        ],
        NOV,
        "competent",
        "300.00",
        "300.00",
        village=V2,  # 20 days in V2 against 10 in V1
    ),
    Case(
        "secretary of two villages (an error the checks flag): the lower village id",
        [Span("secretary", 3, date(2020, 1, 1)), Span("secretary", V2, date(2020, 1, 1))],
        NOV,
        "competent",
        "500.00",
        "500.00",
        village=V2,
    ),
    Case(
        "director of two villages: the lower village id",
        [Span("director", 3, date(2020, 1, 1)), Span("director", V2, date(2020, 1, 1))],
        NOV,
        "competent",
        "500.00",
        "500.00",
        village=V2,
    ),
    Case(
        "one shoulder in one village, secretary in another: booked to the one shoulder",
        [
            Span("secretary", V1, date(2020, 1, 1)),
            Span("secretary", V2, date(2020, 1, 1)),
            Span("director", V2, date(2020, 1, 1)),
        ],
        NOV,
        "competent",
        "600.00",
        "500.00",
        village=V2,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_monthly_lines(case):  # R-PAY-1, R-PAY-2, R-PAY-3, R-PAY-6
    lines = monthly_lines(
        case.spans, case.month, case.policy, case.standard, case.grade, case.died_on
    )
    if case.basic is None:
        assert lines == ()
        return
    basic, performance = lines
    assert (basic.component, basic.amount, basic.held) == ("basic", D(case.basic), False)
    assert (performance.component, performance.amount, performance.held) == (
        "performance",
        D(case.performance),
        case.held,
    )
    assert isinstance(basic.amount, Decimal) and basic.amount.as_tuple().exponent == -2
    # the village the month is booked to, and the days paid (both go into the ledger)
    assert basic.village == performance.village == case.village
    days = case.days if case.days is not None else days_in_month(case.month.year, case.month.month)
    assert basic.days == performance.days == days


def test_derivation_in_words_matches_the_spec_example():
    basic, performance = monthly_lines(
        [Span("secretary", V1, date(2020, 1, 1)), Span("director", V1, date(2020, 1, 1))],
        date(2024, 1, 1),
        POLICY,
        S,
        "excellent",
    )
    assert describe(basic.derivation) == (
        "basic 600.00 = one-shoulder rate 600.00 × 31/31 days (policy 2024-01)"
    )
    assert describe(performance.derivation) == (
        "performance 600.00 = one-shoulder standard 500.00 × 31/31 days × excellent 1.20 "
        "(policy 2024-01)"
    )


def test_derivation_names_each_part_of_a_split_month_and_a_death():
    basic, performance = monthly_lines(
        [Span("secretary", V1, date(2020, 1, 1)), Span("director", V1, date(2026, 11, 16))],
        NOV,
        POLICY,
        S,
        None,
        died_on=date(2026, 11, 25),
    )
    assert describe(basic.derivation) == (
        "basic 450.00 = secretary rate 500.00 × 15/30 days + one-shoulder rate 600.00 × 10/30 "
        "days (policy 2024-01); not paid after death on 2026-11-25"
    )
    assert describe(performance.derivation).startswith(
        "performance held: no appraisal for 2026-11; standard secretary standard 500.00 × 15/30"
    )


def test_segments_leave_out_days_without_a_post():
    segs = segments(
        [
            Span("secretary", V1, date(2026, 11, 5), date(2026, 11, 9)),
            Span("secretary", V1, date(2026, 11, 21)),
        ],
        NOV,
    )
    # 5 days (5th–9th) and 10 days (21st–30th); the same category and village add up
    assert [(s.category, s.days) for s in segs] == [("secretary", 15)]


@pytest.mark.parametrize(
    ("spans", "died_on"),
    [
        ([Span("secretary", V1, date(2020, 1, 1))], date(2026, 10, 31)),  # died before
        ([Span("secretary", V1, date(2020, 1, 1), date(2026, 10, 31))], None),  # no post
        ([], None),
    ],
)
def test_segments_of_a_month_without_a_paid_day_are_an_empty_list(spans, died_on):  # R-PAY-6
    assert segments(spans, NOV, died_on) == []


CORRECTIONS = [
    # (name, due amount or None, due held, paid, was_held, expected kind, expected amount)
    (
        "held line released once the appraisal is in",
        "500.00",
        False,
        "0.00",
        True,
        ARREARS,
        "500.00",
    ),
    ("still held: nothing yet", "0.00", True, "0.00", True, None, None),
    # a month paid, then held again (its appraisal withdrawn): nothing is clawed back
    ("held again after it was paid: nothing yet", "0.00", True, "500.00", False, None, None),
    (
        "tenure corrected to end earlier: claw back",
        "241.94",
        False,
        "500.00",
        False,
        ADJUSTMENT,
        "-258.06",
    ),
    ("grade corrected upwards", "600.00", False, "500.00", False, ADJUSTMENT, "100.00"),
    ("nothing changed", "500.00", False, "500.00", False, None, None),
    (
        "tenure added for a locked month with no line",
        "500.00",
        False,
        "0.00",
        False,
        ADJUSTMENT,
        "500.00",
    ),
    ("post removed from a locked month", None, False, "500.00", False, ADJUSTMENT, "-500.00"),
]


@pytest.mark.parametrize(
    ("name", "due", "due_held", "paid", "was_held", "kind", "amount"),
    CORRECTIONS,
    ids=[c[0] for c in CORRECTIONS],
)
def test_correction(name, due, due_held, paid, was_held, kind, amount):  # SPEC §3 adjustments
    due_line = None
    if due is not None:
        base = monthly_lines(
            [Span("secretary", V1, date(2020, 1, 1))],
            NOV,
            POLICY,
            S,
            None if due_held else "competent",
        )[1]
        due_line = replace(base, amount=D(due))
    line = correction("performance", NOV, due_line, D(paid), 41, was_held)
    if kind is None:
        assert line is None
        return
    assert (line.kind, line.amount, line.held) == (kind, D(amount), False)
    assert line.derivation["corrects"] == 41
    # booked to the village and the days of the line it corrects (none when the post is gone)
    if due_line is None:
        assert (line.village, line.days, line.derivation["due"]) == (None, 0, None)
    else:
        assert (line.village, line.days) == (V1, 30)
        assert line.derivation["due"] == due_line.derivation
    assert describe(line.derivation).startswith(f"{kind} performance for 2026-11: {amount} =")


@pytest.mark.parametrize(
    ("earned", "ratio", "days", "required", "shortfall"),
    [
        ("9000.00", "1", 365, "12000.00", "3000.00"),
        ("13000.00", "1", 365, "12000.00", "0.00"),
        ("5000.00", "0.60", 365, "7200.00", "2200.00"),
        ("3000.00", "1", 181, "5950.68", "2950.68"),  # prorated for part of the year
    ],
)
def test_floor_shortfall(earned, ratio, days, required, shortfall):  # R-PAY-5
    result = floor_shortfall(D(earned), D("12000.00"), D(ratio), days, 365, 2026)
    assert (result.required, result.shortfall) == (D(required), D(shortfall))


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("0.005", "0.01"), ("2.675", "2.68"), ("-0.005", "-0.01"), ("1.004", "1.00")],
)
def test_quantize_money_is_half_up(value, rounded):
    assert quantize_money(D(value)) == D(rounded)


def test_derivation_of_a_correction_names_the_line_and_what_is_due_now():  # SPEC §3
    due = monthly_lines([Span("secretary", V1, date(2020, 1, 1))], NOV, POLICY, S, "competent")[1]
    line = correction("performance", NOV, due, D("400.00"), 41, False)
    assert describe(line.derivation) == (
        "adjustment performance for 2026-11: 100.00 = now due 500.00 − paid 400.00 "
        "(corrects line #41); now due: performance 500.00 = secretary standard 500.00 × "
        "30/30 days × competent 1.00 (policy 2024-01)"
    )
    gone = correction("performance", NOV, None, D("500.00"), None, False)
    assert describe(gone.derivation) == (
        "adjustment performance for 2026-11: -500.00 = now due 0.00 − paid 500.00"
    )


def test_derivation_of_a_performance_line_over_several_parts_is_bracketed():  # R-PAY-3
    _basic, performance = monthly_lines(
        [Span("secretary", V1, date(2020, 1, 1)), Span("director", V1, date(2026, 11, 16))],
        NOV,
        POLICY,
        S,
        "basic",
    )
    assert describe(performance.derivation) == (
        "performance 300.00 = (secretary standard 500.00 × 15/30 days + one-shoulder standard "
        "500.00 × 15/30 days) × basically competent 0.60 (policy 2024-01)"
    )


@pytest.mark.parametrize(
    ("spans", "died_on", "member_ratio", "died"),
    [
        ([Span("secretary", V1, date(2020, 1, 1))], None, None, None),
        ([Span("committee_member", V1, date(2020, 1, 1))], None, "0.60", None),
        (
            [
                Span("committee_member", V1, date(2020, 1, 1), date(2026, 11, 15)),
                Span("secretary", V1, date(2026, 11, 16)),
            ],
            None,
            "0.60",
            None,
        ),
        # death on the month's last day: the whole month is paid, the death still named
        ([Span("secretary", V1, date(2020, 1, 1))], date(2026, 11, 30), None, "2026-11-30"),
        ([Span("secretary", V1, date(2020, 1, 1))], date(2026, 12, 1), None, None),
    ],
)
def test_derivation_names_the_member_ratio_and_the_death(spans, died_on, member_ratio, died):
    """R-PAY-1, R-PAY-6: the member ratio appears where a member day is paid, the date of
    death where it falls in the month; neither otherwise (derivations go into the ledger)."""
    for line in monthly_lines(spans, NOV, POLICY, S, "competent", died_on):
        assert line.derivation.get("member_ratio") == member_ratio
        assert ("member_ratio" in line.derivation) is (member_ratio is not None)
        assert line.derivation.get("died_on") == died
        assert ("died_on" in line.derivation) is (died is not None)
        assert describe(line.derivation).endswith(
            "(policy 2024-01)" if died is None else f"; not paid after death on {died}"
        )


def test_derivation_in_words_of_the_other_components():  # R-PAY-4, R-PAY-5, R-ALW-3
    award = {
        "component": "award",
        "year": 2026,
        "amount": "5000.00",
        "rank": 1,
        "score": "95.0",
        "policy": "2024-01",
    }
    assert describe(award) == "annual award 2026: 5000.00 (rank 1, score 95.0, policy 2024-01)"
    floor = floor_shortfall(D("3000.00"), D("12000.00"), D("1"), 181, 365, 2026)
    assert describe(floor.derivation) == (
        "floor top-up 2950.68 = required 5950.68 (income 12000.00 × 1 × 181/365 days) − "
        "earned 3000.00 in 2026"
    )
    allowance = {
        "component": "allowance",
        "grant": 7,
        "kind": "regular",
        "amount": "100.00",
        "month": "2026-03",
        "tier": 1,
        "monthly": "100.00",
        "service_months": 130,
    }
    assert describe(allowance) == (
        "living allowance 100.00 for 2026-03 = tier 1 monthly 100.00 (130 months of service, "
        "grant #7)"
    )
    assert describe({"component": "other", "text": "as entered"}) == "as entered"
    assert describe({"component": "other"}) == ""


@pytest.mark.parametrize(
    ("spans", "died_on", "expected"),
    [
        ([("2020-01-01", None)], None, ("2026-11-01", "2026-11-30")),
        ([("2020-01-01", "2026-11-15")], None, ("2026-11-01", "2026-11-15")),
        ([("2026-11-16", None)], None, ("2026-11-16", "2026-11-30")),
        ([("2026-11-03", "2026-11-05"), ("2026-11-20", None)], None, ("2026-11-03", "2026-11-30")),
        # In any order: the earliest first day and the latest last day.
        ([("2026-11-20", None), ("2026-11-03", "2026-11-05")], None, ("2026-11-03", "2026-11-30")),
        ([("2020-01-01", None), ("2026-11-03", "2026-11-05")], None, ("2026-11-01", "2026-11-30")),
        # One day: a post starting on the month's last day, or ending on its first.
        ([("2026-11-30", None)], None, ("2026-11-30", "2026-11-30")),
        ([("2020-01-01", "2026-11-01")], None, ("2026-11-01", "2026-11-01")),
        ([("2020-01-01", None)], "2026-11-10", ("2026-11-01", "2026-11-10")),
        ([("2020-01-01", None)], "2026-11-01", ("2026-11-01", "2026-11-01")),
        ([("2020-01-01", None)], "2026-10-31", None),  # died before the month
        ([("2020-01-01", "2026-10-31")], None, None),  # no day of the month
        ([("2026-12-01", None)], None, None),
        ([], None, None),
    ],
)
def test_r_pay_3_paid_days_are_the_first_and_last_day_of_the_posts(spans, died_on, expected):
    """rules.paid_days (pure): the days of the month a township's lines cover (R-PAY-3,
    R-PAY-6); issue 9 item 10a."""
    from subsidies.rules import paid_days

    day = date.fromisoformat
    posts = [Span("secretary", 1, day(a), b and day(b)) for a, b in spans]
    got = paid_days(posts, NOV, died_on and day(died_on))
    assert got == (expected and (day(expected[0]), day(expected[1])))
