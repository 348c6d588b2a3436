"""The hash chain of locked ledgers (SPEC §3): each locked run records the SHA-256 of its
header, every line and the previous locked ledger's hash in its district, so a line or total
changed after locking breaks the chain at that run (``manage.py verify_ledgers``)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from .models import PaymentLine, PayrollRun

# What a locked ledger's hash covers. Written out rather than derived from the model: a
# column added to PaymentLine later must not change the digest of ledgers locked before it
# (verify_ledgers would then report every old ledger as broken); extending it needs a
# versioned digest.
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


def ledger_digest(run: PayrollRun, prev_hash: str) -> str:
    """SHA-256 over the previous hash, the run's header and its lines in id order."""
    digest = hashlib.sha256()
    header = (
        f"{prev_hash}|{run.pk}|{run.township_id}|{run.month.isoformat()}|"
        f"{run.line_count}|{Decimal(run.total_amount):.2f}|{run.policy_id}|"
        f"{run.township_code}|{run.township_name}\n"
    )
    digest.update(header.encode())
    rows = (
        PaymentLine.objects.filter(run_id=run.pk)
        .order_by("pk")
        .values_list(*LINE_FIELDS)
        .iterator(chunk_size=10000)
    )
    for row in rows:
        values = list(row)
        values[6] = f"{values[6]:.2f}"
        values[9] = json.dumps(values[9], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest.update(("|".join("" if v is None else str(v) for v in values) + "\n").encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Break:
    district_id: int
    run_id: int
    position: int
    reason: str


def verify_chain(district_id: int) -> Break | None:
    """The first broken link of a district's chain, or None when every link holds."""
    prev = ""
    runs = PayrollRun.objects.filter(
        township__district_id=district_id, chain_position__isnull=False
    ).order_by("chain_position")
    for expected_position, run in enumerate(runs, start=1):
        if run.chain_position != expected_position:
            return Break(district_id, run.pk, run.chain_position, "a locked ledger is missing")
        if run.prev_hash != prev:
            return Break(
                district_id, run.pk, run.chain_position, "the previous ledger's hash does not match"
            )
        totals = run.lines.order_by().values_list("amount", flat=True)
        count, total = 0, 0
        for amount in totals.iterator(chunk_size=10000):
            count += 1
            total += amount
        if count != run.line_count or total != run.total_amount:
            return Break(
                district_id,
                run.pk,
                run.chain_position,
                "the lines no longer add up to the locked totals",
            )
        if ledger_digest(run, prev) != run.ledger_hash:
            return Break(
                district_id,
                run.pk,
                run.chain_position,
                "a line or the header changed after locking",
            )
        prev = run.ledger_hash
    return None
