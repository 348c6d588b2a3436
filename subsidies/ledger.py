"""The keyed hash chain of locked ledgers (SPEC §3 "Ledgers and exports").

Each locked run is one *link* of its district's chain: ``ledger_hash`` is the HMAC-SHA-256,
keyed with ``settings.LEDGER_KEY`` (a secret kept outside the database), of the run's header
(:data:`RUN_FIELDS`, which include the previous link's hash and the run's own chain position)
and of every line of the run (:data:`LINE_FIELDS`) in id order. Someone who can write the
database but does not hold the key cannot recompute a link after changing a line.

The *head* of a chain is the position and hash of its newest link. Every ledger export
prints the head as far as the ledger reaches (the newest link among its runs: a copy of a
file pins every link up to it, and exporting the same locked ledger again still gives the
same bytes), the public disclosure pages print the district's current head, and
``verify_ledgers --head POSITION:HASH`` checks the chain against a head known from outside:
a chain cut short (the newest run's lock undone) no longer holds it.

``verify_ledgers`` (:func:`verify_chain`) also refuses a locked run that is off the chain, a
head printed by a recorded export that the chain no longer holds, and (:func:`verify_exports`)
re-creates every recorded export it can and compares its SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from .models import LedgerExport, PaymentLine, PayrollRun, RunEvent

# What a link covers, written out rather than derived from the models: every field that
# decides money or who is paid what must be here (R-PAY-3: person, component, the month and
# days paid for; the amount; where it goes). Extending a tuple changes every link, so it
# comes with a data migration that re-keys the existing chains in chain order with the new
# tuple (as 0007_rekey_ledger_chains does; pass the tuple to :func:`chain_link`).
RUN_FIELDS = (
    "pk",
    "chain_position",
    "prev_hash",
    "township_id",
    "month",
    "policy_id",
    "line_count",
    "held_count",
    "total_amount",
    "township_code",
    "township_name",
)
LINE_FIELDS = (
    "pk",
    "person_id",
    "village_id",
    "component",
    "kind",
    "pays_for",
    "amount",
    "held",
    "days",
    "derivation",
    "corrects_id",
    "source",
    "account_name",
    "bank_name",
    "bank_account",
    "village_code",
    "village_name",
    "id_number_masked",
    # R-PAY-3: the days a regular line pays decide what is paid (issue 9, 10a).
    "covers_from",
    "covers_to",
)
ITERATE_LINES = 10_000


def ledger_key() -> bytes:
    """The chain's key (``LEDGER_KEY``; development settings derive one from SECRET_KEY)."""
    return settings.LEDGER_KEY.encode()


def _text(value) -> str:
    """One value as the link hashes it; the same on SQLite and PostgreSQL."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return f"{value:.2f}"  # every decimal of a link is money, two places
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return str(value)


def _record(values: Iterable) -> bytes:
    # A JSON array per record: no separator inside a value can shift text between fields.
    return (json.dumps([_text(v) for v in values], ensure_ascii=False) + "\n").encode()


def chain_link(
    run,
    *,
    key: bytes,
    lines=None,
    run_fields: tuple[str, ...] = RUN_FIELDS,
    line_fields: tuple[str, ...] = LINE_FIELDS,
) -> str:
    """The link of a run: HMAC-SHA-256 under ``key`` of its header and its lines in id order.

    ``run`` carries ``prev_hash`` and ``chain_position`` already. ``lines`` is the line
    model's manager (a migration passes its historical model and its frozen tuples)."""
    lines = PaymentLine.objects if lines is None else lines
    mac = hmac.new(key, digestmod=hashlib.sha256)
    mac.update(_record(getattr(run, name) for name in run_fields))
    rows = (
        lines.filter(run_id=run.pk)
        .order_by("pk")
        .values_list(*line_fields)
        .iterator(chunk_size=ITERATE_LINES)
    )
    for row in rows:
        mac.update(_record(row))
    return mac.hexdigest()


def lock_link(run: PayrollRun) -> str:
    """The link a run gets when it is locked (its ``prev_hash`` and position already set)."""
    return chain_link(run, key=ledger_key())


def rekey_chains(*, runs, lines, key: bytes, run_fields=RUN_FIELDS, line_fields=LINE_FIELDS):
    """Recompute every link of every district in chain order under ``key`` (after a change of
    algorithm, tuples or key). ``runs`` and ``lines`` are managers (historical ones in a
    migration). Returns {district id: number of links re-keyed}."""
    done: dict[int, int] = {}
    chained = runs.filter(chain_position__isnull=False).select_related("township")
    districts = sorted(set(chained.values_list("township__district_id", flat=True)))
    for district_id in districts:
        prev = ""
        for run in chained.filter(township__district_id=district_id).order_by("chain_position"):
            run.prev_hash = prev
            run.ledger_hash = chain_link(
                run, key=key, lines=lines, run_fields=run_fields, line_fields=line_fields
            )
            runs.filter(pk=run.pk).update(prev_hash=run.prev_hash, ledger_hash=run.ledger_hash)
            prev = run.ledger_hash
            done[district_id] = done.get(district_id, 0) + 1
    return done


# --- Heads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Head:
    """A chain's newest link as printed: ``POSITION:HASH``."""

    position: int
    hash: str

    def __str__(self) -> str:
        return f"{self.position}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Head:
        position, sep, digest = text.strip().partition(":")
        digest = digest.lower()
        if (
            not sep
            or not position.isdigit()
            or int(position) < 1
            or len(digest) != 64
            or any(c not in "0123456789abcdef" for c in digest)
        ):
            raise ValueError(f"not a chain head (POSITION:HASH, 64 hex digits): {text!r}")
        return cls(int(position), digest)


def head_of(runs: Iterable[PayrollRun]) -> Head | None:
    """The newest link among ``runs`` (the head an export of them prints)."""
    chained = [run for run in runs if run.chain_position]
    if not chained:
        return None
    newest = max(chained, key=lambda run: run.chain_position)
    return Head(newest.chain_position, newest.ledger_hash)


def chain_head(district_id: int) -> Head | None:
    """The district chain's current head."""
    found = (
        PayrollRun.objects.filter(township__district_id=district_id, chain_position__isnull=False)
        .order_by("-chain_position")
        .values_list("chain_position", "ledger_hash")
        .first()
    )
    return Head(*found) if found else None


# --- Verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    district_id: int
    run_id: int | None  # None: no run to name (the chain is shorter than a head)
    position: int | None  # None: the run is not on the chain
    reason: str


LOCKED_STATUSES = ("locked", "disbursed")


def verify_chain(district_id: int, *, key: bytes | None = None, head: Head | None = None):
    """The first broken link of a district's chain, or None when every link holds.

    In order: each link (position, previous hash, totals, the keyed hash); a run that was
    locked but is off the chain; a head that a recorded export printed, or ``head`` from
    outside, that the chain no longer holds."""
    key = ledger_key() if key is None else key
    prev = ""
    hashes: dict[int, str] = {}
    runs = PayrollRun.objects.filter(
        township__district_id=district_id, chain_position__isnull=False
    ).order_by("chain_position")
    for expected_position, run in enumerate(runs, start=1):
        found = _check_link(run, expected_position, prev, key)
        if found is not None:
            return Break(district_id, run.pk, run.chain_position, found)
        prev = hashes[run.chain_position] = run.ledger_hash
    off_chain = (
        PayrollRun.objects.filter(township__district_id=district_id, chain_position__isnull=True)
        .filter(
            Q(status__in=LOCKED_STATUSES)
            | Q(locked_at__isnull=False)
            | Q(pk__in=RunEvent.objects.filter(to_status__in=LOCKED_STATUSES).values("run_id"))
            | Q(pk__in=LedgerExport.objects.filter(run__isnull=False).values("run_id"))
        )
        .order_by("pk")
        .first()
    )
    if off_chain is not None:
        return Break(district_id, off_chain.pk, None, "a locked ledger is not on the chain")
    printed = (
        LedgerExport.objects.filter(district_id=district_id, head_position__isnull=False)
        .order_by("pk")
        .values_list("pk", "run_id", "head_position", "head_hash")
    )
    for export_id, run_id, position, digest in printed.iterator():
        if hashes.get(position) != digest:
            return Break(
                district_id,
                run_id,
                position,
                f"export #{export_id} printed the head {position}:{digest}, which the chain "
                "no longer holds (ledgers removed or re-hashed)",
            )
    if head is not None:
        if head.position > len(hashes):
            return Break(
                district_id,
                None,
                head.position,
                f"the chain has {len(hashes)} links, fewer than the head {head}: ledgers "
                "were removed or a lock was undone",
            )
        if hashes[head.position] != head.hash:
            return Break(
                district_id,
                _run_at(district_id, head.position),
                head.position,
                f"the link at position {head.position} is not the head {head}",
            )
    return None


def _run_at(district_id: int, position: int) -> int | None:
    return (
        PayrollRun.objects.filter(township__district_id=district_id, chain_position=position)
        .values_list("pk", flat=True)
        .first()
    )


def _check_link(run: PayrollRun, expected_position: int, prev: str, key: bytes) -> str | None:
    if run.chain_position != expected_position:
        return "a locked ledger is missing"
    if run.status not in LOCKED_STATUSES:
        return "a ledger on the chain is no longer locked"
    if run.prev_hash != prev:
        return "the previous ledger's hash does not match"
    count, total = 0, Decimal("0.00")
    amounts = run.lines.order_by().values_list("amount", flat=True)
    for amount in amounts.iterator(chunk_size=ITERATE_LINES):
        count += 1
        total += amount
    if count != run.line_count or total != run.total_amount:
        return "the lines no longer add up to the locked totals"
    if not hmac.compare_digest(chain_link(run, key=key), run.ledger_hash):
        return "a line or the header changed after locking (or the chain has another key)"
    return None


@dataclass
class ExportCheck:
    """What :func:`verify_exports` found for a district."""

    checked: int = 0  # recorded exports re-created with the same SHA-256
    files: int = 0  # distinct files re-created
    skipped: int = 0  # recorded before exports printed the head: cannot be re-created
    mismatch: LedgerExport | None = None  # the first export whose file differs


def verify_exports(district_id: int) -> ExportCheck:
    """Re-create each recorded export of the district (each distinct file once) and compare
    its SHA-256 with the recorded one. Exports recorded before files printed the chain head
    cannot be re-created byte for byte and are counted as skipped."""
    from .exports import recreated_sha256

    result = ExportCheck()
    seen: dict[tuple, str | None] = {}
    records = (
        LedgerExport.objects.filter(district_id=district_id)
        .select_related("run__township")
        .order_by("pk")
    )
    for record in records.iterator():
        if record.head_position is None:
            result.skipped += 1
            continue
        key = (record.run_id, record.month, record.format, record.head_position)
        if key not in seen:
            seen[key] = recreated_sha256(record)
            result.files += 1
        if seen[key] != record.sha256:
            result.mismatch = record
            return result
        result.checked += 1
    return result
