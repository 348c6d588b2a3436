"""Compute one month's payroll of the district (or one township), wait, print a summary.

A run that is approved, locked or disbursed is never recomputed (SPEC §3 "Payroll runs"): the
command names each one it skipped and why, and exits 1 when it computed nothing (issue 9)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from branches.models import District, Township
from portal.dates import parse_month
from subsidies.models import PayrollRun
from subsidies.tasks import compute_district


class Command(BaseCommand):
    help = "Compute a month's payroll through the Celery tasks and print a summary."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--township", help="a township code (default: every township)")
        parser.add_argument("--district", help="a district code (default: every district)")
        parser.add_argument(
            "--timeout", type=int, default=3600, help="seconds to wait for the workers"
        )

    def handle(self, *args, month, township=None, district=None, timeout=3600, **options):
        try:
            first: date = parse_month(month)
        except ValueError:
            raise CommandError(f"--month must be YYYY-MM, not {month!r}")
        districts = District.objects.order_by("code")
        codes = None
        if township:
            found = Township.objects.filter(code=township).select_related("district").first()
            if found is None:
                raise CommandError(f"No township with code {township!r}.")
            districts = districts.filter(pk=found.district_id)
            codes = [township]
        elif district:
            districts = districts.filter(code=district)
            if not districts.exists():
                raise CommandError(f"No district with code {district!r}.")
        failures = computed = 0
        for item in districts:
            try:
                result, runs = compute_district(district=item, month=first, township_codes=codes)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages))
            skipped = (
                PayrollRun.objects.filter(township__district=item, month=first)
                .exclude(pk__in=[r.pk for r in runs])
                .select_related("township")
                .order_by("township__code")
            )
            if codes:
                skipped = skipped.filter(township__code__in=codes)
            for run in skipped:
                self.stderr.write(
                    f"{run.township.code}\t{run.month:%Y-%m}\tskipped: the run is "
                    f"{run.get_status_display()}; only a draft or computed run is computed "
                    "(a later correction goes into the next open month as an adjustment)"
                )
            if not runs:
                continue
            computed += len(runs)
            result.get(timeout=timeout, propagate=True, disable_sync_subtasks=False)
            for run in (
                PayrollRun.objects.filter(pk__in=[r.pk for r in runs])
                .select_related("township")
                .order_by("township__code")
            ):
                state = run.error or f"{run.get_status_display()}"
                self.stdout.write(
                    f"{run.township.code}\t{run.month:%Y-%m}\t{state}\tlines={run.line_count}"
                    f"\theld={run.held_count}\ttotal={run.total_amount}"
                )
                failures += bool(run.error)
        if failures:
            raise CommandError(f"{failures} run(s) not computed; see above.")
        if not computed:
            raise CommandError(f"Nothing was computed for {first:%Y-%m}; see above.")
