"""The real Celery worker keeps the test's clock (issue 9 item 8): under PORTAL_TEST_TODAY it
travels to the same day as the test process, so what it stamps agrees with the test."""

from datetime import date

import pytest
from django.utils import timezone

from portal import testclock
from subsidies.models import PayrollRun
from subsidies.tasks import compute_run_task
from tests import factories as f
from tests.markers import requires_worker

pytestmark = [requires_worker, pytest.mark.integration]


def test_the_worker_computes_at_the_test_process_time(worker_factory, monkeypatch):
    """The worker is started with the day the test names (not the real date), and stamps the
    run on that day."""
    monkeypatch.setenv(testclock.VARIABLE, "2030-02-28")
    district = f.DistrictFactory(code="CLK")
    f.policy(district)
    township = f.TownshipFactory(district=district, code="CLK-T")
    f.standard(township)
    village = f.VillageFactory(township=township, code="CLK-V")
    person = f.PersonFactory(village=village)
    f.PostFactory(person=person, village=village, start_date=date(2020, 1, 1))
    run = PayrollRun.objects.create(township=township, month=date(2026, 11, 1))
    worker_factory()
    compute_run_task.delay(run.pk).get(timeout=120)
    run.refresh_from_db()
    assert run.computed_at is not None
    assert timezone.localtime(run.computed_at).date() == date(2030, 2, 28)
