"""Settings for the test suite: SQLite by default, PostgreSQL + Redis when their URLs are set.

Unit tests run Celery tasks in-process; the integration tests start a real worker process
and switch eager mode off themselves.
"""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The integration tests start real workers with CELERY_TASK_ALWAYS_EAGER=false.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # noqa: F405 - a line per login otherwise
IMPORT_SYNC_MAX_ROWS = env.int("IMPORT_SYNC_MAX_ROWS", default=200)

# PORTAL_TEST_TODAY=YYYY-MM-DD: this process (a pytest worker, a Celery worker of the
# integration tests) runs as if that day were today (README "Tests"). Test settings only.
from portal.testclock import travel_to_test_today  # noqa: E402

PORTAL_TEST_TODAY = travel_to_test_today()

# Each test process keeps its cache keys apart: run ids repeat between the databases of the
# xdist workers and between runs, and a Redis cache outlives a run (a progress key left by one
# test must not make another test's run look as if it were computing). The integration tests
# hand the prefix to their Celery workers.
import uuid  # noqa: E402

CACHES["default"]["KEY_PREFIX"] = env.str(  # noqa: F405
    "PORTAL_TEST_CACHE_PREFIX", default=f"test-{uuid.uuid4().hex[:12]}"
)
