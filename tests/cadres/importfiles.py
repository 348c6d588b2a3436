"""Registry import files built in code (no binary fixtures): XLSX with openpyxl, CSV as text."""

import csv
import io
from datetime import date

import openpyxl

from cadres.validators import make_id_number

# Valid ID numbers: area 110101 (Beijing Dongcheng), a birth date, a sequence.
ID_WANG = make_id_number("110101", date(1980, 5, 4), 11)  # odd sequence digit: male
ID_ZHAO = make_id_number("110101", date(1985, 9, 30), 22)  # even: female
ID_SUN = make_id_number("110102", date(1990, 1, 15), 33)

VILLAGE_HEADERS = ["乡镇代码", "村代码", "村名称"]
PEOPLE_HEADERS = ["村代码", "姓名", "身份证号", "性别", "出生日期", "文化程度", "联系电话",
                  "开户银行", "银行账号", "死亡日期"]  # fmt: skip
POST_HEADERS = ["身份证号", "姓名", "村代码", "支部代码", "职务", "任职开始日期", "任职结束日期",
                "离任原因"]  # fmt: skip
MEMBER_HEADERS = ["身份证号", "支部代码", "发展阶段", "申请入党日期", "积极分子日期",
                  "发展对象日期", "预备党员日期", "转正日期", "流动状态", "外出日期",
                  "流动党员活动证号"]  # fmt: skip
APPRAISAL_HEADERS = ["身份证号", "考核期开始", "考核期结束", "考核等次"]
ASSESSMENT_HEADERS = ["身份证号", "年度", "得分", "考核等次"]


def good_sheets() -> dict[str, list[list]]:
    """A clean file of every kind for the `world` fixture plus branch B-A1 (township A):
    a new village V-A2 with three people, their posts, a member, appraisals and assessments."""
    return {
        "村": [
            VILLAGE_HEADERS,
            ["T-A", "V-A2", "南村"],
            ["T-A", "V-A1", "东村"],  # as recorded: unchanged
        ],
        "人员": [
            PEOPLE_HEADERS,
            [
                "V-A2",
                "王五",
                ID_WANG,
                None,
                None,
                "高中/中专",
                "13800138000",
                "农村信用社",
                "6221000012345678",
                None,
            ],
            [
                "V-A2",
                "赵六",
                ID_ZHAO,
                "女",
                date(1985, 9, 30),
                "本科",
                13900139000,
                None,
                None,
                None,
            ],
            [
                "V-A2",
                "孙七",
                ID_SUN,
                "M",
                "1990/1/15",
                "bachelor",
                None,
                "农业银行",
                "6228 4800 1234 5678 9",
                None,
            ],
        ],  # fmt: skip
        "任职": [
            POST_HEADERS,
            [ID_WANG, "王五", "V-A2", "B-A1", "支部书记", date(2021, 1, 1), None, None],
            [ID_ZHAO, "赵六", "V-A2", None, "村委会主任", "2021-01-01", None, None],
            [
                ID_SUN,
                None,
                "V-A2",
                None,
                "committee_member",
                "2018-01-01",
                "2020-12-31",
                "任期届满",
            ],
            [ID_SUN, None, "V-A2", None, "支部委员", "2021-01-01", None, None],
        ],
        "党员": [
            MEMBER_HEADERS,
            [
                ID_WANG,
                "B-A1",
                "正式党员",
                "2005-03-01",
                "2005-09-01",
                "2006-06-01",
                "2006-07-01",
                "2007-07-01",
                "在村",
                None,
                None,
            ],
            [
                ID_ZHAO,
                "B-A1",
                "预备党员",
                None,
                None,
                None,
                "2024-07-01",
                None,
                "外出流动",
                "2025-01-10",
                "LD-2025-001",
            ],
        ],  # fmt: skip
        "考核": [
            APPRAISAL_HEADERS,
            [ID_WANG, "2025-01-01", "2025-03-31", "优秀"],
            [ID_ZHAO, "2025-01-01", "2025-03-31", "competent"],
        ],
        "年度考核": [
            ASSESSMENT_HEADERS,
            [ID_WANG, 2024, 92.5, "优秀"],
            [ID_ZHAO, "2024", "85", "称职"],
        ],
    }


def xlsx_bytes(sheets: dict[str, list[list]], *, text_columns=("身份证号", "银行账号")) -> bytes:
    """A workbook with one sheet per entry; cells under ``text_columns`` are stored as text
    (as the template's text format makes Excel do)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        header = rows[0] if rows else []
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                cell = sheet.cell(r, c, value)
                if r > 1 and c <= len(header) and header[c - 1] in text_columns:
                    cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], *, bom: bool = True, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def people_file(n: int, village: str = "V-A1") -> bytes:
    """``n`` people of one village, in an XLSX file."""
    rows = [PEOPLE_HEADERS]
    for i in range(n):
        rows.append([village, f"人{i}", make_id_number("110101", date(1970, 1, 1), i)])
    return xlsx_bytes({"人员": rows})
