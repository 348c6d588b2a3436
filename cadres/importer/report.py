"""The outcome of an import: bad rows (one :class:`RowError` per bad cell or row) and counts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

__all__ = ["ImportResult", "RowError", "UnreadableFile"]


class UnreadableFile(Exception):  # The name says what the user gets
    """The file cannot be read as XLSX or as UTF-8 CSV (the command exits with 2)."""


@dataclass(frozen=True)
class RowError:
    """One reason a row is bad. ``row`` is the row number the user sees in the file (the
    header is row 1 in the template); ``column`` the header as written in the file."""

    sheet: str
    row: int | None
    column: str
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        values = {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }
        if self.row is not None and self.column:
            return _("%(sheet)s row %(row)s, column %(column)s: %(reason)s") % values
        if self.row is not None:
            return _("%(sheet)s row %(row)s: %(reason)s") % values
        if self.column:
            return _("%(sheet)s, column %(column)s: %(reason)s") % values
        if self.sheet:
            return _("%(sheet)s: %(reason)s") % values
        return self.reason


def _zero() -> dict[str, int]:
    return {"created": 0, "updated": 0, "unchanged": 0}


@dataclass
class ImportResult:
    """Counts per kind (created / updated / unchanged) or the bad rows; nothing is written
    unless ``errors`` is empty (and ``dry_run`` is false)."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        return len({(e.sheet, e.row) for e in self.errors if e.row is not None})

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(kind, _zero())[outcome] += n

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.counts.values())
