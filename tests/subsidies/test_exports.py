"""Ledger exports (SPEC §3 "Ledgers and exports (finance)"): the three formats through the
command and the downloads, subtotals and totals, masking, byte-identical re-exports with the
SHA-256 recorded, what a bank file leaves out, and who may export what."""

import csv
import hashlib
import io
import json
import time
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from branches.models import District
from portal.masking import mask_id_number
from subsidies import exports
from subsidies.derivations import render
from subsidies.models import LedgerExport, PaymentLine, PayrollRun
from tests import factories as f
from tests.markers import requires_postgres

from .ledgers import DEC, NOV, TRICKY_NAME, appraise, approve_lock, build, compute, line_sums

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def ledgers(world, payroll):
    return build(world, payroll)


def export(tmp_path, fmt, name="out", **options):
    """Run the command; returns (bytes, stderr)."""
    path = tmp_path / f"{name}.{fmt}"
    err = io.StringIO()
    call_command(
        "export_ledger", month="2026-11", format=fmt, output=str(path), stderr=err, **options
    )
    return path.read_bytes(), err.getvalue()


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def money(text) -> Decimal:
    return Decimal(str(text).replace(",", ""))


# --- CSV --------------------------------------------------------------------------------------


def test_csv_has_every_line_with_subtotals_and_grand_total(tmp_path, world, ledgers):
    data, err = export(tmp_path, "csv", user="finance")
    rows = csv_rows(data)
    assert rows[0] == list(exports.HEADER)
    runs = [ledgers.run_a, ledgers.run_b]
    lines = [r for r in rows[1:] if r[2] not in ("村小计", "乡镇小计", "合计", "账本链头")]
    assert len(lines) == PaymentLine.objects.filter(run__in=runs).count()
    # Ledger order: township code, village code, name; 南村 (V-A2) after 东村 (V-A1).
    assert [r[0] for r in rows[1:3]] == ["甲镇", "甲镇"] and rows[1][1] == "东村"
    village_totals = {(r[0], r[1]): money(r[7]) for r in rows if r[2] == "村小计"}
    sums = line_sums(runs, lambda line: line.village)
    assert village_totals == {(v.township.name, v.name): total for v, total in sums.items()}
    township_totals = {r[0]: money(r[7]) for r in rows if r[2] == "乡镇小计"}
    assert township_totals == {
        "甲镇": ledgers.run_a.total_amount,
        "乙街道": ledgers.run_b.total_amount,
    }
    assert rows[-2][2] == "合计"
    assert money(rows[-2][7]) == ledgers.run_a.total_amount + ledgers.run_b.total_amount
    # 甲镇: 1,100 + 600 (no account) + 300 (performance held) + 600; 乙街道: 1,000
    assert money(rows[-2][7]) == Decimal("3600.00")
    # A subtotal row closes each village right after its last line, and each township after;
    # the chain head (the newest link of the ledger's runs) is the last row (SPEC §3).
    assert [r[2] for r in rows[-6:]] == [
        "王书记",
        "王书记",
        "村小计",
        "乡镇小计",
        "合计",
        "账本链头",
    ]
    assert rows[-1] == ["", "", "账本链头", f"2:{ledgers.run_b.ledger_hash}"] + [""] * 7


def test_csv_masks_id_numbers_shows_full_accounts_and_quotes_free_text(tmp_path, world, ledgers):
    data, _err = export(tmp_path, "csv")
    text = data.decode("utf-8-sig")
    secretary = world.secretary_a
    assert secretary.id_number not in text
    assert mask_id_number(secretary.id_number) in text
    assert secretary.bank_account in text  # finance exports are the one place it is unmasked
    rows = csv_rows(data)
    tricky = [r for r in rows if r[2] == TRICKY_NAME]
    assert len(tricky) == 2 and '"欧阳,""小""明"' in text
    held = [r for r in rows if r[2] == ledgers.held.name and r[4] == "绩效补贴"]
    assert held == [
        [
            "甲镇",
            "东村",
            ledgers.held.name,
            mask_id_number(ledgers.held.id_number),
            "绩效补贴",
            "正常",
            "2026-11",
            "0.00",
            "是",
            ledgers.held.bank_name,
            ledgers.held.bank_account,
        ]
    ]


def test_a_township_option_exports_that_run_only(tmp_path, world, ledgers):
    data, _err = export(tmp_path, "csv", township="T-B")
    rows = csv_rows(data)
    assert {r[0] for r in rows[1:-2]} == {"乙街道"}
    record = LedgerExport.objects.get()
    assert record.run == ledgers.run_b and record.district == world.district


def test_sql_and_python_csv_quoting_agree(world):
    from subsidies.exports import CsvText, csv_text

    values = ["plain", "a,b", 'say "hi"', "line\nbreak", "cr\rhere", "", "中文，全角逗号"]
    for value in values:
        District.objects.filter(pk=world.district.pk).update(name=value)
        quoted = (
            District.objects.filter(pk=world.district.pk)
            .annotate(q=CsvText("name"))
            .values_list("q", flat=True)
            .get()
        )
        assert quoted == csv_text(value)
        assert next(csv.reader([quoted])) == [value] or value == ""


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_totals_read_back_with_openpyxl(tmp_path, world, ledgers):
    data, _err = export(tmp_path, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header == list(exports.XLSX_HEADER)
    assert all(c.font.b for c in sheet[1])
    rows = list(sheet.iter_rows(min_row=2))
    runs = [ledgers.run_a, ledgers.run_b]
    head = rows.pop()  # the chain head is the last row (SPEC §3)
    assert [c.value for c in head[2:4]] == ["账本链头", f"2:{ledgers.run_b.ledger_hash}"]
    lines = [r for r in rows if r[2].value not in ("村小计", "乡镇小计", "合计")]
    assert len(lines) == PaymentLine.objects.filter(run__in=runs).count()
    amount = exports.AMOUNT_COLUMN
    assert all(r[amount].number_format == "#,##0.00" for r in rows)
    assert all(isinstance(r[amount].value, int | float) for r in rows)  # values, not formulas
    for label in ("村小计", "乡镇小计", "合计"):
        assert all(r[0].font.b or r[2].font.b for r in rows if r[2].value == label)
    village_totals = {r[1].value: money(r[amount].value) for r in rows if r[2].value == "村小计"}
    expected = {v.name: t for v, t in line_sums(runs, lambda line: line.village).items()}
    assert village_totals == expected
    township_totals = {r[0].value: money(r[amount].value) for r in rows if r[2].value == "乡镇小计"}
    assert township_totals == {
        "甲镇": ledgers.run_a.total_amount,
        "乙街道": ledgers.run_b.total_amount,
    }
    assert money(rows[-1][amount].value) == Decimal("3600.00")
    # The derivation column says how each amount came about.
    secretary_basic = PaymentLine.objects.get(
        run=ledgers.run_a, person=world.secretary_a, component="basic"
    )
    texts = {r[-1].value for r in lines if r[2].value == world.secretary_a.name}
    with translation.override("zh-hans"):
        assert render(secretary_basic.derivation) in texts  # the Chinese renderer
    assert "基本补贴 600.00 = 一肩挑标准 600.00 × 30/30天（政策 2020-01）" in texts


def test_a_ledger_longer_than_a_sheet_goes_on_to_the_next(tmp_path, monkeypatch, world, ledgers):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 6)  # a header and five rows a sheet
    data, _err = export(tmp_path, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["2026-11", "2026-11 (2)", "2026-11 (3)", "2026-11 (4)"]
    rows = []
    for sheet in book.worksheets:
        assert [c.value for c in sheet[1]] == list(exports.XLSX_HEADER)
        assert sheet.freeze_panes == "A2" and sheet.max_row <= 6
        rows += [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 10 + 3 + 2 + 1 + 1  # lines, village and township subtotals, total, head
    assert rows[-2][2] == "合计" and money(rows[-2][exports.AMOUNT_COLUMN]) == Decimal("3600")
    assert rows[-1][2] == "账本链头"


# --- Bank file ----------------------------------------------------------------------------------


def test_bank_file_has_one_row_per_payee_with_the_net_amount(tmp_path, world, ledgers):
    data, err = export(tmp_path, "bank")
    rows = csv_rows(data)
    # The bank's four columns, then the chain head in two more header cells (SPEC §3).
    assert rows[0] == [*exports.BANK_HEADER, "账本链头", f"2:{ledgers.run_b.ledger_hash}"]
    assert {len(r) for r in rows[1:]} == {4}
    by_account = {r[1]: r for r in rows[1:]}
    assert len(by_account) == len(rows) - 1
    secretary = world.secretary_a
    assert by_account[secretary.bank_account] == [
        secretary.name,
        secretary.bank_account,
        "1100.00",
        "2026-11 村干部报酬 甲镇",
    ]
    assert by_account[ledgers.tricky.bank_account][0] == TRICKY_NAME
    assert by_account[ledgers.held.bank_account][2] == "300.00"  # basic; performance held
    # No account, no row: the command names the payee instead.
    assert ledgers.no_account.name not in [r[0] for r in rows]
    assert ledgers.no_account.name in err and "no bank account" in err
    payable = sum(money(r[2]) for r in rows[1:])
    assert payable == Decimal("3600.00") - Decimal("600.00")


def test_a_payee_with_nothing_to_pay_is_left_out_of_the_bank_file(tmp_path, world, ledgers):
    """A tenure corrected after locking gives only negative adjustments in December."""
    from cadres.choices import EndReason

    member = ledgers.held  # unappraised in November, so only the basic was paid
    post = member.posts.get()
    post.end_date, post.end_reason = date(2026, 11, 15), EndReason.RESIGNED
    post.save()
    others = [world.secretary_a, ledgers.no_account, ledgers.tricky]
    appraise(others, DEC)
    approve_lock(world, compute(world, world.town_a, DEC))
    assert (
        sum(
            PaymentLine.objects.filter(person=member, pays_for=NOV, run__month=DEC).values_list(
                "amount", flat=True
            )
        )
        < 0
    )
    path = tmp_path / "dec.csv"
    err = io.StringIO()
    call_command("export_ledger", month="2026-12", format="bank", output=str(path), stderr=err)
    rows = csv_rows(path.read_bytes())
    assert member.name not in [r[0] for r in rows]
    assert member.name in err.getvalue() and "nothing to pay" in err.getvalue()
    assert "乙街道 (T-B)" in err.getvalue()  # no December run there: left out and named


# --- Identical bytes, recorded hashes -------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "bank"])
def test_re_export_is_byte_identical_and_the_sha256_is_recorded(
    tmp_path, monkeypatch, world, ledgers, fmt
):
    first, _err = export(tmp_path, fmt, name="first")
    # Two hours later by the clock zip entries and openpyxl read: the bytes do not move.
    real_localtime = time.localtime
    monkeypatch.setattr(
        time, "localtime", lambda secs=None: real_localtime((secs or time.time()) + 7200)
    )
    second, _err = export(tmp_path, fmt, name="second")
    assert first == second
    records = list(LedgerExport.objects.order_by("pk"))
    assert len(records) == 2
    digest = hashlib.sha256(first).hexdigest()
    assert {r.sha256 for r in records} == {digest}
    assert records[0].size == len(first) and records[0].format == fmt
    assert records[0].run is None and records[0].month == NOV
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(first)) as archive:
            assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
            assert archive.namelist()[0] == "[Content_Types].xml"


def test_command_and_download_give_the_same_file(client, tmp_path, world, ledgers):
    data, _err = export(tmp_path, "xlsx", township="T-A")
    client.force_login(world.finance)
    response = client.get(reverse("ledgers:run-download", args=[ledgers.run_a.pk, "xlsx"]))
    assert response.status_code == 200 and response.streaming
    assert "attachment" in response["Content-Disposition"]
    assert "ledger-2026-11-T-A.xlsx" in response["Content-Disposition"]
    downloaded = b"".join(response.streaming_content)
    assert downloaded == data
    record = LedgerExport.objects.order_by("-pk").first()
    assert record.user == world.finance and record.run == ledgers.run_a
    assert record.sha256 == hashlib.sha256(downloaded).hexdigest()


def test_an_abandoned_download_records_nothing(world, ledgers):
    ledger = exports.run_ledger(ledgers.run_a)
    stream = iter(exports.ExportStream(ledger, "csv", world.finance))
    next(stream)
    stream.close()
    assert not LedgerExport.objects.exists()


# --- Month ledgers, unlocked runs -----------------------------------------------------------------


def test_month_export_leaves_out_townships_not_locked(client, tmp_path, world, payroll):
    ledgers = build(world, payroll, lock_b=False)
    data, err = export(tmp_path, "csv")
    assert {r[0] for r in csv_rows(data)[1:-2]} == {"甲镇"}
    assert "乙街道 (T-B)" in err and "left out" in err
    client.force_login(world.finance)
    page = client.get(reverse("ledgers:month", args=["2026-11"]))
    assert page.status_code == 200
    assert page.context["ledger"].left_out and "乙街道" in page.context["ledger"].left_out[0]
    assert [e.name for e in page.context["exclusions"]] == [ledgers.no_account.name]
    response = client.get(reverse("ledgers:month-download", args=["2026-11", "csv"]))
    assert b"".join(response.streaming_content) == data


def test_a_run_that_is_not_locked_cannot_be_exported(client, tmp_path, world, payroll):
    ledgers = build(world, payroll, lock_b=False)
    with pytest.raises(CommandError, match="only a locked or disbursed run"):
        export(tmp_path, "csv", township="T-B")
    with pytest.raises(CommandError, match="No locked ledger"):
        call_command("export_ledger", month="2026-10", format="csv", output=str(tmp_path / "x"))
    client.force_login(world.finance)
    url = reverse("ledgers:run-download", args=[ledgers.run_b.pk, "csv"])
    assert client.get(url).status_code == 404
    api = reverse("ledger-download", kwargs={"pk": ledgers.run_b.pk, "file_format": "csv"})
    assert client.get(api).status_code == 404
    assert not LedgerExport.objects.exists()
    assert not (tmp_path / "out.csv").exists()


# --- Who may export ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_a", "secretary", "reviewer_a"])
def test_township_staff_and_secretaries_cannot_download(client, world, ledgers, who):
    client.force_login(getattr(world, who))
    run = ledgers.run_a
    for url in (
        reverse("ledgers:index"),
        reverse("ledgers:month", args=["2026-11"]),
        reverse("ledgers:export-list"),
        reverse("ledgers:run-download", args=[run.pk, "csv"]),
        reverse("ledgers:month-download", args=["2026-11", "bank"]),
        reverse("ledger-list"),
        reverse("ledger-download", kwargs={"pk": run.pk, "file_format": "csv"}),
        reverse("ledger-export-list"),
    ):
        assert client.get(url).status_code == 403, url
    assert not LedgerExport.objects.exists()
    home = client.get(reverse("home"), follow=True)
    nav = [url for _label, url in home.context["nav_items"]]
    assert reverse("ledgers:index") not in nav


def test_finance_of_another_district_does_not_find_the_run(client, world, ledgers):
    other = f.finance_user(f.DistrictFactory(code="D002"), username="finance2")
    client.force_login(other)
    assert (
        client.get(reverse("ledgers:run-download", args=[ledgers.run_a.pk, "csv"])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("ledger-download", kwargs={"pk": ledgers.run_a.pk, "file_format": "csv"})
        ).status_code
        == 404
    )
    assert client.get(reverse("ledgers:month", args=["2026-11"])).status_code == 404


def test_finance_and_district_admin_pages(client, world, ledgers, django_assert_max_num_queries):
    for user in (world.finance, world.admin):
        client.force_login(user)
        with django_assert_max_num_queries(8):
            index = client.get(reverse("ledgers:index"))
        assert index.status_code == 200
        assert [m["month"] for m in index.context["months"]] == [NOV]
        assert index.context["months"][0]["locked"] == 2
        month = client.get(reverse("ledgers:month", args=["2026-11"])).content.decode()
        assert reverse("ledgers:run-download", args=[ledgers.run_a.pk, "bank"]) in month
        assert reverse("ledgers:month-download", args=["2026-11", "xlsx"]) in month
        nav = dict(client.get(reverse("home")).context["nav_items"])
        assert reverse("ledgers:index") in nav.values()


def test_export_history_page_and_api(client, world, ledgers, django_assert_max_num_queries):
    client.force_login(world.finance)
    for fmt in ("csv", "bank"):
        b"".join(
            client.get(
                reverse("ledgers:run-download", args=[ledgers.run_a.pk, fmt])
            ).streaming_content
        )
    b"".join(
        client.get(
            reverse("ledger-download", kwargs={"pk": ledgers.run_b.pk, "file_format": "xlsx"})
        ).streaming_content
    )
    records = list(LedgerExport.objects.order_by("pk"))
    assert [r.format for r in records] == ["csv", "bank", "xlsx"]
    assert all(r.user == world.finance for r in records)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("ledgers:export-list"), {"month": "2026-11", "per_page": 100})
    assert page.status_code == 200 and len(page.context["object_list"]) == 3
    assert records[0].sha256 in page.content.decode()
    found = client.get(reverse("ledgers:export-list"), {"q": records[1].sha256[:12]})
    assert list(found.context["object_list"]) == [records[1]]
    assert not client.get(reverse("ledgers:export-list"), {"month": "2026-10"}).context[
        "object_list"
    ]
    api = client.get(reverse("ledger-export-list")).json()
    assert {r["sha256"] for r in api["results"]} == {r.sha256 for r in records}
    assert client.post(reverse("ledger-export-list"), {}).status_code == 403
    ledgers_api = client.get(reverse("ledger-list")).json()
    assert {r["id"] for r in ledgers_api["results"]} == {ledgers.run_a.pk, ledgers.run_b.pk}
    assert ledgers_api["results"][0]["ledger_hash"]


# --- Benchmark command ------------------------------------------------------------------------


def test_bench_export_needs_postgresql():
    from tests.markers import POSTGRES

    if POSTGRES:
        pytest.skip("runs on SQLite only")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("bench_export", lines=10)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_bench_export_prints_its_figures_as_json():
    """The real path on a tiny scratch ledger (memory flatness is the benchmark's to show,
    not a test's)."""
    out = io.StringIO()
    call_command("bench_export", lines=301, repeat=1, drop=True, stdout=out, stderr=io.StringIO())
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(result) == {"lines", "lines_per_s", "copy_lines_per_s", "ratio", "peak_rss_mb"}
    assert result["lines"] == 301 and result["ratio"] > 0 and result["peak_rss_mb"] > 0
    assert not District.objects.filter(code="BENCH").exists()


def test_a_locked_ledger_exports_the_same_bytes_after_the_registry_changes(world, payroll):
    """Village and township names, ID numbers and accounts are snapshots on the lines and
    the run: renaming a village or correcting an account after locking changes no byte."""
    from subsidies.exports import ExportStream, run_ledger

    from .ledgers import build

    ledgers = build(world, payroll, lock_b=False)
    before = b"".join(ExportStream(run_ledger(ledgers.run_a), "csv"))
    world.village_a.name = "改名村"
    world.village_a.save()
    world.town_a.name = "改名镇"
    world.town_a.save()
    world.secretary_a.bank_account = "6222000011112222"
    world.secretary_a.save()
    after = b"".join(ExportStream(run_ledger(ledgers.run_a), "csv"))
    assert after == before
    assert "东村".encode() in before and "改名村".encode() not in after


# --- A failed download never looks like a good one (issue 9 item 9) ------------------------------


def fail_mid_stream(monkeypatch, fmt):
    """Rows come out once, then the database 'fails' — mid-stream, after the header."""
    producer = {"csv": "csv_lines", "xlsx": "xlsx_rows", "bank": "bank_rows"}[fmt]
    real = getattr(exports, producer)

    def failing(ledger, progress):
        rows = real(ledger, progress)
        try:
            yield next(rows)
        finally:
            rows.close()  # leaves the export's transaction, as a real database error does
        raise RuntimeError("the database went away")

    monkeypatch.setattr(exports, producer, failing)
    monkeypatch.setattr(exports, "FLUSH_CHARS", 1)  # hand every chunk on at once


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "bank"])
def test_a_download_that_fails_mid_stream_ends_with_a_marker_and_records_nothing(
    client, monkeypatch, world, ledgers, fmt
):
    hashes = list(PayrollRun.objects.order_by("pk").values_list("ledger_hash", flat=True))
    fail_mid_stream(monkeypatch, fmt)
    client.force_login(world.finance)
    response = client.get(reverse("ledgers:run-download", args=[ledgers.run_a.pk, fmt]))
    assert response.status_code == 200 and response.streaming
    chunks = []
    with pytest.raises(RuntimeError, match="went away"):  # the server breaks the connection
        for chunk in response.streaming_content:
            chunks.append(chunk)
    if fmt != "xlsx":  # the XLSX is zipped at the end: nothing had gone out yet
        assert len(chunks) >= 2 and chunks[0].startswith(b"\xef\xbb\xbf")
    assert chunks[-1] == exports.FAILED_MARKER.encode()
    assert "导出失败 / export failed" in b"".join(chunks).decode("utf-8", "replace")
    assert not LedgerExport.objects.exists()  # not recorded as made
    assert list(PayrollRun.objects.order_by("pk").values_list("ledger_hash", flat=True)) == hashes
    call_command("verify_ledgers", stdout=io.StringIO())  # the chain is untouched


def test_a_command_export_that_fails_writes_no_file_and_records_nothing(
    tmp_path, monkeypatch, world, ledgers
):
    fail_mid_stream(monkeypatch, "csv")
    path = tmp_path / "ledger.csv"
    with pytest.raises(CommandError, match="export failed, nothing recorded") as failure:
        call_command(
            "export_ledger", month="2026-11", format="csv", output=str(path), stderr=io.StringIO()
        )
    assert failure.value.returncode == 1
    assert not path.exists() and not list(tmp_path.iterdir())
    assert not LedgerExport.objects.exists()
