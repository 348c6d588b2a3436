"""PORTAL_TEST_TODAY (issue 9 item 8, README "Tests"): the test settings move the clock of
every process that loads them to 10:00 Asia/Shanghai on that day; nothing else reads it."""

import os
import subprocess
import sys
from datetime import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from portal import testclock

# Whether anything in a fresh process travelled: the settings' day and time-machine loaded.
TRAVELLED = (
    "import sys; from django.conf import settings; "
    "print(getattr(settings, 'PORTAL_TEST_TODAY', None), 'time_machine' in sys.modules)"
)


def run_python(code: str, **env) -> str:
    """``code`` in a fresh interpreter after ``django.setup()`` with the given environment."""
    environment = {k: v for k, v in os.environ.items() if k != testclock.VARIABLE}
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_this_process_runs_on_the_day_named():
    day = testclock.test_today()
    if day is None:
        assert settings.PORTAL_TEST_TODAY is None
        pytest.skip("PORTAL_TEST_TODAY is unset: the suite runs at the real date")
    # The clock read here is the one under test: it is the day named, not the real date.
    assert settings.PORTAL_TEST_TODAY.date() == day
    assert timezone.localdate() == day
    assert datetime.now(testclock.ZONE).date() == day


def test_the_test_settings_travel_to_the_day_and_the_clock_ticks():
    out = run_python(
        "import time; from datetime import datetime; from django.utils import timezone; "
        "a = timezone.localtime(); time.sleep(0.05); b = timezone.localtime(); "
        "print(a.date(), a.hour, b > a)",
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        PORTAL_TEST_TODAY="2030-02-28",
    )
    assert out == "2030-02-28 10 True"


@pytest.mark.parametrize("module", ["portal.settings.local", "portal.settings.test"])
def test_without_the_variable_or_outside_the_test_settings_the_clock_is_real(module):
    env = {"DJANGO_SETTINGS_MODULE": module}
    if module == "portal.settings.local":
        env[testclock.VARIABLE] = "2030-02-28"  # the local settings never read it
    assert run_python(TRAVELLED, **env) == "None False"


def test_a_day_that_is_not_a_date_is_refused(monkeypatch):
    monkeypatch.setenv(testclock.VARIABLE, "2027-02-29")
    with pytest.raises(ImproperlyConfigured, match="2027-02-29"):
        testclock.test_today()
    monkeypatch.setenv(testclock.VARIABLE, "")
    assert testclock.test_today() is None
