"""Attendance of a course from an XLSX file or a pasted list (SPEC §5), all or nothing.

Columns: 身份证号 (ID number), 姓名 (name, checked against the person), 学时 (hours; empty
means the course's hours). A file with any bad row records nothing and returns a report
of every bad row (row, column, reason); a good file goes to the one attendance service,
so importing it twice changes nothing. Self-contained (openpyxl only).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from cadres.models import Person
from cadres.validators import normalise_id_number, validate_id_number
from portal import spreadsheets
from portal.scope import scope_queryset

from . import services
from .models import Course

COLUMNS = {
    "id_number": ("身份证号", "身份证号码", "id number", "id_number"),
    "name": ("姓名", "name"),
    "hours": ("学时", "hours"),
}
TEMPLATE_HEADER = ("身份证号", "姓名", "学时")


@dataclass(frozen=True)
class RowError:
    row: int  # the row number in the file (1 = header), 0 for the file as a whole
    column: str
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class SourceRow:
    row: int
    id_number: str
    name: str | None  # None: not given (a pasted list may leave it out)
    hours: object


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# The attendance of one course is read in the request: a far smaller file than a registry.
LIMITS = spreadsheets.Limits(
    max_rows=20_000, max_sheet_bytes=16 * spreadsheets.MB, max_total_bytes=48 * spreadsheets.MB,
    max_other_bytes=16 * spreadsheets.MB,
)  # fmt: skip


def read_xlsx(upload) -> tuple[list[SourceRow], list[RowError]]:
    """The rows of the first sheet, after the checks of :mod:`portal.spreadsheets` (issue 9,
    item 5): a file that would hold the server is refused before it is parsed, and the rows
    are streamed, no more than ``LIMITS.max_rows``."""
    if not zipfile.is_zipfile(upload):
        upload.seek(0)
        return [], [RowError(0, "", _("The file is not an XLSX workbook."))]
    upload.seek(0)
    try:
        book = spreadsheets.open_workbook(upload, LIMITS)
    except spreadsheets.SpreadsheetRefused as exc:
        return [], [RowError(0, "", str(exc))]
    try:
        return _read_rows(book)
    except spreadsheets.SpreadsheetRefused as exc:
        return [], [RowError(0, "", str(exc))]
    except Exception:  # noqa: BLE001 - a damaged sheet inside a valid zip
        return [], [RowError(0, "", _("The file is not an XLSX workbook."))]
    finally:
        book.close()


def _read_rows(book) -> tuple[list[SourceRow], list[RowError]]:
    if not book.worksheets:
        return [], [RowError(0, "", _("The file is empty."))]
    sheet = book.worksheets[0]
    sheet.reset_dimensions()  # a wrong <dimension> must not cut rows off; iter_rows bounds them
    rows = spreadsheets.iter_rows(sheet, LIMITS)
    header = None
    header_row = 0
    for number, values in rows:
        if any(_text(v) for v in values):
            header, header_row = [_text(v).lower() for v in values], number
            break
    if header is None:
        return [], [RowError(0, "", _("The file is empty."))]
    index = {}
    for key, names in COLUMNS.items():
        for position, title in enumerate(header):
            if title in names:
                index[key] = position
                break
    missing = [COLUMNS[key][0] for key in ("id_number", "name") if key not in index]
    if missing:
        return [], [
            RowError(header_row, name, _("This column is missing from the header."))
            for name in missing
        ]
    out = []
    for number, values in rows:
        values = list(values)
        if not any(_text(v) for v in values):
            continue

        def cell(key, values=values):
            position = index.get(key)
            return values[position] if position is not None and position < len(values) else None

        out.append(
            SourceRow(
                row=number,
                id_number=_text(cell("id_number")),
                name=_text(cell("name")),
                hours=cell("hours"),
            )
        )
    return out, []


def read_lines(text: str) -> list[SourceRow]:
    """A pasted list: per line an ID number, optionally a name, optionally hours."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = [p for p in re.split(r"[,\t;，\s]+", line.strip()) if p]
        if not parts:
            continue
        id_number, name, hours = parts[0], None, None
        rest = parts[1:]
        if rest and _looks_like_number(rest[-1]):
            hours = rest.pop()
        if rest:
            name = " ".join(rest)
        out.append(SourceRow(row=number, id_number=id_number, name=name, hours=hours))
    return out


def _looks_like_number(value: str) -> bool:
    try:
        Decimal(value)
    except InvalidOperation:
        return False
    return True


def _hours(value, course: Course) -> Decimal:
    if value is None or _text(value) == "":
        return course.hours
    try:
        hours = Decimal(_text(value))
    except InvalidOperation:
        raise ValueError(_("Hours must be a number."))
    if not hours.is_finite() or hours != hours.quantize(Decimal("0.01")):
        raise ValueError(_("Hours have at most two decimals."))
    if hours <= 0:
        raise ValueError(_("Hours must be more than 0."))
    if hours > course.hours:
        raise ValueError(_("More than the course's %(hours)s hours.") % {"hours": course.hours})
    return hours


def record(*, user, course: Course, rows: list[SourceRow], verified: bool = True) -> ImportReport:
    """Check every row, then record all of them or none."""
    report = ImportReport(rows=len(rows))
    errors = report.errors
    col_id, col_name, col_hours = TEMPLATE_HEADER
    if not rows:
        errors.append(RowError(0, "", _("No attendee rows.")))
        return report
    ids = {}
    for row in rows:
        number = normalise_id_number(row.id_number)
        try:
            validate_id_number(number)
        except ValidationError as exc:
            errors.append(RowError(row.row, col_id, " ".join(exc.messages)))
            continue
        ids[row.row] = number
    people = {
        p.id_number: p for p in scope_queryset(user, Person).filter(id_number__in=set(ids.values()))
    }
    seen: dict[str, int] = {}
    good = []
    for row in rows:
        number = ids.get(row.row)
        if number is None:
            continue
        person = people.get(number)
        if person is None:
            errors.append(
                RowError(row.row, col_id, _("No person with this ID number in your scope."))
            )
            continue
        if number in seen:
            errors.append(
                RowError(row.row, col_id, _("Also in row %(row)s.") % {"row": seen[number]})
            )
            continue
        seen[number] = row.row
        if row.name is not None and " ".join(row.name.split()) != person.name:
            errors.append(RowError(row.row, col_name, _("The name does not match this ID number.")))
            continue
        try:
            hours = _hours(row.hours, course)
        except ValueError as exc:
            errors.append(RowError(row.row, col_hours, str(exc)))
            continue
        good.append((person, hours))
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        return report
    try:
        report.created, report.updated = services.attendance_record_bulk(
            user=user, course=course, rows=good, verified=verified
        )
    except (ValidationError, PermissionDenied) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        errors.extend(RowError(0, "", message) for message in messages)
    return report


def import_xlsx(*, user, course: Course, upload, verified: bool = True) -> ImportReport:
    """Attendance of ``course`` from an uploaded XLSX file, all or nothing."""
    limit = getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024)
    if upload.size > limit:
        return ImportReport(errors=[RowError(0, "", _("The file is too large."))])
    rows, errors = read_xlsx(upload)
    if errors:
        return ImportReport(errors=errors)
    return record(user=user, course=course, rows=rows, verified=verified)


def template_workbook() -> bytes:
    """An empty attendance workbook with the header row."""
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "attendance"
    sheet.append(TEMPLATE_HEADER)
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 8
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
