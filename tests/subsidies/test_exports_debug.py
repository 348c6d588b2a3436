"""Ledger exports through Django's debug cursor (DEBUG on, as ``make demo`` runs): the SQL of
an export must survive the debug cursor's ``sql % params`` (issue 9 item 9: a bare ``%`` in
``MoneyText.as_sqlite`` crashed ``export_ledger --format csv`` and left the CSV download with
only its header row). SPEC §3 "Ledgers and exports (finance)"."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subsidies import exports
from subsidies.choices import RunStatus
from subsidies.models import PaymentLine

from .ledgers import build

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def ledgers(world, payroll):
    return build(world, payroll)


@pytest.fixture
def debug_cursor(settings):
    """What DEBUG on does to the database layer: every query goes through the debug cursor,
    which formats ``sql % params`` for its log."""
    settings.DEBUG = True
    with CaptureQueriesContext(connection) as queries:
        yield queries


TOTALS = {exports.VILLAGE_TOTAL, exports.TOWNSHIP_TOTAL, exports.GRAND_TOTAL}


def data_rows(data: bytes) -> list[list[str]]:
    """The line rows: after the header, as wide as the widest row after it (the bank file's
    header also carries the chain head, SPEC §3), total rows and the chain head row left
    out."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    width = max((len(r) for r in rows[1:]), default=0)
    return [
        r
        for r in rows[1:]
        if len(r) == width and not TOTALS & set(r) and exports.HEAD_LABEL not in r
    ]


@pytest.mark.parametrize("fmt", ["csv", "bank"])
def test_the_command_exports_every_line_under_the_debug_cursor(
    tmp_path, world, ledgers, debug_cursor, fmt
):
    path = tmp_path / f"out.{fmt}"
    call_command(
        "export_ledger", month="2026-11", format=fmt, output=str(path), stderr=io.StringIO()
    )
    rows = data_rows(path.read_bytes())
    if fmt == "csv":
        assert len(rows) == PaymentLine.objects.filter(run__status=RunStatus.LOCKED).count()
    else:  # one row per payee with an account and something to pay
        assert len(rows) >= 3
    assert any("subsidies_paymentline" in q["sql"] for q in debug_cursor.captured_queries)


def test_the_csv_download_has_its_lines_under_the_debug_cursor(
    client, world, ledgers, debug_cursor
):
    client.force_login(world.finance)
    response = client.get(reverse("ledgers:run-download", args=[ledgers.run_a.pk, "csv"]))
    assert response.status_code == 200
    rows = data_rows(b"".join(response.streaming_content))
    assert len(rows) == ledgers.run_a.lines.count()
    assert {r[7] for r in rows} >= {"600.00", "300.00"}  # MoneyText: two decimals


def test_every_export_query_can_be_logged(world, ledgers):
    """Each query an export runs, formatted as the debug cursor does it (``sql % params``):
    no bare ``%`` in a raw SQL fragment (R-LED exports, every database)."""
    ledger = exports.run_ledger(ledgers.run_a)
    for queryset in (
        exports.lines_queryset(ledger),
        exports.columns_queryset(ledger),
        exports.bank_queryset(ledger),
        exports.raw_queryset(ledger),
    ):
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            connection.ops.last_executed_query(cursor, sql, params)
