"""Smoke (issue 9 item 9): under the settings ``make demo`` runs with (DEBUG on), a payroll
month computes and every export — the ledger in CSV, XLSX and the bank file, the allowance
ledger, the training compliance table, the import templates — is produced by its command and
by its download with data in it. SPEC §3 "Ledgers and exports", §4, §5."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from subsidies import exports
from subsidies.choices import RunStatus
from subsidies.models import LedgerExport, PaymentLine, PayrollRun

pytestmark = pytest.mark.django_db

LEDGER_FORMATS = ("csv", "xlsx", "bank")


def locked_run() -> PayrollRun:
    run = PayrollRun.objects.filter(status__in=exports.EXPORTABLE).order_by("-month").first()
    assert run is not None, "the demo has no locked payroll month"
    return run


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_rows(data: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def assert_has_data(data: bytes, fmt: str, *, at_least: int = 1) -> list:
    """The file opens in its format and has ``at_least`` rows after its header."""
    rows = xlsx_rows(data) if fmt == "xlsx" else csv_rows(data)
    filled = [r for r in rows if any(cell not in (None, "") for cell in r)]
    assert len(filled) > at_least, f"{fmt}: {len(filled)} rows"
    return filled


def ledger_lines(data: bytes, fmt: str) -> int:
    """Rows of a ledger file that carry an amount, total rows and the chain head row (SPEC §3)
    left out."""
    totals = {
        exports.VILLAGE_TOTAL,
        exports.TOWNSHIP_TOTAL,
        exports.GRAND_TOTAL,
        exports.HEAD_LABEL,
    }
    rows = assert_has_data(data, fmt)
    return sum(1 for r in rows[1:] if not totals & {str(c) for c in r})


def test_a_payroll_month_computes(demo):
    month = timezone.localdate().replace(day=1)
    out = io.StringIO()
    call_command("compute_payroll", month=f"{month:%Y-%m}", stdout=out)
    runs = PayrollRun.objects.filter(month=month)
    assert runs.exists() and all(r.status == RunStatus.COMPUTED for r in runs), out.getvalue()
    assert PaymentLine.objects.filter(run__in=runs).count() == sum(r.line_count for r in runs) > 0


@pytest.mark.parametrize("fmt", LEDGER_FORMATS)
def test_the_ledger_exports_by_command(tmp_path, demo, fmt):
    run = locked_run()
    path = tmp_path / f"ledger.{fmt}"
    err = io.StringIO()
    call_command(
        "export_ledger",
        month=f"{run.month:%Y-%m}",
        format=fmt,
        output=str(path),
        user="finance",
        stderr=err,
    )
    lines = ledger_lines(path.read_bytes(), "xlsx" if fmt == "xlsx" else "csv")
    locked = PaymentLine.objects.filter(run__month=run.month, run__status__in=exports.EXPORTABLE)
    if fmt == "bank":  # one row per payee and account, those without an account left out
        assert 0 < lines <= locked.values("person", "bank_account").distinct().count()
    else:
        assert lines == locked.count()
    assert LedgerExport.objects.filter(format=fmt).count() == 1


@pytest.mark.parametrize("fmt", LEDGER_FORMATS)
def test_the_ledger_downloads_by_page_and_api(client, demo, fmt):
    run = locked_run()
    client.force_login(demo["finance"])
    kind = "xlsx" if fmt == "xlsx" else "csv"
    pages = (
        reverse("ledgers:run-download", args=[run.pk, fmt]),
        reverse("ledgers:month-download", args=[f"{run.month:%Y-%m}", fmt]),
        f"/api/v1/ledgers/{run.pk}/download/{fmt}/",
    )
    for url in pages:
        assert ledger_lines(body(client.get(url)), kind) > 0, url
    assert LedgerExport.objects.filter(format=fmt).count() == len(pages)


def test_the_allowance_ledger_downloads(client, demo):
    from subsidies.allowance.models import AllowanceGrant

    assert AllowanceGrant.objects.exists(), "the demo has no allowance grant"
    for who in ("admin", "town", "finance"):
        client.force_login(demo[who])
        response = client.get(reverse("allowance:grant-export"))
        if who == "town" and response.status_code == 403:
            continue
        assert_has_data(body(response), "xlsx")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_training_compliance_table_by_command_and_page(tmp_path, client, demo, fmt):
    year = timezone.localdate().year
    path = tmp_path / f"compliance.{fmt}"
    call_command("training_compliance", year=year, output=str(path), stdout=io.StringIO())
    assert_has_data(path.read_bytes(), fmt)
    for who in ("admin", "town"):
        client.force_login(demo[who])
        response = client.get(reverse("training:compliance"), {"year": year, "format": fmt})
        assert_has_data(body(response), fmt)


@pytest.mark.parametrize("name", ["importer:import-template", "training:attendance-template"])
def test_the_import_templates_download(client, demo, name):
    client.force_login(demo["admin"])
    rows = xlsx_rows(body(client.get(reverse(name))))
    assert rows and any(cell for cell in rows[0])  # the header row
