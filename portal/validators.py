"""Validators shared by the apps."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def no_formula(value: str) -> None:
    """Text that goes into spreadsheets (names, banks, places: the ledgers and reports) may
    not begin like a formula: Excel would run ``=HYPERLINK(…)`` in a finance export."""
    if value and value.startswith(FORMULA_STARTS):
        raise ValidationError(
            _("This text may not begin with = + - or @: a spreadsheet would run it as a formula."),
            code="formula",
        )
