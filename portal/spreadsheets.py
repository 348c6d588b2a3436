"""Opening an uploaded XLSX file without letting it hold the server (issue 9, item 5).

An XLSX file is a zip of XML parts. A small upload can unpack to gigabytes (a "zip bomb"), or
declare a sheet of a million rows or 16,384 columns that openpyxl would pad cell by cell. So
every XLSX upload — the registry import (page, API and ``manage.py import_registry``) and the
attendance upload of a course — goes through this module:

1. :func:`inspect_xlsx` checks the zip *before anything is parsed*: the number of parts, the
   unpacked size of each part and of the whole, the compression ratio of each large part,
   and each sheet's declared ``<dimension ref=…>`` (read from the first bytes of the sheet's
   XML, streamed, never the whole sheet). It costs milliseconds and a few kilobytes.
2. :func:`open_workbook` opens the checked file with openpyxl in read-only (streaming) mode.
3. :func:`iter_rows` streams a sheet's rows no wider than the column limit and stops with a
   refusal past the row limit, so a sheet whose dimension lies is still bounded.

Refusals raise :class:`SpreadsheetRefused` with a message for the user (translated; Chinese
by default) before any row is written, so nothing is half-saved.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "SheetShape",
    "SpreadsheetRefused",
    "WorkbookShape",
    "count_rows",
    "inspect_xlsx",
    "iter_rows",
    "open_workbook",
]

MB = 1024 * 1024


class SpreadsheetRefused(Exception):  # the name says what the user gets
    """The file is refused before (or while) its rows are read; the message is for the user."""


@dataclass(frozen=True)
class Limits:
    """What one XLSX upload may hold. The row limit is well above the 100,000-row files the
    registry import must take (SPEC §8); a legitimate 100,000-row sheet of ten columns
    unpacks to about 53 MB at a ratio of about 12."""

    max_rows: int = 200_000
    max_columns: int = 256  # column IV, the old Excel limit; the templates use about 12
    max_parts: int = 1_000
    # A sheet is streamed, so it may be large; any other part (shared strings, styles,
    # the workbook) is parsed whole by openpyxl and must stay small.
    max_sheet_bytes: int = 256 * MB
    max_other_bytes: int = 32 * MB
    max_total_bytes: int = 320 * MB
    max_ratio: int = 100  # unpacked ÷ packed, checked for parts above ratio_from_bytes
    ratio_from_bytes: int = 1 * MB


DEFAULT_LIMITS = Limits()

WORKSHEET_REL = "/relationships/worksheet"
WORKBOOK_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
HEAD_BYTES = 64 * 1024  # a sheet's <dimension> comes before <sheetData>, in its first bytes
DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData\b")
CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})?\$?(\d{1,7})?$")
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>")
ROW_NUMBER = re.compile(rb"\br\s*=\s*[\"'](\d{1,9})[\"']")


@dataclass(frozen=True)
class SheetShape:
    part: str  # the zip member, e.g. xl/worksheets/sheet1.xml
    title: str  # the sheet's name in the workbook
    size: int  # unpacked bytes
    rows: int | None  # declared by <dimension>; None when the sheet declares none
    columns: int | None


@dataclass(frozen=True)
class WorkbookShape:
    sheets: list[SheetShape] = field(default_factory=list)


def _mb(size: int) -> str:
    return f"{size / MB:.0f}"


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _dimension(ref: str) -> tuple[int | None, int | None]:
    """The last row and column of a ``ref`` such as ``A1:XFD1048576`` (or ``A1``)."""
    rows, columns = [], []
    for corner in ref.split(":")[:2]:
        match = CELL_REF.match(corner.strip())
        if not match:
            return None, None
        letters, digits = match.groups()
        if letters:
            columns.append(_column_number(letters))
        if digits:
            rows.append(int(digits))
    return (max(rows) if rows else None), (max(columns) if columns else None)


def _parse_small(archive: zipfile.ZipFile, name: str, limits: Limits):
    """A package part parsed whole (its size was checked against ``max_other_bytes``)."""
    try:
        return fromstring(archive.read(name))
    except (
        KeyError,
        ParseError,
        DefusedXmlException,
        zipfile.BadZipFile,
        OSError,
        ValueError,
    ) as exc:
        raise SpreadsheetRefused(
            _("This XLSX file is damaged (%(part)s cannot be read).") % {"part": name}
        ) from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(archive: zipfile.ZipFile, names: set[str], limits: Limits) -> dict[str, str]:
    """Worksheet part → sheet title, found as openpyxl finds them: the workbook part named in
    [Content_Types].xml, its relationships, and its <sheet> list."""
    workbook = "xl/workbook.xml"
    if "[Content_Types].xml" not in names:
        raise SpreadsheetRefused(_("This zip file is not an Excel workbook (.xlsx)."))
    for node in _parse_small(archive, "[Content_Types].xml", limits):
        if _local(node.tag) == "Override" and node.get("ContentType") in WORKBOOK_TYPES:
            workbook = (node.get("PartName") or "").lstrip("/")
            break
    if workbook not in names:
        raise SpreadsheetRefused(_("This zip file is not an Excel workbook (.xlsx)."))
    folder, base = posixpath.split(workbook)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    targets = {}
    if rels_name in names:
        for node in _parse_small(archive, rels_name, limits):
            if (node.get("Type") or "").endswith(WORKSHEET_REL):
                target = node.get("Target") or ""
                if target.startswith("/"):
                    part = target.lstrip("/")
                else:
                    part = posixpath.normpath(posixpath.join(folder, target))
                targets[node.get("Id")] = part
    titles = {}
    for node in _parse_small(archive, workbook, limits).iter():
        if _local(node.tag) == "sheet":
            rel_id = next((v for k, v in node.attrib.items() if _local(k) == "id"), None)
            if rel_id in targets:
                titles[targets[rel_id]] = node.get("name") or targets[rel_id]
    return {part: titles.get(part, part) for part in targets.values()}


def _declared(archive: zipfile.ZipFile, part: str) -> tuple[int | None, int | None]:
    """The sheet's declared dimension, from the first bytes of its XML (streamed)."""
    with archive.open(part) as stream:
        head = stream.read(HEAD_BYTES)
    data_at = SHEET_DATA.search(head)
    match = DIMENSION.search(head, 0, data_at.start() if data_at else len(head))
    if not match:
        return None, None
    return _dimension(match.group(1).decode("ascii", "replace"))


def inspect_xlsx(source, limits: Limits | None = None) -> WorkbookShape:
    """Check an XLSX file (a binary file object, or a path) before it is parsed; raise
    :class:`SpreadsheetRefused` with the reason, else return its sheets' declared shapes.
    Reads the zip's directory, three small package parts and 64 KB of each sheet."""
    limits = limits or DEFAULT_LIMITS
    seekable = hasattr(source, "seek")
    position = source.tell() if seekable else 0
    try:
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise SpreadsheetRefused(
                _("This XLSX file is damaged (not a valid zip archive).")
            ) from exc
        with archive:
            infos = archive.infolist()
            if len(infos) > limits.max_parts:
                raise SpreadsheetRefused(
                    _("This XLSX file has %(count)s parts; at most %(limit)s are accepted.")
                    % {"count": len(infos), "limit": limits.max_parts}
                )
            total = sum(info.file_size for info in infos)
            if total > limits.max_total_bytes:
                raise SpreadsheetRefused(
                    _("This XLSX file unpacks to %(size)s MB; at most %(limit)s MB are accepted.")
                    % {"size": _mb(total), "limit": _mb(limits.max_total_bytes)}
                )
            for info in infos:
                if (
                    info.file_size > limits.ratio_from_bytes
                    and info.file_size > limits.max_ratio * max(info.compress_size, 1)
                ):
                    raise SpreadsheetRefused(
                        _(
                            "This XLSX file is refused: its part %(part)s unpacks %(ratio)s times "
                            "larger than it is stored (at most %(limit)s), as a zip bomb does."
                        )
                        % {
                            "part": info.filename,
                            "ratio": info.file_size // max(info.compress_size, 1),
                            "limit": limits.max_ratio,
                        }
                    )
            names = {info.filename for info in infos}
            # Package parts are parsed whole (here and by openpyxl): bound them first.
            for info in infos:
                if info.file_size > limits.max_other_bytes and not info.filename.startswith(
                    "xl/worksheets/"
                ):
                    raise SpreadsheetRefused(
                        _(
                            "This XLSX file is refused: its part %(part)s unpacks to %(size)s "
                            "MB; at most %(limit)s MB are accepted."
                        )
                        % {
                            "part": info.filename,
                            "size": _mb(info.file_size),
                            "limit": _mb(limits.max_other_bytes),
                        }
                    )
            sheets = _sheet_parts(archive, names, limits)
            sizes = {info.filename: info.file_size for info in infos}
            shapes = []
            for part, title in sheets.items():
                if part not in names:
                    continue  # openpyxl skips a sheet whose part is missing
                size = sizes[part]
                if size > limits.max_sheet_bytes:
                    raise SpreadsheetRefused(
                        _(
                            "Sheet %(sheet)s unpacks to %(size)s MB; at most %(limit)s MB are "
                            "accepted."
                        )
                        % {
                            "sheet": title,
                            "size": _mb(size),
                            "limit": _mb(limits.max_sheet_bytes),
                        }
                    )
                rows, columns = _declared(archive, part)
                if rows is not None and rows > limits.max_rows:
                    raise SpreadsheetRefused(
                        _("Sheet %(sheet)s declares %(rows)s rows; at most %(limit)s are accepted.")
                        % {"sheet": title, "rows": rows, "limit": limits.max_rows}
                    )
                if columns is not None and columns > limits.max_columns:
                    raise SpreadsheetRefused(
                        _(
                            "Sheet %(sheet)s declares %(columns)s columns; at most %(limit)s are "
                            "accepted."
                        )
                        % {"sheet": title, "columns": columns, "limit": limits.max_columns}
                    )
                shapes.append(SheetShape(part, title, size, rows, columns))
            # A part that is not a worksheet but was given a worksheet's name is parsed whole.
            for info in infos:
                if info.filename not in sheets and info.file_size > limits.max_other_bytes:
                    raise SpreadsheetRefused(
                        _(
                            "This XLSX file is refused: its part %(part)s unpacks to %(size)s "
                            "MB; at most %(limit)s MB are accepted."
                        )
                        % {
                            "part": info.filename,
                            "size": _mb(info.file_size),
                            "limit": _mb(limits.max_other_bytes),
                        }
                    )
            return WorkbookShape(shapes)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise SpreadsheetRefused(_("This XLSX file is damaged (not a valid zip archive).")) from exc
    finally:
        if seekable:
            source.seek(position)


def count_rows(source, part: str, *, budget: int) -> int | None:
    """An upper bound of the rows of one sheet — the number of <row> elements or the highest
    row number, whichever is larger — by scanning its XML as bytes (no parsing), or ``None``
    when the sheet unpacks to more than ``budget`` bytes (then it is not counted here)."""
    seekable = hasattr(source, "seek")
    position = source.tell() if seekable else 0
    try:
        with zipfile.ZipFile(source) as archive:
            if archive.getinfo(part).file_size > budget:
                return None
            data = archive.read(part)
    finally:
        if seekable:
            source.seek(position)
    count = highest = 0
    for match in ROW_TAG.finditer(data):
        count += 1
        number = ROW_NUMBER.search(match.group(1))
        if number:
            highest = max(highest, int(number.group(1)))
    return max(count, highest)


def open_workbook(source, limits: Limits | None = None):
    """The checked workbook, opened by openpyxl in read-only (streaming) mode. Close it."""
    import openpyxl

    limits = limits or DEFAULT_LIMITS
    inspect_xlsx(source, limits)
    try:
        return openpyxl.load_workbook(source, read_only=True, data_only=True)
    except SpreadsheetRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise SpreadsheetRefused(
            _("This XLSX file cannot be read: %(error)s") % {"error": exc}
        ) from exc


def iter_rows(
    worksheet, limits: Limits | None = None, *, min_row: int = 1, max_col: int | None = None
) -> Iterator[tuple[int, tuple]]:
    """(row number, cell values) of a read-only sheet, streamed, no wider than the column
    limit; past the row limit it raises :class:`SpreadsheetRefused` (so a sheet whose
    dimension understates it is bounded too)."""
    limits = limits or DEFAULT_LIMITS
    width = min(max_col or limits.max_columns, limits.max_columns)
    cells = worksheet.iter_rows(min_row=min_row, max_col=width, values_only=True)
    for number, values in enumerate(cells, start=min_row):
        if number > limits.max_rows:
            raise SpreadsheetRefused(
                _("Sheet %(sheet)s has more than %(limit)s rows; at most %(limit)s are accepted.")
                % {"sheet": worksheet.title, "limit": limits.max_rows}
            )
        yield number, values
