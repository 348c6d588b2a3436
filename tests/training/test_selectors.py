"""R-TRN-1..3 as selectors: progress, compliance, township summaries, those behind, other
cadres without township training, budget per secretary; only verified hours count."""

from datetime import date
from decimal import Decimal as D

import pytest

from cadres.choices import PostRole
from tests import factories as f
from training import selectors
from training.models import TrainingPolicy

pytestmark = pytest.mark.django_db

END_2025 = date(2025, 12, 31)


def test_only_verified_centralised_hours_count(world):
    person = world.secretary_a
    course = f.CourseFactory(township=world.town_a, hours=D("24"))
    f.AttendanceFactory(course=course, person=person, hours=D("24"))
    f.AttendanceFactory(
        course=f.CourseFactory(township=world.town_a), person=person, verified=False
    )
    f.AttendanceFactory(
        course=f.CourseFactory(township=world.town_a, kind="study_tour"), person=person
    )
    f.AttendanceFactory(  # another year
        course=f.CourseFactory(
            township=world.town_a, start_date=date(2024, 5, 1), end_date=date(2024, 5, 3)
        ),
        person=person,
    )
    f.SelfLoggedTrainingFactory(person=person, status="verified", hours=D("8"))
    f.SelfLoggedTrainingFactory(person=person, status="pending", hours=D("8"))
    f.SelfLoggedTrainingFactory(person=person, status="rejected", hours=D("8"))
    f.SelfLoggedTrainingFactory(person=person, status="verified", kind="distance")

    [row] = selectors.compliance_rows(user=world.staff_a, year=2025, today=END_2025)
    assert (row.course_hours, row.logged_hours) == (D("24"), D("8"))
    assert row.progress.hours == D("32")
    assert row.progress.days == D("4.00")
    assert row.progress.required_days == D("7.0")
    assert not row.compliant
    assert selectors.person_progress(person, 2025, END_2025) == row.progress


def test_compliance_with_enough_verified_days(world):
    course = f.CourseFactory(
        township=world.town_a,
        start_date=date(2025, 3, 3),
        end_date=date(2025, 3, 9),
        hours=D("56"),
    )
    f.AttendanceFactory(course=course, person=world.secretary_a)
    [row] = selectors.compliance_rows(user=world.admin, year=2025, today=END_2025)
    assert row.compliant and row.progress.percent == 100


def test_a_secretary_who_took_office_in_july_needs_four_days(world):
    person = f.PersonFactory(village=world.village_b)
    f.PostFactory(person=person, village=world.village_b, start_date=date(2025, 7, 1))
    f.SelfLoggedTrainingFactory(person=person, status="verified", hours=D("8"))
    rows = selectors.compliance_rows(user=world.staff_b, year=2025, today=END_2025)
    assert [(r.person, r.progress.served_days, r.progress.required_days) for r in rows] == [
        (person, 184, D("4.0"))
    ]


def test_the_district_policy_in_force_is_used(world):
    TrainingPolicy.objects.create(district=world.district, year=2024, required_days=D("5"))
    TrainingPolicy.objects.create(district=world.district, year=2026, required_days=D("9"))
    f.SelfLoggedTrainingFactory(person=world.secretary_a, status="verified", hours=D("8"))
    [row] = selectors.compliance_rows(user=world.admin, year=2025, today=END_2025)
    assert row.progress.required_days == D("5.0")
    assert selectors.policy_for(world.district.pk, 2023).required_days == D("7")  # default
    assert selectors.policy_for(world.district.pk, 2027).required_days == D("9")


def test_former_and_dead_secretaries_are_not_serving(world):
    gone = f.PersonFactory(village=world.village_b)
    f.PostFactory(
        person=gone,
        village=world.village_b,
        start_date=date(2020, 1, 1),
        end_date=date(2025, 6, 30),
        end_reason="term_ended",
    )
    dead = f.PersonFactory(village=world.village_b, died_on=date(2025, 8, 1))
    village = f.VillageFactory(township=world.town_b)
    f.PostFactory(person=dead, village=village, start_date=date(2020, 1, 1))
    rows = selectors.compliance_rows(user=world.admin, year=2025, today=END_2025)
    assert [r.person for r in rows] == [world.secretary_a]
    # on a day in June the former secretary was serving
    rows = selectors.compliance_rows(user=world.admin, year=2025, today=date(2025, 6, 1))
    assert {r.person for r in rows} == {world.secretary_a, gone, dead}


def test_compliance_is_scoped_and_filtered(world):
    other = f.PersonFactory(village=world.village_b)
    f.PostFactory(person=other, village=world.village_b, start_date=date(2020, 1, 1))
    f.SelfLoggedTrainingFactory(person=other, status="verified", hours=D("8"))
    course = f.CourseFactory(township=world.town_b, hours=D("56"), end_date=date(2025, 5, 12))
    f.AttendanceFactory(course=course, person=other)
    assert [r.person for r in selectors.compliance_rows(user=world.staff_a, year=2025)] == [
        world.secretary_a
    ]
    everyone = selectors.compliance_rows(user=world.admin, year=2025, today=END_2025)
    assert [r.person for r in everyone] == [world.secretary_a, other]
    behind = selectors.behind_list(user=world.admin, year=2025, today=END_2025)
    assert [r.person for r in behind] == [world.secretary_a]
    assert [
        r.person
        for r in selectors.compliance_rows(
            user=world.admin, year=2025, today=END_2025, township=world.town_b
        )
    ] == [other]
    assert [r.person for r in selectors.compliance_rows(user=world.secretary, year=2025)] == [
        world.secretary_a
    ]
    assert selectors.compliance_rows(user=world.reviewer_a, year=2025) == []


def test_township_summaries(world):
    other = f.PersonFactory(village=world.village_b)
    f.PostFactory(person=other, village=world.village_b, start_date=date(2020, 1, 1))
    course = f.CourseFactory(township=world.town_b, hours=D("56"), end_date=date(2025, 5, 12))
    f.AttendanceFactory(course=course, person=other)
    summaries = selectors.township_summaries(user=world.admin, year=2025, today=END_2025)
    assert [(s.township, s.secretaries, s.compliant, s.behind, s.percent) for s in summaries] == [
        (world.town_a, 1, 0, 1, 0),
        (world.town_b, 1, 1, 0, 100),
    ]
    assert [s.township for s in selectors.township_summaries(user=world.staff_a, year=2025)] == [
        world.town_a
    ]


def test_other_cadres_without_township_training(world):  # R-TRN-2
    director = f.PersonFactory(village=world.village_a, name="王主任")
    f.PostFactory(person=director, village=world.village_a, role=PostRole.DIRECTOR)
    f.PostFactory(person=director, village=world.village_a, role=PostRole.COMMITTEE_MEMBER)
    trained = f.PersonFactory(village=world.village_a, name="赵委员")
    f.PostFactory(person=trained, village=world.village_a, role=PostRole.BRANCH_MEMBER)
    f.AttendanceFactory(course=f.CourseFactory(township=world.town_a), person=trained)
    only_district = f.PersonFactory(village=world.village_a, name="钱委员")
    f.PostFactory(person=only_district, village=world.village_a, role=PostRole.DEPUTY_SECRETARY)
    f.AttendanceFactory(
        course=f.CourseFactory(township=None, district=world.district), person=only_district
    )
    # the secretary who is also director is not an "other" cadre
    f.PostFactory(person=world.secretary_a, village=world.village_a, role=PostRole.COMMITTEE_MEMBER)
    elsewhere = f.PersonFactory(village=world.village_b)
    f.PostFactory(person=elsewhere, village=world.village_b, role=PostRole.DIRECTOR)

    missing = selectors.other_cadres_without_township_training(
        user=world.staff_a, year=2025, today=END_2025
    )
    assert [p.person for p in missing] == [director, only_district]
    everyone = selectors.other_cadres_without_township_training(
        user=world.admin, year=2025, today=END_2025
    )
    assert {p.person for p in everyone} == {director, only_district, elsewhere}


def test_budget_per_secretary(world):  # R-TRN-3
    for _n in range(3):
        village = f.VillageFactory(township=world.town_b)
        f.PostFactory(person=f.PersonFactory(village=village), village=village)
    f.CourseFactory(township=None, district=world.district, budget=D("600"))
    f.CourseFactory(township=world.town_a, budget=D("300"))
    f.CourseFactory(township=world.town_b, budget=D("150.50"))
    f.CourseFactory(  # another year
        township=world.town_b,
        budget=D("9999"),
        start_date=date(2024, 5, 1),
        end_date=date(2024, 5, 2),
    )
    other_district = f.TownshipFactory(district=f.DistrictFactory(code="D-OTHER"))
    f.CourseFactory(township=other_district, budget=D("5000"))
    [report] = selectors.budget_reports(user=world.admin, year=2025, today=END_2025)
    assert report.result.total_budget == D("1050.50")
    assert report.result.secretaries == 4
    assert report.result.per_secretary == D("262.63")  # 262.625 rounded half up
    assert report.result.meets is False
    assert report.district_courses == D("600")
    assert [(line.township, line.budget, line.secretaries) for line in report.lines] == [
        (world.town_a, D("300"), 1),
        (world.town_b, D("150.50"), 3),
    ]
    assert (
        selectors.budget_reports(user=world.finance, year=2025, today=END_2025)[0].result
        == report.result
    )
    assert selectors.budget_reports(user=world.reviewer_a, year=2025) == []


def test_hours_by_kind(world):
    f.AttendanceFactory(course=f.CourseFactory(township=world.town_a), person=world.secretary_a)
    f.SelfLoggedTrainingFactory(person=world.secretary_a, status="verified", kind="distance")
    f.SelfLoggedTrainingFactory(person=world.secretary_a, status="pending", kind="distance")
    kinds = {
        kind: hours for kind, _label, hours in selectors.hours_by_kind(user=world.admin, year=2025)
    }
    assert kinds["centralised"] == D("24") and kinds["distance"] == D("8")
    assert kinds["academic"] == 0
