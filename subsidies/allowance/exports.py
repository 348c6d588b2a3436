"""The allowance ledger as XLSX (openpyxl, write-only: rows stream into the file)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from portal.masking import mask_id_number
from portal.spreadsheet import safe_row

from .selectors import last_payable_month

MONEY_FORMAT = "#,##0.00"


def grants_xlsx(grants) -> bytes:
    """One row per grant of the (filtered) ledger, a frozen header and a total of the monthly
    amounts of active grants."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Allowance ledger")[:31])
    sheet.freeze_panes = "A2"
    widths = (14, 14, 12, 22, 10, 8, 12, 12, 12, 10, 10)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    header = [
        _("township"),
        _("village"),
        _("name"),
        _("ID number"),
        _("months of service"),
        _("tier"),
        _("monthly amount"),
        _("first payable month"),
        _("last payable month"),
        _("status"),
        _("application"),
    ]
    bold = Font(bold=True)

    def styled(value, font=None, number_format=None):
        cell = WriteOnlyCell(sheet, value=value)
        if font:
            cell.font = font
        if number_format:
            cell.number_format = number_format
        return cell

    sheet.append([styled(h, bold) for h in header])
    total = 0
    for grant in grants.iterator(chunk_size=1000):
        person = grant.person
        last = last_payable_month(grant)
        if grant.status == "active" and person.died_on is None:
            total += grant.monthly_amount
        # Text a spreadsheet would run is neutralised (SPEC §3); numbers stay numbers.
        sheet.append(
            safe_row(
                [
                    person.village.township.name,
                    person.village.name,
                    person.name,
                    mask_id_number(person.id_number),
                    grant.service_months,
                    grant.tier,
                    styled(grant.monthly_amount, number_format=MONEY_FORMAT),
                    f"{grant.start_month:%Y-%m}",
                    f"{last:%Y-%m}" if last else "",
                    str(grant.get_status_display()),
                    grant.application_id,
                ]
            )
        )
    sheet.append(
        [
            styled(_("Monthly total of active grants"), bold),
            "",
            "",
            "",
            "",
            "",
            styled(total, bold, MONEY_FORMAT),
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
