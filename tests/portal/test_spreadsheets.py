"""XLSX uploads cannot hold the server (issue 9, item 5): a file is refused by the checks of
portal.spreadsheets — zip sizes, compression ratio, number of parts, declared dimensions —
before openpyxl parses it, and rows are streamed with a row and a column limit. Every XLSX
upload goes through it: the registry import (page, task, command) and course attendance.

The refusals are asserted through the check logic (openpyxl is never reached), not by timing.
"""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from cadres.importer import UnreadableFile, count_data_rows, registry_import
from cadres.models import Person
from portal import spreadsheets
from portal.models import ImportJob
from portal.spreadsheets import Limits, SpreadsheetRefused, inspect_xlsx
from tests import factories as f
from tests import spreadsheet_bombs as bombs
from tests.cadres.importfiles import people_file


@pytest.fixture(scope="module")
def empty_rows_bomb():
    return bombs.empty_rows_bomb()  # ~70 KB → ~45 MB of <row/>


@pytest.fixture(scope="module")
def wide_rows_bomb():
    return bombs.wide_rows_bomb()  # ~100 KB → 1,000,000 rows, each padded to 16,384 cells


@pytest.fixture
def no_parsing(monkeypatch):
    """Fails the test if openpyxl is asked to parse the file."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl must not be reached for this file")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def _english(function, *args, **kwargs):
    with translation.override("en"):
        return function(*args, **kwargs)


def test_a_sheet_of_empty_rows_is_refused_by_its_ratio(empty_rows_bomb, no_parsing):
    info = zipfile.ZipFile(io.BytesIO(empty_rows_bomb)).getinfo(bombs.SHEET)
    assert len(empty_rows_bomb) < 100_000 and info.file_size > 40_000_000
    with pytest.raises(SpreadsheetRefused, match="zip bomb"):
        _english(inspect_xlsx, io.BytesIO(empty_rows_bomb))


def test_rows_padded_to_the_last_column_are_refused(wide_rows_bomb, no_parsing):
    with pytest.raises(SpreadsheetRefused, match="times larger"):
        _english(inspect_xlsx, io.BytesIO(wide_rows_bomb))


def test_a_high_ratio_part_that_is_no_sheet_is_refused(no_parsing):
    with pytest.raises(SpreadsheetRefused, match="xl/media/zeros.bin"):
        _english(inspect_xlsx, io.BytesIO(bombs.ratio_bomb()))


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("A1:XFD1048576", "declares 1048576 rows"),
        ("A1:J200002", "declares 200002 rows"),
        ("A1:IW10", "declares 257 columns"),
    ],
)
def test_a_huge_declared_dimension_is_refused(ref, message, no_parsing):
    with pytest.raises(SpreadsheetRefused, match=message):
        _english(inspect_xlsx, io.BytesIO(bombs.declared_bomb(ref)))


def test_the_limits_take_a_200000_row_sheet():
    shape = inspect_xlsx(io.BytesIO(bombs.declared_bomb("A1:IV200000")))
    assert [(s.title, s.rows, s.columns) for s in shape.sheets] == [("人员", 200_000, 256)]


def test_the_dimension_is_read_from_the_start_of_the_sheet_only(monkeypatch):
    """Only HEAD_BYTES of a sheet are unpacked to find its dimension."""
    data = bombs.empty_rows_bomb(rows=200_000, ref="A1:J3")
    monkeypatch.setattr(spreadsheets, "HEAD_BYTES", 4096)
    read = []
    original = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        chunk = original(self, n)
        read.append(len(chunk))
        return chunk

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    shape = inspect_xlsx(io.BytesIO(data), Limits(max_ratio=10**6))
    assert shape.sheets[0].rows == 3
    assert max(read) <= 4096


def test_too_many_parts_are_refused(no_parsing):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(1001):
            archive.writestr(f"x/{n}.xml", b"")
    with pytest.raises(SpreadsheetRefused, match="1001 parts"):
        _english(inspect_xlsx, io.BytesIO(buffer.getvalue()))


def test_the_unpacked_total_is_limited(no_parsing):
    data = people_file(50)
    with pytest.raises(SpreadsheetRefused, match="unpacks to"):
        _english(inspect_xlsx, io.BytesIO(data), Limits(max_total_bytes=1000))


def test_a_lying_dimension_is_bounded_while_rows_are_streamed():
    """With the ratio check out of the way (a file of noise would pass it), the rows past
    the row limit are refused as they are read, and no row is wider than the column limit."""
    limits = Limits(max_rows=5_000, max_columns=20, max_ratio=10**6)
    for data in (
        bombs.empty_rows_bomb(rows=20_000),
        bombs.wide_rows_bomb(rows=20_000),
    ):
        book = spreadsheets.open_workbook(io.BytesIO(data), limits)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        rows = []
        with translation.override("en"), pytest.raises(SpreadsheetRefused, match="more than 5000"):
            for number, values in spreadsheets.iter_rows(sheet, limits):
                rows.append((number, len(values)))
        book.close()
        assert len(rows) == 5_000 and max(width for _n, width in rows) <= 20


def test_the_refusal_is_in_chinese_by_default(empty_rows_bomb):
    with translation.override("zh-hans"), pytest.raises(SpreadsheetRefused) as caught:
        inspect_xlsx(io.BytesIO(empty_rows_bomb))
    assert "压缩" in str(caught.value)


# --- through every upload ------------------------------------------------------------------


@pytest.fixture
def registry(world):
    branch = f.BranchFactory(township=world.town_a, code="B-A1")
    branch.villages.add(world.village_a)
    return world


@pytest.mark.django_db
def test_the_registry_upload_page_refuses_a_bomb_before_a_job_exists(
    client, registry, empty_rows_bomb, no_parsing
):
    client.force_login(registry.staff_a)
    response = client.post(
        reverse("importer:import-list"),
        {"file": SimpleUploadedFile("registry.xlsx", empty_rows_bomb)},
    )
    assert response.status_code == 200
    assert "压缩" in response.content.decode()  # the Chinese refusal, shown on the form
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_the_import_service_and_the_command_refuse_a_bomb_and_write_nothing(
    registry, wide_rows_bomb, tmp_path, no_parsing
):
    people = Person.objects.count()
    with pytest.raises(UnreadableFile):
        registry_import(user=None, source=io.BytesIO(wide_rows_bomb), name="bomb.xlsx")
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(wide_rows_bomb)
    with pytest.raises(CommandError) as caught:
        call_command("import_registry", str(path))
    assert caught.value.returncode == 2
    assert Person.objects.count() == people


@pytest.mark.django_db
def test_the_attendance_upload_refuses_a_bomb(registry, empty_rows_bomb, no_parsing):
    from training import attendance_import

    course = f.CourseFactory(township=registry.town_a)
    report = attendance_import.import_xlsx(
        user=registry.staff_a,
        course=course,
        upload=SimpleUploadedFile("attendance.xlsx", empty_rows_bomb),
    )
    assert not report.ok and "压缩" in report.errors[0].reason


def test_a_large_sheet_without_a_dimension_goes_to_the_worker_uncounted(monkeypatch):
    """The upload request never reads a large sheet's rows: one that declares nothing and is
    too large to scan is estimated from its size, above the synchronous limit."""
    data = bombs.empty_rows_bomb(rows=2_000_000, ref="A1:J2")
    monkeypatch.setattr("cadres.importer.readers.SCAN_BUDGET_BYTES", 1024 * 1024)
    monkeypatch.setattr(spreadsheets, "DEFAULT_LIMITS", Limits(max_ratio=10**6))
    assert count_data_rows(io.BytesIO(data), exact_below=2000) > 2000


@pytest.mark.django_db
def test_a_legitimate_file_still_imports(registry):
    result = registry_import(user=None, source=io.BytesIO(people_file(300)), name="people.xlsx")
    assert not result.errors
    assert result.counts["people"]["created"] == 300
