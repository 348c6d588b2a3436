"""``python manage.py training_compliance --year 2026 [--township CODE] --output out.xlsx``

R-TRN-1: one row per serving secretary with verified centralised hours, days, required
days and whether they comply; XLSX or CSV (UTF-8 with BOM) chosen by the extension."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from branches.models import Township

from ... import exports, selectors


class Command(BaseCommand):
    help = "Export the yearly training compliance of serving secretaries (R-TRN-1)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--township", help="township code; default: every township")
        parser.add_argument("--output", required=True, help="PATH.xlsx or PATH.csv")

    def handle(self, *args, year, township, output, **options):
        path = Path(output)
        suffix = path.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise CommandError("The output must end in .xlsx or .csv.")
        place = None
        if township:
            place = Township.objects.filter(code=township).first()
            if place is None:
                raise CommandError(f"No township with code {township!r}.")
        rows = selectors.compliance_rows(user=None, year=year, township=place)
        if suffix == ".xlsx":
            path.write_bytes(exports.xlsx_bytes(rows, year=year))
        else:
            path.write_bytes(exports.csv_bytes(rows))
        compliant = sum(1 for r in rows if r.compliant)
        self.stdout.write(f"{len(rows)} secretaries, {compliant} compliant → {path}")
