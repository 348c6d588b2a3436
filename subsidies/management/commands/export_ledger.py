"""``manage.py export_ledger --month 2026-11 --format csv|xlsx|bank --output PATH``

Exports a month's locked ledger across a district, or with ``--township CODE`` that
township's locked run, through the same streaming path as the finance downloads
(:mod:`subsidies.exports`), and records the export (who, when, SHA-256). Townships whose run
is not locked are left out and named on stderr; so are the payees a bank file leaves out.
``--output -`` writes to stdout. A run that is not locked cannot be exported (exit 1).
"""

from __future__ import annotations

import os
import sys
import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from branches.models import District, Township
from portal.dates import parse_month
from portal.models import User
from portal.scope import VIEW, may, scope_queryset
from subsidies import bench, exports
from subsidies.choices import ExportFormat
from subsidies.models import LedgerExport, PayrollRun


class Command(BaseCommand):
    help = "Export a locked payment ledger as CSV, XLSX or a bank transfer file."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--format", required=True, choices=list(ExportFormat.values))
        parser.add_argument("--output", required=True, help="file path, or - for stdout")
        parser.add_argument("--township", help="export this township's run only (its code)")
        parser.add_argument("--district", help="district code (default: the only district)")
        parser.add_argument(
            "--user", help="username recorded with the export; the export keeps to their scope"
        )

    def handle(self, *args, **options):
        try:
            month = parse_month(options["month"])
        except ValueError:
            raise CommandError(f"--month must look like 2026-11, not {options['month']!r}.")
        user = self._user(options["user"])
        try:
            ledger = self._ledger(month, options, user)
            stream = exports.ExportStream(ledger=ledger, format=options["format"], user=user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        except PermissionDenied as exc:
            raise CommandError(str(exc))
        for township in ledger.left_out:
            self.stderr.write(f"left out, not locked: {township}")
        try:
            record = self._write(stream, options["output"])
        except Exception as exc:  # the stream ended with its failure marker, recorded nothing
            raise CommandError(
                f"export failed, nothing recorded and no file written: {exc!r}", returncode=1
            ) from exc
        if options["format"] == ExportFormat.BANK:
            for item in exports.bank_exclusions(ledger):
                self.stderr.write(
                    f"not in the bank file ({item.reason}): {item.name}, {item.township}, "
                    f"account {item.account or '—'}, amount {item.amount:.2f}"
                )
        self.stderr.write(
            f"exported {stream.filename}: {record.lines} rows, {record.size} bytes, "
            f"sha256 {record.sha256}"
        )

    def _user(self, username):
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if not may(user, VIEW, LedgerExport):
            raise CommandError(f"{username} may not export ledgers (finance or district admin).")
        return user

    def _ledger(self, month, options, user) -> exports.Ledger:
        townships = Township.objects.all() if user is None else scope_queryset(user, Township)
        if options["township"]:
            township = townships.filter(code=options["township"]).first()
            if township is None:
                raise CommandError(f"No township {options['township']!r}.")
            runs = PayrollRun.objects.all() if user is None else scope_queryset(user, PayrollRun)
            run = runs.filter(township=township, month=month).select_related("township").first()
            if run is None:
                raise CommandError(f"{township.name} has no payroll run for {month:%Y-%m}.")
            return exports.run_ledger(run)
        district = self._district(options["district"], user)
        ledger = exports.month_ledger(district_id=district.pk, month=month, user=user)
        if not ledger.runs:
            left = "; ".join(ledger.left_out) or "no townships"
            raise CommandError(f"No locked ledger for {month:%Y-%m} in {district.name} ({left}).")
        return ledger

    @staticmethod
    def _district(code, user) -> District:
        if user is not None and not user.is_superuser:
            if code and code != user.district.code:
                raise CommandError(f"{user.username} works in district {user.district.code}.")
            return user.district
        if code:
            district = District.objects.filter(code=code).first()
            if district is None:
                raise CommandError(f"No district {code!r}.")
            return district
        districts = list(District.objects.exclude(code=bench.DISTRICT_CODE)[:2])
        if len(districts) != 1:
            raise CommandError("Name the district with --district CODE.")
        return districts[0]

    @staticmethod
    def _write(stream: exports.ExportStream, output: str) -> LedgerExport:
        if output == "-":
            return exports.export_to(stream, sys.stdout.buffer)
        if os.path.exists(output) and not os.path.isfile(output):  # /dev/null, a pipe
            with open(output, "wb") as out:
                return exports.export_to(stream, out)
        # A half-written file never takes the place of a good one.
        directory = os.path.dirname(os.path.abspath(output))
        with tempfile.NamedTemporaryFile(dir=directory, delete=False, suffix=".part") as out:
            try:
                record = exports.export_to(stream, out)
            except BaseException:
                out.close()
                os.unlink(out.name)
                raise
        os.replace(out.name, output)
        return record
