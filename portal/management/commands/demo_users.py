"""``python manage.py demo_users``: one demo login per role (the work is in portal.demo)."""

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.demo import DEMO_PASSWORD, demo_users_ensure


class Command(BaseCommand):
    help = "Create or update one demo login per role and print them (needs seed_demo data)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help=f"password of every demo login ({DEMO_PASSWORD})",
        )

    def handle(self, *args, **opts):
        try:
            logins = demo_users_ensure(password=opts["password"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        rows = [("username", "role", "scope", "password")]
        rows += [(x.username, x.role, x.scope, x.password) for x in logins]
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        for n, row in enumerate(rows):
            line = "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        from django.utils import timezone

        from portal.models import User
        from subsidies.demo_workflows import load_workflow_demo

        users = {
            u.username: u for u in User.objects.filter(username__in=[x.username for x in logins])
        }
        load_workflow_demo(
            users=users, today=timezone.localdate(), say=lambda text: self.stdout.write(text)
        )
        port = os.environ.get("PORT", "8000")
        self.stdout.write(self.style.SUCCESS(f"Open http://127.0.0.1:{port}/ and log in."))


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
