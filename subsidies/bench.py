"""A scratch ledger for the export benchmark (SPEC §8, ``manage.py bench_export``).

PostgreSQL only. One district ``BENCH`` with one township ``BENCH-T`` holds ONE locked run of
N payment lines, written straight into the real tables with ``INSERT … SELECT`` over
``generate_series`` (seconds for a million lines): villages of about five cadres, two lines
(basic, performance) per person, every 50th performance line held, every 1000th person
without a bank account. The run is locked and hash-chained like a real one (its digest is
keyed by :func:`subsidies.ledger.lock_link`), so ``verify_ledgers`` holds with it in
place. It is found again by its codes and reused when the size matches; ``drop`` removes it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import connection, transaction

from branches.models import District, Township

from . import ledger
from .models import PayrollRun

DISTRICT_CODE = "BENCH"
TOWNSHIP_CODE = "BENCH-T"
VILLAGE_PREFIX = "BENCH-V"
ID_PREFIX = "99"  # no real area code starts with 99
MONTH = date(2000, 1, 1)
PEOPLE_PER_VILLAGE = 5
LOCKED_AT = datetime(2000, 2, 1, tzinfo=UTC)


def existing() -> PayrollRun | None:
    return (
        PayrollRun.objects.filter(township__code=TOWNSHIP_CODE, month=MONTH)
        .select_related("township")
        .first()
    )


@transaction.atomic
def drop() -> None:
    """Remove the scratch district and everything in it."""
    district = District.objects.filter(code=DISTRICT_CODE).first()
    if district is None:
        return
    with connection.cursor() as cursor:
        params = [district.pk]
        runs = (
            "SELECT r.id FROM subsidies_payrollrun r JOIN branches_township t "
            "ON t.id = r.township_id WHERE t.district_id = %s"
        )
        villages = (
            "SELECT v.id FROM branches_village v JOIN branches_township t "
            "ON t.id = v.township_id WHERE t.district_id = %s"
        )
        cursor.execute("DELETE FROM subsidies_ledgerexport WHERE district_id = %s", params)
        cursor.execute(f"DELETE FROM subsidies_paymentline WHERE run_id IN ({runs})", params)  # noqa: S608
        cursor.execute(f"DELETE FROM subsidies_runevent WHERE run_id IN ({runs})", params)  # noqa: S608
        cursor.execute(f"DELETE FROM subsidies_payrollrun WHERE id IN ({runs})", params)  # noqa: S608
        cursor.execute(f"DELETE FROM cadres_person WHERE village_id IN ({villages})", params)  # noqa: S608
        cursor.execute(f"DELETE FROM branches_village WHERE id IN ({villages})", params)  # noqa: S608
        cursor.execute("DELETE FROM branches_township WHERE district_id = %s", params)
        cursor.execute("DELETE FROM branches_district WHERE id = %s", params)


@transaction.atomic
def build(lines: int) -> PayrollRun:
    """The scratch district with one locked run of ``lines`` lines (replacing another size)."""
    drop()
    people = (lines + 1) // 2
    villages = max(1, -(-people // PEOPLE_PER_VILLAGE))
    district = District.objects.create(code=DISTRICT_CODE, name="基准测试区")
    township = Township.objects.create(district=district, code=TOWNSHIP_CODE, name="基准镇")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO branches_village (code, name, township_id)
            SELECT %s || lpad(g::text, 7, '0'), '第' || g || '村', %s
            FROM generate_series(1, %s) AS g
            """,
            [VILLAGE_PREFIX, township.pk, villages],
        )
        first_village = _scalar(
            cursor, "SELECT min(id) FROM branches_village WHERE township_id = %s", [township.pk]
        )
        # Chinese names from a few surnames and given-name characters: realistic sort work.
        cursor.execute(
            """
            INSERT INTO cadres_person (name, id_number, gender, birth_date, education, phone,
                email, bank_name, bank_account, died_on, village_id, updated_at)
            SELECT
                (ARRAY['王','李','张','刘','陈','杨','赵','黄','周','吴'])[1 + g %% 10]
                || (ARRAY['建','国','明','华','军','伟','芳','秀','英','强','磊','洋'])
                    [1 + (g / 10) %% 12]
                || (ARRAY['平','东','林','辉','勇','杰','涛','斌','超','敏'])[1 + (g / 120) %% 10],
                %s || lpad(g::text, 16, '0'),
                CASE WHEN g %% 2 = 0 THEN 'F' ELSE 'M' END,
                DATE '1970-01-01' + (g %% 9000),
                '', '', '',
                CASE WHEN g %% 1000 = 0 THEN '' ELSE '农村信用社' END,
                CASE WHEN g %% 1000 = 0 THEN '' ELSE '6222' || lpad(g::text, 15, '0') END,
                NULL,
                %s + (g - 1) / %s,
                now()
            FROM generate_series(1, %s) AS g
            """,
            [ID_PREFIX, first_village, PEOPLE_PER_VILLAGE, people],
        )
        first_person = _scalar(
            cursor,
            "SELECT min(id) FROM cadres_person WHERE id_number LIKE %s",
            [ID_PREFIX + "%"],
        )
        run = PayrollRun.objects.create(
            township=township,
            month=MONTH,
            township_code=township.code,
            township_name=township.name,
        )
        # Line g pays person (g + 1) / 2: odd g the basic subsidy, even g the performance one.
        cursor.execute(
            """
            INSERT INTO subsidies_paymentline (run_id, person_id, village_id, component, kind,
                pays_for, amount, held, days, derivation, corrects_id, source, account_name,
                bank_name, bank_account, village_code, village_name, id_number_masked,
                covers_from, covers_to)
            SELECT %(run)s, p.id, p.village_id,
                CASE WHEN g %% 2 = 1 THEN 'basic' ELSE 'performance' END,
                'regular', %(month)s,
                CASE WHEN g %% 2 = 1 THEN 500.00
                     WHEN g %% 100 = 0 THEN 0
                     ELSE 500.00 * (ARRAY[1.2, 1.0, 0.6, 1.0])[1 + (g / 2) %% 4] END,
                g %% 100 = 0,
                31,
                jsonb_build_object(
                    'component', CASE WHEN g %% 2 = 1 THEN 'basic' ELSE 'performance' END,
                    'amount', '500.00', 'days_in_month', 31, 'policy', '2000-01',
                    'month', '2000-01', 'grade', 'competent', 'factor', '1.00',
                    'held', g %% 100 = 0,
                    'terms', jsonb_build_array(jsonb_build_object(
                        'rate', 'secretary', 'standard', '500.00', 'days', 31))),
                NULL, '', p.name, p.bank_name, p.bank_account, v.code, v.name,
                left(p.id_number, 3) || repeat('*', 11) || right(p.id_number, 4),
                %(month)s, %(month)s + 30  -- R-PAY-3: a regular line names its days (all 31)
            FROM generate_series(1, %(lines)s) AS g
            JOIN cadres_person p ON p.id = %(first)s + (g - 1) / 2
            JOIN branches_village v ON v.id = p.village_id
            """,
            {"run": run.pk, "month": MONTH, "lines": lines, "first": first_person},
        )
        cursor.execute("ANALYZE subsidies_paymentline")
        cursor.execute("ANALYZE cadres_person")
        cursor.execute("ANALYZE branches_village")
        count, total, held = _row(
            cursor,
            "SELECT count(*), coalesce(sum(amount), 0), count(*) FILTER (WHERE held) "
            "FROM subsidies_paymentline WHERE run_id = %s",
            [run.pk],
        )
    if count != lines:  # person ids of one INSERT … SELECT are consecutive; make sure
        raise RuntimeError(f"built {count} lines instead of {lines}")
    # Locked like a real run: first link of the BENCH district's chain.
    PayrollRun.objects.filter(pk=run.pk).update(
        status="locked",
        line_count=count,
        held_count=held,
        total_amount=Decimal(total),
        locked_at=LOCKED_AT,
        computed_at=LOCKED_AT,
        approved_at=LOCKED_AT,
        chain_position=1,
        prev_hash="",
    )
    run = PayrollRun.objects.select_related("township").get(pk=run.pk)
    run.ledger_hash = ledger.lock_link(run)
    PayrollRun.objects.filter(pk=run.pk).update(ledger_hash=run.ledger_hash)
    return run


def _scalar(cursor, sql, params):
    cursor.execute(sql, params)
    return cursor.fetchone()[0]


def _row(cursor, sql, params):
    cursor.execute(sql, params)
    return cursor.fetchone()


def ensure(lines: int) -> tuple[PayrollRun, bool]:
    """The scratch run of ``lines`` lines, built unless one of that size is there."""
    run = existing()
    if run is not None and run.line_count == lines and run.status == "locked":
        return run, False
    return build(lines), True
