"""Pure registry rules behind the R-REG flags (tables, no database)."""

from datetime import date

import pytest

from cadres import rules
from cadres.rules import (
    cadre_count_flag,
    health_check_status,
    is_young_educated_recruit,
    mobility_flag,
    spans_overlap,
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


@pytest.mark.parametrize(
    ("name", "value", "spec"),
    [
        ("R-REG-1 at least 3 village cadres", rules.CADRES_MIN, 3),
        ("R-REG-1 at most 5 village cadres", rules.CADRES_MAX, 5),
        ("R-REG-2 a health check every 2 years", rules.HEALTH_CHECK_YEARS, 2),
        ("R-REG-3 at least 3 activists", rules.ACTIVISTS_MIN, 3),
        ("R-REG-4 aged under 35", rules.YOUNG_MEMBER_MAX_AGE, 35),
        ("R-REG-5 away up to 6 months with a certificate", rules.AWAY_MONTHS_WITH_CERTIFICATE, 6),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_thresholds_are_the_spec_values(name, value, spec):  # R-REG-1..5
    """The thresholds that the selectors use directly (R-REG-3 filters villages with fewer
    than ``ACTIVISTS_MIN`` activists in the database) are SPEC §2's numbers."""
    assert value == spec


D1, D10, D16, D20 = (date(2026, 3, d) for d in (1, 10, 16, 20))


@pytest.mark.parametrize(
    ("name", "a", "b", "overlap"),
    [
        ("handover on one day: both hold the 16th", (D1, D16), (D16, None), True),
        ("handover on the next day: no shared day", (D1, D10), (date(2026, 3, 11), None), False),
        ("b after a", (D1, D10), (D16, D20), False),
        ("b before a", (D16, D20), (D1, D10), False),
        ("b ends on a's first day", (D16, D20), (D1, D16), True),
        ("b inside a", (D1, D20), (D10, D16), True),
        ("a still running, b starts later", (D1, None), (D16, D20), True),
        ("a still running, b ended before it", (D16, None), (D1, D10), False),
        ("b still running, a ended before it", (D1, D10), (D16, None), False),
        ("both still running", (D10, None), (D1, None), True),
        ("one-day spans on the same day", (D10, D10), (D10, D10), True),
        ("one-day spans on consecutive days", (D10, D10), (date(2026, 3, 11),) * 2, False),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_spans_overlap(name, a, b, overlap):
    """At most one secretary and one director per village at any date (SPEC §2): spans
    share a day, ends included, as ``daterange(start, end, '[]') &&`` — so two holders on
    the handover day overlap. Symmetric in its two spans."""
    assert spans_overlap(*a, *b) is overlap
    assert spans_overlap(*b, *a) is overlap
