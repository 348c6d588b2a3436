"""Payroll through a real Celery worker on PostgreSQL + Redis (issue 3 "Reliability"):
a district run whose worker is killed mid-run completes, after a new worker and a second run,
with exactly the expected lines; two concurrent computes of one run never duplicate or mix."""

import time
from datetime import date
from decimal import Decimal

import pytest

from branches.models import Township, Village
from cadres.models import PerformanceAppraisal, Person, Post
from cadres.validators import make_id_number
from subsidies.choices import RunStatus
from subsidies.models import PaymentLine, PayrollRun
from subsidies.tasks import compute_district, compute_run_task
from tests import factories as f
from tests.markers import requires_worker

pytestmark = [requires_worker, pytest.mark.integration]

NOV = date(2026, 11, 1)
TOWNSHIPS = 8
VILLAGES = 25  # per township
MEMBERS = 4  # committee members per village, besides the secretary


def build_district():
    """TOWNSHIPS townships, each VILLAGES villages of a secretary and MEMBERS members, all
    competent in November: every run's lines and total are known in advance."""
    district = f.DistrictFactory(code="INT")
    f.policy(district)
    townships = [
        Township.objects.create(district=district, code=f"INT-T{t}", name=f"集成{t}镇")
        for t in range(TOWNSHIPS)
    ]
    for township in townships:
        f.standard(township)
    villages = Village.objects.bulk_create(
        Village(township=township, code=f"INT-{township.code}-V{v}", name=f"{v}村")
        for township in townships
        for v in range(VILLAGES)
    )
    people, posts = [], []
    seq = 0
    for village in villages:
        for _ in range(1 + MEMBERS):
            seq += 1
            born = date(1950 + seq // 1000, 1, 1)  # unique IDs: 1,000 a birth date
            people.append(
                Person(
                    village=village,
                    name=f"干部{seq}",
                    gender="M",
                    birth_date=born,
                    id_number=make_id_number("110101", born, seq % 1000),
                    bank_name="农商行",
                    bank_account=f"6230{seq:012d}",
                )
            )
    Person.objects.bulk_create(people, batch_size=2000)
    people = list(Person.objects.filter(village__township__district=district).order_by("pk"))
    for index, person in enumerate(people):
        role = "secretary" if index % (1 + MEMBERS) == 0 else "committee_member"
        posts.append(
            Post(
                person=person, village_id=person.village_id, role=role, start_date=date(2020, 1, 1)
            )
        )
    Post.objects.bulk_create(posts, batch_size=2000)
    PerformanceAppraisal.objects.bulk_create(
        [
            PerformanceAppraisal(
                person=p, period_start=NOV, period_end=date(2026, 11, 30), grade="competent"
            )
            for p in people
        ],
        batch_size=2000,
    )
    return district, townships


# Each village: secretary 500 + 500, each member 300 + 300.
EXPECTED_TOTAL = Decimal(VILLAGES * (1000 + MEMBERS * 600))
EXPECTED_LINES = VILLAGES * (1 + MEMBERS) * 2


def wait_for(predicate, timeout=120, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out")


def assert_exactly_expected(district):
    runs = PayrollRun.objects.filter(township__district=district, month=NOV)
    assert runs.count() == TOWNSHIPS
    for run in runs:
        assert run.status == RunStatus.COMPUTED, (run.township.code, run.status, run.error)
        assert run.lines.count() == EXPECTED_LINES == run.line_count
        assert run.total_amount == EXPECTED_TOTAL
    lines = PaymentLine.objects.filter(run__township__district=district)
    assert lines.count() == TOWNSHIPS * EXPECTED_LINES
    assert lines.values("person", "component").distinct().count() == lines.count()


def test_district_run_survives_a_killed_worker(worker_factory):
    district, _townships = build_district()
    worker = worker_factory(concurrency=1)
    result, runs = compute_district(district=district, month=NOV)
    assert len(runs) == TOWNSHIPS
    computed = PayrollRun.objects.filter(
        township__district=district, month=NOV, status=RunStatus.COMPUTED
    )
    wait_for(lambda: computed.count() >= 1, step=0.01)
    worker.kill()
    done_at_kill = computed.count()
    assert done_at_kill < TOWNSHIPS, "the worker finished before it could be killed"

    worker_factory(concurrency=2)
    result, runs = compute_district(district=district, month=NOV)
    result.get(timeout=180)
    assert_exactly_expected(district)


def test_two_concurrent_computes_of_one_run(worker_factory):
    district, townships = build_district()
    worker_factory(concurrency=2)
    run = PayrollRun.objects.create(township=townships[0], month=NOV)
    first = compute_run_task.delay(run.pk)
    second = compute_run_task.delay(run.pk)
    assert first.get(timeout=120)["lines"] == EXPECTED_LINES
    assert second.get(timeout=120)["lines"] == EXPECTED_LINES
    run.refresh_from_db()
    assert run.lines.count() == EXPECTED_LINES and run.total_amount == EXPECTED_TOTAL
    assert run.events.filter(to_status=RunStatus.COMPUTED).count() == 2
