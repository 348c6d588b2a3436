"""``training_compliance``: XLSX (frozen header, number formats, totals) or CSV with BOM."""

import csv
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretaries(world):
    """Secretary A behind (8 h), a secretary of B compliant (56 h), one who took office in
    July (prorated to 4 days) with 32 h: compliant."""
    f.SelfLoggedTrainingFactory(person=world.secretary_a, status="verified", hours=D("8"))
    b = f.PersonFactory(village=world.village_b, name="乙书记")
    f.PostFactory(person=b, village=world.village_b, start_date=date(2016, 1, 1))
    course = f.CourseFactory(township=world.town_b, hours=D("56"), end_date=date(2025, 5, 12))
    f.AttendanceFactory(course=course, person=b)
    village = f.VillageFactory(township=world.town_b, code="V-B2", name="南村")
    new = f.PersonFactory(village=village, name="新书记")
    f.PostFactory(person=new, village=village, start_date=date(2025, 7, 1))
    for n in range(4):
        f.SelfLoggedTrainingFactory(
            person=new, status="verified", hours=D("8"), date=date(2025, 8, 1 + n)
        )
    return world.secretary_a, b, new


def test_xlsx(tmp_path, secretaries):
    path = tmp_path / "out.xlsx"
    call_command("training_compliance", "--year", "2025", "--output", str(path))
    sheet = load_workbook(path).active
    assert sheet.freeze_panes == "A2"
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][-4:] == ["Verified centralised hours", "Days", "Required days", "Compliant"]
    body = {row[2]: row for row in rows[1:-1]}
    assert set(body) == {"李书记", "乙书记", "新书记"}
    assert body["李书记"][4:] == [365, 8, 1, 7, "no"]
    assert body["乙书记"][4:] == [365, 56, 7, 7, "yes"]
    assert body["新书记"][4:] == [184, 32, 4, 4, "yes"]
    assert "*" in body["李书记"][3]  # the ID number is masked
    total = rows[-1]
    assert (total[0], total[2], total[5], total[8]) == ("Total", 3, 96, 2)
    assert sheet.cell(row=2, column=6).number_format == "0.00"


def test_csv_for_one_township(tmp_path, secretaries, world):
    path = tmp_path / "out.csv"
    call_command(
        "training_compliance", "--year", "2025", "--township", "T-B", "--output", str(path)
    )
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert [r[2] for r in rows[1:]] == ["乙书记", "新书记"]
    assert rows[1][5:] == ["56.00", "7.00", "7.0", "yes"]


def test_bad_arguments(tmp_path, world):
    with pytest.raises(CommandError):
        call_command("training_compliance", "--year", "2025", "--output", str(tmp_path / "a.txt"))
    with pytest.raises(CommandError):
        call_command(
            "training_compliance",
            "--year",
            "2025",
            "--township",
            "NOPE",
            "--output",
            str(tmp_path / "a.csv"),
        )
