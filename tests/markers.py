import pytest
from django.conf import settings

POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
BROKER = settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://", "amqp://"))

requires_postgres = pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (DATABASE_URL)")
requires_worker = pytest.mark.skipif(
    not (POSTGRES and BROKER),
    reason="needs PostgreSQL and a broker (DATABASE_URL, CELERY_BROKER_URL)",
)
