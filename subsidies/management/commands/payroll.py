"""Take a month's runs through a transition as a user: approve, lock or disburse."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal import audit
from portal.dates import parse_month
from portal.models import User
from portal.scope import scope_queryset
from subsidies import services
from subsidies.models import PayrollRun


class Command(BaseCommand):
    help = "Approve, lock or disburse the payroll runs of a month (as a user of that role)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=sorted(services.TRANSITIONS))
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--township", help="a township code (default: all in scope)")
        parser.add_argument("--user", required=True, help="the username taking the step")
        parser.add_argument(
            "--acknowledge",
            action="store_true",
            help="approve despite integrity warnings (after reviewing them)",
        )

    def handle(self, *args, action, month, user, township=None, acknowledge=False, **options):
        try:
            first = parse_month(month)
        except ValueError:
            raise CommandError(f"--month must be YYYY-MM, not {month!r}")
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {user!r}.")
        runs = scope_queryset(actor, PayrollRun).filter(month=first).select_related("township")
        if township:
            runs = runs.filter(township__code=township)
        runs = list(runs.order_by("township__code"))
        if not runs:
            raise CommandError("No run of that month in the user's scope.")
        step = services.TRANSITIONS[action]
        failures = 0
        for run in runs:
            kwargs = {"acknowledge": acknowledge} if action == "approve" else {}
            try:
                with audit.acting_as(actor):
                    run = step(user=actor, run=run, **kwargs)
                self.stdout.write(f"{run.township.code}\t{run.month:%Y-%m}\t{run.status}")
            except (ValidationError, PermissionDenied) as exc:
                failures += 1
                message = "; ".join(getattr(exc, "messages", [str(exc)]))
                self.stderr.write(f"{run.township.code}\t{run.month:%Y-%m}\trefused: {message}")
        if failures:
            raise CommandError(f"{failures} of {len(runs)} run(s) refused.")
