"""The registry import as one service (SPEC §2 "Bulk import"): read, check every row, and
write all rows or none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db import DataError, IntegrityError
from django.utils.translation import gettext as _

from portal.services import constraint_message

from .columns import KINDS, find_kind
from .readers import read_file
from .report import ImportResult, RowError
from .validator import validate
from .writer import write

__all__ = ["registry_import"]


def _database_message(exc: Exception) -> str:
    text = str(exc).strip()
    first_line = text.splitlines()[0] if text else type(exc).__name__
    for kind in KINDS:
        message = constraint_message(kind.model, exc)
        if message != first_line:
            return message
    return first_line


def registry_import(
    *,
    user,
    source,
    name: str,
    dry_run: bool = False,
    kind: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    """Import the registry file ``source`` (a binary file object named ``name``) as ``user``
    (``None``: the operator, with no scope limit).

    Returns the counts per kind, or every bad row with nothing written. A dry run checks
    and writes inside a transaction that it rolls back. ``kind`` forces the kind of a CSV
    file. Raises :class:`~cadres.importer.report.UnreadableFile` for a file that is not an
    XLSX or UTF-8 CSV file.
    """
    forced = None
    if kind:
        forced = find_kind(kind)
        if forced is None:
            raise ValueError(f"unknown kind {kind!r}")
    progress = progress or (lambda phase, done, total: None)
    progress("reading", 0, 0)
    data = read_file(source, name, forced)
    result = ImportResult(dry_run=dry_run, rows=data.row_count)
    if not data.row_count and not data.errors:
        result.errors.append(
            RowError(Path(name).name, None, "", _("The file holds no rows to import."))
        )
        return result
    plan, errors = validate(data, user=user, progress=progress)
    if errors:
        result.errors = errors
        return result
    try:
        write(plan, result, dry_run=dry_run, progress=progress)
    except (IntegrityError, DataError) as exc:
        result.counts = {}
        result.errors.append(
            RowError(
                "",
                None,
                "",
                _("The database refused the import, so nothing was imported: %(reason)s")
                % {"reason": _database_message(exc)},
            )
        )
    return result
