"""Words and numbers on the pages (issue 10): money with thousands separators and two
decimals, status badges coloured by meaning, one set of terms, the right labels."""

from decimal import Decimal

import pytest

from portal.templatetags.portal_tags import money


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("0"), "0.00"),
        (Decimal("0.00"), "0.00"),
        (Decimal("-500.00"), "-500.00"),  # a negative correction keeps its sign
        (Decimal("1234567.8"), "1,234,567.80"),
        (Decimal("25208"), "25,208.00"),
        (Decimal("999.995"), "1,000.00"),  # half up to the cent, as quantize_money
        (Decimal("-1234.5"), "-1,234.50"),
        (1200, "1,200.00"),
        ("3000.5", "3,000.50"),
        (None, "—"),
        ("", "—"),
        ("abc", "—"),
    ],
    ids=repr,
)
def test_money_groups_by_three_with_two_decimals(value, shown):
    """issue 10: not zh-hans's four-digit grouping without a separator."""
    assert money(value) == shown
