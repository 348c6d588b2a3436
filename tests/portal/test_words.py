"""Words and numbers on the pages (issue 10): money with thousands separators and two
decimals, status badges coloured by meaning, one set of terms, the right labels."""

from decimal import Decimal

import pytest

from portal.templatetags.portal_tags import money, status_class


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


@pytest.mark.parametrize(
    ("status", "css"),
    [
        ("approved", "ok"),
        ("locked", "ok"),
        ("disbursed", "ok"),
        ("paid", "ok"),
        ("verified", "ok"),
        ("returned", "bad"),
        ("rejected", "bad"),
        ("failed", "bad"),
        ("suspended", "warn"),
        ("pending", "neutral"),
        ("draft", "neutral"),
        ("computed", "neutral"),
        ("", "neutral"),
    ],
)
def test_status_badge_is_coloured_by_meaning(status, css):
    """issue 10: approved is not red, rejected is; a draft is neutral."""
    assert status_class(status) == css


def test_every_workflow_status_has_a_deliberate_colour_or_is_neutral():
    """A status value the table does not know falls back to neutral, never to red."""
    from portal.choices import ImportStatus
    from subsidies.allowance.choices import ApplicationStatus, GrantStatus
    from subsidies.choices import AwardStatus, RunStatus
    from training.choices import EntryStatus

    for choices in (
        RunStatus,
        AwardStatus,
        ApplicationStatus,
        GrantStatus,
        EntryStatus,
        ImportStatus,
    ):
        for value in choices.values:
            assert status_class(value) in {"ok", "bad", "warn", "neutral"}
    assert {status_class(s) for s in ("approved", "locked", "disbursed")} == {"ok"}
