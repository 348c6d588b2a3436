"""Production settings pass `manage.py check --deploy` when their variables are set, and refuse
to start with DEBUG or the development secret key (issue 2, SPEC §7)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-" + "q" * 30,
    "DJANGO_ALLOWED_HOSTS": "portal.example.gov.cn",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "LEDGER_KEY": "Zq3-ledger-key-for-the-settings-test-9fKx2",
}


def run_check(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(PRODUCTION_ENV)
    env.update(overrides)
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_check_deploy():
    result = run_check()
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off"),
        (
            {"DJANGO_SECRET_KEY": "insecure-local-only-key-do-not-use-in-production"},
            "DJANGO_SECRET_KEY",
        ),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        # Issue 9: what check --deploy warns about (security.W009) stops the start-up too.
        ({"DJANGO_SECRET_KEY": "a" * 50}, "5+ distinct characters"),
        ({"DJANGO_SECRET_KEY": "abcd" * 20}, "5+ distinct characters"),
        ({"DJANGO_SECRET_KEY": "django-insecure-" + "x1y2z3w4v5" * 5}, "django-insecure"),
        ({"DJANGO_SECRET_KEY": "r4nd0m-but-short-k3y"}, "50+ characters"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_debug_or_a_weak_key(overrides, message):
    """Each is refused at start-up: the settings module itself raises, so no command and no
    server starts (run in a subprocess that imports the production settings)."""
    result = run_check(**overrides)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_needs_its_database_url():
    result = run_check(DATABASE_URL=None)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


# --- The ledger chain's key (SPEC §3, issue 9 item 4) ---------------------------------------------


@pytest.mark.parametrize(
    ("ledger_key", "message"),
    [
        (None, "LEDGER_KEY"),  # not set: no default in production
        ("", "LEDGER_KEY must be at least 32 characters"),
        ("short-key-1234567890", "LEDGER_KEY must be at least 32 characters"),
        ("ab" * 30, "LEDGER_KEY must have at least 10 different characters"),
        (PRODUCTION_ENV["DJANGO_SECRET_KEY"], "LEDGER_KEY must not be the same as"),
    ],
)
def test_production_refuses_a_missing_or_weak_ledger_key(ledger_key, message):
    result = run_check(LEDGER_KEY=ledger_key)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.skipif("LEDGER_KEY" in os.environ, reason="LEDGER_KEY is set in the environment")
def test_development_derives_the_ledger_key_and_says_so():
    from django.core.checks import run_checks

    from portal.keys import derive_ledger_key

    assert settings.LEDGER_KEY_DERIVED
    assert derive_ledger_key(settings.SECRET_KEY) == settings.LEDGER_KEY
    assert "subsidies.W001" in [w.id for w in run_checks(tags=["security"])]
