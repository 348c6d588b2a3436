"""``PORTAL_TEST_TODAY=YYYY-MM-DD``: run the test suite as if that day were today.

Only the test settings (:mod:`portal.settings.test`) call :func:`travel_to_test_today`, so the
clock of every process that loads them travels: the pytest process and each xdist worker (and
with them ``live_server``, a thread of the worker), and the real Celery workers of the
integration tests, which inherit the variable through the environment. Production and the
local settings never read the variable. time-machine is a dev dependency: it is imported here
only when the variable is set.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured

VARIABLE = "PORTAL_TEST_TODAY"
ZONE = ZoneInfo("Asia/Shanghai")
TIME_OF_DAY = time(10, 0)  # mid-morning: the same calendar day in UTC and in Shanghai

_traveller = None


def test_today() -> date | None:
    """The day PORTAL_TEST_TODAY names, or None when it is unset or empty."""
    value = os.environ.get(VARIABLE, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(f"{VARIABLE} must be a day like 2027-01-01, not {value!r}.")


def travel_to_test_today() -> datetime | None:
    """Move this process's clock to 10:00 Asia/Shanghai on PORTAL_TEST_TODAY; the clock then
    ticks on from there. Returns the moment travelled to, or None (the real clock) when the
    variable is unset. Calling it again in the same process does nothing more."""
    global _traveller
    day = test_today()
    if day is None:
        return None
    moment = datetime.combine(day, TIME_OF_DAY, tzinfo=ZONE)
    if _traveller is None:
        import time_machine

        _traveller = time_machine.travel(moment, tick=True)
        _traveller.start()
    return moment
