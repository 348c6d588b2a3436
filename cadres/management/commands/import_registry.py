"""``manage.py import_registry PATH [--dry-run] [--user USERNAME] [--kind KIND]`` and
``manage.py import_registry --template PATH.xlsx`` (SPEC §2 "Bulk import", docs/import.md).

Exit codes: 0 imported (or a clean dry run), 1 bad rows (nothing imported; one line per bad
cell or row on stderr), 2 an unreadable file or a bad argument.
"""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cadres.importer import KINDS, UnreadableFile, find_kind, registry_import, write_template


class Command(BaseCommand):
    help = (
        "Import villages, people, posts, members, appraisals and annual assessments from an "
        "XLSX or CSV file: all rows or none. Exit 0 imported, 1 bad rows, 2 unreadable file."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="the XLSX or CSV file to import")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="import as this user, within their scope (default: the operator, no limit)",
        )
        parser.add_argument(
            "--kind",
            help="what a CSV file holds: " + ", ".join(k.key for k in KINDS) + " (or 村, 人员 …)",
        )
        parser.add_argument(
            "--template", metavar="PATH.xlsx", help="write the blank template and stop"
        )

    def handle(self, *args, **options):
        if options["template"]:
            try:
                write_template(options["template"])
            except OSError as exc:
                raise CommandError(str(exc), returncode=2)
            self.stdout.write(_("Template written to %(path)s.") % {"path": options["template"]})
            return
        path = options["path"]
        if not path:
            raise CommandError(_("Give the file to import, or --template PATH.xlsx."), returncode=2)
        kind = options["kind"]
        if kind and find_kind(kind) is None:
            raise CommandError(_("Unknown kind “%(kind)s”.") % {"kind": kind}, returncode=2)
        user = self._user(options["user"])
        verbose = options["verbosity"] >= 2
        try:
            with open(path, "rb") as source:
                result = registry_import(
                    user=user,
                    source=source,
                    name=path,
                    dry_run=options["dry_run"],
                    kind=kind,
                    progress=self._progress if verbose else None,
                )
        except OSError as exc:
            raise CommandError(str(exc), returncode=2)
        except UnreadableFile as exc:
            raise CommandError(str(exc), returncode=2)

        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            count = len(result.errors)
            raise CommandError(
                ngettext(
                    "Nothing was imported: %(count)s error.",
                    "Nothing was imported: %(count)s errors.",
                    count,
                )
                % {"count": count},
                returncode=1,
            )
        for kind_def in KINDS:
            counts = result.counts.get(kind_def.key)
            if counts:
                self.stdout.write(
                    _("%(kind)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged")
                    % {"kind": f"{kind_def.zh} ({kind_def.key})", **counts}
                )
        if result.dry_run:
            self.stdout.write(_("Dry run: the file is clean; nothing was written."))
        else:
            self._audit(user, path, result)
            self.stdout.write(
                self.style.SUCCESS(_("Imported %(rows)s rows.") % {"rows": result.rows})
            )

    @staticmethod
    def _audit(user, path, result):
        """One audit entry for the rows written in bulk: on the importing user's district
        (the operator's import: the first district), as there is no upload job here."""
        from branches.models import District
        from cadres.importer.jobs import audit_import

        district = None
        if user is not None:
            district = user.district or (user.township.district if user.township_id else None)
        district = district or District.objects.order_by("pk").first()
        if district is not None:
            audit_import(district, user, result, os.path.basename(path))

    def _user(self, username):
        if not username:
            return None
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(_("No user “%(name)s”.") % {"name": username}, returncode=2)
        if not user.is_active:
            raise CommandError(_("User “%(name)s” is inactive.") % {"name": username}, returncode=2)
        return user

    def _progress(self, phase, done, total):
        if total and (done == total or done % 5000 == 0):
            self.stderr.write(f"{phase}: {done}/{total}")
