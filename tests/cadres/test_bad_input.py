"""Bad input everywhere (issue 6): merged cells, formulas, text that a spreadsheet would run,
a 100,000-row file, bad encodings through the page, forged out-of-scope ids in forms and API
bodies. Each gets a clear error and leaves nothing half-saved."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres.importer import registry_import
from cadres.models import Person, Post
from cadres.validators import make_id_number
from portal.choices import ImportStatus
from portal.models import AuditEntry, ImportJob
from tests import factories as f
from tests.cadres.importfiles import ID_WANG, ID_ZHAO, PEOPLE_HEADERS, csv_bytes
from tests.markers import requires_postgres

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LIST = reverse("importer:import-list")


@pytest.fixture
def client(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def run(data: bytes, name: str, user):
    return registry_import(user=user, source=io.BytesIO(data), name=name)


def reasons(result) -> list[tuple]:
    return [(e.sheet, e.row, e.column, e.reason) for e in result.errors]


# --- spreadsheets -----------------------------------------------------------------------------


def test_merged_cells_are_reported_not_guessed(world):
    """A village code merged over two rows is only in the first row's cell: the second row
    has no village and is reported; nothing is imported."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "人员"
    sheet.append(PEOPLE_HEADERS)
    sheet.append(["V-A1", "王五", ID_WANG])
    sheet.append([None, "赵六", ID_ZHAO])
    sheet.merge_cells("A2:A3")
    sheet["A2"].number_format = sheet["C2"].number_format = sheet["C3"].number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    people = Person.objects.count()
    result = run(buffer.getvalue(), "merged.xlsx", world.staff_a)
    assert [(e.row, e.column) for e in result.errors] == [(3, "村代码")]
    assert Person.objects.count() == people


def test_a_merged_title_above_the_header_is_skipped(world):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "人员"
    sheet.append(["2026 年村干部名册"])
    sheet.merge_cells("A1:J1")
    sheet.append(PEOPLE_HEADERS)
    sheet.append(["V-A1", "王五", ID_WANG])
    buffer = io.BytesIO()
    book.save(buffer)
    result = run(buffer.getvalue(), "titled.xlsx", world.staff_a)
    assert not result.errors
    assert Person.objects.filter(id_number=ID_WANG, name="王五").exists()


def test_formula_cells_are_not_imported_as_text(world):
    """A formula without a value Excel computed (as openpyxl writes it) is an empty cell, so
    the required name is missing; the formula's text never becomes a name."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "人员"
    sheet.append(PEOPLE_HEADERS)
    sheet.append(["V-A1", '=HYPERLINK("http://x.example","点我")', ID_WANG])
    sheet["C2"].number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    result = run(buffer.getvalue(), "formula.xlsx", world.staff_a)
    assert [(e.row, e.column) for e in result.errors] == [(2, "姓名")]
    assert not Person.objects.filter(id_number=ID_WANG).exists()


@pytest.mark.parametrize("name", ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"])
def test_text_a_spreadsheet_would_run_is_refused(world, name):
    data = csv_bytes([PEOPLE_HEADERS, ["V-A1", name, ID_WANG]])
    result = run(data, "people.csv", world.staff_a)
    assert len(result.errors) == 1
    assert result.errors[0].column == "姓名"
    assert "formula" in result.errors[0].reason
    assert not Person.objects.filter(id_number=ID_WANG).exists()


def test_the_person_form_and_api_refuse_formula_text(client, world):
    client.force_login(world.staff_a)
    person = world.secretary_a
    response = client.post(
        reverse("cadres:person-edit", args=[person.pk]),
        {
            "village": person.village_id,
            "name": "=HYPERLINK(1)",
            "id_number": person.id_number,
            "gender": person.gender,
            "birth_date": person.birth_date.isoformat(),
            "education": person.education,
            "bank_name": "@bank",
        },
    )
    assert response.status_code == 200
    assert "formula" in response.content.decode()
    api = client.patch(
        reverse("person-detail", args=[person.pk]),
        {"name": "=1+1"},
        content_type="application/json",
    )
    assert api.status_code == 400 and "name" in api.json()
    person.refresh_from_db()
    assert person.name == "李书记"


def test_a_gbk_csv_through_the_page_is_refused_clearly(client, world):
    client.force_login(world.staff_a)
    data = csv_bytes([PEOPLE_HEADERS, ["V-A1", "王五", ID_WANG]], bom=False, encoding="gbk")
    response = client.post(LIST, {"file": SimpleUploadedFile("people.csv", data)}, follow=True)
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert "not UTF-8" in job.message and "not UTF-8" in response.content.decode()
    assert not Person.objects.filter(id_number=ID_WANG).exists()


@requires_postgres  # the production database; ~50 s, so once per CI run, not twice
def test_a_100000_row_file_imports_through_the_task_in_one_piece(
    client, world, settings, django_capture_on_commit_callbacks
):
    """A whole province's worth of one kind: generated as CSV text (fast), uploaded through
    the page, imported by the Celery task (eager here), all rows in one transaction, one
    audit entry, no entry per row."""
    settings.IMPORT_SYNC_MAX_ROWS = 1000
    lines = ["村代码,姓名,身份证号"]
    for i in range(100_000):
        born = date(1950, 1, 1) + timedelta(days=i // 1000)
        lines.append(f"V-A1,人{i},{make_id_number('110101', born, i % 1000)}")
    data = ("\n".join(lines) + "\n").encode()
    client.force_login(world.staff_a)
    before = Person.objects.count()
    audit_before = AuditEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LIST, {"file": SimpleUploadedFile("province.csv", data)})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.status, job.error_count, job.total_rows) == (ImportStatus.DONE, 0, 100_000)
    assert job.counts["people"]["created"] == 100_000
    assert Person.objects.count() == before + 100_000
    assert AuditEntry.objects.count() == audit_before + 1


# --- forged ids -------------------------------------------------------------------------------


def test_a_forged_village_of_another_township_in_a_form_saves_nothing(client, world):
    client.force_login(world.staff_a)
    people = Person.objects.count()
    response = client.post(
        reverse("cadres:person-add"),
        {
            "village": world.village_b.pk,
            "name": "王五",
            "id_number": ID_WANG,
            "gender": "M",
            "birth_date": "1980-05-04",
            "education": "",
        },
    )
    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    assert Person.objects.count() == people


def test_a_forged_person_of_another_township_in_an_api_body_saves_nothing(client, world):
    other = f.PersonFactory(village=world.village_b)
    client.force_login(world.staff_a)
    posts = Post.objects.count()
    response = client.post(
        reverse("post-list"),
        {
            "person": other.pk,
            "village": world.village_a.pk,
            "role": "committee_member",
            "start_date": "2026-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "person" in response.json()
    assert Post.objects.count() == posts


def test_forged_ids_in_the_path_are_not_found(client, world):
    other = f.PersonFactory(village=world.village_b)
    client.force_login(world.staff_a)
    assert client.get(reverse("person-detail", args=[other.pk])).status_code == 404
    assert client.delete(reverse("person-detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("cadres:person-edit", args=[other.pk]), {}).status_code == 404
    assert Person.objects.filter(pk=other.pk).exists()
