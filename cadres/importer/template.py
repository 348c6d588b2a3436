"""The blank import template: one sheet per kind with the Chinese headers in row 1 (frozen),
column widths, text format for ID numbers, accounts and codes (so Excel keeps every digit),
date format for dates, a dropdown for choice columns, and a 说明 (instructions) sheet that
describes every column in Chinese and English."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .columns import KINDS

__all__ = ["INSTRUCTIONS_SHEET", "write_template"]

INSTRUCTIONS_SHEET = "说明"
REQUIRED_FILL = PatternFill("solid", fgColor="FDE2E1")
OPTIONAL_FILL = PatternFill("solid", fgColor="E8EEF7")
NOTES = (
    (
        "每个工作表一类数据（村、人员、任职、党员、考核、年度考核）；用不到的工作表可留空或删除。",
        "One sheet per kind; leave out or leave empty the sheets you do not need.",
    ),
    (
        "第1行是列名，请勿修改；从第2行起每行一条记录。红色列名为必填列。",
        "Row 1 holds the headers (keep them); one record per row from row 2. Red headers "
        "are required.",
    ),
    (
        "任何一行有错，整个文件都不导入，并列出每个错误（工作表、行号、列名、原因）。",
        "If any row is bad nothing is imported, and every error is listed (sheet, row, "
        "column, reason).",
    ),
    (
        "按身份证号等关键字匹配已有记录：相同文件导入两次不会重复，只更新有变化的内容。",
        "Rows are matched to existing records by their keys: importing a file twice changes "
        "nothing; only values that differ are updated.",
    ),
    (
        "身份证号、银行账号须为文本格式，否则 Excel 会丢失末几位数字。",
        "ID numbers and bank accounts must be text, or Excel loses their last digits.",
    ),
)


def _instructions(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(INSTRUCTIONS_SHEET)
    row = 1
    for chinese, english in NOTES:
        sheet.cell(row, 1, chinese)
        sheet.cell(row, 5, english)
        row += 1
    row += 1
    headers = ("工作表 Sheet", "列名", "English header", "必填 Required", "格式", "Format",
               "示例 Example", "匹配键 Key")  # fmt: skip
    for col, text in enumerate(headers, 1):
        cell = sheet.cell(row, col, text)
        cell.font = Font(bold=True)
    header_row = row
    for kind in KINDS:
        for column in kind.columns:
            row += 1
            values = (
                f"{kind.zh} / {kind.en}",
                column.zh,
                column.en,
                "是 yes" if column.required else "否 no",
                column.format_zh,
                column.format_en,
                column.example,
                "是 yes" if column.key in kind.natural_key else "",
            )
            for col, value in enumerate(values, 1):
                sheet.cell(row, col, value).alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in enumerate((16, 16, 22, 10, 40, 40, 20, 10), 1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)


def write_template(target) -> None:
    """Write the template to a path or a binary file object."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for kind in KINDS:
        sheet = workbook.create_sheet(kind.zh)
        for index, column in enumerate(kind.columns, 1):
            letter = get_column_letter(index)
            cell = sheet.cell(1, index, column.zh)
            cell.font = Font(bold=True)
            cell.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
            dimension = sheet.column_dimensions[letter]
            dimension.width = max(column.width, len(column.zh) * 2 + 4)
            if column.is_text:
                dimension.number_format = "@"
            elif column.is_date:
                dimension.number_format = "yyyy-mm-dd"
            if column.choices is not None:
                labels = ",".join(column.choices.labels())
                validation = DataValidation(
                    type="list",
                    formula1=f'"{labels}"',
                    allow_blank=True,
                    showErrorMessage=False,  # the English codes and aliases are accepted too
                )
                validation.add(f"{letter}2:{letter}1048576")
                sheet.add_data_validation(validation)
        sheet.freeze_panes = "A2"
    _instructions(workbook)
    workbook.save(target)
