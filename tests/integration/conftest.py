"""A real Celery worker process for the integration tests (PostgreSQL + Redis only).

The worker runs `celery -A portal worker` against the test database (its DATABASE_URL names
the database pytest-django created) and a queue of its own, so nothing else on the broker
interferes. Tests use the ``transactional_db`` so that the worker sees committed rows."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app

ROOT = Path(settings.BASE_DIR)


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{s['USER']}{password}@{host}:{port}/{s['NAME']}"


class Worker:
    def __init__(self, queue: str, concurrency: int):
        self.queue = queue
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None
        self.log = ROOT / "var" / f"worker-{queue}.log"

    def start(self) -> "Worker":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="portal.settings.test",
            DATABASE_URL=_database_url(),
            CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
            CELERY_TASK_ALWAYS_EAGER="false",
            CELERY_TASK_DEFAULT_QUEUE=self.queue,  # chord callbacks sent by the worker too
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-Q",
                self.queue,
                "-c",
                str(self.concurrency),
                "-P",
                "prefork",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=INFO",
                "-n",
                f"{self.queue}-{uuid.uuid4().hex[:6]}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=0.5) or []
            if any(self.queue in name for reply in replies for name in reply):
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log.read_text()[-2000:]}")
        raise RuntimeError(f"worker did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children): a crash, not a stop."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_factory(transactional_db):
    """Start real workers on a private queue; the test process sends tasks to it."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
    saved = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    app.conf.update(task_always_eager=False, task_default_queue=queue)
    workers: list[Worker] = []

    def start(concurrency: int = 1) -> Worker:
        worker = Worker(queue, concurrency).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    app.conf.update(saved)
    # Drop what a killed worker left on the queue.
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)
