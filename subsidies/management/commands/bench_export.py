"""``manage.py bench_export --lines 1000000``: the ledger export against PostgreSQL's COPY
(SPEC §8: within 3× of ``COPY … TO`` of the same rows, peak memory under 200 MB).

1. builds (or reuses, when the size matches) a scratch district ``BENCH`` with ONE locked
   run of N lines (:mod:`subsidies.bench`);
2. exports it as CSV through the real export path (:class:`subsidies.exports.ExportStream`,
   recorded like any export) to /dev/null, in a fresh child process so the build does not
   count towards its peak RSS;
3. times ``COPY (<the export's own SQL>) TO STDOUT`` of the same rows (same columns, joins and
   order) into a null sink, after one untimed warm-up COPY;
4. prints the figures, the last line as JSON:
   ``{"lines": …, "lines_per_s": …, "copy_lines_per_s": …, "ratio": …, "peak_rss_mb": …}``.
   ``ratio`` is export time ÷ COPY time (the goal is ≤ 3). Each side is the best of
   ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from urllib.parse import quote

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from subsidies import bench, exports
from subsidies.models import PayrollRun

# The run's lines alone, the columns the CSV shows, no join and no sort.
BARE_COPY = (
    "COPY (SELECT person_id, component, kind, pays_for, amount, held, account_name, "
    "bank_name, bank_account FROM subsidies_paymentline WHERE run_id = %d) TO STDOUT"
)


class NullSink:
    def write(self, data):
        return len(data)


class Command(BaseCommand):
    help = "Benchmark the ledger export against PostgreSQL's COPY TO (PostgreSQL only)."

    def add_arguments(self, parser):
        parser.add_argument("--lines", type=int, default=1_000_000)
        parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
        parser.add_argument(
            "--keep",
            action="store_true",
            default=True,
            help="keep the scratch district for the next run (the default)",
        )
        parser.add_argument(
            "--drop", action="store_true", help="remove the scratch district when done"
        )
        parser.add_argument("--measure-run", type=int, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_export needs PostgreSQL (set DATABASE_URL=postgres://…); "
                "it compares the export with PostgreSQL's own COPY."
            )
        if options["measure_run"]:
            return self._measure(options["measure_run"])
        lines = options["lines"]
        if lines < 1:
            raise CommandError("--lines must be at least 1.")
        started = time.perf_counter()
        run, built = bench.ensure(lines)
        self.stderr.write(
            f"{'built' if built else 'reusing'} scratch run {run.pk} of {run.line_count} lines "
            f"in {time.perf_counter() - started:.1f} s"
        )
        ledger = exports.run_ledger(run)
        sql = self._copy_sql(ledger)
        self._copy(sql)  # warm-up: both sides read from a warm cache
        measures, copies = [], []
        for _ in range(options["repeat"]):  # interleaved: both sides see the same load
            measures.append(self._child(run.pk))
            copies.append(self._copy(sql))
        best = min(measures, key=lambda m: m["seconds"])
        copy_seconds = min(copies)
        result = {
            "lines": best["lines"],
            "lines_per_s": round(best["lines"] / best["seconds"]),
            "copy_lines_per_s": round(run.line_count / copy_seconds),
            "ratio": round(best["seconds"] / copy_seconds, 2),
            "peak_rss_mb": round(max(m["peak_rss_mb"] for m in measures), 1),
        }
        # For the record, not the goal: the same rows as raw columns (no formatting in SQL),
        # and the bare lines of the run (no join, no sort) — this machine's raw COPY speed.
        raw = min(self._copy(self._copy_sql(ledger, raw=True)) for _ in range(options["repeat"]))
        bare = min(self._copy(BARE_COPY % int(run.pk)) for _ in range(options["repeat"]))
        self.stdout.write(
            f"reference COPY of the same rows as raw columns: {run.line_count / raw:,.0f} lines/s; "
            f"of the run's bare lines (no join, no sort): {run.line_count / bare:,.0f} lines/s"
        )
        export_runs = ", ".join(f"{m['seconds']:.2f}" for m in measures)
        copy_runs = ", ".join(f"{c:.2f}" for c in copies)
        self.stdout.write(
            f"export: {best['seconds']:.2f} s ({best['size'] / 1e6:.1f} MB, sha256 "
            f"{best['sha256'][:16]}…); COPY: {copy_seconds:.2f} s; "
            f"runs (s): export {export_runs}; COPY {copy_runs}"
        )
        if options["drop"]:
            bench.drop()
            self.stderr.write("scratch district dropped")
        self.stdout.write(json.dumps(result))

    @staticmethod
    def _copy_sql(ledger, raw=False) -> str:
        queryset = exports.raw_queryset(ledger) if raw else exports.lines_queryset(ledger)
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            literal = cursor.cursor.mogrify(sql, params).decode()
        return f"COPY ({literal}) TO STDOUT WITH (FORMAT csv)"

    @staticmethod
    def _copy(sql: str) -> float:
        """COPY under the session settings the export itself runs with."""
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            for statement in exports.POSTGRES_SETTINGS:
                cursor.execute(statement)
            cursor.cursor.copy_expert(sql, NullSink(), size=1 << 16)
            return time.perf_counter() - started

    def _child(self, run_id: int) -> dict:
        """Run the export in a fresh process: its peak RSS is the export's alone."""
        command = [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "bench_export",
            "--measure-run",
            str(run_id),
        ]
        done = subprocess.run(
            command, capture_output=True, text=True, env=_child_environment(), check=False
        )
        if done.returncode != 0:
            raise CommandError(f"the export failed:\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def _measure(self, run_id: int) -> None:
        run = PayrollRun.objects.select_related("township").get(pk=run_id)
        ledger = exports.run_ledger(run)
        stream = exports.ExportStream(ledger=ledger, format="csv")
        started = time.perf_counter()
        with open(os.devnull, "wb") as sink:
            exports.export_to(stream, sink)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        self.stdout.write(
            json.dumps(
                {
                    "seconds": seconds,
                    "lines": stream.progress.lines,
                    "size": stream.size,
                    "sha256": stream.sha256,
                    "peak_rss_mb": peak,
                }
            )
        )


def _child_environment() -> dict:
    """The environment of the measuring process, on this process's database (under the test
    runner that is the test database, not the one DATABASE_URL names)."""
    env = os.environ.copy()
    current = connection.settings_dict
    url = env.get("DATABASE_URL", "")
    if not url or environ.Env.db_url_config(url).get("NAME") != current["NAME"]:
        auth = quote(current["USER"] or "")
        if current["PASSWORD"]:
            auth += ":" + quote(current["PASSWORD"])
        port = f":{current['PORT']}" if current["PORT"] else ""
        env["DATABASE_URL"] = (
            f"postgres://{auth}{'@' if auth else ''}{current['HOST'] or ''}{port}/"
            f"{quote(current['NAME'])}"
        )
    return env
