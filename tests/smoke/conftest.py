"""The smoke suite (issue 9 item 9): the portal as ``make demo`` runs it — the default settings
``portal.settings.local`` with DEBUG on — with the demo data loaded once per session by the
demo's own commands (``seed_demo --if-empty``, ``demo_users``).

It runs only in its own invocation, ``make smoke``::

    pytest --ds=portal.settings.local -o django_debug_mode=keep tests/smoke

Under any other settings (``make test``) its tests are skipped with that reason. Tasks run
in-process (eager) even when CELERY_BROKER_URL is set: the suite is about the settings and
the pages, not the broker (tests/integration covers real workers)."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

SETTINGS = "portal.settings.local"
DEMO_ROLES = ("admin", "town", "secretary", "reviewer", "reviewer2", "finance")


def smoke_settings() -> bool:
    return settings.SETTINGS_MODULE == SETTINGS and settings.DEBUG


def pytest_collection_modifyitems(config, items):
    if smoke_settings():
        return
    skip = pytest.mark.skip(
        reason="the smoke suite runs under portal.settings.local with DEBUG on: make smoke"
    )
    for item in items:
        if "tests/smoke/" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """The test database with the demo data, as ``make demo`` loads it."""
    from portal.celery import app

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    app.conf.task_always_eager = True
    out = io.StringIO()
    with django_db_blocker.unblock():
        call_command("seed_demo", "--if-empty", stdout=out, stderr=out)
        call_command("demo_users", stdout=out, stderr=out)


@pytest.fixture
def demo(db):
    """The demo users by username."""
    from portal.models import User

    return {u.username: u for u in User.objects.filter(username__in=DEMO_ROLES)}
