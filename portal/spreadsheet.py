"""Cells that a spreadsheet would run, made harmless (SPEC §3 "Ledgers and exports": text
that a spreadsheet would run never reaches a CSV, bank file or XLSX unescaped, whatever the
field).

The one place every export writer of the project asks: the payroll ledger (CSV, XLSX, bank
file, and the SQL that formats the CSV's hot path: :data:`FORMULA_STARTS` is spelt out
there too), the allowance ledger, the training compliance table and the import error
report. A text cell that begins with ``= + - @``, a tab or a carriage return — or with the
full-width ``＝ ＋ － ＠`` that Excel and WPS also read as operators — gets a leading
apostrophe (the OWASP "CSV injection" rule: the spreadsheet shows the text, it never
evaluates it). Numbers are never touched: a correction of ``-500.00`` in an amount column
stays a number; only text is neutralised.
"""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "is_formula_like", "safe_cell", "safe_row"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
QUOTE = "'"


def is_formula_like(value) -> bool:
    """True for text a spreadsheet would treat as a formula (or a formula's start)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell(value):
    """``value`` as a spreadsheet may show it: formula-like text gets a leading apostrophe;
    anything else (numbers, dates, ``None``, harmless text) comes back unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def safe_row(values) -> list:
    """:func:`safe_cell` of each value of a row (numbers stay numbers)."""
    return [safe_cell(value) for value in values]
