"""Latency of list pages and API lists at province scale (SPEC §8: p95 under 200 ms, query
count independent of the page size).

Run it on a PostgreSQL database holding a large registry, e.g. after
``seed_demo --villages 20000 --townships 200`` and ``demo_users``. Each list is requested
``--repeat`` times in-process through the full Django stack (middleware, scope, templates or
serializers) as the district admin (the whole district) and as township staff; the first
page, a deep page and a search. The last line printed is JSON with p50/p95 in milliseconds per
list and role and the worst p95.
"""

from __future__ import annotations

import json
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from branches.models import PartyMember
from cadres.models import Person
from portal.models import User

LISTS = [
    ("people", "/people/"),
    ("people page 50", "/people/?page=50"),
    ("people search", "/people/?q=%E5%BC%A0"),  # 张
    ("villages", "/villages/"),
    ("members", "/members/"),
    ("members page 50", "/members/?page=50"),
    ("api people", "/api/v1/people/"),
    ("api people search", "/api/v1/people/?q=%E5%BC%A0"),
    ("api people page 50", "/api/v1/people/?page=50"),
    ("api members", "/api/v1/members/"),
    ("api posts", "/api/v1/posts/"),
    ("payroll runs", "/payroll/"),
]


class Command(BaseCommand):
    help = "Measure p50/p95 of list pages and API lists on a large registry (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument(
            "--users",
            default="admin,town",
            help="usernames to measure as (demo_users' district admin, staff)",
        )

    def handle(self, *args, repeat, users, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_lists measures PostgreSQL: set DATABASE_URL.")
        people, members = Person.objects.count(), PartyMember.objects.count()
        self.stdout.write(f"registry: {people:,} people, {members:,} party members")
        results = {}
        worst = 0.0
        for username in users.split(","):
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user {username!r}: run demo_users first.")
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            for name, url in LISTS:
                client.get(url)  # warm caches and the connection
                timings = []
                for _ in range(repeat):
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        response = client.get(url)
                        timings.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        raise CommandError(f"{url} as {username}: HTTP {response.status_code}")
                timings.sort()
                p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
                worst = max(worst, p95)
                key = f"{username} {name}"
                results[key] = {
                    "p50_ms": round(statistics.median(timings), 1),
                    "p95_ms": round(p95, 1),
                    "queries": len(queries.captured_queries),
                }
                self.stdout.write(
                    f"{key:<32} p50 {results[key]['p50_ms']:>7.1f} ms   "
                    f"p95 {p95:>7.1f} ms   {results[key]['queries']} queries"
                )
        self.stdout.write(
            json.dumps(
                {
                    "people": people,
                    "members": members,
                    "worst_p95_ms": round(worst, 1),
                    "lists": results,
                },
                ensure_ascii=False,
            )
        )
