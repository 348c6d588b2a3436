"""Real Celery worker processes on a private queue, for the benchmarks and the integration
tests: started as a process group so a crash (SIGKILL) or a stop takes the pool children too.
The sending process must use the same queue (``app.conf.task_default_queue``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings

from .celery import app


class WorkerProcess:
    def __init__(
        self,
        queue: str,
        *,
        concurrency: int = 1,
        env: dict | None = None,
        log: Path | None = None,
        loglevel: str = "INFO",
    ):
        self.queue = queue
        self.concurrency = concurrency
        self.env = env or {}
        self.log = log
        self.loglevel = loglevel
        self.name = f"{queue}-{uuid.uuid4().hex[:6]}"
        self.process: subprocess.Popen | None = None

    def spawn(self) -> WorkerProcess:
        env = dict(os.environ)
        env.update(CELERY_TASK_ALWAYS_EAGER="false", CELERY_TASK_DEFAULT_QUEUE=self.queue)
        env.update(self.env)
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
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
                f"--loglevel={self.loglevel}",
                "-n",
                f"{self.name}@%h",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
        """SIGKILL the whole worker: a crash, not a stop."""
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


def wait_until_ready(workers: list[WorkerProcess], timeout: float = 60) -> None:
    """Block until every worker answers a ping (its queue is consumed from then on)."""
    names = {w.name for w in workers}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5) or []
        answered = {name.split("@")[0] for reply in replies for name in reply}
        if names <= answered:
            return
        for worker in workers:
            if worker.process and worker.process.poll() is not None:
                log = worker.log.read_text()[-2000:] if worker.log else ""
                raise RuntimeError(f"worker {worker.name} exited: {log}")
    raise RuntimeError("the workers did not start in time")


def private_queue(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"
