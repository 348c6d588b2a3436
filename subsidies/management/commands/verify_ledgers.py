"""``manage.py verify_ledgers [--district CODE]``: checks every district's hash chain of locked
ledgers (SPEC §3, :func:`subsidies.ledger.verify_chain`). Prints ``ok: N ledgers in district
X`` per district, or names the first broken link (district, run, township, month, chain
position, reason) and exits 1."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from branches.models import District
from subsidies.ledger import verify_chain
from subsidies.models import PayrollRun


class Command(BaseCommand):
    help = "Verify the hash chains of locked payment ledgers; exit 1 at a broken link."

    def add_arguments(self, parser):
        parser.add_argument("--district", help="check this district only (its code)")

    def handle(self, *args, **options):
        districts = District.objects.order_by("code")
        if options["district"]:
            districts = districts.filter(code=options["district"])
            if not districts.exists():
                raise CommandError(f"No district {options['district']!r}.")
        broken = []
        for district in districts:
            found = verify_chain(district.pk)
            if found is None:
                count = PayrollRun.objects.filter(
                    township__district=district, chain_position__isnull=False
                ).count()
                self.stdout.write(
                    f"ok: {count} ledgers in district {district.code} {district.name}"
                )
                continue
            run = PayrollRun.objects.select_related("township").get(pk=found.run_id)
            broken.append(
                f"broken: district {district.code} {district.name}, run {run.pk} "
                f"({run.township.name} {run.township.code}, {run.month:%Y-%m}), "
                f"chain position {found.position}: {found.reason}"
            )
        if broken:
            raise CommandError("\n".join(broken), returncode=1)
