"""The progress script in a real browser (issue 10, smaller things): a run page whose run is
not computing makes no progress requests at all (it used to poll every 3 s forever)."""

import pytest
from django.core.cache import cache

from subsidies import services, tasks
from subsidies.models import PayrollRun

pytestmark = pytest.mark.e2e


def test_a_computed_run_page_does_not_poll(world, payroll, live_server, page, login):
    from datetime import date

    run = PayrollRun.objects.create(township=world.town_a, month=date(2026, 11, 1))
    run = services.run_compute(run_id=run.pk, user=world.staff_a)
    cache.delete(tasks.progress_key(run.pk))  # nothing computing, whatever earlier tests left
    login(page, world.staff_a)
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if "/progress/" in r.url else None)
    page.goto(live_server.url + run.get_absolute_url())
    page.wait_for_timeout(4500)
    assert polls == []
