"""A real Celery worker process for the integration tests (PostgreSQL + Redis only).

The worker runs `celery -A portal worker` against the test database (its DATABASE_URL names
the database pytest-django created) and a queue of its own, so nothing else on the broker
interferes. Tests use the ``transactional_db`` so that the worker sees committed rows."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from portal import testclock
from portal.celery import app
from portal.workers import WorkerProcess, private_queue, wait_until_ready

ROOT = Path(settings.BASE_DIR)


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{s['USER']}{password}@{host}:{port}/{s['NAME']}"


class Worker(WorkerProcess):
    """A worker of the test database: its DATABASE_URL names the database pytest created."""

    def start(self) -> "Worker":
        self.env.update(
            DJANGO_SETTINGS_MODULE="portal.settings.test",
            DATABASE_URL=_database_url(),
            CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
            # The same cache keys as the test process (portal.settings.test KEY_PREFIX).
            PORTAL_TEST_CACHE_PREFIX=settings.CACHES["default"]["KEY_PREFIX"],
        )
        # PORTAL_TEST_TODAY: the worker loads the test settings, whose clock travels too.
        if day := testclock.test_today():
            self.env[testclock.VARIABLE] = day.isoformat()
        self.spawn()
        wait_until_ready([self])
        return self


@pytest.fixture
def worker_factory(transactional_db):
    """Start real workers on a private queue; the test process sends tasks to it."""
    queue = private_queue("test")
    (ROOT / "var").mkdir(exist_ok=True)
    saved = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    app.conf.update(task_always_eager=False, task_default_queue=queue)
    workers: list[Worker] = []

    def start(concurrency: int = 1) -> Worker:
        worker = Worker(
            queue, concurrency=concurrency, log=ROOT / "var" / f"worker-{queue}.log"
        ).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    app.conf.update(saved)
    # Drop what a killed worker left on the queue.
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)
