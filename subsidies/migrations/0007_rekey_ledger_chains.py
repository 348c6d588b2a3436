"""Re-key the ledger chains that exist (issue 9 item 4, SPEC §3): every link becomes the
HMAC-SHA-256 under ``settings.LEDGER_KEY`` of the run's header and lines, computed district
by district in chain order.

The old links were plain SHA-256 anyone could recompute. Each one is checked with the old
algorithm (frozen below) before it is re-keyed, so the re-keying never launders tampering
done before it: a district's chain is re-keyed up to its first link that no longer verifies,
and that link and the ones after it keep their old hashes, so ``verify_ledgers`` reports the
break. Works on an empty database, on SQLite and on PostgreSQL.

In production LEDGER_KEY must be set before ``migrate`` runs (the production settings refuse
to start without it).
"""

import hashlib
import json
import sys
from decimal import Decimal

from django.conf import settings
from django.db import migrations

# The tuples as of this migration: a later migration that extends them re-keys again with
# its own copy (a historical model has only the fields of its time).
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
)
# The keyed links also cover the days a regular line pays (R-PAY-3; 0005_pay_per_day added
# them before this migration), which the old unkeyed digest never hashed.
KEYED_LINE_FIELDS = (*LINE_FIELDS, "covers_from", "covers_to")


def old_digest(run, prev_hash, PaymentLine):
    """The unkeyed digest that locked runs carried before this migration."""
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


def rekey(apps, schema_editor):
    from subsidies.ledger import chain_link

    PayrollRun = apps.get_model("subsidies", "PayrollRun")
    PaymentLine = apps.get_model("subsidies", "PaymentLine")
    key = settings.LEDGER_KEY.encode()
    chained = PayrollRun.objects.filter(chain_position__isnull=False)
    districts = sorted(set(chained.values_list("township__district_id", flat=True)))
    for district_id in districts:
        old_prev = new_prev = ""
        runs = chained.filter(township__district_id=district_id).order_by("chain_position")
        for position, run in enumerate(runs, start=1):
            intact = (
                run.chain_position == position
                and run.prev_hash == old_prev
                and old_digest(run, old_prev, PaymentLine) == run.ledger_hash
            )
            if not intact:
                sys.stderr.write(
                    f"\n  district {district_id}: link {run.chain_position} (run {run.pk}) does "
                    "not verify; it and the links after it keep their old hashes.\n"
                )
                break
            old_prev = run.ledger_hash
            run.prev_hash = new_prev
            run.ledger_hash = chain_link(
                run,
                key=key,
                lines=PaymentLine.objects,
                run_fields=RUN_FIELDS,
                line_fields=KEYED_LINE_FIELDS,
            )
            PayrollRun.objects.filter(pk=run.pk).update(
                prev_hash=run.prev_hash, ledger_hash=run.ledger_hash
            )
            new_prev = run.ledger_hash


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0006_export_chain_head"),
    ]

    operations = [
        migrations.RunPython(rekey, migrations.RunPython.noop, elidable=False),
    ]
