"""Pure registry rules behind the R-REG flags (tables, no database)."""

from datetime import date

import pytest

from cadres.rules import (
    cadre_count_flag,
    health_check_status,
    is_young_educated_recruit,
    mobility_flag,
)


@pytest.mark.parametrize(
    ("count", "flag"),
    [(0, "too_few"), (2, "too_few"), (3, None), (5, None), (6, "too_many")],
)
def test_cadre_count_flag(count, flag):  # R-REG-1
    assert cadre_count_flag(count) == flag


TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("last", "status", "due_on"),
    [
        (None, "overdue", None),
        (date(2024, 11, 22), "overdue", date(2026, 11, 22)),
        (date(2024, 11, 23), "due", date(2026, 11, 23)),
        (date(2025, 2, 21), "due", date(2027, 2, 21)),  # 90 days ahead
        (date(2025, 2, 22), "ok", date(2027, 2, 22)),
        (date(2024, 2, 29), "overdue", date(2026, 2, 28)),  # leap day
    ],
)
def test_health_check_status(last, status, due_on):  # R-REG-2
    result = health_check_status(last, TODAY)
    assert (result.status, result.due_on) == (status, due_on)


@pytest.mark.parametrize(
    ("birth", "joined", "higher", "expected"),
    [
        (date(1992, 1, 1), date(2026, 6, 1), True, True),  # 34
        (date(1991, 6, 1), date(2026, 6, 1), True, False),  # 35 on the day
        (date(1991, 6, 2), date(2026, 6, 1), True, True),  # 34, turns 35 tomorrow
        (date(2000, 1, 1), date(2026, 6, 1), False, False),  # no higher education
    ],
)
def test_young_educated_recruit(birth, joined, higher, expected):  # R-REG-4
    assert is_young_educated_recruit(birth, joined, higher) is expected


@pytest.mark.parametrize(
    ("away_since", "certificate", "flag"),
    [
        (None, False, None),
        (date(2026, 9, 1), True, None),
        (date(2026, 9, 1), False, "needs_certificate"),
        (date(2026, 5, 23), False, "needs_certificate"),  # exactly 6 months
        (date(2026, 5, 22), True, "must_transfer"),  # over 6 months, certificate or not
    ],
)
def test_mobility_flag(away_since, certificate, flag):  # R-REG-5
    assert mobility_flag(away_since, certificate, TODAY) == flag
