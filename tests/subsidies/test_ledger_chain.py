"""The keyed hash chain of locked ledgers (SPEC §3, issue 9 item 4): ``verify_ledgers``
passes an untouched chain and names the first broken link when a stored line or total is
changed after locking — tampering here goes through SQL, past the services, as an attacker
with database access (but without LEDGER_KEY) would: naive edits, a hash recomputed with the
public algorithm, the newest run's lock undone, a chain cut short behind a printed head."""

import hashlib
import importlib
import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from subsidies import exports, ledger
from subsidies.models import LedgerExport, PaymentLine, PayrollRun, RunEvent

from .ledgers import DEC, appraise, approve_lock, build, compute

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LINES = PaymentLine._meta.db_table
RUNS = PayrollRun._meta.db_table


@pytest.fixture
def chain(world, payroll):
    """Three links in district D001: 甲镇 November (1), 乙街道 November (2), 甲镇 December (3)."""
    ledgers = build(world, payroll)
    appraise([world.secretary_a, ledgers.no_account, ledgers.held, ledgers.tricky], DEC)
    december = approve_lock(world, compute(world, world.town_a, DEC))
    return [ledgers.run_a, ledgers.run_b, december]


def verify(**options) -> str:
    out = io.StringIO()
    call_command("verify_ledgers", stdout=out, **options)
    return out.getvalue()


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def a_line(run) -> PaymentLine:
    return PaymentLine.objects.filter(run=run).order_by("pk").first()


def test_an_untouched_chain_verifies(world, chain):
    assert [run.chain_position for run in chain] == [1, 2, 3]
    assert chain[1].prev_hash == chain[0].ledger_hash
    assert chain[2].prev_hash == chain[1].ledger_hash
    head = f"3:{chain[2].ledger_hash}"
    expected = f"ok: 3 ledgers in district D001 示范区, head {head}; no exports recorded\n"
    assert verify() == expected
    assert verify(district="D001") == expected


TAMPERING = {
    "a line's amount": lambda run: sql(
        f"UPDATE {LINES} SET amount = amount + 100 WHERE id = %s",
        [a_line(run).pk],
    ),
    "a line's account": lambda run: sql(
        f"UPDATE {LINES} SET bank_account = %s WHERE id = %s",
        ["6222999999999999", a_line(run).pk],
    ),
    "a line's payee name": lambda run: sql(
        f"UPDATE {LINES} SET account_name = %s WHERE id = %s",
        ["冒名", a_line(run).pk],
    ),
    "the run's total": lambda run: sql(
        f"UPDATE {RUNS} SET total_amount = total_amount - 1 WHERE id = %s",
        [run.pk],
    ),
    "a deleted line": lambda run: sql(
        f"DELETE FROM {LINES} WHERE id = %s",
        [PaymentLine.objects.filter(run=run, corrections__isnull=True).order_by("-pk")[0].pk],
    ),
    "an inserted line": lambda run: sql(
        f"INSERT INTO {LINES} (run_id, person_id, village_id, component, kind, pays_for, "
        "amount, held, days, derivation, corrects_id, source, account_name, bank_name, "
        "bank_account, village_code, village_name, id_number_masked) SELECT run_id, "
        "person_id, village_id, 'allowance', 'adjustment', pays_for, 500, false, days, "
        "derivation, NULL, '', account_name, bank_name, bank_account, village_code, "
        f"village_name, id_number_masked FROM {LINES} WHERE id = %s",
        [a_line(run).pk],
    ),
}


@pytest.mark.parametrize("how", list(TAMPERING))
@pytest.mark.parametrize("position", [1, 2])
def test_tampering_through_sql_names_the_first_broken_link(world, chain, how, position):
    run = chain[position - 1]
    TAMPERING[how](run)
    with pytest.raises(CommandError) as failure:
        verify()
    assert failure.value.returncode == 1
    message = str(failure.value)
    assert f"run {run.pk} " in message
    assert f"({run.township.name} {run.township.code}, {run.month:%Y-%m})" in message
    assert f"chain position {position}:" in message
    assert "district D001" in message
    assert message.count("broken:") == 1  # the first broken link, not the ones after it


def test_a_re_hashed_run_breaks_the_next_link(world, chain):
    """Forging the first run's hash to match tampered lines leaves the second link pointing
    at the old hash."""
    sql(f"UPDATE {RUNS} SET ledger_hash = %s WHERE id = %s", ["0" * 64, chain[0].pk])
    with pytest.raises(CommandError, match=f"run {chain[0].pk} "):
        verify()
    sql(f"UPDATE {RUNS} SET ledger_hash = %s WHERE id = %s", [chain[0].ledger_hash, chain[0].pk])
    sql(f"UPDATE {RUNS} SET prev_hash = %s WHERE id = %s", ["f" * 64, chain[1].pk])
    with pytest.raises(CommandError, match=f"run {chain[1].pk} .*previous ledger's hash"):
        verify()


def test_each_district_is_its_own_chain(world, chain):
    from tests import factories as f

    f.DistrictFactory(code="D002", name="邻区")
    assert verify(district="D002") == "ok: 0 ledgers in district D002 邻区; no exports recorded\n"
    TAMPERING["a line's amount"](chain[0])
    assert verify(district="D002").startswith("ok: 0 ledgers")
    with pytest.raises(CommandError, match="district D001"):
        verify()
    with pytest.raises(CommandError, match="No district"):
        verify(district="NOPE")


# --- Keyed links (issue 9 item 4) ---------------------------------------------------------------


def unkeyed_digest(run, prev_hash):
    """The public algorithm the chain used before it was keyed (plain SHA-256)."""
    migration = importlib.import_module("subsidies.migrations.0007_rekey_ledger_chains")
    return migration.old_digest(run, prev_hash, PaymentLine)


def rehash_from(chain, position, forge):
    """What an attacker who can write the database does after changing a line: recompute the
    link at ``position`` and every link after it with ``forge(run, prev_hash)``."""
    prev = chain[position - 2].ledger_hash if position > 1 else ""
    for run in chain[position - 1 :]:
        run.refresh_from_db()
        run.prev_hash = prev
        run.ledger_hash = forge(run, prev)
        sql(
            f"UPDATE {RUNS} SET prev_hash = %s, ledger_hash = %s WHERE id = %s",
            [run.prev_hash, run.ledger_hash, run.pk],
        )
        prev = run.ledger_hash


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(unkeyed_digest, id="the old public algorithm"),
        pytest.param(lambda run, prev: ledger.chain_link(run, key=b"a guess"), id="a guessed key"),
        pytest.param(
            lambda run, prev: hashlib.sha256(f"{prev}{run.pk}".encode()).hexdigest(),
            id="any sha256",
        ),
    ],
)
def test_a_hash_recomputed_without_the_key_is_detected(world, chain, forge):
    """R-PAY-3 money fields: a line's amount (and the run's total) changed in SQL and the
    links re-hashed from there on — without LEDGER_KEY the link at position 2 fails."""
    line = a_line(chain[1])
    sql(f"UPDATE {LINES} SET amount = amount + 100 WHERE id = %s", [line.pk])
    sql(f"UPDATE {RUNS} SET total_amount = total_amount + 100 WHERE id = %s", [chain[1].pk])
    rehash_from(chain, 2, forge)
    with pytest.raises(CommandError) as failure:
        verify()
    message = str(failure.value)
    assert f"run {chain[1].pk} " in message and "chain position 2:" in message
    assert "changed after locking" in message


def test_the_chain_does_not_verify_under_another_key(world, chain, settings):
    settings.LEDGER_KEY = "another-key-0123456789-abcdefghijklmnop"
    with pytest.raises(CommandError, match="chain position 1: .*another key"):
        verify()


def test_the_links_are_keyed_hmacs_of_the_listed_fields(world, chain, settings):
    run = chain[0]
    assert ledger.chain_link(run, key=settings.LEDGER_KEY.encode()) == run.ledger_hash
    assert unkeyed_digest(run, "") != run.ledger_hash
    # Every field that decides money or who is paid what is hashed (R-PAY-3).
    for name in ("person_id", "component", "pays_for", "amount", "held", "days", "kind"):
        assert name in ledger.LINE_FIELDS
    for name in ("bank_account", "bank_name", "account_name", "corrects_id", "source"):
        assert name in ledger.LINE_FIELDS
    for name in ("chain_position", "prev_hash", "total_amount", "line_count", "month"):
        assert name in ledger.RUN_FIELDS
    concrete = {f.attname for f in PaymentLine._meta.concrete_fields} | {"pk"}
    assert set(ledger.LINE_FIELDS) <= concrete
    # A field PaymentLine gains that decides money must be added to LINE_FIELDS (with a
    # re-keying migration): this list names the fields left out on purpose.
    assert concrete - set(ledger.LINE_FIELDS) - {"id", "run_id"} == set()


@pytest.mark.parametrize(
    "field", ["days", "pays_for", "person_id", "held", "component", "covers_to"]
)
def test_each_money_deciding_field_is_covered(world, chain, field):
    """R-PAY-3: who is paid, for which component, month and days, held or not."""
    from tests import factories as f

    line = a_line(chain[0])
    if field == "held":
        line = PaymentLine.objects.filter(run=chain[0], held=True).first()
    value = {
        "days": (line.days or 0) + 1,
        "pays_for": "2026-10-01",
        "person_id": f.PersonFactory(village=world.village_a).pk,
        "held": False,
        "component": "allowance",
        "covers_to": line.covers_from,  # one day paid instead of the month's days
    }[field]
    if field == "pays_for" and line.covers_from:
        # The days a line covers lie in its month (a check constraint): move them along.
        sql(
            f"UPDATE {LINES} SET pays_for = %s, covers_from = %s, covers_to = %s WHERE id = %s",
            [value, "2026-10-01", "2026-10-01", line.pk],
        )
    else:
        sql(f"UPDATE {LINES} SET {field} = %s WHERE id = %s", [value, line.pk])
    with pytest.raises(CommandError, match="chain position 1: .*changed after locking"):
        verify()


# --- The newest run's lock undone; heads --------------------------------------------------------


def undo_newest_lock(run, *, thoroughly=False):
    """Reset the newest run's status and position in SQL, as if it was never locked."""
    sql(
        f"UPDATE {RUNS} SET status = 'approved', chain_position = NULL, prev_hash = '', "
        "ledger_hash = '' WHERE id = %s",
        [run.pk],
    )
    if thoroughly:  # and wipe every trace the database keeps of the lock
        sql(f"UPDATE {RUNS} SET locked_at = NULL, locked_by_id = NULL WHERE id = %s", [run.pk])
        sql(
            f"DELETE FROM {RunEvent._meta.db_table} WHERE run_id = %s AND to_status = 'locked'",
            [run.pk],
        )
        sql(f"DELETE FROM {LedgerExport._meta.db_table}")


def test_undoing_the_newest_lock_in_sql_is_detected(world, chain):
    undo_newest_lock(chain[2])
    with pytest.raises(CommandError) as failure:
        verify()
    message = str(failure.value)
    assert f"run {chain[2].pk} " in message and "off the chain" in message
    assert "a locked ledger is not on the chain" in message


def test_a_status_reset_on_the_chain_is_detected(world, chain):
    sql(f"UPDATE {RUNS} SET status = 'approved' WHERE id = %s", [chain[2].pk])
    with pytest.raises(CommandError, match="chain position 3: a ledger on the chain is no longer"):
        verify()


def test_a_chain_cut_short_is_detected_against_a_head_from_outside(tmp_path, world, chain):
    """The head printed on an export before the lock was undone (a copy outside the portal
    pins it): ``--head`` refuses the shorter chain even when no trace is left inside."""
    printed = head_printed_on_csv(tmp_path)
    assert printed == f"3:{chain[2].ledger_hash}"
    assert "holds the head" in verify(head=printed)
    undo_newest_lock(chain[2], thoroughly=True)
    assert verify().startswith("ok: 2 ledgers")  # nothing inside the database tells
    with pytest.raises(CommandError) as failure:
        verify(head=printed)
    assert "the chain has 2 links, fewer than the head 3:" in str(failure.value)


def test_a_head_printed_on_a_recorded_export_pins_the_chain(tmp_path, world, chain):
    head_printed_on_csv(tmp_path)
    sql(f"UPDATE {RUNS} SET locked_at = NULL WHERE id = %s", [chain[2].pk])
    sql(
        f"DELETE FROM {RunEvent._meta.db_table} WHERE run_id = %s AND to_status = 'locked'",
        [chain[2].pk],
    )
    undo_newest_lock(chain[2])
    with pytest.raises(CommandError, match="printed the head 3:.*no longer holds"):
        verify()


def test_a_wrong_or_malformed_head_fails(world, chain):
    with pytest.raises(CommandError, match="position 2 is not the head|no district's chain"):
        verify(head=f"2:{'0' * 64}")
    with pytest.raises(CommandError) as failure:
        verify(head="3-abc")
    assert failure.value.returncode == 2
    assert "holds the head" in verify(head=f"2:{chain[1].ledger_hash}", district="D001")


def head_printed_on_csv(tmp_path) -> str:
    path = tmp_path / "ledger.csv"
    call_command(
        "export_ledger", month="2026-12", format="csv", output=str(path), stderr=io.StringIO()
    )
    last = path.read_bytes().decode("utf-8-sig").splitlines()[-1].split(",")
    assert last[2] == exports.HEAD_LABEL
    return last[3]


# --- Recorded exports are re-created ------------------------------------------------------------


def export_all(tmp_path):
    for month in ("2026-11", "2026-12"):
        for fmt in ("csv", "xlsx", "bank"):
            path = tmp_path / f"{month}.{fmt}"
            call_command(
                "export_ledger", month=month, format=fmt, output=str(path), stderr=io.StringIO()
            )
    call_command(
        "export_ledger",
        month="2026-11",
        format="csv",
        township="T-B",
        output=str(tmp_path / "t-b.csv"),
        stderr=io.StringIO(),
    )


def test_recorded_exports_are_re_created_with_their_sha256(tmp_path, world, chain):
    export_all(tmp_path)
    assert "exports: 7 re-created with the recorded SHA-256 (7 distinct files)" in verify()
    record = LedgerExport.objects.filter(format="bank").first()
    sql(
        f"UPDATE {LedgerExport._meta.db_table} SET sha256 = %s WHERE id = %s",
        ["0" * 64, record.pk],
    )
    with pytest.raises(CommandError, match=f"export #{record.pk} .*re-created gives another"):
        verify()
    assert verify(no_exports=True).startswith("ok: 3 ledgers")


def test_a_month_export_is_re_created_without_the_runs_locked_after_it(tmp_path, world, payroll):
    from .ledgers import approve_lock, build

    ledgers = build(world, payroll, lock_b=False)
    path = tmp_path / "nov.csv"
    call_command(
        "export_ledger", month="2026-11", format="csv", output=str(path), stderr=io.StringIO()
    )
    approve_lock(world, ledgers.run_b)  # 乙街道 joins November after the export
    assert "exports: 1 re-created" in verify()


# --- The migration that re-keys the chains that exist ---------------------------------------------


def rekey_migration():
    return importlib.import_module("subsidies.migrations.0007_rekey_ledger_chains")


def test_the_migration_re_keys_an_old_chain(world, chain):
    keyed = [run.ledger_hash for run in chain]
    rehash_from(chain, 1, unkeyed_digest)  # the database as it was before the migration
    with pytest.raises(CommandError):
        verify()
    rekey_migration().rekey(apps, None)
    assert [
        run.ledger_hash
        for run in PayrollRun.objects.filter(pk__in=[r.pk for r in chain]).order_by(
            "chain_position"
        )
    ] == keyed
    assert verify().startswith("ok: 3 ledgers")


def test_the_migration_does_not_launder_old_tampering(world, chain):
    rehash_from(chain, 1, unkeyed_digest)
    sql(
        f"UPDATE {LINES} SET bank_account = %s WHERE id = %s",
        ["6222999999999999", a_line(chain[1]).pk],
    )
    rekey_migration().rekey(apps, None)
    with pytest.raises(CommandError, match="chain position 2:"):
        verify()


def test_the_migration_runs_on_an_empty_database(db):
    rekey_migration().rekey(apps, None)
    assert not PayrollRun.objects.exists()
