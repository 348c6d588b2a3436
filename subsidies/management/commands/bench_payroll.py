"""Benchmark one month's payroll at province scale (SPEC §8) on PostgreSQL.

Builds (or reuses) a registry of ``--cadres`` village cadres in a district of its own (code
BENCH-P): 5 cadres a village, 500 a township, a third of the secretaries one-shoulder, all
appraised for the month. Then times one month's run end to end through the real task path —
the district chord of one Celery task per township, run by ``--workers`` real worker processes
(started here on a private queue when a broker is configured) or in-process when there is no
broker — and, in the same run, a single raw-SQL ``INSERT … SELECT`` writing the same number of
rows into a scratch copy of the payment line table. The last line printed is JSON:
{"cadres": …, "lines": …, "payroll_s": …, "sql_limit_s": …, "ratio": …}.
"""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from branches.models import District, Township
from cadres.validators import make_id_number
from portal.celery import app
from portal.dates import month_end, parse_month
from portal.workers import WorkerProcess, private_queue, wait_until_ready
from subsidies.models import PaymentLine, PayrollRun, PerformanceStandard, Policy
from subsidies.tasks import compute_district

CODE = "BENCH-P"
PER_VILLAGE = 5
PER_TOWNSHIP = 500


class Command(BaseCommand):
    help = "Time one month's payroll for N cadres against INSERT … SELECT (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--cadres", type=int, default=100_000)
        parser.add_argument("--month", default="2026-11")
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="worker processes to start (0: run the tasks in-process)",
        )
        parser.add_argument("--rebuild", action="store_true", help="build the registry anew")
        parser.add_argument("--drop", action="store_true", help="remove the bench data, exit")

    def handle(self, *args, cadres, month, workers, rebuild, drop, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_payroll measures PostgreSQL: set DATABASE_URL.")
        if drop:
            self._drop()
            self.stdout.write("bench data removed")
            return
        first = parse_month(month)
        district = District.objects.filter(code=CODE).first()
        if district is not None and (rebuild or self._size(district) != cadres):
            self._drop()
            district = None
        if district is None:
            started = time.perf_counter()
            district = self._build(cadres, first)
            self.stdout.write(f"built {cadres} cadres in {time.perf_counter() - started:.1f} s")
        else:
            self.stdout.write(f"reusing the registry of {cadres} cadres")
        self._reset_runs(district, first)

        pool = self._start_workers(workers) if workers and self._broker() else []
        if not pool:
            app.conf.task_always_eager = True  # no workers of ours: run the tasks here
        try:
            started = time.perf_counter()
            result, runs = compute_district(district=district, month=first)
            result.get(timeout=3600, disable_sync_subtasks=False)
            payroll_s = time.perf_counter() - started
        finally:
            self._stop_workers(pool)
        errors = list(
            PayrollRun.objects.filter(township__district=district, month=first)
            .exclude(error="")
            .values_list("township__code", "error")[:3]
        )
        if errors:
            raise CommandError(f"runs failed: {errors}")
        lines = PaymentLine.objects.filter(
            run__township__district=district, run__month=first
        ).count()
        sql_s = self._insert_select(district, first, lines)
        mode = f"{len(pool)} worker process(es)" if pool else "in-process (eager)"
        self.stdout.write(
            f"payroll through {mode}: {lines} lines in {payroll_s:.2f} s; "
            f"INSERT … SELECT of {lines} rows in {sql_s:.2f} s"
        )
        self.stdout.write(
            json.dumps(
                {
                    "cadres": cadres,
                    "lines": lines,
                    "payroll_s": round(payroll_s, 3),
                    "sql_limit_s": round(sql_s, 3),
                    "ratio": round(payroll_s / sql_s, 2) if sql_s else None,
                }
            )
        )

    # --- the registry ---------------------------------------------------------------------

    def _size(self, district) -> int:
        from cadres.models import Person

        return Person.objects.filter(village__township__district=district).count()

    def _drop(self):
        from branches.models import Village
        from cadres.models import PerformanceAppraisal, Person, Post
        from subsidies.models import RunEvent

        district = District.objects.filter(code=CODE).first()
        if district is None:
            return
        towns = Township.objects.filter(district=district)
        with transaction.atomic():
            # Dependants first; raw deletes skip the collector (millions of rows).
            for queryset in (
                PaymentLine.objects.filter(run__township__in=towns),
                RunEvent.objects.filter(run__township__in=towns),
                PayrollRun.objects.filter(township__in=towns),
                PerformanceAppraisal.objects.filter(person__village__township__in=towns),
                Post.objects.filter(village__township__in=towns),
                Person.objects.filter(village__township__in=towns),
                Village.objects.filter(township__in=towns),
                PerformanceStandard.objects.filter(township__in=towns),
                towns,
                Policy.objects.filter(district=district),
                District.objects.filter(pk=district.pk),
            ):
                queryset._raw_delete(queryset.db)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_payroll_scratch")

    def _build(self, cadres: int, month: date) -> District:
        villages = max(1, cadres // PER_VILLAGE)
        townships = max(1, cadres // PER_TOWNSHIP)
        with transaction.atomic():
            district = District.objects.create(code=CODE, name="基准测试区")
            Policy.objects.create(district=district, valid_from=date(2020, 1, 1))
            Township.objects.bulk_create(
                Township(district=district, code=f"{CODE}-{t:04d}", name=f"基准{t}镇")
                for t in range(townships)
            )
            town_ids = list(
                Township.objects.filter(district=district)
                .order_by("code")
                .values_list("pk", flat=True)
            )
            PerformanceStandard.objects.bulk_create(
                PerformanceStandard(
                    township_id=t, valid_from=date(2020, 1, 1), amount=Decimal("500.00")
                )
                for t in town_ids
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO branches_village (township_id, code, name)
                    SELECT (%s::bigint[])[1 + (g - 1) %% %s], %s || '-V' || g, g || '村'
                    FROM generate_series(1, %s) AS g
                    """,
                    [town_ids, len(town_ids), CODE, villages],
                )
                cursor.execute(
                    "SELECT id FROM branches_village WHERE code LIKE %s ORDER BY id",
                    [f"{CODE}-V%"],
                )
                village_ids = [row[0] for row in cursor.fetchall()]
                buffer = io.StringIO()
                writer = csv.writer(buffer)
                now = "2026-01-01 00:00:00+08"
                for seq in range(cadres):
                    born = date(1950 + seq // 20_000, 1 + (seq // 1000) % 12, 1 + seq % 28)
                    writer.writerow(
                        (
                            village_ids[(seq // PER_VILLAGE) % len(village_ids)],
                            f"干部{seq}",
                            make_id_number("110101", born, seq % 1000),
                            "M",
                            born.isoformat(),
                            "农商银行",
                            f"6230{seq:012d}",
                            now,
                            "",
                            "",
                            "",
                        )
                    )
                buffer.seek(0)
                cursor.cursor.copy_expert(
                    "COPY cadres_person (village_id, name, id_number, gender, birth_date, "
                    "bank_name, bank_account, updated_at, education, phone, email) FROM STDIN "
                    "WITH (FORMAT csv, FORCE_NOT_NULL (education, phone, email))",
                    buffer,
                )
                # Posts: the first cadre of each village is secretary (a third of them also
                # director: one shoulder), the others committee members.
                cursor.execute(
                    """
                    INSERT INTO cadres_post (person_id, village_id, role, start_date, end_reason,
                                             updated_at)
                    SELECT p.id, p.village_id,
                           CASE WHEN p.rn = 1 THEN 'secretary' ELSE 'committee_member' END,
                           DATE '2021-01-01', '', TIMESTAMPTZ '2026-01-01 00:00:00+08'
                    FROM (SELECT id, village_id,
                                 row_number() OVER (PARTITION BY village_id ORDER BY id) AS rn
                          FROM cadres_person WHERE village_id = ANY(%s)) AS p
                    """,
                    [village_ids],
                )
                cursor.execute(
                    """
                    INSERT INTO cadres_post (person_id, village_id, role, start_date, end_reason,
                                             updated_at)
                    SELECT person_id, village_id, 'director', DATE '2021-01-01', '',
                           TIMESTAMPTZ '2026-01-01 00:00:00+08'
                    FROM cadres_post
                    WHERE role = 'secretary' AND village_id = ANY(%s) AND village_id %% 3 = 0
                    """,
                    [village_ids],
                )
                cursor.execute(
                    """
                    INSERT INTO cadres_performanceappraisal (person_id, period_start, period_end,
                                                             grade, recorded_at, updated_at)
                    SELECT id, %s, (%s::date + INTERVAL '1 month' - INTERVAL '1 day')::date,
                           (ARRAY['excellent','competent','competent','basic'])[1 + id %% 4],
                           now(), now()
                    FROM cadres_person WHERE village_id = ANY(%s)
                    """,
                    [month, month, village_ids],
                )
            connection.cursor().execute("ANALYZE")
        return district

    def _reset_runs(self, district, month):
        """Start from draft runs with no lines, as on the 1st of the month."""
        with transaction.atomic():
            runs = PayrollRun.objects.filter(township__district=district, month=month)
            PaymentLine.objects.filter(run__in=runs)._raw_delete(PaymentLine.objects.db)
            runs.delete()
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {PaymentLine._meta.db_table}")

    # --- the raw-SQL limit ------------------------------------------------------------------

    def _insert_select(self, district, month, lines: int) -> float:
        """One INSERT … SELECT writing ``lines`` rows like the payroll's into a scratch copy of
        the payment line table (same columns, indexes and constraints)."""
        table = PaymentLine._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_payroll_scratch")
            cursor.execute(f"CREATE TABLE bench_payroll_scratch (LIKE {table} INCLUDING ALL)")
            cursor.execute(
                f"SELECT derivation::text FROM {table} l JOIN subsidies_payrollrun r "  # noqa: S608
                "ON r.id = l.run_id JOIN branches_township t ON t.id = r.township_id "
                "WHERE t.district_id = %s LIMIT 1",
                [district.pk],
            )
            derivation = (cursor.fetchone() or ["{}"])[0]
            cursor.execute("SELECT id FROM subsidies_payrollrun ORDER BY id LIMIT 1")
            run_id = cursor.fetchone()[0]
            started = time.perf_counter()
            cursor.execute(
                """
                INSERT INTO bench_payroll_scratch (run_id, person_id, village_id, component,
                    kind, pays_for, amount, held, days, derivation, corrects_id, source,
                    account_name, bank_name, bank_account, village_code, village_name,
                    id_number_masked, covers_from, covers_to)
                SELECT %s, p.id, p.village_id, c.component, 'regular', %s, 500.00, false, 30,
                       %s::jsonb, NULL, '', p.name, p.bank_name, p.bank_account, v.code,
                       v.name, left(p.id_number, 3) || '***********' || right(p.id_number, 4),
                       %s, %s
                FROM cadres_person p
                JOIN branches_village v ON v.id = p.village_id
                JOIN branches_township t ON t.id = v.township_id
                CROSS JOIN (VALUES ('basic'), ('performance')) AS c(component)
                WHERE t.district_id = %s
                LIMIT %s
                """,
                [run_id, month, derivation, month, month_end(month), district.pk, lines],
            )
            elapsed = time.perf_counter() - started
            cursor.execute("DROP TABLE bench_payroll_scratch")
        return elapsed

    # --- workers ----------------------------------------------------------------------------

    def _broker(self) -> bool:
        return settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://", "amqp://"))

    def _start_workers(self, count: int) -> list[WorkerProcess]:
        queue = private_queue("bench")
        app.conf.update(task_always_eager=False, task_default_queue=queue)
        pool = [WorkerProcess(queue, loglevel="WARNING").spawn() for _ in range(count)]
        try:
            wait_until_ready(pool)
        except RuntimeError as exc:
            self._stop_workers(pool)
            raise CommandError(str(exc))
        return pool

    def _stop_workers(self, pool):
        for worker in pool:
            worker.stop()
