"""``manage.py verify_ledgers [--district CODE] [--head POSITION:HASH] [--no-exports]``: checks
every district's keyed hash chain of locked ledgers (SPEC §3, :mod:`subsidies.ledger`).

Per district: each link under LEDGER_KEY, no locked run off the chain, every head a recorded
export printed still on the chain, ``--head`` (a head known from outside: printed on a file,
on the public page) still on the chain, and every recorded export re-created with the same
SHA-256. Prints ``ok: N ledgers in district X, head P:H; exports: …`` per district, or
names the first broken link (district, run, township, month, chain position, reason) and
exits 1.

``--head`` without ``--district`` is checked against the district whose chain has a link at
that position (the only district, or the one holding that hash); with none, it fails.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from branches.models import District
from subsidies import ledger
from subsidies.models import PayrollRun


class Command(BaseCommand):
    help = "Verify the keyed hash chains of locked payment ledgers; exit 1 at a broken link."

    def add_arguments(self, parser):
        parser.add_argument("--district", help="check this district only (its code)")
        parser.add_argument(
            "--head",
            metavar="POSITION:HASH",
            help="a chain head known from outside (printed on an export or the public page): "
            "the chain must still hold it",
        )
        parser.add_argument(
            "--no-exports",
            action="store_true",
            help="do not re-create the recorded exports (faster; the chain is still checked)",
        )

    def handle(self, *args, **options):
        head = None
        if options["head"]:
            try:
                head = ledger.Head.parse(options["head"])
            except ValueError as exc:
                raise CommandError(str(exc), returncode=2)
        districts = list(District.objects.order_by("code"))
        if options["district"]:
            districts = [d for d in districts if d.code == options["district"]]
            if not districts:
                raise CommandError(f"No district {options['district']!r}.")
        head_district = self._head_district(head, districts) if head else None
        broken = []
        for district in districts:
            found = ledger.verify_chain(
                district.pk, head=head if district.pk == head_district else None
            )
            exports = None
            if found is None and not options["no_exports"]:
                exports = ledger.verify_exports(district.pk)
                if exports.mismatch is not None:
                    record = exports.mismatch
                    found = ledger.Break(
                        district.pk,
                        record.run_id,
                        record.head_position,
                        f"export #{record.pk} ({record.format}, {record.month:%Y-%m}, "
                        f"SHA-256 {record.sha256[:16]}…) re-created gives another file",
                    )
            if found is None:
                self.stdout.write(self._ok(district, exports, district.pk == head_district, head))
                continue
            broken.append(self._broken(district, found))
        if head is not None and head_district is None:
            broken.append(
                f"broken: no district's chain holds the head {head} (position {head.position} "
                "is beyond every chain, or holds another hash): ledgers were removed or "
                "re-hashed"
            )
        if broken:
            raise CommandError("\n".join(broken), returncode=1)

    @staticmethod
    def _head_district(head: ledger.Head, districts) -> int | None:
        """The district to check ``head`` against: the one whose link at that position holds
        the hash; else the only district given."""
        ids = [d.pk for d in districts]
        holder = (
            PayrollRun.objects.filter(
                township__district_id__in=ids,
                chain_position=head.position,
                ledger_hash=head.hash,
            )
            .values_list("township__district_id", flat=True)
            .first()
        )
        if holder is not None:
            return holder
        return ids[0] if len(ids) == 1 else None

    @staticmethod
    def _ok(district, exports, head_checked, head) -> str:
        current = ledger.chain_head(district.pk)
        links = current.position if current else 0
        text = f"ok: {links} ledgers in district {district.code} {district.name}"
        if current:
            text += f", head {current}"
        if head_checked:
            text += f"; holds the head {head}"
        if exports is not None and not (exports.checked or exports.skipped):
            text += "; no exports recorded"
        elif exports is not None:
            text += (
                f"; exports: {exports.checked} re-created with the recorded SHA-256 "
                f"({exports.files} distinct files)"
            )
            if exports.skipped:
                text += f", {exports.skipped} made before files printed the head (not re-created)"
        return text

    @staticmethod
    def _broken(district, found: ledger.Break) -> str:
        where = f"broken: district {district.code} {district.name}"
        if found.run_id is not None:
            run = PayrollRun.objects.select_related("township").get(pk=found.run_id)
            where += f", run {run.pk} ({run.township.name} {run.township.code}, {run.month:%Y-%m})"
        position = "off the chain" if found.position is None else f"chain position {found.position}"
        return f"{where}, {position}: {found.reason}"
