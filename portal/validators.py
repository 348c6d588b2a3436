"""Validators shared by the apps."""

import re

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


BANK_ACCOUNT = re.compile(r"[0-9]+(?: [0-9]+)*")  # ASCII digits only
BANK_ACCOUNT_DIGITS = (8, 32)


def bank_account_digits(value: str) -> str:
    """The account's digits without the spaces that group them (for comparing accounts)."""
    return (value or "").replace(" ", "")


def validate_bank_account(value: str) -> None:
    """A bank account is 8 to 32 digits, optionally grouped by single spaces (SPEC §2, §3):
    nothing else, so no formula (``=HYPERLINK(…)``) or other text reaches a ledger or a bank
    file through it, wherever it enters (form, API, import, declaration)."""
    if not value:
        return
    low, high = BANK_ACCOUNT_DIGITS
    if not BANK_ACCOUNT.fullmatch(value) or not low <= len(bank_account_digits(value)) <= high:
        raise ValidationError(
            _("A bank account is 8 to 32 digits, optionally grouped by spaces."),
            code="bank_account",
        )
