"""Attendance by XLSX upload and by a pasted list: all or nothing, a report of every bad
row (row, column, reason); a second import of the same file changes nothing (SPEC §5)."""

from datetime import date
from decimal import Decimal as D
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests import factories as f
from training import attendance_import
from training.models import Attendance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def xlsx(rows, header=("身份证号", "姓名", "学时")):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "attendance.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@pytest.fixture
def course(world):
    return f.CourseFactory(township=world.town_a, hours=D("24"))


@pytest.fixture
def people(world):
    return [world.secretary_a] + [
        f.PersonFactory(village=world.village_a, name=f"学员{n}") for n in range(2)
    ]


def test_a_good_file_records_everyone_and_again_changes_nothing(world, course, people):
    rows = [(p.id_number, p.name, 16) for p in people[:2]] + [
        (people[2].id_number, people[2].name, None)
    ]
    report = attendance_import.import_xlsx(user=world.staff_a, course=course, upload=xlsx(rows))
    assert report.ok and (report.created, report.updated) == (3, 0)
    hours = dict(Attendance.objects.values_list("person__name", "hours"))
    assert hours == {people[0].name: D("16"), people[1].name: D("16"), people[2].name: D("24")}
    report = attendance_import.import_xlsx(user=world.staff_a, course=course, upload=xlsx(rows))
    assert report.ok and (report.created, report.updated) == (0, 0)
    assert Attendance.objects.count() == 3


def test_bad_rows_are_all_reported_and_nothing_is_recorded(world, course, people):
    outsider = f.PersonFactory(village=world.village_b)
    fourth = f.PersonFactory(village=world.village_a)
    bad_checksum = people[1].id_number[:-1] + ("0" if people[1].id_number[-1] != "0" else "1")
    rows = [
        (people[0].id_number, people[0].name, 8),  # row 2: good
        (bad_checksum, people[1].name, 8),  # row 3: check digit
        (people[2].id_number, "别人", 8),  # row 4: name does not match
        (outsider.id_number, outsider.name, 8),  # row 5: another township
        (people[0].id_number, people[0].name, 8),  # row 6: twice
        (people[1].id_number, people[1].name, 25),  # row 7: more than the course
        (fourth.id_number, fourth.name, "八"),  # row 8: not a number
        (people[2].id_number[:10], people[2].name, 0),  # row 9: short ID
    ]
    report = attendance_import.import_xlsx(user=world.staff_a, course=course, upload=xlsx(rows))
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "身份证号"),
        (4, "姓名"),
        (5, "身份证号"),
        (6, "身份证号"),
        (7, "学时"),
        (8, "学时"),
        (9, "身份证号"),
    ]
    reasons = {e.row: e.reason for e in report.errors}
    assert "check digit" in reasons[3]
    assert "does not match" in reasons[4]
    assert "scope" in reasons[5]
    assert "row 2" in reasons[6]
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not a workbook", "not an XLSX"),
        (None, "missing"),
    ],
)
def test_unreadable_files_and_missing_columns(world, course, content, reason):
    upload = (
        xlsx([("x", 1)], header=("证件", "学时"))
        if content is None
        else SimpleUploadedFile("a.xlsx", content)
    )
    report = attendance_import.import_xlsx(user=world.staff_a, course=course, upload=upload)
    assert not report.ok and reason in report.errors[0].reason


def test_the_upload_page_shows_the_report(client, world, course, people):
    client.force_login(world.staff_a)
    rows = [(people[0].id_number, "别人", 8)]
    response = client.post(
        reverse("training:course-detail", args=[course.pk]),
        {"action": "upload", "file": xlsx(rows)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="import-report"' in page and "does not match" in page
    assert not Attendance.objects.exists()
    rows = [(people[0].id_number, people[0].name, 8)]
    response = client.post(
        reverse("training:course-detail", args=[course.pk]),
        {"action": "upload", "file": xlsx(rows)},
    )
    assert response.status_code == 302
    assert Attendance.objects.get().person == people[0]


def test_the_pasted_list(client, world, course, people):
    client.force_login(world.staff_a)
    lines = "\n".join(
        [
            f"{people[0].id_number}\t{people[0].name}\t8",
            f"{people[1].id_number}, 12.5",
            "",
            people[2].id_number,
        ]
    )
    response = client.post(
        reverse("training:course-detail", args=[course.pk]),
        {"action": "list", "lines": lines, "verified": "on"},
    )
    assert response.status_code == 302
    assert sorted(Attendance.objects.values_list("hours", flat=True)) == [
        D("8"),
        D("12.5"),
        D("24"),
    ]
    response = client.post(
        reverse("training:course-detail", args=[course.pk]),
        {"action": "list", "lines": "110101\n"},
    )
    assert response.status_code == 400 and response.context["report"].errors[0].row == 1


def test_only_the_organiser_records_attendance(client, world, course, people):
    client.force_login(world.staff_b)
    rows = [(people[0].id_number, people[0].name, 8)]
    response = client.post(
        reverse("training:course-detail", args=[course.pk]),
        {"action": "upload", "file": xlsx(rows)},
    )
    assert response.status_code == 404
    district_course = f.CourseFactory(township=None, district=world.district)
    client.force_login(world.staff_a)
    response = client.post(
        reverse("training:course-detail", args=[district_course.pk]),
        {"action": "list", "lines": people[0].id_number},
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_the_template_download(client, world):
    client.force_login(world.staff_a)
    response = client.get(reverse("training:attendance-template"))
    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["身份证号", "姓名", "学时"]
    client.force_login(world.secretary)
    assert client.get(reverse("training:attendance-template")).status_code == 403


def test_course_pages(client, world, course, django_assert_max_num_queries):
    district_course = f.CourseFactory(township=None, district=world.district, title="区级班")
    other = f.CourseFactory(township=world.town_b, title="乙镇班")
    for _n in range(5):
        f.AttendanceFactory(course=course, person=f.PersonFactory(village=world.village_a))
    client.force_login(world.staff_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("training:course-list"))
    assert set(response.context["object_list"]) == {course, district_course}
    with django_assert_max_num_queries(14):
        response = client.get(reverse("training:course-detail", args=[course.pk]))
    assert len(response.context["attendances"]) == 5
    assert client.get(reverse("training:course-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("training:course-edit", args=[district_course.pk])).status_code == 404
    response = client.post(
        reverse("training:course-add"),
        {
            "title": "新班",
            "kind": "centralised",
            "start_date": "2025-09-01",
            "end_date": "2025-09-01",
            "hours": "6",
            "budget": "100",
        },
    )
    assert response.status_code == 302
    assert course.township.courses.filter(title="新班", start_date=date(2025, 9, 1)).exists()
