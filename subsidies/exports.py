"""Payment ledgers and their exports (SPEC §3 "Ledgers and exports (finance)", §8).

A *ledger* is one locked run, or a month across a district (every run of the month that is
locked or disbursed; townships whose run is not locked are left out and named). It exports
in three formats, all streamed in chunks so memory stays flat however many lines there are:

- ``csv``: UTF-8 with BOM (Excel opens it), one row per payment line, a subtotal row after
  each village and each township, a grand total at the end (held lines count 0);
- ``xlsx``: the same rows plus the derivation in words, frozen header, column widths,
  ``#,##0.00`` amounts, bold subtotal rows, values (never formulas); written in openpyxl's
  write-only mode and re-zipped with fixed dates so the bytes never depend on the clock;
- ``bank``: the bank transfer file (CSV with BOM): account name, account number, net amount,
  memo, one row per payee account; payees with nothing to pay or no account are left out
  and reported (:func:`bank_exclusions`), since the bank cannot pay them.

Rows come in a fixed order (township code, village code, name, person id, component order,
month paid for, line id), amounts and accounts from the locked lines, so exporting one
locked ledger twice gives byte-identical files. Each finished export is recorded in
:class:`~subsidies.models.LedgerExport` with the user, the time and the file's SHA-256,
computed while the bytes stream out.

The CSV path is the hot one (§8: within 3× of PostgreSQL's ``COPY … TO``): the rows come
from a server-side cursor over SQL built by the ORM, already formatted by the database
(months, amounts, labels, CSV quoting), and each row costs Python two comparisons, an
integer addition and one string — no model instances, no JSON, no ``Decimal``. See
docs/ledgers.md for the benchmark and how it got there.

File headers and labels are fixed Chinese strings, not translations: a file's bytes must not
depend on the language of the user who downloads it, and the bank's import format is fixed.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import logging
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    F,
    Func,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Round
from django.utils import translation
from django.utils.translation import gettext as _

from branches.models import Township
from portal import audit
from portal.masking import mask_id_number
from portal.scope import scope_queryset
from portal.spreadsheet import FORMULA_STARTS, safe_cell

from . import derivations
from . import ledger as chain
from .choices import Component, ExportFormat, LineKind, RunStatus
from .models import LedgerExport, PaymentLine, PayrollRun

logger = logging.getLogger(__name__)

EXPORTABLE = (RunStatus.LOCKED, RunStatus.DISBURSED)

HEADER = (
    "乡镇",
    "村",
    "姓名",
    "身份证号",
    "项目",
    "类别",
    "所属月份",
    "金额",
    "暂缓",
    "开户银行",
    "银行账号",
)
XLSX_HEADER = (*HEADER, "计算依据")
XLSX_WIDTHS = (14, 14, 10, 22, 12, 8, 10, 14, 6, 20, 24, 80)
AMOUNT_COLUMN = HEADER.index("金额")
BANK_HEADER = ("户名", "账号", "金额", "摘要")

COMPONENT_LABELS = {
    Component.BASIC.value: "基本补贴",
    Component.PERFORMANCE.value: "绩效补贴",
    Component.ALLOWANCE.value: "生活补贴",
    Component.AWARD.value: "年度奖励",
    Component.FLOOR_TOPUP.value: "保底补差",
}
COMPONENT_ORDER = (
    Component.BASIC,
    Component.PERFORMANCE,
    Component.ALLOWANCE,
    Component.AWARD,
    Component.FLOOR_TOPUP,
)
KIND_LABELS = {
    LineKind.REGULAR.value: "正常",
    LineKind.ARREARS.value: "补发",
    LineKind.ADJUSTMENT.value: "调整",
}
HELD_LABEL = "是"
VILLAGE_TOTAL = "村小计"
TOWNSHIP_TOTAL = "乡镇小计"
GRAND_TOTAL = "合计"
HEAD_LABEL = "账本链头"  # the chain head the file pins (SPEC §3), "POSITION:HASH" beside it
# The last line of a download that failed half-way: the file must not pass for a good one.
FAILED_MARKER = "\r\n导出失败 / export failed: this file is incomplete, do not use it\r\n"
MEMO = "{month} 村干部报酬 {township}"

FILE_LANGUAGE = "zh-hans"  # the language of anything rendered into a file
XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet: a longer ledger goes on to a next sheet
FETCH_ROWS = 5000  # rows per round trip of the server-side cursor
FLUSH_CHARS = 1 << 18  # text buffered before a chunk is handed on
FILE_CHUNK = 1 << 16  # bytes per chunk when a finished temporary file is streamed
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.BANK: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SUFFIXES = {ExportFormat.CSV: "csv", ExportFormat.BANK: "csv", ExportFormat.XLSX: "xlsx"}


def derivation_text(derivation: dict) -> str:
    """A line's derivation in words for the XLSX column: the one place that renders it. It
    runs under ``translation.override(FILE_LANGUAGE)``, so a renderer that translates gives
    the same bytes whoever downloads the file."""
    return derivations.render(derivation)


# --- Which runs a ledger holds ----------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    """The locked runs one export covers."""

    district_id: int
    month: date
    runs: tuple[PayrollRun, ...]
    run: PayrollRun | None = None  # set when one run is exported
    left_out: tuple[str, ...] = ()  # townships of the month without a locked run, in words

    @property
    def run_ids(self) -> list[int]:
        return [run.pk for run in self.runs]

    @property
    def head(self) -> chain.Head | None:
        """The chain head the files of this ledger print: the newest link among its runs
        (every earlier link is pinned through the previous hashes). Not the district's
        current head, so a locked ledger exports the same bytes after later locks."""
        return chain.head_of(self.runs)

    @property
    def stamp(self) -> datetime:
        """The latest lock time: the XLSX carries it instead of the clock."""
        stamps = [run.locked_at for run in self.runs if run.locked_at is not None]
        return max(stamps) if stamps else datetime(self.month.year, self.month.month, 1, tzinfo=UTC)

    def filename(self, fmt: str) -> str:
        scope = self.run.township.code if self.run is not None else "district"
        name = "bank" if fmt == ExportFormat.BANK else "ledger"
        return f"{name}-{self.month:%Y-%m}-{scope}.{SUFFIXES[fmt]}"


def run_ledger(run: PayrollRun) -> Ledger:
    """The ledger of one run; only a locked (or disbursed) run has one."""
    if run.status not in EXPORTABLE:
        raise ValidationError(
            _("The run is %(status)s: only a locked or disbursed run can be exported.")
            % {"status": run.get_status_display()}
        )
    return Ledger(
        district_id=run.township.district_id, month=run.month, runs=(run,), run=run, left_out=()
    )


def month_ledger(*, district_id: int, month: date, user=None) -> Ledger:
    """A month across the district (as far as ``user`` sees it): every locked or disbursed run
    of the month; townships whose run is not locked (or that have none) are named in
    ``left_out``."""
    runs = PayrollRun.objects.all() if user is None else scope_queryset(user, PayrollRun)
    townships = Township.objects.all() if user is None else scope_queryset(user, Township)
    runs = list(
        runs.filter(township__district_id=district_id, month=month)
        .select_related("township")
        .order_by("township__code")
    )
    included = tuple(run for run in runs if run.status in EXPORTABLE)
    status = {run.township_id: run.get_status_display() for run in runs}
    left_out = tuple(
        _("%(township)s (%(code)s): %(status)s")
        % {
            "township": township.name,
            "code": township.code,
            "status": status.get(township.pk, _("no run")),
        }
        for township in townships.filter(district_id=district_id).order_by("code")
        if township.pk not in {run.township_id for run in included}
    )
    return Ledger(district_id=district_id, month=month, runs=included, left_out=left_out)


# --- SQL ----------------------------------------------------------------------------------------
#
# Everything a file shows is computed by the database as text: months, amounts, labels and the
# CSV quoting of free text. PostgreSQL formats a million rows faster than Python does, and
# the same ORM expressions run on SQLite, so both databases take one code path.

# Applied to the export's transaction (and to the benchmark's COPY of the same rows): the JIT
# spends seconds compiling this one-pass query, and the sort fits in memory far more often.
POSTGRES_SETTINGS = ("SET LOCAL jit = off", "SET LOCAL work_mem = '64MB'")


class MonthText(Func):
    """``2026-11`` from a date column."""

    output_field = CharField()
    template = "to_char(%(expressions)s, 'YYYY-MM')"

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps dates as ISO text.
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)", **extra)


class MoneyText(Func):
    """An amount as text with two decimals (``-12.50``)."""

    output_field = CharField()
    template = "CAST(%(expressions)s AS text)"  # numeric(12, 2) keeps its two places

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps decimals as integers or reals: format them. The format is a parameter:
        # a literal % in the SQL would meet the debug cursor's ``sql % params`` (DEBUG on).
        sql, params = self.as_sql(
            compiler, connection, template="printf(%%s, %(expressions)s)", **extra
        )
        return sql, ["%.2f", *params]


def _sql_starts(chr_function: str) -> str:
    """:data:`portal.spreadsheet.FORMULA_STARTS` as an SQL list of one-character strings."""
    return ",".join(
        f"{chr_function}({ord(c)})" if not c.isprintable() else "'" + c.replace("'", "''") + "'"
        for c in FORMULA_STARTS
    )


class CsvText(Func):
    """Free text as one safe CSV field, as :func:`csv_text` does in Python: text a
    spreadsheet would run (:func:`portal.spreadsheet.safe_cell`) gets a leading apostrophe,
    and the field is quoted (quotes doubled) when it holds a comma, a quote or a line break,
    as the csv module's QUOTE_MINIMAL does. Apply it to a column, not to a parameter: the
    template repeats the expression."""

    output_field = CharField()
    _template = (
        "CASE WHEN {pos}(%(expressions)s, ',') + {pos}(%(expressions)s, '\"') "
        "+ {pos}(%(expressions)s, {chr}(10)) + {pos}(%(expressions)s, {chr}(13)) > 0 "
        "THEN '\"' || {quote} || replace(%(expressions)s, '\"', '\"\"') || '\"' "
        "ELSE {quote} || %(expressions)s END"
    )
    _quote = "(CASE WHEN substr(%(expressions)s, 1, 1) IN ({starts}) THEN '''' ELSE '' END)"
    template = _template.format(
        pos="strpos", chr="chr", quote=_quote.format(starts=_sql_starts("chr"))
    )

    def as_sqlite(self, compiler, connection, **extra):
        template = self._template.format(
            pos="instr", chr="char", quote=self._quote.format(starts=_sql_starts("char"))
        )
        return self.as_sql(compiler, connection, template=template, **extra)


_SPECIAL = re.compile(r'[",\r\n]')


def csv_text(value: str) -> str:
    """:class:`CsvText` in Python (for the few fields written outside the database)."""
    value = safe_cell(value)
    return '"' + value.replace('"', '""') + '"' if _SPECIAL.search(value) else value


def _labels(field_name: str, labels: dict[str, str]) -> Case:
    return Case(
        *(When(**{field_name: key}, then=Value(label)) for key, label in labels.items()),
        default=F(field_name),
        output_field=CharField(),
    )


def _held_label() -> Case:
    return Case(When(held=True, then=Value(HELD_LABEL)), default=Value(""))


def _cents(expression) -> Cast:
    return Cast(Round(expression * Value(100)), output_field=BigIntegerField())


class CsvFields(Func):
    """Text expressions joined with commas, in the database (each already a safe CSV field,
    none NULL)."""

    output_field = CharField()
    template = "(%(expressions)s)"
    arg_joiner = " || ',' || "


def ledger_queryset(ledger: Ledger) -> QuerySet:
    """The ledger's lines in ledger order, with their grouping keys. Places and ID numbers
    come from the snapshots taken when the run was computed (a line without a post's village,
    an award, carries the person's home village), so a locked ledger exports the same bytes
    whatever is renamed in the registry later."""
    return (
        PaymentLine.objects.filter(run_id__in=ledger.run_ids)
        .annotate(
            t_code=F("run__township_code"),
            t_name=F("run__township_name"),
            v_code=F("village_code"),
            v_name=F("village_name"),
            c_order=Case(
                *(When(component=c, then=Value(i)) for i, c in enumerate(COMPONENT_ORDER)),
                default=Value(len(COMPONENT_ORDER)),
                output_field=IntegerField(),
            ),
            cents=_cents(F("amount")),
        )
        .order_by("t_code", "v_code", "account_name", "person_id", "c_order", "pays_for", "pk")
    )


def lines_queryset(ledger: Ledger) -> QuerySet:
    """What the CSV needs of each line: grouping keys, cents, the ID number (masked in
    Python by :func:`portal.masking.mask_id_number`) and the rest of the row as CSV text.
    The benchmark COPYs exactly this query."""
    return ledger_queryset(ledger).values_list(
        "t_code",
        "v_code",
        "t_name",
        "v_name",
        "cents",
        "id_number_masked",
        CsvText("account_name"),
        CsvFields(
            _labels("component", COMPONENT_LABELS),
            _labels("kind", KIND_LABELS),
            MonthText("pays_for"),
            MoneyText("amount"),
            _held_label(),
            CsvText("bank_name"),
            CsvText("bank_account"),
        ),
    )


def raw_queryset(ledger: Ledger) -> QuerySet:
    """The CSV's rows as stored columns, unformatted (a reference for the benchmark)."""
    return ledger_queryset(ledger).values_list(
        "t_code",
        "v_code",
        "t_name",
        "v_name",
        "id_number_masked",
        "account_name",
        "component",
        "kind",
        "pays_for",
        "amount",
        "held",
        "bank_name",
        "bank_account",
    )


def columns_queryset(ledger: Ledger) -> QuerySet:
    """Each line's values one by one, with its derivation (the XLSX)."""
    return ledger_queryset(ledger).values_list(
        "t_code",
        "v_code",
        "t_name",
        "v_name",
        "cents",
        "id_number_masked",
        "account_name",
        _labels("component", COMPONENT_LABELS),
        _labels("kind", KIND_LABELS),
        MonthText("pays_for"),
        _held_label(),
        "bank_name",
        "bank_account",
        "derivation",
    )


def bank_queryset(ledger: Ledger) -> QuerySet:
    """One row per payee account and township of the ledger with the net amount, in ledger
    order (all of them; :func:`bank_rows` keeps those the bank can pay)."""
    return (
        PaymentLine.objects.filter(run_id__in=ledger.run_ids)
        .values(
            "run__township_code",
            "run__township_name",
            "person_id",
            "account_name",
            "bank_account",
        )
        .annotate(
            net=Sum("amount"),
            first_village=Min("village_code"),
        )
        .order_by(
            "run__township_code", "first_village", "account_name", "person_id", "bank_account"
        )
    )


def _payable() -> Q:
    return Q(net__gt=0) & ~Q(bank_account="")


# --- Rows ---------------------------------------------------------------------------------------


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


@dataclass
class Progress:
    """What a stream has produced so far."""

    lines: int = 0
    total_cents: int = 0


def _fetch(queryset: QuerySet) -> Iterator[list[tuple]]:
    """Chunks of rows from a server-side cursor over the queryset's SQL. On PostgreSQL a named
    cursor lives in a transaction (outside one Django declares it WITH HOLD, and PostgreSQL
    copies the whole result at the implicit commit)."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        if connection.vendor == "postgresql":
            with connection.cursor() as settings:
                for statement in POSTGRES_SETTINGS:
                    settings.execute(statement)
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH_ROWS):
            yield rows


class _Subtotals:
    """Subtotals per village and township and the grand total, in integer cents. The export
    loops add each line's cents to their village's sum and call :meth:`next_village` when the
    village or the township changes; ``total_row`` builds a total row of the format."""

    def __init__(self, total_row):
        self.total_row = total_row
        self.started = False
        self.t_key = None
        self.t_name = self.v_name = ""
        self.township = self.grand = 0

    def next_village(self, village_cents: int, out: list, t_key=None, t_name="", v_name=""):
        """Close the current village (and its township when ``t_key`` differs) into ``out``;
        then the lines of the next village follow."""
        if self.started:
            out.append(self.total_row(self.t_name, self.v_name, VILLAGE_TOTAL, village_cents))
            self.township += village_cents
            if t_key != self.t_key:
                out.append(self.total_row(self.t_name, "", TOWNSHIP_TOTAL, self.township))
                self.grand += self.township
                self.township = 0
        self.started = True
        self.t_key, self.t_name, self.v_name = t_key, t_name, v_name

    def finish(self, village_cents: int, out: list) -> None:
        if self.started:
            self.next_village(village_cents, out)
        out.append(self.total_row("", "", GRAND_TOTAL, self.grand))


def _csv_total(township: str, village: str, label: str, cents: int) -> str:
    # The names come quoted already (see csv_lines).
    return f"{township},{village},{label},,,,,{money(cents)},,,"


def csv_lines(ledger: Ledger, progress: Progress) -> Iterator[list[str]]:
    """The ledger as CSV lines (without line ends): a line per payment line, a subtotal after
    each village and township, the grand total last. The hot loop of the export: a compare,
    an addition and one string per line; everything else came formatted from the database."""
    sums = _Subtotals(_csv_total)
    mask = mask_id_number
    v_key = t_key = None
    prefix = ""
    v_cents = 0
    last_id, masked = None, ""
    for chunk in _fetch(lines_queryset(ledger)):
        out: list[str] = []
        append = out.append
        for t, v, tn, vn, cents, idn, name, tail in chunk:
            if v != v_key or t != t_key:
                tn, vn = csv_text(tn), csv_text(vn)
                sums.next_village(v_cents, out, t, tn, vn)
                v_key, t_key, v_cents = v, t, 0
                prefix = f"{tn},{vn},"
            if idn != last_id:
                last_id, masked = idn, csv_text(mask(idn))
            v_cents += cents
            append(f"{prefix}{name},{masked},{tail}")
        progress.lines += len(chunk)
        yield out
    tail_rows: list[str] = []
    sums.finish(v_cents, tail_rows)
    tail_rows.append(",".join(head_row(ledger)))
    progress.total_cents = sums.grand
    yield tail_rows


class TotalRow(list):
    """A subtotal or total row of the XLSX (set in bold)."""


def head_row(ledger: Ledger) -> list[str]:
    """The last row of the CSV and XLSX: the label in the name column (as the totals have
    theirs), ``POSITION:HASH`` beside it."""
    row = [""] * len(HEADER)
    row[2], row[3] = HEAD_LABEL, str(ledger.head or "")
    return row


def _xlsx_total(township: str, village: str, label: str, cents: int) -> TotalRow:
    row = TotalRow([""] * len(XLSX_HEADER))
    row[0], row[1], row[2], row[AMOUNT_COLUMN] = township, village, label, _decimal(cents)
    return row


def _decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def xlsx_rows(ledger: Ledger, progress: Progress) -> Iterator[list[list]]:
    """The ledger as XLSX rows of values (amounts as Decimal, the derivation in words)."""
    sums = _Subtotals(_xlsx_total)
    v_key = t_key = None
    v_cents = 0
    for chunk in _fetch(columns_queryset(ledger)):
        out: list[list] = []
        with translation.override(FILE_LANGUAGE):  # not across a yield: it is thread-wide
            for t, v, tn, vn, cents, idn, *values, derivation in chunk:
                if v != v_key or t != t_key:
                    sums.next_village(v_cents, out, t, tn, vn)
                    v_key, t_key, v_cents = v, t, 0
                v_cents += cents
                name, component, kind, month, held, bank, account = values
                text = derivation_text(_json(derivation))
                masked = mask_id_number(idn)
                out.append(
                    [tn, vn, name, masked, component, kind, month, _decimal(cents), held, bank]
                    + [account, text]
                )
        progress.lines += len(chunk)
        yield out
    tail_rows: list[list] = []
    sums.finish(v_cents, tail_rows)
    tail_rows.append(TotalRow([*head_row(ledger), ""]))
    progress.total_cents = sums.grand
    yield tail_rows


def _json(value):
    # Django hands jsonb over as text on a raw cursor (SQLite too); be lenient.
    return json.loads(value) if isinstance(value, str | bytes) else value


def bank_rows(ledger: Ledger, progress: Progress) -> Iterator[list[tuple]]:
    """Rows of the bank file: payable payee accounts with their net amount and memo."""
    month = f"{ledger.month:%Y-%m}"
    rows = (
        bank_queryset(ledger)
        .filter(_payable())
        .values_list("account_name", "bank_account", "net", "run__township_name")
        .iterator(chunk_size=FETCH_ROWS)
    )
    out: list[tuple] = []
    for name, account, net, township in rows:
        memo = MEMO.format(month=month, township=township)
        # The amount is a number (always > 0 here); every text cell is made safe.
        out.append((safe_cell(name), safe_cell(account), f"{net:.2f}", safe_cell(memo)))
        progress.lines += 1
        progress.total_cents += int(net * 100)
        if len(out) >= FETCH_ROWS:
            yield out
            out = []
    yield out


@dataclass(frozen=True)
class Exclusion:
    township: str
    name: str
    account: str
    amount: Decimal
    reason: str


def bank_exclusions(ledger: Ledger) -> list[Exclusion]:
    """Payees the bank file leaves out — nothing to pay (net ≤ 0) or no account — so finance
    sees them and pays or settles them otherwise."""
    rows = (
        bank_queryset(ledger)
        .exclude(_payable())
        .values_list("run__township_name", "account_name", "bank_account", "net")
    )
    return [
        Exclusion(
            township=township,
            name=name,
            account=account,
            amount=net,
            reason=_("no bank account") if not account else _("nothing to pay"),
        )
        for township, name, account, net in rows
    ]


# --- Formats ------------------------------------------------------------------------------------


def _csv(ledger: Ledger, progress: Progress) -> Iterator[bytes]:
    yield ("\ufeff" + ",".join(HEADER) + "\r\n").encode()
    pending: list[str] = []
    size = 0
    for lines in csv_lines(ledger, progress):
        if lines:
            text = "\r\n".join(lines) + "\r\n"
            pending.append(text)
            size += len(text)
        if size >= FLUSH_CHARS:
            yield "".join(pending).encode()
            pending, size = [], 0
    yield "".join(pending).encode()


def _bank(ledger: Ledger, progress: Progress) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    # The bank's four columns, then the chain head in two header cells: the payee rows keep
    # exactly the four fields the bank imports, and no row of the file is a payment.
    writer.writerow([*BANK_HEADER, HEAD_LABEL, str(ledger.head or "")])
    for rows in bank_rows(ledger, progress):
        writer.writerows(rows)
        if buffer.tell() >= FLUSH_CHARS:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _xlsx(ledger: Ledger, progress: Progress) -> Iterator[bytes]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook(write_only=True)
    stamp = ledger.stamp.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    workbook.properties.created = workbook.properties.modified = stamp
    workbook.properties.creator = workbook.properties.lastModifiedBy = "portal"
    bold = Font(bold=True)

    def cell(value, *, strong=False, amount=False):
        c = WriteOnlyCell(sheet, value=value)
        if strong:
            c.font = bold
        if amount:
            c.number_format = "#,##0.00"
        return c

    def new_sheet(number: int):
        title = f"{ledger.month:%Y-%m}" + (f" ({number})" if number > 1 else "")
        sheet = workbook.create_sheet(title=title)
        sheet.freeze_panes = "A2"
        for index, width in enumerate(XLSX_WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        return sheet

    sheets, sheet = 1, new_sheet(1)
    sheet.append([cell(title, strong=True) for title in XLSX_HEADER])
    written = 1
    try:
        for rows in xlsx_rows(ledger, progress):
            for row in rows:
                if written == XLSX_MAX_ROWS:
                    sheets += 1
                    sheet = new_sheet(sheets)
                    sheet.append([cell(title, strong=True) for title in XLSX_HEADER])
                    written = 1
                strong = type(row) is TotalRow
                amount = row[AMOUNT_COLUMN]
                amount = None if amount == "" else cell(amount, strong=strong, amount=True)
                # Every text cell through safe_cell (names, villages, banks, accounts, the
                # derivation); the amount stays a number, negative or not.
                if strong:
                    row = [None if v == "" else cell(safe_cell(v), strong=True) for v in row]
                else:
                    row = [None if v == "" else safe_cell(v) for v in row]
                row[AMOUNT_COLUMN] = amount
                sheet.append(row)
                written += 1
    except BaseException:
        # Close the write-only sheets (their rows wait in temporary files) before the error
        # goes on: the stream ends with its failure marker.
        for open_sheet in workbook.worksheets:
            with contextlib.suppress(Exception):
                open_sheet.close()
        raise
    with tempfile.TemporaryFile() as raw, tempfile.TemporaryFile() as fixed:
        # ExcelWriter, not save_workbook: the latter stamps the clock into docProps/core.xml.
        with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(workbook, archive).save()
        _normalise_zip(raw, fixed)
        fixed.seek(0)
        while chunk := fixed.read(FILE_CHUNK):
            yield chunk


def _normalise_zip(source, target) -> None:
    """Copy a zip entry by entry with fixed dates, attributes and order, so equal contents give
    equal bytes (openpyxl stamps the current time on every entry)."""
    source.seek(0)
    with (
        zipfile.ZipFile(source) as old,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as new,
    ):
        names = sorted(old.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            with old.open(name) as src, new.open(info, "w", force_zip64=True) as dst:
                shutil.copyfileobj(src, dst, FILE_CHUNK)


PRODUCERS = {ExportFormat.CSV: _csv, ExportFormat.XLSX: _xlsx, ExportFormat.BANK: _bank}


# --- Streaming and recording ----------------------------------------------------------------------


@dataclass
class ExportStream:
    """An export as an iterable of byte chunks (for ``StreamingHttpResponse`` or a file). The
    SHA-256 is computed as the bytes pass; when the last chunk has gone, the export is
    recorded in ``LedgerExport`` (``record``) with the chain head the file printed. A stream
    abandoned half-way records nothing.

    A stream that fails half-way (issue 9) never passes for a good file: its last line is
    :data:`FAILED_MARKER`, it records nothing, and it re-raises the error, so the web server
    breaks the connection off (the browser marks the download failed) and the command exits
    non-zero without replacing its output file."""

    ledger: Ledger
    format: str
    user: object = None
    progress: Progress = field(default_factory=Progress)
    sha256: str = ""
    size: int = 0
    record: LedgerExport | None = None

    def __post_init__(self):
        if self.format not in PRODUCERS:
            raise ValidationError(_("Unknown export format: %(format)s") % {"format": self.format})
        if not self.ledger.runs:
            raise ValidationError(_("There is no locked ledger to export."))

    @property
    def filename(self) -> str:
        return self.ledger.filename(self.format)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    def __iter__(self) -> Iterator[bytes]:
        digest = hashlib.sha256()
        size = 0
        try:
            for chunk in PRODUCERS[self.format](self.ledger, self.progress):
                if chunk:
                    digest.update(chunk)
                    size += len(chunk)
                    yield chunk
            sha256 = digest.hexdigest()
            self.record = ledger_export_record(
                ledger=self.ledger,
                fmt=self.format,
                user=self.user,
                sha256=sha256,
                lines=self.progress.lines,
                size=size,
            )
            self.sha256, self.size = sha256, size
        except Exception:
            # GeneratorExit (an abandoned download) is no Exception: it records nothing and
            # needs no marker.
            logger.exception("ledger export %s failed after %d bytes", self.filename, size)
            self.record = None
            yield FAILED_MARKER.encode()
            raise


def ledger_export_record(
    *, ledger: Ledger, fmt: str, user, sha256: str, lines: int, size: int
) -> LedgerExport:
    """Record a finished export: who, when, which ledger and format, the file's SHA-256.
    The audit trail gets its entry from the record's creation; a streamed download ends
    after the request's middleware, so the exporting user is named here."""
    head = ledger.head
    with audit.acting_as(user):
        return LedgerExport.objects.create(
            run=ledger.run,
            district_id=ledger.district_id,
            month=ledger.month,
            format=fmt,
            user=user if getattr(user, "pk", None) else None,
            sha256=sha256,
            lines=lines,
            size=size,
            head_position=head.position if head else None,
            head_hash=head.hash if head else "",
        )


def recreated_sha256(record: LedgerExport) -> str | None:
    """The SHA-256 of the file ``record`` describes, made again from the database (nothing
    is recorded); None when its ledger cannot be exported any more. A month ledger is the
    month's locked runs up to the head the file printed: runs locked after it were not in
    it."""
    try:
        if record.run_id is not None:
            ledger = run_ledger(record.run)
        else:
            month = month_ledger(district_id=record.district_id, month=record.month)
            runs = tuple(
                run
                for run in month.runs
                if run.chain_position and run.chain_position <= record.head_position
            )
            ledger = Ledger(district_id=record.district_id, month=record.month, runs=runs)
    except ValidationError:
        return None
    if not ledger.runs or record.format not in PRODUCERS:
        return None
    digest = hashlib.sha256()
    for chunk in PRODUCERS[record.format](ledger, Progress()):
        digest.update(chunk)
    return digest.hexdigest()


def export_to(stream: ExportStream, out) -> LedgerExport:
    """Write an export to a binary file object; returns the record."""
    for chunk in stream:
        out.write(chunk)
    return stream.record
