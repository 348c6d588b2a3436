"""The registry import with a real Celery worker process (PostgreSQL + a broker): a file
above IMPORT_SYNC_MAX_ROWS is enqueued when its job is committed and imported by the worker,
which finds the job, the stored file and the rows; the progress endpoint then says done."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from cadres.models import Person
from portal.choices import ImportStatus
from portal.models import ImportJob
from tests.cadres.importfiles import people_file
from tests.markers import requires_worker

pytestmark = [
    pytest.mark.integration,
    requires_worker,
    pytest.mark.django_db(transaction=True),
]

WAIT_SECONDS = 90  # an upper bound for a slow CI machine, not a measurement


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"


@pytest.fixture
def worker(settings):
    """A worker on a queue of its own, using the test database; tasks are routed to it."""
    from portal.celery import app

    queue = f"import-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo",
         "--concurrency=1", "-Q", queue, "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--loglevel=WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    saved = (app.conf.task_always_eager, app.conf.task_routes)
    app.conf.task_always_eager = False
    app.conf.task_routes = {"cadres.tasks.import_registry_task": {"queue": queue}}
    try:
        yield process
    finally:
        app.conf.task_always_eager, app.conf.task_routes = saved
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_large_file_is_imported_by_a_real_worker(client, world, worker):
    client.force_login(world.staff_a)
    response = client.post(
        reverse("importer:import-list"),
        {"file": SimpleUploadedFile("people.xlsx", people_file(250))},
    )
    job = ImportJob.objects.get()
    assert response.url == job.get_absolute_url()
    deadline = time.monotonic() + WAIT_SECONDS
    while not job.finished and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.5)
        job.refresh_from_db()
    if not job.finished:
        worker.terminate()
        pytest.fail(f"the worker did not finish the job:\n{worker.communicate()[0]}")
    assert (job.status, job.error_count, job.message) == (ImportStatus.DONE, 0, "")
    assert job.total_rows == job.done_rows == 250
    assert Person.objects.filter(name__startswith="人").count() == 250
    progress = client.get(reverse("importer:import-progress", args=[job.pk])).json()
    assert (progress["finished"], progress["percent"]) == (True, 100)
