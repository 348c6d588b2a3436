"""Reading an uploaded registry file: XLSX (openpyxl, read-only) or CSV (UTF-8, with or without
BOM). The type is told by the content, never by the file name.

An XLSX file holds one sheet per kind, named after it (村, 人员 …; English names accepted);
a sheet with another name is recognised by its headers. A CSV file holds one kind, told by
its headers or forced by the caller. The header row is the first row (among the first ten)
that holds known headers, so a title row above it is allowed. Header problems (unknown,
repeated or missing columns) are reported like bad rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from django.utils.translation import gettext as _

from portal import spreadsheets

from .columns import KINDS, Column, Kind, find_kind, normalise_header
from .report import RowError, UnreadableFile

__all__ = ["FileData", "Sheet", "count_data_rows", "read_file", "sniff"]

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc…) format
HEADER_SEARCH_ROWS = 10
INSTRUCTION_SHEETS = {normalise_header(n) for n in ("说明", "填表说明", "instructions", "readme")}
# A sheet that declares few rows is counted by scanning its XML up to this size; a larger
# one goes to the worker whatever it declares.
SCAN_BUDGET_BYTES = 8 * 1024 * 1024
BYTES_PER_ROW_ESTIMATE = 512  # a ten-column row of the template is about 500 bytes of XML


@dataclass
class Sheet:
    """The rows of one kind from one sheet (or CSV file)."""

    name: str
    kind: Kind
    header_row: int
    headers: dict[str, str]  # column key → header text as in the file
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)  # (row no, cells)

    def header(self, key: str) -> str:
        """The header of a column as the user wrote it (the template's if the file lacks it)."""
        return self.headers.get(key) or self.kind.column(key).zh


@dataclass
class FileData:
    sheets: list[Sheet] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(s.rows) for s in self.sheets)


def _head(source) -> bytes:
    position = source.tell()
    head = source.read(8)
    source.seek(position)
    return head


def sniff(source) -> str:
    """``"xlsx"`` or ``"csv"`` from the first bytes of a binary file object; anything else
    raises :class:`UnreadableFile`."""
    head = _head(source)
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        raise UnreadableFile(
            _("This is an old Excel (.xls) file. Save it as Excel Workbook (.xlsx) or CSV UTF-8.")
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(
            _("This text file is UTF-16 (Excel's 'Unicode text'). Save it as CSV UTF-8.")
        )
    position = source.tell()
    sample = source.read(64 * 1024)
    source.seek(position)
    if b"\x00" in sample:
        raise UnreadableFile(_("This is neither an XLSX file nor a CSV text file."))
    return "csv"


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _match_count(cells, kind: Kind) -> int:
    return sum(1 for c in cells if not _empty(c) and kind.column_for(c) is not None)


def _detect_kind(cells) -> Kind | None:
    """The kind whose headers these are: every non-empty cell known to it, most columns
    matched; a tie is broken by having all required columns."""
    filled = [c for c in cells if not _empty(c)]
    candidates = []
    for kind in KINDS:
        matched = _match_count(filled, kind)
        if matched and matched == len(filled):
            keys = {kind.column_for(c).key for c in filled}
            has_required = all(col.key in keys for col in kind.columns if col.required)
            candidates.append((matched, has_required, kind))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    best = candidates[0]
    if len(candidates) > 1 and candidates[1][:2] == best[:2]:
        return None
    return best[2]


def _has_content(rows: Iterable[tuple[int, tuple]]) -> bool:
    return any(not _empty(c) for _number, cells in rows for c in cells)


def _build_sheet(
    name: str,
    rows: Iterator[tuple[int, tuple]],
    kind: Kind | None,
    errors: list[RowError],
    rest: Callable[[int, int], Iterable[tuple[int, tuple]]] | None = None,
) -> Sheet | None:
    """Find the header row among the first rows, map its cells to columns and keep the
    non-empty data rows (streamed: empty rows are never kept). ``rest(header_row, width)``,
    when given, reads the rows after the header again, no wider than the header."""
    head = list(islice(rows, HEADER_SEARCH_ROWS))
    header_at = None
    for index, (_number, cells) in enumerate(head):
        if kind is None:
            found = _detect_kind(cells)
            if found is not None:
                kind, header_at = found, index
                break
        elif _match_count(cells, kind) >= min(2, len(kind.columns)):
            header_at = index
            break
    if header_at is None:
        if not _has_content(head) and not _has_content(rows):
            return None  # an empty sheet
        if kind is None:
            names = "、".join(k.zh for k in KINDS)
            errors.append(
                RowError(
                    name,
                    None,
                    "",
                    _(
                        "Cannot tell what this sheet holds: name it one of %(names)s, or use "
                        "the template's headers."
                    )
                    % {"names": names},
                )
            )
        else:
            errors.append(
                RowError(name, None, "", _("No header row found (use the template's headers)."))
            )
        return None

    header_number, header_cells = head[header_at]
    sheet = Sheet(name=name, kind=kind, header_row=header_number, headers={})
    positions: list[tuple[int, Column]] = []
    usable = True
    for position, text in enumerate(header_cells):
        if _empty(text):
            continue
        text = str(text).strip()
        column = kind.column_for(text)
        if column is None:
            errors.append(
                RowError(
                    name,
                    header_number,
                    text[:60],
                    _("Unknown column for %(kind)s; expected: %(columns)s.")
                    % {"kind": kind.zh, "columns": "、".join(c.zh for c in kind.columns)},
                )
            )
            continue
        if column.key in sheet.headers:
            errors.append(
                RowError(
                    name,
                    header_number,
                    text,
                    _("This column appears twice (also as “%(other)s”).")
                    % {"other": sheet.headers[column.key]},
                )
            )
            usable = False
            continue
        sheet.headers[column.key] = text
        positions.append((position, column))
    for column in kind.columns:
        if column.required and column.key not in sheet.headers:
            errors.append(
                RowError(name, header_number, column.zh, _("This column is required but missing."))
            )
            usable = False
    if not usable:
        return sheet  # reported; its rows are not checked one by one

    if rest is not None:
        data_rows = rest(header_number, len(header_cells))
    else:
        data_rows = chain(head[header_at + 1 :], rows)
    for number, cells in data_rows:
        values = {}
        for position, column in positions:
            value = cells[position] if position < len(cells) else None
            if isinstance(value, str):
                value = value.strip()
            if not _empty(value):
                values[column.key] = value
        if values:  # cells under no known header only: reported as unknown columns already
            sheet.rows.append((number, values))
    return sheet


def _open_workbook(source):
    """The workbook, after the checks of :mod:`portal.spreadsheets` (zip sizes, ratio, parts,
    declared dimensions): a file that would hold the server is refused before it is parsed."""
    try:
        return spreadsheets.open_workbook(source)
    except spreadsheets.SpreadsheetRefused as exc:
        raise UnreadableFile(str(exc))


def _read_xlsx(source, forced: Kind | None) -> FileData:
    data = FileData()
    workbook = _open_workbook(source)
    try:
        for worksheet in workbook.worksheets:
            title = worksheet.title
            if normalise_header(title) in INSTRUCTION_SHEETS:
                continue
            worksheet.reset_dimensions()  # a wrong <dimension> tag must not cut rows off

            def rest(header_row, width, worksheet=worksheet):
                return spreadsheets.iter_rows(worksheet, min_row=header_row + 1, max_col=width)

            # Streamed, no wider than the column limit, refused past the row limit.
            rows = spreadsheets.iter_rows(worksheet)
            kind = find_kind(title) or forced  # a sheet's own name wins over --kind
            sheet = _build_sheet(title, rows, kind, data.errors, rest)
            if sheet is not None:
                data.sheets.append(sheet)
    except UnreadableFile:
        raise
    except spreadsheets.SpreadsheetRefused as exc:
        raise UnreadableFile(str(exc))
    except Exception as exc:  # noqa: BLE001 - a damaged sheet inside a valid zip
        raise UnreadableFile(_("This XLSX file cannot be read: %(error)s") % {"error": exc})
    finally:
        workbook.close()
    return data


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            _(
                "The file is not UTF-8 text (byte %(position)s). Excel's plain 'CSV' is GBK: "
                "save the file as 'CSV UTF-8 (comma delimited)' or as an Excel workbook."
            )
            % {"position": exc.start + 1}
        )


def _read_csv(source, name: str, forced: Kind | None) -> FileData:
    text = _decode(source.read())
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    data = FileData()
    rows = enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)
    try:
        sheet = _build_sheet(name, rows, forced, data.errors)
    except csv.Error as exc:
        raise UnreadableFile(_("This CSV file cannot be read: %(error)s") % {"error": exc})
    if sheet is not None:
        data.sheets.append(sheet)
    return data


def read_file(source, name: str, kind: Kind | None = None) -> FileData:
    """Read a binary file object. ``kind`` forces the kind of a CSV file (and of the sheets
    of an XLSX file whose names are not a kind's). Raises :class:`UnreadableFile`."""
    file_type = sniff(source)
    if file_type == "xlsx":
        return _read_xlsx(source, kind)
    return _read_csv(source, Path(name).name or "CSV", kind)


def count_data_rows(source, exact_below: int = 0) -> int:
    """A quick upper bound of the data rows, to choose between importing now and in the
    background (the import itself counts exactly, in the worker for a large file). Nothing
    is parsed: an XLSX file is checked by :func:`portal.spreadsheets.inspect_xlsx` (refused
    with :class:`UnreadableFile` when it is too large), each sheet's declared dimension is
    read, and a sheet that declares no more than ``exact_below`` rows is counted by scanning
    its XML when it is small, so a wrong dimension cannot pass a large file for a small one
    (a sheet too large to scan counts as large: it goes to the worker)."""
    file_type = sniff(source)
    try:
        if file_type == "csv":
            count = 0
            for chunk in iter(lambda: source.read(1024 * 1024), b""):
                count += chunk.count(b"\n")
            return count
        try:
            shape = spreadsheets.inspect_xlsx(source)
        except spreadsheets.SpreadsheetRefused as exc:
            raise UnreadableFile(str(exc))
        total = 0
        for sheet in shape.sheets:
            if normalise_header(sheet.title) in INSTRUCTION_SHEETS:
                continue
            rows = sheet.rows
            if rows is None or rows - 1 <= exact_below:
                counted = spreadsheets.count_rows(source, sheet.part, budget=SCAN_BUDGET_BYTES)
                if counted is None:  # too large to scan here: the worker reads it
                    counted = max(exact_below + 2, sheet.size // BYTES_PER_ROW_ESTIMATE)
                rows = max(counted, rows or 0)
            total += max(rows - 1, 0)
        return total
    finally:
        source.seek(0)
