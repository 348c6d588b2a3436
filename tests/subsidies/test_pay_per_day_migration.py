"""The migration to R-PAY-3 per day (subsidies 0005) on existing lines, and two townships
computing at once (issue 9, 10a)."""

import threading
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.db import OperationalError, connection, connections
from django.db.migrations.executor import MigrationExecutor

from cadres.choices import EndReason, PostRole
from subsidies import compute, services
from subsidies.models import PaymentLine, PayrollRun
from tests import factories as f

NOV = date(2026, 11, 1)
BEFORE = ("subsidies", "0004_allowance_award")
AFTER = ("subsidies", "0005_pay_per_day")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _migrate_to_latest():
    """Back to every app's newest migration, so the tests after this one find the schema."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_migration_fills_the_days_of_existing_lines(world):
    """Existing regular basic and performance lines get the days they paid: the whole month,
    or, for part of a month, the first to the last day of the person's posts in the run's
    township (to the date of death); other lines stay empty."""
    f.policy(world.district)
    f.standard(world.town_a)
    left = f.PersonFactory(village=world.village_a, name="离任")
    f.PostFactory(
        person=left,
        village=world.village_a,
        role=PostRole.COMMITTEE_MEMBER,
        start_date=date(2026, 11, 3),
        end_date=date(2026, 11, 15),
        end_reason=EndReason.RESIGNED,
    )
    died = f.PersonFactory(village=world.village_a, name="病故", died_on=date(2026, 11, 10))
    f.PostFactory(person=died, village=world.village_a, role=PostRole.COMMITTEE_MEMBER)
    gone = f.PersonFactory(village=world.village_a, name="撤销")
    post = f.PostFactory(
        person=gone,
        village=world.village_a,
        role=PostRole.COMMITTEE_MEMBER,
        start_date=date(2026, 11, 20),
    )
    run = PayrollRun.objects.create(township=world.town_a, month=NOV)
    services.run_compute(run_id=run.pk)
    post.delete()  # the registry no longer explains the line: the whole month is kept
    try:
        _migrate(BEFORE)
        _migrate(AFTER)
    finally:
        _migrate(AFTER)
    covers = {
        (line.person_id, line.component): (line.covers_from, line.covers_to)
        for line in PaymentLine.objects.filter(run=run)
    }
    month = (NOV, date(2026, 11, 30))
    assert covers[(world.secretary_a.pk, "basic")] == month
    assert covers[(left.pk, "performance")] == (date(2026, 11, 3), date(2026, 11, 15))
    assert covers[(died.pk, "basic")] == (NOV, date(2026, 11, 10))
    assert covers[(gone.pk, "basic")] == month
    try:
        _migrate(BEFORE)
        _migrate(AFTER)  # forwards again over the same data: the same days
        assert {
            (line.person_id, line.component): (line.covers_from, line.covers_to)
            for line in PaymentLine.objects.filter(run=run)
        } == covers
    finally:
        _migrate_to_latest()


@pytest.fixture
def two_townships(world):
    """The mover of test_pay_per_day: A's village until the 15th, B's from the 16th."""
    f.policy(world.district)
    f.standard(world.town_a, "500.00")
    f.standard(world.town_b, "400.00")
    village_a2 = f.VillageFactory(township=world.town_a, code="V-A2")
    person = f.PersonFactory(village=village_a2, name="王迁")
    f.PostFactory(
        person=person,
        village=village_a2,
        start_date=date(2020, 1, 1),
        end_date=date(2026, 11, 15),
        end_reason=EndReason.TERM_ENDED,
    )
    f.PostFactory(person=person, village=world.village_b, start_date=date(2026, 11, 16))
    return person


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_r_pay_3_two_townships_compute_at_the_same_time(world, two_townships):
    """Both transactions are open and have read everything before either writes: each pays
    its own days, neither waits for the other into an error."""
    runs = [PayrollRun.objects.create(township=t, month=NOV) for t in (world.town_a, world.town_b)]
    barrier = threading.Barrier(2, timeout=30)
    write = compute.write
    errors = []

    def write_together(run, rows):
        barrier.wait()
        write(run, rows)

    def compute_run(run_id):
        try:
            services.run_compute(run_id=run_id)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    with mock.patch.object(compute, "write", write_together):
        threads = [threading.Thread(target=compute_run, args=(run.pk,)) for run in runs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert errors == []
    paid = PaymentLine.objects.filter(person=two_townships, component="basic")
    assert sorted(paid.values_list("amount", flat=True)) == [Decimal("250.00")] * 2


@pytest.mark.django_db(transaction=True)
def test_a_deadlock_or_serialization_failure_is_computed_again(world, two_townships):
    """PostgreSQL breaks a deadlock by rolling one transaction back (SQLSTATE 40P01): the
    compute runs again instead of failing; another database error is not retried."""
    run = PayrollRun.objects.create(township=world.town_a, month=NOV)
    deadlock = OperationalError("deadlock detected")
    deadlock.__cause__ = type("DeadlockDetected", (Exception,), {"pgcode": "40P01"})()
    real = services._run_compute
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise deadlock
        return real(**kwargs)

    with mock.patch.object(services, "_run_compute", flaky):
        assert services.run_compute(run_id=run.pk).line_count > 0
    assert len(calls) == 2
    other = OperationalError("disk full")
    with (
        mock.patch.object(services, "_run_compute", side_effect=other) as failing,
        pytest.raises(OperationalError),
    ):
        services.run_compute(run_id=run.pk)
    assert failing.call_count == 1
