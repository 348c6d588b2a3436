"""The import upload page, import jobs and the Celery task (SPEC §2 "Bulk import"): township
staff and district admins upload; a forged out-of-scope row is reported, not imported; a
file above IMPORT_SYNC_MAX_ROWS runs in the task with a progress bar; jobs are scoped."""

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from cadres.importer import jobs
from cadres.importer.jobs import JobProgress, import_job_run, progress_key
from cadres.models import Person
from cadres.tasks import import_registry_task
from cadres.validators import make_id_number
from portal.choices import ImportStatus
from portal.context_processors import navigation
from portal.models import ImportJob
from tests import factories as f
from tests.cadres.importfiles import (
    ID_WANG,
    PEOPLE_HEADERS,
    csv_bytes,
    good_sheets,
    people_file,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

LIST = reverse("importer:import-list")


@pytest.fixture(autouse=True)
def _english_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    """Pages in English (the reports are written in the uploader's language)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def registry(world):
    branch = f.BranchFactory(township=world.town_a, code="B-A1")
    branch.villages.add(world.village_a)
    return world


def upload(client, data: bytes, name="registry.xlsx", **fields):
    return client.post(LIST, {"file": SimpleUploadedFile(name, data), **fields})


def test_township_staff_import_a_small_file_at_once(client, registry):
    client.force_login(registry.staff_a)
    response = upload(client, xlsx_bytes(good_sheets()))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == job.get_absolute_url()
    assert (job.status, job.error_count, job.user, job.township) == (
        ImportStatus.DONE,
        0,
        registry.staff_a,
        registry.town_a,
    )
    assert job.counts["people"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert job.imported
    assert job.language == "en"  # the report is written in the uploader's language
    assert Person.objects.filter(id_number=ID_WANG).exists()
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert "Imported." in page.content.decode()
    assert "<progress" not in page.content.decode()
    # the stored copy is gone once imported; its digest stays
    assert not job.file and len(job.sha256) == 64


def test_a_forged_village_of_another_township_gives_the_error_report(client, registry):
    client.force_login(registry.staff_a)
    data = xlsx_bytes({"人员": [PEOPLE_HEADERS, ["V-A1", "王五", ID_WANG], ["V-B1", "赵六",
                                  make_id_number("110101", date(1985, 9, 30), 22)]]})  # fmt: skip
    upload(client, data)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.DONE
    assert job.errors == [
        {
            "sheet": "人员",
            "row": 3,
            "column": "村代码",
            "reason": "This village is outside your township.",
        }
    ]
    assert not Person.objects.filter(name__in=["王五", "赵六"]).exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Nothing was imported: 1 error in the file." in page
    assert "This village is outside your township." in page
    report = client.get(reverse("importer:import-report", args=[job.pk]))
    assert report.content.decode("utf-8-sig").splitlines()[1] == (
        "人员,3,村代码,This village is outside your township."
    )


def test_dry_run_from_the_page_writes_nothing(client, registry):
    client.force_login(registry.admin)
    upload(client, xlsx_bytes(good_sheets()), dry_run="on")
    job = ImportJob.objects.get()
    assert (job.status, job.dry_run, job.error_count) == (ImportStatus.DONE, True, 0)
    assert job.counts["posts"]["created"] == 4
    assert not Person.objects.filter(id_number=ID_WANG).exists()
    assert "nothing was written" in client.get(job.get_absolute_url()).content.decode()


def test_a_csv_upload_with_a_forced_kind(client, registry):
    client.force_login(registry.staff_a)
    rows = [
        ["身份证号", "年度", "得分", "考核等次"],
        [registry.secretary_a.id_number, 2024, 88, "称职"],
    ]
    upload(client, csv_bytes(rows), "scores.csv", kind="assessments")
    job = ImportJob.objects.get()
    assert job.counts == {"assessments": {"created": 1, "updated": 0, "unchanged": 0}}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "neither an XLSX file nor a CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old Excel"),
        (b"PK\x03\x04" + b"\0" * 64, "damaged"),
    ],
    ids=["png", "xls", "not-a-zip"],
)
def test_the_type_is_checked_by_content(client, registry, data, message):
    client.force_login(registry.staff_a)
    response = upload(client, data, "looks-fine.xlsx")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_size_is_limited(client, registry, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(registry.staff_a)
    response = upload(client, b"a,b\n" * (300 * 1024), "big.csv")
    assert response.status_code == 200
    assert "larger than 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("role", ["reviewer_a", "finance", "secretary"])
def test_roles_that_may_not_change_people_may_not_import(client, registry, role):
    client.force_login(getattr(registry, role))
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("importer:import-template")).status_code == 403
    assert upload(client, xlsx_bytes(good_sheets())).status_code == 403
    assert not ImportJob.objects.exists()


def test_the_upload_still_needs_the_csrf_token(registry):
    """The view reads uploads through its own size-limiting handler, so CSRF is checked by
    the view itself rather than the middleware: a post without the token is refused."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    client.force_login(registry.staff_a)
    assert upload(client, xlsx_bytes(good_sheets())).status_code == 403
    assert not ImportJob.objects.exists()
    token = client.get(LIST).context["csrf_token"]
    response = client.post(
        LIST,
        {
            "file": SimpleUploadedFile("r.xlsx", xlsx_bytes(good_sheets())),
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert ImportJob.objects.get().imported


def test_anonymous_users_are_sent_to_log_in(client):
    assert client.get(LIST).status_code == 302


def test_the_template_download(client, registry, tmp_path):
    client.force_login(registry.staff_a)
    response = client.get(reverse("importer:import-template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    path = tmp_path / "t.xlsx"
    path.write_bytes(response.content)
    assert "人员" in openpyxl.load_workbook(path).sheetnames


def test_jobs_are_scoped(client, registry):
    """Own jobs only; a district admin sees the district's; ids of others give 404."""
    client.force_login(registry.staff_a)
    upload(client, people_file(2))
    job = ImportJob.objects.get()
    colleague = f.township_staff(registry.town_a)
    other_district_admin = f.district_admin(f.DistrictFactory())
    urls = [
        job.get_absolute_url(),
        reverse("importer:import-progress", args=[job.pk]),
        reverse("importer:import-report", args=[job.pk]),
    ]
    for user, status in (
        (registry.staff_a, 200),
        (registry.admin, 200),
        (registry.staff_b, 404),
        (colleague, 404),
        (other_district_admin, 404),
        (registry.finance, 403),
    ):
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [status] * 3, user
    client.force_login(registry.staff_b)
    assert job.original_name not in client.get(LIST).content.decode()


def test_a_large_file_runs_in_the_task_with_progress(
    client, registry, settings, django_capture_on_commit_callbacks
):
    assert settings.IMPORT_SYNC_MAX_ROWS == 200
    client.force_login(registry.staff_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, people_file(250))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.QUEUED  # nothing runs before the job is committed
    assert Path(job.file.path).parent.name == "imports"
    assert Path(job.file.path).is_relative_to(settings.MEDIA_ROOT)
    page = client.get(response.url).content.decode()
    assert '<progress id="import-progress"' in page
    assert reverse("importer:import-progress", args=[job.pk]) in page
    assert len(callbacks) == 1

    callbacks[0]()  # the commit: the task runs (eagerly in the tests)
    job.refresh_from_db()
    assert (job.status, job.error_count) == (ImportStatus.DONE, 0)
    assert job.total_rows == job.done_rows == 250
    assert Person.objects.filter(name__startswith="人").count() == 250
    progress = client.get(reverse("importer:import-progress", args=[job.pk])).json()
    assert progress == {
        "status": "done",
        "phase": "",
        "done": 250,
        "total": 250,
        "finished": True,
        "percent": 100,
    }
    assert "<progress" not in client.get(response.url).content.decode()


def test_a_large_bad_file_imports_nothing(client, registry, django_capture_on_commit_callbacks):
    client.force_login(registry.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, people_file(240, village="V-B1"))
    job = ImportJob.objects.get()
    assert (job.status, job.error_count) == (ImportStatus.DONE, 240)
    assert {e["row"] for e in job.errors} == set(range(2, 242))
    assert not Person.objects.filter(name__startswith="人").exists()
    first = client.get(job.get_absolute_url()).content.decode()
    second = client.get(job.get_absolute_url() + "?page=2").content.decode()
    assert "<td>201</td>" in first and "<td>201</td>" not in second  # 200 a page
    assert "<td>241</td>" in second


def _queued_job(user, data=None) -> ImportJob:
    job = ImportJob(user=user, township=user.township, original_name="people.xlsx", language="en")
    job.file.save("people.xlsx", SimpleUploadedFile("people.xlsx", data or people_file(3)))
    return job


def test_the_task_runs_a_job_once(registry, monkeypatch):
    job = _queued_job(registry.staff_a)
    assert import_registry_task.delay(job.pk).get() == ImportStatus.DONE
    assert Person.objects.filter(name__startswith="人").count() == 3

    def must_not_run(**kwargs):
        raise AssertionError("a finished job ran again")

    monkeypatch.setattr(jobs, "registry_import", must_not_run)
    assert import_registry_task.delay(job.pk).get() == ImportStatus.DONE


def test_a_running_job_is_not_run_again_unless_its_worker_died(registry, monkeypatch, settings):
    job = _queued_job(registry.staff_a)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    assert import_job_run(job_id=job.pk).status == ImportStatus.RUNNING
    assert not Person.objects.filter(name__startswith="人").exists()

    died = timezone.now() - timezone.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    ImportJob.objects.filter(pk=job.pk).update(started_at=died)
    assert import_job_run(job_id=job.pk).status == ImportStatus.DONE
    assert Person.objects.filter(name__startswith="人").count() == 3


def test_an_unreadable_file_fails_the_job(registry):
    job = _queued_job(registry.staff_a, data=csv_bytes([PEOPLE_HEADERS], bom=False, encoding="gbk"))
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportStatus.FAILED
    assert "not UTF-8" in job.message


def test_an_unexpected_error_fails_the_job_and_writes_nothing(registry, monkeypatch):
    job = _queued_job(registry.staff_a)

    def crash(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "registry_import", crash)
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportStatus.FAILED
    assert "unexpected error" in job.message


def test_progress_is_recorded_on_the_row_and_in_the_cache(registry):
    job = _queued_job(registry.staff_a)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    progress = JobProgress(job)
    progress("validating", 40, 400)
    job.refresh_from_db()
    assert (job.phase, job.done_rows, job.total_rows) == ("validating", 40, 400)
    assert jobs.import_job_progress(job)["percent"] == 5

    progress("writing", 100, 400)  # inside the write transaction: the cache only
    job.refresh_from_db()
    assert (job.phase, job.done_rows) == ("validating", 40)
    assert cache.get(progress_key(job.pk)) == {"phase": "writing", "done": 100, "total": 400}
    assert jobs.import_job_progress(job) == {
        "status": "running",
        "phase": "writing",
        "done": 100,
        "total": 400,
        "finished": False,
        "percent": 62,
    }


def test_the_navigation_has_an_import_entry_for_those_who_may_import(registry):
    request = RequestFactory().get("/")
    for user, shown in ((registry.staff_a, True), (registry.admin, True), (registry.finance, False),
                        (registry.secretary, False)):  # fmt: skip
        request.user = user
        urls = [url for _label, url in navigation(request)["nav_items"]]
        assert (LIST in urls) is shown, user


def test_the_csv_report_does_not_let_excel_run_formulas_from_the_file(client, registry):
    job = ImportJob.objects.create(
        user=registry.staff_a,
        township=registry.town_a,
        district=registry.district,
        original_name="evil.xlsx",
        status=ImportStatus.DONE,
        error_count=1,
        errors=[{"sheet": '=HYPERLINK("x")', "row": 2, "column": "@SUM(1)", "reason": "bad"}],
    )
    client.force_login(registry.admin)
    lines = client.get(reverse("importer:import-report", args=[job.pk])).content.decode("utf-8-sig")
    assert lines.splitlines()[1] == '"\'=HYPERLINK(""x"")",2,\'@SUM(1),bad'
