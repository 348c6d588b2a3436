"""Table-driven tests of the pure living allowance rules (R-ALW-1..3), no database."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.dates import add_months, month_end
from subsidies.allowance import rules
from subsidies.allowance.rules import (
    AFTER_CUTOFF,
    DECEASED,
    END_REASON,
    NO_TENURE,
    STILL_SERVING,
    TOO_FEW_MONTHS,
    AllowancePolicy,
    GrantTerms,
    Settlement,
    Tenure,
    allowance_lines,
    eligibility,
    first_payable_month,
    service_months,
    settle,
)

POLICY = AllowancePolicy(
    label="2010-01",
    cutoff=date(2008, 12, 31),
    payable_from=date(2010, 1, 1),
    min_months=120,
    tier1_max_months=216,
    tier1_amount=Decimal("100.00"),
    tier2_amount=Decimal("200.00"),
)
CUTOFF = POLICY.cutoff
TODAY = date(2026, 3, 15)


def tenure_of(months: int, end: date = CUTOFF, reason: str = "term_ended") -> Tenure:
    """A tenure of exactly ``months`` calendar months ending on ``end``."""
    start = add_months(end.replace(day=1), -(months - 1))
    return Tenure(start, end, reason)


@dataclass
class Case:
    name: str
    tenures: list
    eligible: bool
    months: int
    refusal: str | None = None
    tier: int | None = None
    amount: str | None = None
    died_on: date | None = None


CASES = [
    # R-ALW-2: the tier boundaries
    Case("119 months", [tenure_of(119)], False, 119, TOO_FEW_MONTHS),
    Case("120 months", [tenure_of(120)], True, 120, tier=1, amount="100.00"),
    Case("216 months", [tenure_of(216)], True, 216, tier=1, amount="100.00"),
    Case("217 months", [tenure_of(217)], True, 217, tier=2, amount="200.00"),
    # R-ALW-1: the cutoff day and the day after
    Case("ends on the cutoff day", [tenure_of(150, CUTOFF)], True, 150, tier=1, amount="100.00"),
    Case(
        "ends the day after the cutoff",
        [tenure_of(150, CUTOFF + timedelta(days=1))],
        False,
        150,
        AFTER_CUTOFF,
    ),
    # R-ALW-1: each end reason of the last tenure
    *[
        Case(f"end reason {reason}", [tenure_of(150, reason=reason)], True, 150, None, 1, "100.00")
        for reason in ("term_ended", "retired", "health")
    ],
    *[
        Case(f"end reason {reason}", [tenure_of(150, reason=reason)], False, 150, END_REASON)
        for reason in ("resigned", "dismissed", "deceased")
    ],
    # R-ALW-2: overlapping tenures count once; split tenures add up
    Case(
        "overlapping tenures count once",
        [
            Tenure(date(1990, 1, 1), date(2000, 12, 31), "term_ended"),
            Tenure(date(1995, 6, 10), date(2005, 12, 31), "term_ended"),
        ],
        True,
        192,  # 1990-01 … 2005-12
        tier=1,
        amount="100.00",
    ),
    Case(
        "split tenures add up to 217",
        [
            Tenure(date(1980, 1, 1), date(1989, 12, 31), "term_ended"),  # 120
            Tenure(date(2000, 1, 1), date(2008, 1, 31), "retired"),  # 97
        ],
        True,
        217,
        tier=2,
        amount="200.00",
    ),
    Case(
        "split tenures, a month held on one day at each end counts",
        [
            Tenure(date(1990, 1, 31), date(1994, 12, 1), "term_ended"),  # 60
            Tenure(date(2000, 1, 31), date(2004, 12, 1), "health"),  # 60
        ],
        True,
        120,
        tier=1,
        amount="100.00",
    ),
    Case(
        "two tenures in one month count one month",
        [
            Tenure(date(1990, 1, 1), date(1999, 11, 10), "term_ended"),  # 119
            Tenure(date(1999, 11, 20), date(1999, 11, 30), "term_ended"),  # the same month
        ],
        False,
        119,
        TOO_FEW_MONTHS,
    ),
    Case(
        "the last tenure decides the end reason",
        [
            Tenure(date(1980, 1, 1), date(1995, 12, 31), "resigned"),
            Tenure(date(1996, 1, 1), date(2005, 12, 31), "retired"),
        ],
        True,
        312,
        tier=2,
        amount="200.00",
    ),
    Case(
        "a later tenure after the cutoff refuses",
        [
            Tenure(date(1980, 1, 1), date(2000, 12, 31), "term_ended"),
            Tenure(date(2009, 1, 1), date(2010, 12, 31), "term_ended"),
        ],
        False,
        276,
        AFTER_CUTOFF,
    ),
    Case(
        "in the same month the registry's end reason counts",
        [
            Tenure(date(1990, 1, 1), date(2005, 6, 30), "retired"),
            Tenure(date(1990, 1, 10), date(2005, 6, 15), "dismissed", registry=True),
        ],
        False,
        186,
        END_REASON,
    ),
    Case("no tenure", [], False, 0, NO_TENURE),
    Case(
        "still serving",
        [Tenure(date(1990, 1, 1), None, "")],
        False,
        0,
        STILL_SERVING,
    ),
    Case("deceased", [tenure_of(200)], False, 0, DECEASED, died_on=date(2020, 5, 1)),
    Case("died on the day looked at", [tenure_of(200)], False, 0, DECEASED, died_on=TODAY),
    Case(
        "dies after the day looked at: eligible on it",
        [tenure_of(200)],
        True,
        200,
        tier=1,
        amount="100.00",
        died_on=TODAY + timedelta(days=1),
    ),
]


def test_eligibility_without_a_day_any_death_refuses():  # R-ALW-1: alive
    result = eligibility([tenure_of(200)], POLICY, date(2030, 1, 1))
    assert (result.eligible, result.refusal) == (False, DECEASED)
    assert result.detail == {"died_on": date(2030, 1, 1)}


def test_eligibility_results_compare_without_their_detail():  # R-ALW-1
    """The detail only words the refusal: two refusals for the same reason are equal."""
    late = eligibility([tenure_of(150, date(2009, 3, 31))], POLICY, None, TODAY)
    later = eligibility([tenure_of(150, date(2010, 3, 31))], POLICY, None, TODAY)
    assert late.detail != later.detail
    assert late == later == rules.Eligibility(False, 150, refusal=AFTER_CUTOFF)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_eligibility(case):  # R-ALW-1, R-ALW-2
    result = eligibility(case.tenures, POLICY, case.died_on, TODAY)
    assert result.eligible is case.eligible
    assert result.months == case.months
    assert result.refusal == case.refusal
    assert result.tier == case.tier
    assert result.monthly_amount == (Decimal(case.amount) if case.amount else None)


def test_tier_boundaries_follow_the_policy():  # R-ALW-2: policy values, not constants
    policy = AllowancePolicy(
        "2027-01", CUTOFF, date(2010, 1, 1), 100, 150, Decimal("120.00"), Decimal("260.00")
    )
    assert eligibility([tenure_of(99)], policy, None, TODAY).refusal == TOO_FEW_MONTHS
    assert eligibility([tenure_of(100)], policy, None, TODAY).monthly_amount == Decimal("120.00")
    assert eligibility([tenure_of(151)], policy, None, TODAY).monthly_amount == Decimal("260.00")


@pytest.mark.parametrize(
    ("tenures", "months"),
    [
        ([Tenure(date(2000, 1, 31), date(2000, 2, 1))], 2),
        ([Tenure(date(2000, 1, 1), date(2000, 1, 1))], 1),
        (
            [
                Tenure(date(2000, 1, 1), date(2000, 12, 31)),
                Tenure(date(2000, 1, 1), date(2000, 12, 31)),
            ],
            12,
        ),
        ([Tenure(date(2000, 1, 1), None)], 12 * 26 + 3),  # open: up to "until"
        ([Tenure(date(2000, 1, 10), date(2000, 1, 9))], 0),  # ends before it starts
    ],
)
def test_service_months(tenures, months):  # R-ALW-2
    assert service_months(tenures, until=TODAY) == months


def test_service_months_of_an_open_tenure_without_an_end_day():  # R-ALW-2
    """Without ``until`` an open tenure has no months yet; the closed ones still count."""
    open_tenure = Tenure(date(2000, 1, 1), None)
    assert service_months([open_tenure]) == 0
    assert service_months([open_tenure, Tenure(date(1990, 1, 1), date(1990, 12, 31))]) == 12


@pytest.mark.parametrize(
    ("declared_on", "first"),
    [
        (date(2009, 6, 20), date(2010, 1, 1)),  # declared before the payable date
        (date(2010, 1, 1), date(2010, 1, 1)),
        (date(2026, 3, 31), date(2026, 3, 1)),  # the month of declaration
    ],
)
def test_first_payable_month(declared_on, first):  # R-ALW-3
    assert first_payable_month(POLICY, declared_on) == first


JAN10, MAR26 = date(2010, 1, 1), date(2026, 3, 1)
M = rules.month_index


@pytest.mark.parametrize(
    ("name", "start", "last", "run", "paid", "regular", "arrears", "reclaim"),
    [
        ("first payment: own month and all before", JAN10, None, MAR26, {}, MAR26, 194, 0),
        (
            "next month: only its own",
            JAN10,
            None,
            date(2026, 4, 1),
            dict.fromkeys(range(M(JAN10), M(MAR26) + 1), 1),
            date(2026, 4, 1),
            0,
            0,
        ),
        ("starts this month: no arrears", MAR26, None, MAR26, {}, MAR26, 0, 0),
        ("before the start month: nothing", MAR26, None, date(2026, 2, 1), {}, None, 0, 0),
        (
            "death in the month: paid for it",
            JAN10,
            date(2026, 5, 1),
            date(2026, 5, 1),
            dict.fromkeys(range(M(JAN10), M(date(2026, 4, 1)) + 1), 1),
            date(2026, 5, 1),
            0,
            0,
        ),
        (
            "after the month of death: nothing",
            JAN10,
            date(2026, 5, 1),
            date(2026, 6, 1),
            dict.fromkeys(range(M(JAN10), M(date(2026, 5, 1)) + 1), 1),
            None,
            0,
            0,
        ),
        (
            "death recorded late: months after it reclaimed",
            JAN10,
            date(2026, 5, 1),
            date(2026, 8, 1),
            dict.fromkeys(range(M(JAN10), M(date(2026, 7, 1)) + 1), 1),
            None,
            0,
            2,
        ),
        (
            "a reclaimed month is not reclaimed again",
            JAN10,
            date(2026, 5, 1),
            date(2026, 9, 1),
            {
                **dict.fromkeys(range(M(JAN10), M(date(2026, 5, 1)) + 1), 1),
                M(date(2026, 6, 1)): 0,
                M(date(2026, 7, 1)): 0,
            },
            None,
            0,
            0,
        ),
        (
            "death recorded late: the run's own month, paid by another run, reclaimed too",
            JAN10,
            date(2026, 5, 1),
            date(2026, 8, 1),
            dict.fromkeys(range(M(JAN10), M(date(2026, 8, 1)) + 1), 1),
            None,
            0,
            3,  # June, July and August
        ),
        (
            "a month paid after the run's month is not this run's to reclaim",
            JAN10,
            date(2026, 5, 1),
            date(2026, 6, 1),
            dict.fromkeys(range(M(JAN10), M(date(2026, 7, 1)) + 1), 1),
            None,
            0,
            1,  # June only; July is reclaimed by July's run
        ),
        (
            "a month paid twice is not paid again",
            JAN10,
            None,
            date(2026, 4, 1),
            {**dict.fromkeys(range(M(JAN10), M(MAR26) + 1), 1), M(MAR26): 2},
            date(2026, 4, 1),
            0,
            0,
        ),
        (
            "a month paid then reclaimed is owed again as arrears",
            JAN10,
            None,
            date(2026, 4, 1),
            {**dict.fromkeys(range(M(JAN10), M(MAR26) + 1), 1), M(MAR26): 0},
            date(2026, 4, 1),
            1,
            0,
        ),
        (
            "the month of death is payable, the month after is not (open until then)",
            MAR26,
            date(2026, 3, 1),
            date(2026, 4, 1),
            {},
            None,
            1,
            0,
        ),
        (
            "a later month computed first: the earlier run pays nothing twice",
            JAN10,
            None,
            MAR26,
            dict.fromkeys(range(M(JAN10), M(date(2026, 4, 1)) + 1), 1),
            None,
            0,
            0,
        ),
    ],
)
def test_settle(name, start, last, run, paid, regular, arrears, reclaim):  # R-ALW-3
    result = settle(start, last, run, paid)
    assert result.regular == regular
    assert len(result.arrears) == arrears
    assert len(result.reclaim) == reclaim
    if arrears and last is None:
        assert result.arrears[-1] == add_months(run, -1)
    if arrears > 1:
        assert result.arrears[0] == start
    if reclaim:
        assert result.reclaim[0] == add_months(last, 1)
        assert result.reclaim[-1] == add_months(last, reclaim)


def test_lines_and_their_derivations():  # R-ALW-3
    terms = GrantTerms(7, Decimal("200.00"), 2, 230, JAN10)
    settlement = settle(JAN10, None, MAR26, {})
    regular, arrears = allowance_lines(terms, settlement)
    assert (regular.kind, regular.amount) == ("regular", Decimal("200.00"))
    assert (arrears.kind, arrears.amount) == ("arrears", Decimal("38800.00"))  # 194 × 200
    assert arrears.derivation["spans"] == [["2010-01", "2026-02"]]
    assert rules.describe(regular.derivation) == (
        "living allowance 200.00 for 2026-03 = tier 2 monthly 200.00 (230 months of service, "
        "grant #7)"
    )
    assert rules.describe(arrears.derivation) == (
        "arrears of living allowance for 2010-01–2026-02: 38800.00 = 194 months × 200.00 (grant #7)"
    )
    reclaim = Settlement(None, (), (date(2026, 6, 1), date(2026, 7, 1)))
    (line,) = allowance_lines(GrantTerms(7, Decimal("100.00"), 1, 130, JAN10), reclaim)
    assert (line.kind, line.amount) == ("adjustment", Decimal("-200.00"))
    assert rules.covered_months(line.kind, date(2026, 6, 1), line.derivation) == (
        -1,
        [M(date(2026, 6, 1)), M(date(2026, 7, 1))],
    )


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"GIF89a", None),
        (b"<html>", None),
    ],
)
def test_scan_type_by_content(head, kind):
    assert rules.scan_type(head) == kind


def test_month_end_helper_agrees_with_the_cutoff():
    assert month_end(date(2008, 12, 1)) == CUTOFF


@pytest.mark.parametrize(
    ("kind", "pays_for", "spans", "covered"),
    [
        ("regular", date(2026, 3, 1), None, (1, [M(date(2026, 3, 1))])),
        (
            "arrears",
            date(2025, 11, 1),
            [["2025-11", "2026-02"]],
            (1, [M(date(2025, 11, 1)) + i for i in range(4)]),  # each month once
        ),
        (
            "arrears",
            date(2024, 1, 1),
            [["2024-01", "2024-01"], ["2024-03", "2024-04"]],
            (1, [M(date(2024, 1, 1)), M(date(2024, 3, 1)), M(date(2024, 4, 1))]),
        ),
        ("adjustment", date(2026, 6, 1), [["2026-06", "2026-06"]], (-1, [M(date(2026, 6, 1))])),
    ],
)
def test_covered_months(kind, pays_for, spans, covered):  # R-ALW-3: no month paid twice
    """The months a stored line pays (+1) or reclaims (−1), each once: the payroll adds them
    up per month, so a month counted twice would look paid twice and be reclaimed."""
    derivation = {} if spans is None else {"spans": spans}
    assert rules.covered_months(kind, pays_for, derivation) == covered


def test_payroll_after_a_reclaim_reclaims_nothing_again():  # R-ALW-3
    """A late death: the run reclaims June and July; the next run, adding up every stored
    line with ``covered_months``, owes nothing either way."""
    terms = GrantTerms(7, Decimal("100.00"), 1, 130, JAN10, date(2026, 5, 1), date(2026, 5, 20))
    paid: dict[int, int] = {}
    stored = []
    for run in (MAR26, date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1)):
        settlement = settle(JAN10, None, run, paid)  # the death is not known yet
        stored += _store(allowance_lines(terms, settlement), settlement)
        paid = _paid(stored)
    settlement = settle(JAN10, date(2026, 5, 1), date(2026, 8, 1), paid)
    assert settlement.reclaim == (date(2026, 6, 1), date(2026, 7, 1))
    stored += _store(allowance_lines(terms, settlement), settlement)
    again = settle(JAN10, date(2026, 5, 1), date(2026, 9, 1), _paid(stored))
    assert again == Settlement(None, (), ())
    assert sum(line.amount for line, _m in stored) == Decimal("100.00") * (
        M(date(2026, 5, 1)) - M(JAN10) + 1
    )


def _store(lines, settlement):
    firsts = {
        "regular": settlement.regular,
        "arrears": settlement.arrears[0] if settlement.arrears else None,
        "adjustment": settlement.reclaim[0] if settlement.reclaim else None,
    }
    return [(line, firsts[line.kind]) for line in lines]


def _paid(stored) -> dict[int, int]:
    paid: dict[int, int] = {}
    for line, pays_for in stored:
        sign, months = rules.covered_months(line.kind, pays_for, line.derivation)
        for m in months:
            paid[m] = paid.get(m, 0) + sign
    return paid


def test_lines_after_a_death_and_their_derivations():  # R-ALW-3
    died = date(2026, 5, 20)
    terms = GrantTerms(7, Decimal("100.00"), 1, 130, JAN10, date(2026, 5, 1), died)
    settlement = Settlement(
        date(2026, 5, 1), (date(2026, 3, 1),), (date(2026, 6, 1), date(2026, 8, 1))
    )
    regular, arrears, reclaim = allowance_lines(terms, settlement)
    assert [(line.kind, line.amount, line.held) for line in (regular, arrears, reclaim)] == [
        ("regular", Decimal("100.00"), False),
        ("arrears", Decimal("100.00"), False),
        ("adjustment", Decimal("-200.00"), False),
    ]
    assert {line.derivation["died_on"] for line in (regular, arrears, reclaim)} == {"2026-05-20"}
    assert rules.describe(arrears.derivation) == (
        "arrears of living allowance for 2026-03: 100.00 = 1 months × 100.00 (grant #7); "
        "not paid after the month of death (2026-05-20)"
    )
    assert rules.describe(reclaim.derivation) == (
        "reclaimed of living allowance for 2026-06, 2026-08: -200.00 = −2 months × 100.00 "
        "(grant #7); not paid after the month of death (2026-05-20)"
    )
    alive = allowance_lines(GrantTerms(7, Decimal("100.00"), 1, 130, JAN10), settlement)
    assert all("died_on" not in line.derivation for line in alive)
