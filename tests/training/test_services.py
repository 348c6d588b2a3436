"""Self-logged training, review, courses, attendance and closed years: each rule and each
refusal, with nothing saved when refused (SPEC §5)."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.models import Notification
from tests import factories as f
from training import services
from training.models import Attendance, Course, SelfLoggedTraining, TrainingPolicy

from .conftest import JPEG, PDF, upload

pytestmark = pytest.mark.django_db

DAY = date(2025, 6, 2)


def log(user, **kw):
    values = {
        "date": DAY,
        "provider": "区委党校",
        "kind": "centralised",
        "hours": D("8"),
        "evidence": upload(),
    }
    values.update(kw)
    return services.self_logged_training_log(user=user, **values)


def test_a_secretary_logs_their_own_training(world, media_root):
    entry = log(world.secretary, provider="  区委   党校 ")
    assert entry.person == world.secretary_a
    assert entry.status == "pending"
    assert entry.provider == "区委 党校"
    assert entry.evidence_type == "image/png"
    assert entry.evidence.name.startswith("evidence/") and entry.evidence.name.endswith(".png")
    assert "proof" not in entry.evidence.name  # a random name, not the uploaded one
    assert (media_root / entry.evidence.name).read_bytes().startswith(b"\x89PNG")
    assert entry.evidence_name == "proof.png"


@pytest.mark.parametrize(("content", "kind"), [(JPEG, "image/jpeg"), (PDF, "application/pdf")])
def test_jpeg_and_pdf_evidence(world, content, kind):
    entry = log(world.secretary, evidence=upload(content, name="x.bin", content_type="text/plain"))
    assert entry.evidence_type == kind


def refused(user, field, **kw):
    with pytest.raises(ValidationError) as exc:
        log(user, **kw)
    assert field in exc.value.message_dict, exc.value.message_dict
    return exc.value.message_dict[field]


def test_future_date_is_refused(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert refused(world.secretary, "date", date=tomorrow) == ["The date is in the future."]
    assert not SelfLoggedTraining.objects.exists()


def test_more_than_12_hours_in_a_day_across_entries_is_refused(world):
    log(world.secretary, hours=D("8"), provider="甲")
    log(world.secretary, hours=D("4"), provider="乙")
    message = refused(world.secretary, "hours", hours=D("0.5"), provider="丙")
    assert "12" in message[0]
    assert SelfLoggedTraining.objects.count() == 2
    # another day is fine, and a rejected entry does not count against the day
    log(world.secretary, hours=D("12"), date=DAY - timedelta(days=1))


def test_rejected_entries_free_the_day(world):
    first = log(world.secretary, hours=D("10"))
    services.self_logged_training_review(
        user=world.staff_a, entries=[first], approve=False, reason="无证明"
    )
    log(world.secretary, hours=D("10"), provider="另一家")


@pytest.mark.parametrize("hours", [D("0"), D("-1"), D("12.5")])
def test_hours_of_one_entry_are_above_0_and_at_most_12(world, hours):
    refused(world.secretary, "hours", hours=hours)
    assert not SelfLoggedTraining.objects.exists()


def test_an_exact_duplicate_is_refused(world, media_root):
    log(world.secretary)
    with pytest.raises(ValidationError) as exc:
        log(world.secretary, hours=D("8.00"), provider="区委党校 ")
    assert exc.value.message_dict == {
        "__all__": ["This training is already logged (same date, provider, kind and hours)."]
    }
    assert SelfLoggedTraining.objects.count() == 1
    assert len(list((media_root / "evidence").iterdir())) == 1  # no orphan file
    # not a duplicate: another kind, provider or number of hours
    log(world.secretary, hours=D("2"), kind="distance")


def test_the_database_holds_the_duplicate_rule(world):
    entry = log(world.secretary)
    twin = SelfLoggedTraining(
        person=entry.person,
        date=entry.date,
        provider=entry.provider,
        kind=entry.kind,
        hours=entry.hours,
        evidence=entry.evidence.name,
        evidence_type=entry.evidence_type,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_rejected_entry_may_be_logged_again(world):
    entry = log(world.secretary)
    services.self_logged_training_review(
        user=world.staff_a, entries=[entry.pk], approve=False, reason="证明不清"
    )
    again = log(world.secretary)
    assert again.pk != entry.pk


def test_a_closed_year_refuses_entries(world):
    services.training_year_close(user=world.admin, year=2025)
    assert refused(world.secretary, "date")[0].startswith("The training year 2025 is closed")
    assert not SelfLoggedTraining.objects.exists()
    services.training_year_close(user=world.admin, year=2025, close=False)
    log(world.secretary)


def test_only_dates_in_an_open_year_are_accepted(world):
    """Issue 9 (SPEC §5): training dated 1800-01-01 was accepted. An open year is from the
    district's first training year (TRAINING_FIRST_YEAR, or its first policy) and not closed:
    self-logged entries (form and API go through this service) and courses (and with them
    attendance, listed or imported) before it are refused."""
    message = refused(world.secretary, "date", date=date(1800, 1, 1))[0]
    assert message.startswith("The training year 1800 is not open")
    refused(world.secretary, "date", date=date(1999, 12, 31))
    with pytest.raises(ValidationError, match="not open"):
        services.course_record(
            user=world.staff_a,
            **course_of(world, start_date=date(1800, 1, 1), end_date=date(1800, 1, 2)),
        )
    assert not SelfLoggedTraining.objects.exists() and not Course.objects.exists()
    TrainingPolicy.objects.create(district=world.district, year=1998)  # kept from 1998 on
    log(world.secretary, date=date(1999, 12, 31))


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"GIF89a" + b"0" * 20, "proof.png"),  # a GIF named .png
        (b"<html><script>alert(1)</script>", "proof.pdf"),
        (b"MZ\x90\x00", "proof.jpg"),
    ],
)
def test_evidence_is_judged_by_content_not_name(world, content, name):
    refused(world.secretary, "evidence", evidence=upload(content, name=name))
    assert not SelfLoggedTraining.objects.exists()


def test_evidence_size_is_limited(world, settings):
    settings.TRAINING_EVIDENCE_MAX_BYTES = 1000
    message = refused(world.secretary, "evidence", evidence=upload(b"%PDF-" + b"0" * 1000))
    assert "larger than" in message[0]


def test_evidence_is_required(world):
    refused(world.secretary, "evidence", evidence=None)


def test_refusals_are_reported_together(world):
    with pytest.raises(ValidationError) as exc:
        log(
            world.secretary,
            date=timezone.localdate() + timedelta(days=2),
            evidence=upload(b"nope"),
        )
    assert set(exc.value.message_dict) == {"date", "evidence"}


@pytest.mark.parametrize("who", ["staff_a", "admin", "finance", "reviewer_a"])
def test_only_secretaries_log(world, who):
    with pytest.raises(PermissionDenied):
        log(getattr(world, who))


def test_review_in_bulk(world):
    first = log(world.secretary, provider="甲")
    second = log(world.secretary, provider="乙", date=DAY - timedelta(days=1))
    assert (
        services.self_logged_training_review(
            user=world.staff_a, entries=[first.pk, second.pk], approve=True
        )
        == 2
    )
    first.refresh_from_db()
    assert first.status == "verified"
    assert first.reviewed_by == world.staff_a and first.reviewed_at is not None
    # already reviewed → refused, nothing changes
    with pytest.raises(ValidationError):
        services.self_logged_training_review(
            user=world.staff_a, entries=[first.pk], approve=False, reason="x"
        )
    first.refresh_from_db()
    assert first.status == "verified"


def test_rejection_needs_a_reason_and_notifies_the_secretary(world):
    entry = log(world.secretary)
    with pytest.raises(ValidationError):
        services.self_logged_training_review(
            user=world.staff_a, entries=[entry], approve=False, reason="  "
        )
    services.self_logged_training_review(
        user=world.staff_a, entries=[entry], approve=False, reason="证明不清"
    )
    entry.refresh_from_db()
    assert (entry.status, entry.reject_reason) == ("rejected", "证明不清")
    notice = Notification.objects.get(recipient=world.secretary)
    assert "证明不清" in notice.text


def test_review_is_all_or_nothing_and_scoped(world):
    own = log(world.secretary)
    other_person = f.PersonFactory(village=world.village_b)
    other = f.SelfLoggedTrainingFactory(person=other_person)
    with pytest.raises(PermissionDenied):
        services.self_logged_training_review(
            user=world.staff_a, entries=[own.pk, other.pk], approve=True
        )
    own.refresh_from_db()
    assert own.status == "pending"
    for who in ("secretary", "admin", "finance", "staff_b"):
        with pytest.raises(PermissionDenied):
            services.self_logged_training_review(
                user=getattr(world, who), entries=[own.pk], approve=True
            )
    own.refresh_from_db()
    assert own.status == "pending"


def test_review_in_a_closed_year_is_refused(world):
    entry = log(world.secretary)
    services.training_year_close(user=world.admin, year=2025)
    with pytest.raises(ValidationError):
        services.self_logged_training_review(user=world.staff_a, entries=[entry], approve=True)
    entry.refresh_from_db()
    assert entry.status == "pending"


def test_withdraw_own_pending_entry(world, media_root):
    entry = log(world.secretary)
    path = media_root / entry.evidence.name
    with pytest.raises(PermissionDenied):
        services.self_logged_training_withdraw(user=world.staff_a, entry=entry)
    services.self_logged_training_withdraw(user=world.secretary, entry=entry)
    assert not SelfLoggedTraining.objects.exists()
    assert path.exists()  # removed only when the transaction commits


def test_only_the_district_admin_closes_years(world):
    for who in ("staff_a", "secretary", "finance"):
        with pytest.raises(PermissionDenied):
            services.training_year_close(user=getattr(world, who), year=2025)


# --- courses and attendance ------------------------------------------------------------------


def course_of(world, **kw):
    values = {
        "title": "村书记示范培训班",
        "kind": "centralised",
        "start_date": date(2025, 5, 6),
        "end_date": date(2025, 5, 8),
        "hours": D("24"),
        "budget": D("6000"),
    }
    values.update(kw)
    return values


def test_township_staff_organise_courses_of_their_township(world):
    course = services.course_record(
        user=world.staff_a, **course_of(world, level="district", township=world.town_b)
    )
    assert (course.level, course.township, course.district) == (
        "township",
        world.town_a,
        world.district,
    )


def test_the_district_admin_organises_district_courses(world):
    course = services.course_record(user=world.admin, level="district", **course_of(world))
    assert course.township is None and course.district == world.district


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": date(2025, 5, 1)}, None),  # end before start (named constraint)
        ({"hours": D("0")}, None),
        ({"hours": D("37")}, "hours"),  # more than 12 hours a day of 3 days
        ({"budget": D("-1")}, None),
    ],
)
def test_course_invariants(world, changes, field):
    with pytest.raises(ValidationError) as exc:
        services.course_record(user=world.staff_a, **course_of(world, **changes))
    if field:
        assert field in exc.value.message_dict
    assert not Course.objects.exists()


def test_secretaries_and_finance_do_not_organise_courses(world):
    for who in ("secretary", "finance", "reviewer_a"):
        with pytest.raises(PermissionDenied):
            services.course_record(user=getattr(world, who), **course_of(world))


def test_attendance_in_bulk_replaces_hours_and_never_duplicates(world):
    course = services.course_record(user=world.staff_a, **course_of(world))
    people = [world.secretary_a, f.PersonFactory(village=world.village_a)]
    rows = [(people[0], D("24")), (people[1], D("16"))]
    assert services.attendance_record_bulk(user=world.staff_a, course=course, rows=rows) == (2, 0)
    assert services.attendance_record_bulk(user=world.staff_a, course=course, rows=rows) == (0, 0)
    rows[1] = (people[1], D("20"))
    assert services.attendance_record_bulk(user=world.staff_a, course=course, rows=rows) == (0, 1)
    assert Attendance.objects.get(person=people[1]).hours == D("20")


def test_attendance_refusals_save_nothing(world):
    course = services.course_record(user=world.staff_a, **course_of(world))
    outsider = f.PersonFactory(village=world.village_b)
    for rows in (
        [(world.secretary_a, D("25"))],  # more than the course
        [(world.secretary_a, D("0"))],
        [(world.secretary_a, D("8")), (world.secretary_a, D("8"))],  # listed twice
        [(world.secretary_a, D("8")), (outsider, D("8"))],  # another township's person
    ):
        with pytest.raises(ValidationError):
            services.attendance_record_bulk(user=world.staff_a, course=course, rows=rows)
    assert not Attendance.objects.exists()


def test_a_district_course_is_recorded_by_the_district(world):
    course = services.course_record(user=world.admin, level="district", **course_of(world))
    with pytest.raises(PermissionDenied):
        services.attendance_record_bulk(
            user=world.staff_a, course=course, rows=[(world.secretary_a, D("8"))]
        )
    services.attendance_record_bulk(
        user=world.admin, course=course, rows=[(world.secretary_a, D("8"))]
    )


def test_a_closed_year_refuses_courses_and_attendance(world):
    course = services.course_record(user=world.staff_a, **course_of(world))
    services.training_year_close(user=world.admin, year=2025)
    with pytest.raises(ValidationError):
        services.attendance_record_bulk(
            user=world.staff_a, course=course, rows=[(world.secretary_a, D("8"))]
        )
    with pytest.raises(ValidationError):
        services.course_record(user=world.staff_a, course=course, title="改")
    with pytest.raises(ValidationError):
        services.course_record(user=world.staff_a, **course_of(world, title="新"))
    with pytest.raises(ValidationError):
        services.course_delete(user=world.staff_a, course=course)
    assert not Attendance.objects.exists()
    course.refresh_from_db()
    assert course.title == "村书记示范培训班"


def test_a_course_cannot_shrink_below_an_attendees_hours(world):
    course = services.course_record(user=world.staff_a, **course_of(world))
    services.attendance_record_bulk(
        user=world.staff_a, course=course, rows=[(world.secretary_a, D("24"))]
    )
    with pytest.raises(ValidationError):
        services.course_record(user=world.staff_a, course=course, hours=D("16"))


def test_policy_is_set_by_the_district_admin(world):
    policy = services.training_policy_record(
        user=world.admin, year=2025, required_days=D("8"), hours_per_day=D("6")
    )
    assert (policy.district, policy.required_days) == (world.district, D("8"))
    with pytest.raises(PermissionDenied):
        services.training_policy_record(user=world.staff_a, year=2025, required_days=D("1"))
    with pytest.raises(ValidationError):
        services.training_policy_record(user=world.admin, year=2026, hours_per_day=D("0"))
    with pytest.raises(ValidationError):
        services.training_policy_record(
            user=world.admin, year=2026, reminder_month=2, reminder_day=30
        )
    assert TrainingPolicy.objects.count() == 1
