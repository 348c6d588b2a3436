"""The monthly health-check due list (SPEC §6 beat, R-REG-2)."""

import pytest

from cadres.tasks import health_check_due_task
from portal.models import Notification

pytestmark = pytest.mark.django_db


def test_health_check_notices_once_a_month(world):
    # world.secretary_a has never had a health check: overdue.
    assert health_check_due_task("2026-11-01") == 1
    assert health_check_due_task("2026-11-15") == 0  # same month: nothing new
    notice = Notification.objects.get(recipient=world.staff_a)
    assert world.secretary_a.name in notice.text
    assert not Notification.objects.filter(recipient=world.staff_b).exists()
    assert health_check_due_task("2026-12-01") == 1
    assert Notification.objects.filter(recipient=world.staff_a).count() == 2
