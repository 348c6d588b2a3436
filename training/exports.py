"""The R-TRN-1 compliance table as XLSX (frozen header, number formats, totals row) or CSV
(UTF-8 with BOM so Excel opens it), for the ``training_compliance`` command and the
download in the portal. One row per serving secretary."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.utils.translation import gettext as _

from portal.masking import mask_id_number
from portal.spreadsheet import safe_row

from .selectors import ComplianceRow


def header() -> list[str]:
    return [
        _("Township"),
        _("Village"),
        _("Secretary"),
        _("ID number"),
        _("Days in post"),
        _("Verified centralised hours"),
        _("Days"),
        _("Required days"),
        _("Compliant"),
    ]


def _values(row: ComplianceRow) -> list:
    """One row; text a spreadsheet would run is neutralised (SPEC §3, ``safe_row``), numbers
    stay numbers."""
    return safe_row(
        [
            row.township.name,
            row.village.name,
            row.person.name,
            mask_id_number(row.person.id_number),
            row.progress.served_days,
            row.progress.hours,
            row.progress.days,
            row.progress.required_days,
            _("yes") if row.compliant else _("no"),
        ]
    )


def write_csv(rows: Sequence[ComplianceRow], stream: io.TextIOBase) -> None:
    """CSV with a BOM; the stream is text (open with ``newline=""``)."""
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(header())
    for row in rows:
        writer.writerow([str(v) for v in _values(row)])


def csv_bytes(rows: Sequence[ComplianceRow]) -> bytes:
    buffer = io.StringIO(newline="")
    write_csv(rows, buffer)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: Sequence[ComplianceRow], *, year: int) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = str(year)
    sheet.append(header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_values(row))
    last = len(rows) + 1
    total = last + 1
    sheet.cell(row=total, column=1, value=_("Total"))
    sheet.cell(row=total, column=3, value=len(rows))
    sheet.cell(row=total, column=6, value=sum((r.progress.hours for r in rows), 0))
    sheet.cell(row=total, column=9, value=sum(1 for r in rows if r.compliant))
    for cell in sheet[total]:
        cell.font = Font(bold=True)
    for number in range(2, total + 1):
        sheet.cell(row=number, column=5).number_format = "0"
        sheet.cell(row=number, column=6).number_format = "0.00"
        sheet.cell(row=number, column=7).number_format = "0.00"
        sheet.cell(row=number, column=8).number_format = "0.0"
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHI", (14, 14, 12, 22, 10, 14, 8, 10, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
