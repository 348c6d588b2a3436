"""The hash chain of locked ledgers (SPEC §3): ``verify_ledgers`` passes an untouched chain
and names the first broken link when a stored line or total is changed after locking —
tampering here goes through SQL, past the services, as an attacker with database access
would."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from subsidies.models import PaymentLine, PayrollRun

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
    assert verify() == "ok: 3 ledgers in district D001 示范区\n"
    assert verify(district="D001") == "ok: 3 ledgers in district D001 示范区\n"


TAMPERING = {
    "a line's amount": lambda run: sql(
        f"UPDATE {LINES} SET amount = amount + 100 WHERE id = %s",  # noqa: S608
        [a_line(run).pk],
    ),
    "a line's account": lambda run: sql(
        f"UPDATE {LINES} SET bank_account = %s WHERE id = %s",  # noqa: S608
        ["6222999999999999", a_line(run).pk],
    ),
    "a line's payee name": lambda run: sql(
        f"UPDATE {LINES} SET account_name = %s WHERE id = %s",  # noqa: S608
        ["冒名", a_line(run).pk],
    ),
    "the run's total": lambda run: sql(
        f"UPDATE {RUNS} SET total_amount = total_amount - 1 WHERE id = %s",  # noqa: S608
        [run.pk],
    ),
    "a deleted line": lambda run: sql(
        f"DELETE FROM {LINES} WHERE id = %s",  # noqa: S608
        [PaymentLine.objects.filter(run=run, corrections__isnull=True).order_by("-pk")[0].pk],
    ),
    "an inserted line": lambda run: sql(
        f"INSERT INTO {LINES} (run_id, person_id, village_id, component, kind, pays_for, "  # noqa: S608
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
    sql(f"UPDATE {RUNS} SET ledger_hash = %s WHERE id = %s", ["0" * 64, chain[0].pk])  # noqa: S608
    with pytest.raises(CommandError, match=f"run {chain[0].pk} "):
        verify()
    sql(f"UPDATE {RUNS} SET ledger_hash = %s WHERE id = %s", [chain[0].ledger_hash, chain[0].pk])  # noqa: S608
    sql(f"UPDATE {RUNS} SET prev_hash = %s WHERE id = %s", ["f" * 64, chain[1].pk])  # noqa: S608
    with pytest.raises(CommandError, match=f"run {chain[1].pk} .*previous ledger's hash"):
        verify()


def test_each_district_is_its_own_chain(world, chain):
    from tests import factories as f

    f.DistrictFactory(code="D002", name="邻区")
    assert verify(district="D002") == "ok: 0 ledgers in district D002 邻区\n"
    TAMPERING["a line's amount"](chain[0])
    assert verify(district="D002").startswith("ok: 0 ledgers")
    with pytest.raises(CommandError, match="district D001"):
        verify()
    with pytest.raises(CommandError, match="No district"):
        verify(district="NOPE")
