"""Formula text never reaches an export unescaped (SPEC §3 "Ledgers and exports", issue 9
item 2, export side): one function, :func:`portal.spreadsheet.safe_cell`, used by every
writer — the payroll ledger (CSV, XLSX, bank file; the CSV's SQL too), the allowance ledger,
the training compliance table and the import error report."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from portal.spreadsheet import safe_cell, safe_row
from subsidies import exports
from subsidies.models import AllowanceApplication, AllowanceGrant, PaymentLine, PayrollRun
from tests import factories as f

from .ledgers import build

FORMULAS = [
    '=HYPERLINK("http://evil.example","点我")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tTAB",
    "\rCR",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(1)",
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[(text, "'" + text) for text in FORMULAS],
        ("王小明", "王小明"),
        ("6222 0000 1111", "6222 0000 1111"),
        ("a=b", "a=b"),
        ("", ""),
        (Decimal("-500.00"), Decimal("-500.00")),  # numbers stay numbers, negative or not
        (-5, -5),
        (None, None),
        (date(2026, 11, 1), date(2026, 11, 1)),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_safe_row_keeps_numbers():
    assert safe_row(["=1", Decimal("-1.00"), 3]) == ["'=1", Decimal("-1.00"), 3]


# --- The payroll ledger -------------------------------------------------------------------------


@pytest.fixture
def poisoned(world, payroll):
    """Locked November ledgers whose snapshots hold formula text in every free-text field
    (rows from before validation, or written past it), and a negative correction."""
    ledgers = build(world, payroll)
    line = PaymentLine.objects.filter(run=ledgers.run_a, held=False).exclude(bank_account="")
    line = line.order_by("pk").first()
    table = PaymentLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET account_name = %s, bank_account = %s, bank_name = %s "
            "WHERE person_id = %s",
            ["=HYPERLINK(1)", "+8613800000000", "@SUM(1)", line.person_id],
        )
        cursor.execute(
            f"UPDATE {table} SET village_name = %s WHERE run_id = %s",
            ["－村", ledgers.run_a.pk],
        )
        cursor.execute(
            f"UPDATE {PayrollRun._meta.db_table} SET township_name = %s WHERE id = %s",
            ["\t镇", ledgers.run_a.pk],
        )
        other = PaymentLine.objects.filter(run=ledgers.run_a).exclude(person_id=line.person_id)
        cursor.execute(
            f"UPDATE {table} SET amount = -500 WHERE id = %s",
            [other.filter(held=False).order_by("pk").first().pk],
        )
    return ledgers


def exported(tmp_path, fmt) -> bytes:
    path = tmp_path / f"out.{fmt}"
    call_command(
        "export_ledger", month="2026-11", format=fmt, output=str(path), stderr=io.StringIO()
    )
    return path.read_bytes()


def cells_of_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def assert_no_formula(values):
    runnable = [v for v in values if isinstance(v, str) and v[:1] in "=+-@\t\r＝＋－＠" and v]
    assert runnable == [], runnable


def test_ledger_csv_neutralises_every_text_cell(tmp_path, world, poisoned):
    rows = cells_of_csv(exported(tmp_path, "csv"))
    amount = exports.AMOUNT_COLUMN
    assert_no_formula(v for row in rows for i, v in enumerate(row) if i != amount)
    poisoned_rows = [r for r in rows if r[2] == "'=HYPERLINK(1)"]
    assert poisoned_rows and all(r[9:] == ["'@SUM(1)", "'+8613800000000"] for r in poisoned_rows)
    assert {r[0] for r in rows if r[0].endswith("镇")} >= {"'\t镇"}
    assert "'－村" in {r[1] for r in rows}
    assert "-500.00" in [r[amount] for r in rows]  # the correction stays a number


def test_ledger_xlsx_neutralises_text_and_keeps_amounts_numeric(tmp_path, world, poisoned):
    book = openpyxl.load_workbook(io.BytesIO(exported(tmp_path, "xlsx")))
    rows = list(book.active.iter_rows(min_row=2))
    amount = exports.AMOUNT_COLUMN
    assert_no_formula(c.value for row in rows for i, c in enumerate(row) if i != amount)
    assert all(c.data_type != "f" for row in rows for c in row)
    assert "'=HYPERLINK(1)" in {r[2].value for r in rows}
    assert "'+8613800000000" in {r[10].value for r in rows}
    amounts = [r[amount].value for r in rows if r[amount].value is not None]
    assert -500 in amounts and all(isinstance(a, int | float) for a in amounts)


def test_bank_file_neutralises_names_and_accounts(tmp_path, world, poisoned):
    rows = cells_of_csv(exported(tmp_path, "bank"))
    assert_no_formula(v for row in rows for v in row)
    assert ["'=HYPERLINK(1)", "'+8613800000000"] in [r[:2] for r in rows]


def test_the_csvs_sql_and_python_agree_on_formula_text(world):
    from branches.models import District

    for value in [*FORMULAS, "a,=b", "=a,b", '="x"']:
        District.objects.filter(pk=world.district.pk).update(name=value)
        quoted = (
            District.objects.filter(pk=world.district.pk)
            .annotate(q=exports.CsvText("name"))
            .values_list("q", flat=True)
            .get()
        )
        assert quoted == exports.csv_text(value)
        assert next(csv.reader([quoted])) == [safe_cell(value)]


# --- The other exports ----------------------------------------------------------------------------


def test_training_compliance_csv_and_xlsx(tmp_path, world):
    world.secretary_a.__class__.objects.filter(pk=world.secretary_a.pk).update(name="=1+2")
    call_command("training_compliance", "--year", "2025", "--output", str(tmp_path / "t.csv"))
    rows = cells_of_csv((tmp_path / "t.csv").read_bytes())
    assert "'=1+2" in [r[2] for r in rows]
    assert_no_formula(v for row in rows for v in row)
    call_command("training_compliance", "--year", "2025", "--output", str(tmp_path / "t.xlsx"))
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert "'=1+2" in [c.value for c in sheet["C"]]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_allowance_ledger_xlsx(client, world):
    person = f.PersonFactory(village=world.village_a)
    person.__class__.objects.filter(pk=person.pk).update(name="@cmd")
    application = AllowanceApplication.objects.create(
        person=person, village=world.village_a, declared_on=date(2009, 1, 1)
    )
    AllowanceGrant.objects.create(
        person=person,
        application=application,
        service_months=130,
        tier=1,
        monthly_amount=Decimal("100.00"),
        start_month=date(2010, 1, 1),
    )
    client.force_login(world.staff_a)
    response = client.get(reverse("allowance:grant-export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "'@cmd" in [c.value for c in sheet["C"]]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
