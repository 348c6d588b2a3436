"""Writes of the training app (SPEC §5): courses, attendance, self-logged entries and their
review, closing years, the policy, and the R-TRN-1 reminders.

Services are keyword-only, run in ``transaction.atomic``, validate with ``full_clean()``
and raise ``ValidationError`` (a clear message; nothing saved) or ``PermissionDenied``.
``user=None`` is the system (commands, tasks).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from branches.models import District, Township
from cadres.models import Person
from portal import audit
from portal.choices import Role
from portal.scope import CHANGE, scope_queryset
from portal.services import (
    constraint_message,
    ensure_may_change,
    ensure_not_filer,
    ensure_parent_in_scope,
    notification_send,
    validated_save,
)

from . import rules, selectors
from .choices import CourseLevel, EntryStatus
from .models import (
    Attendance,
    Course,
    SelfLoggedTraining,
    TrainingPolicy,
    TrainingReminder,
    TrainingYear,
)

logger = logging.getLogger(__name__)

DEFAULT_EVIDENCE_MAX_BYTES = 5 * 1024 * 1024


def evidence_max_bytes() -> int:
    return getattr(settings, "TRAINING_EVIDENCE_MAX_BYTES", DEFAULT_EVIDENCE_MAX_BYTES)


def ensure_year_open(district_id: int, year: int) -> None:
    """No entry, review or attendance is added or changed in a year the district closed, or
    before its first training year (issue 9: 1800-01-01 was accepted)."""
    if year < selectors.first_open_year(district_id):
        raise ValidationError(
            _("The training year %(year)s is not open: the portal keeps training from %(first)s.")
            % {"year": year, "first": selectors.first_open_year(district_id)}
        )
    if selectors.year_closed(district_id, year):
        raise ValidationError(
            _("The training year %(year)s is closed by the district; nothing in it can change.")
            % {"year": year}
        )


# --- self-logged training ------------------------------------------------------------------


def evidence_check(upload) -> str:
    """The evidence file's type by its first bytes (PDF, JPEG, PNG), within the size limit;
    the name the browser sent plays no part."""
    if not upload:
        raise ValidationError({"evidence": _("Attach the evidence: a PDF, JPEG or PNG file.")})
    limit = evidence_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            {
                "evidence": _("The evidence file is larger than %(mb)s MB.")
                % {"mb": round(limit / (1024 * 1024), 1)}
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = rules.evidence_type(head)
    if kind is None:
        raise ValidationError(
            {"evidence": _("The evidence must be a PDF, JPEG or PNG file (judged by content).")}
        )
    return kind


def _duplicate_message() -> str:
    constraint = next(
        c for c in SelfLoggedTraining._meta.constraints if c.name.endswith("_no_exact_duplicate")
    )
    return str(constraint.get_violation_error_message())


def _normalise_provider(provider: str) -> str:
    return " ".join((provider or "").split())


@transaction.atomic
def self_logged_training_log(
    *, user, date: date, provider: str, kind: str, hours: Decimal, evidence
) -> SelfLoggedTraining:
    """A secretary logs their own training; the person is always the user's own, never
    taken from input. Refused (nothing saved): a future date, a closed year, more than 12
    hours in the day across entries, an exact duplicate, evidence that is not a PDF, JPEG
    or PNG or too large."""
    if user is None or user.role != Role.SECRETARY or not user.person_id:
        raise PermissionDenied(_("Only a secretary logs their own training."))
    # Locking the person serialises two logs of one person, so the 12-hour sum holds.
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("village__township")
        .get(pk=user.person_id)
    )
    entry = SelfLoggedTraining(
        person=person, date=date, provider=_normalise_provider(provider), kind=kind, hours=hours
    )
    ensure_may_change(user, entry)
    errors: dict[str, list] = {}
    if date is not None:
        if rules.is_future(date, timezone.localdate()):
            errors.setdefault("date", []).append(_("The date is in the future."))
        elif date.year < selectors.first_open_year(person.village.township.district_id):
            errors.setdefault("date", []).append(
                _(
                    "The training year %(year)s is not open: the portal keeps training from "
                    "%(first)s."
                )
                % {
                    "year": date.year,
                    "first": selectors.first_open_year(person.village.township.district_id),
                }
            )
        elif selectors.year_closed(person.village.township.district_id, date.year):
            errors.setdefault("date", []).append(
                _("The training year %(year)s is closed by the district.") % {"year": date.year}
            )
    if hours is None or not Decimal("0") < hours <= rules.MAX_HOURS_PER_DAY:
        errors.setdefault("hours", []).append(
            _("Hours of one entry are more than 0 and at most 12.")
        )
    elif date is not None:
        that_day = list(
            SelfLoggedTraining.objects.filter(person=person, date=date)
            .exclude(status=EntryStatus.REJECTED)
            .values_list("provider", "kind", "hours")
        )
        if (entry.provider, kind, hours) in that_day:
            # the exact duplicate (also a unique constraint) is the clearer message
            errors.setdefault(NON_FIELD_ERRORS, []).append(_duplicate_message())
        elif rules.exceeds_daily_limit((h for _p, _k, h in that_day), hours):
            errors.setdefault("hours", []).append(
                _(
                    "At most 12 hours of training a day: %(logged)s hours are already logged "
                    "on %(date)s."
                )
                % {
                    "logged": sum((h for _p, _k, h in that_day), Decimal("0")),
                    "date": date.isoformat(),
                }
            )
    try:
        entry.evidence_type = evidence_check(evidence)
    except ValidationError as exc:
        errors.setdefault("evidence", []).extend(exc.message_dict["evidence"])
    if errors:
        raise ValidationError(errors)
    entry.evidence_name = os.path.basename(getattr(evidence, "name", "") or "")[:200]
    entry.evidence = evidence
    entry.full_clean()  # the hours range and the exact-duplicate constraint; no file yet
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:  # a concurrent duplicate that only the database saw
        if entry.evidence._committed:
            _delete_file(entry.evidence.name)
        raise ValidationError(constraint_message(SelfLoggedTraining, exc))
    return entry


def _delete_file(name: str) -> None:
    if name:
        from django.core.files.storage import default_storage

        default_storage.delete(name)


@transaction.atomic
def self_logged_training_withdraw(*, user, entry: SelfLoggedTraining) -> None:
    """A secretary withdraws their own pending entry (and its evidence file)."""
    if user is None or user.person_id != entry.person_id:
        raise PermissionDenied(_("Only the person who logged it may withdraw an entry."))
    ensure_may_change(user, entry)
    entry = SelfLoggedTraining.objects.select_for_update().get(pk=entry.pk)
    if entry.status != EntryStatus.PENDING:
        raise ValidationError(_("Only a pending entry can be withdrawn."))
    district_id = Person.objects.filter(pk=entry.person_id).values_list(
        "village__township__district_id", flat=True
    )[0]
    ensure_year_open(district_id, entry.date.year)
    name = entry.evidence.name
    entry.delete()
    transaction.on_commit(lambda: _delete_file(name))


@transaction.atomic
def self_logged_training_review(*, user, entries: Iterable, approve: bool, reason: str = "") -> int:
    """Township staff verify or reject (with a reason) pending entries of their township,
    all or none. Returns how many were reviewed."""
    if user is None or not (user.is_superuser or user.role == Role.TOWNSHIP_STAFF):
        raise PermissionDenied(_("Only township staff verify training."))
    ids = {getattr(e, "pk", e) for e in entries}
    try:
        ids = {int(i) for i in ids}
    except (TypeError, ValueError):
        raise ValidationError(_("Choose entries by their ids."))
    if not ids:
        raise ValidationError(_("Choose at least one entry."))
    reason = " ".join((reason or "").split())
    if not approve and not reason:
        raise ValidationError({"reason": _("A rejection needs a reason.")})
    rows = list(
        scope_queryset(user, SelfLoggedTraining, CHANGE)
        .select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("person__village__township", "person__user")
        .order_by("pk")
    )
    if len(rows) != len(ids):
        raise PermissionDenied(_("Some of the chosen entries are outside your scope."))
    for row in rows:  # nobody verifies training they logged themself (issue 9 item 7)
        ensure_not_filer(user, row, _("Nobody verifies training they logged themself."))
    not_pending = [r for r in rows if r.status != EntryStatus.PENDING]
    if not_pending:
        raise ValidationError(
            _("Already reviewed: %(entries)s.")
            % {"entries": ", ".join(f"{r.person} {r.date:%Y-%m-%d}" for r in not_pending)}
        )
    for district_id, year in {(r.person.village.township.district_id, r.date.year) for r in rows}:
        ensure_year_open(district_id, year)
    now = timezone.now()
    before = {row.pk: row.status for row in rows}
    for row in rows:
        row.status = EntryStatus.VERIFIED if approve else EntryStatus.REJECTED
        row.reject_reason = "" if approve else reason[:500]
        row.reviewed_at = now
        row.reviewed_by = user if user.pk else None
    try:
        with transaction.atomic():
            SelfLoggedTraining.objects.bulk_update(
                rows, ["status", "reject_reason", "reviewed_at", "reviewed_by"]
            )
    except IntegrityError as exc:
        # Re-verifying a rejected entry that a duplicate replaced cannot happen (only pending
        # entries are reviewed); this guards the named constraints all the same.
        raise ValidationError(constraint_message(SelfLoggedTraining, exc))
    # bulk_update sends no signals: one audit entry per reviewed entry (a page of them)
    for row in rows:
        changes = {"status": [before[row.pk], row.status]}
        if row.reject_reason:
            changes["reject_reason"] = ["", row.reject_reason]
        audit.record(row, summary=f"reviewed: {row.status}", changes=changes, actor=user)
    if not approve:
        for row in rows:
            recipient = getattr(row.person, "user", None)
            if recipient is not None:
                notification_send(
                    recipient=recipient,
                    text=_("Your training of %(date)s (%(provider)s) was rejected: %(reason)s")
                    % {"date": row.date.isoformat(), "provider": row.provider, "reason": reason},
                    url=reverse("training:my-training"),
                )
    return len(rows)


# --- courses and attendance ----------------------------------------------------------------

COURSE_FIELDS = (
    "level",
    "township",
    "title",
    "kind",
    "start_date",
    "end_date",
    "hours",
    "budget",
    "location",
    "district",
)


@transaction.atomic
def course_record(*, user, course: Course | None = None, **fields) -> Course:
    """Create or change a course. Township staff organise courses of their own township; the
    district admin organises district courses (or courses of one of their townships)."""
    course = course or Course()
    ensure_may_change(user, course)
    before = (course.district_id, course.start_date.year) if course.pk else None
    for key, value in fields.items():
        if key not in COURSE_FIELDS:
            raise TypeError(key)
        if key == "district" and user is not None:
            continue  # the district always follows from the user or the township
        setattr(course, key, value)
    if user is not None and user.role == Role.TOWNSHIP_STAFF:
        course.level = CourseLevel.TOWNSHIP
        course.township_id = user.township_id
    if course.level == CourseLevel.DISTRICT:
        course.township = None
    if course.township_id:
        township = Township.objects.get(pk=course.township_id)
        ensure_parent_in_scope(user, township)
        course.district_id = township.district_id
    elif user is not None and user.district_id:
        course.district_id = user.district_id
    if not course.district_id:
        raise ValidationError(_("A course belongs to a district."))
    if before is not None:
        ensure_year_open(*before)
    if course.start_date:
        ensure_year_open(course.district_id, course.start_date.year)
    if course.pk and course.hours:
        most = course.attendances.aggregate(most=Max("hours"))["most"]
        if most is not None and most > course.hours:
            raise ValidationError(
                {
                    "hours": _("An attendee already has %(hours)s hours of this course.")
                    % {"hours": most}
                }
            )
    return validated_save(course)


@transaction.atomic
def course_delete(*, user, course: Course) -> None:
    ensure_may_change(user, course)
    ensure_year_open(course.district_id, course.start_date.year)
    course.delete()


@transaction.atomic
def attendance_record_bulk(
    *, user, course: Course, rows: Iterable[tuple[Person, Decimal]], verified: bool = True
) -> tuple[int, int]:
    """Record the attendance of a course for many people at once, all or none: a person
    already recorded has their hours replaced (so entering a list twice changes nothing).
    Returns (created, updated)."""
    ensure_may_change(user, course)
    ensure_year_open(course.district_id, course.start_date.year)
    rows = list(rows)
    if not rows:
        raise ValidationError(_("Enter at least one attendee."))
    errors = []
    seen: set[int] = set()
    for person, hours in rows:
        if person.pk in seen:
            errors.append(_("%(name)s is listed twice.") % {"name": person.name})
        seen.add(person.pk)
        if hours is None or hours <= 0:
            errors.append(_("%(name)s: hours must be more than 0.") % {"name": person.name})
        elif hours > course.hours:
            errors.append(
                _("%(name)s: %(hours)s hours is more than the course's %(course)s.")
                % {"name": person.name, "hours": hours, "course": course.hours}
            )
    if user is not None:
        in_scope = set(
            scope_queryset(user, Person).filter(pk__in=seen).values_list("pk", flat=True)
        )
        for person, _hours in rows:
            if person.pk not in in_scope:
                errors.append(_("%(name)s is outside your scope.") % {"name": person.name})
    if errors:
        raise ValidationError(errors)
    existing = {
        a.person_id: a
        for a in Attendance.objects.select_for_update().filter(course=course, person_id__in=seen)
    }
    now = timezone.now()
    new, changed = [], []
    for person, hours in rows:
        record = existing.get(person.pk)
        if record is None:
            new.append(
                Attendance(
                    course=course, person=person, hours=hours, verified=verified, recorded_at=now
                )
            )
        elif record.hours != hours or record.verified != verified:
            record.hours, record.verified, record.recorded_at = hours, verified, now
            changed.append(record)
    try:
        with transaction.atomic():
            Attendance.objects.bulk_create(new, batch_size=500)
            Attendance.objects.bulk_update(
                changed, ["hours", "verified", "recorded_at"], batch_size=500
            )
    except IntegrityError as exc:
        raise ValidationError(constraint_message(Attendance, exc))
    audit.record(
        course,
        summary=f"attendance recorded: {len(new)} added, {len(changed)} changed",
        data={"operation": "attendance", "created": len(new), "updated": len(changed)},
        actor=user,
    )
    return len(new), len(changed)


@transaction.atomic
def attendance_delete(*, user, attendance: Attendance) -> None:
    ensure_may_change(user, attendance.course)
    ensure_may_change(user, attendance)
    ensure_year_open(attendance.course.district_id, attendance.course.start_date.year)
    attendance.delete()


# --- policy and closed years ---------------------------------------------------------------

POLICY_FIELDS = (
    "hours_per_day",
    "required_days",
    "budget_per_secretary",
    "reminder_month",
    "reminder_day",
)


def _ensure_district_admin(user) -> None:
    if user is not None and not (user.is_superuser or user.role == Role.DISTRICT_ADMIN):
        raise PermissionDenied(_("Only the district admin sets training policy and years."))


@transaction.atomic
def training_policy_record(*, user, year: int, district=None, **values) -> TrainingPolicy:
    """Set the policy values of the user's district from ``year`` on."""
    _ensure_district_admin(user)
    district_id = getattr(district, "pk", district) or (user.district_id if user else None)
    if not district_id:
        raise ValidationError(_("A policy belongs to a district."))
    policy = TrainingPolicy.objects.filter(
        district_id=district_id, year=year
    ).first() or TrainingPolicy(district_id=district_id, year=year)
    ensure_may_change(user, policy)
    for key, value in values.items():
        if key not in POLICY_FIELDS:
            raise TypeError(key)
        setattr(policy, key, value)
    return validated_save(policy)


@transaction.atomic
def training_year_close(*, user, year: int, close: bool = True, district=None) -> TrainingYear:
    """The district admin closes a training year (or opens it again)."""
    _ensure_district_admin(user)
    district_id = getattr(district, "pk", district) or (user.district_id if user else None)
    if not district_id:
        raise ValidationError(_("A training year belongs to a district."))
    record, _created = TrainingYear.objects.select_for_update().get_or_create(
        district_id=district_id, year=year
    )
    ensure_may_change(user, record)
    if close and record.closed_at is None:
        record.closed_at = timezone.now()
        record.closed_by = user
    elif not close:
        record.closed_at = None
        record.closed_by = None
    return validated_save(record)


# --- reminders -----------------------------------------------------------------------------


def training_reminders_send(*, today: date | None = None) -> int:
    """R-TRN-1 reminders: from the policy's start (1 October) to the year's end, each
    serving secretary behind gets one in-portal notification, and an e-mail where their
    person has an address, per ISO week — the ``TrainingReminder`` row's unique
    constraint makes a second send in the week impossible, however often this runs.
    Returns the number of reminders sent by this run."""
    today = today or timezone.localdate()
    iso_year, iso_week = rules.reminder_week(today)
    policies = selectors.policies_for(District.objects.values_list("pk", flat=True), today.year)
    if not any(rules.reminder_due(today, policy) for policy in policies.values()):
        return 0  # before 1 October nothing is computed at all
    sent = 0
    rows = selectors.behind_list(user=None, year=today.year, today=today)
    users = {
        u.person_id: u
        for u in _user_model().objects.filter(
            person_id__in=[r.person.pk for r in rows], is_active=True
        )
    }
    with translation.override(settings.LANGUAGE_CODE):
        for row in rows:
            if not rules.reminder_due(today, row.policy):
                continue
            try:
                with transaction.atomic():
                    reminder = TrainingReminder.objects.create(
                        person=row.person, iso_year=iso_year, iso_week=iso_week
                    )
                    text = reminder_text(row, today.year)
                    recipient = users.get(row.person.pk)
                    if recipient is not None:
                        notification_send(
                            recipient=recipient, text=text, url=reverse("training:my-training")
                        )
            except IntegrityError:
                continue  # already reminded this week
            sent += 1
            if row.person.email:
                _email_reminder(reminder, row.person.email, text)
    return sent


def _user_model():
    from django.contrib.auth import get_user_model

    return get_user_model()


def reminder_text(row, year: int) -> str:
    return _(
        "Training reminder: you have %(days)s of %(required)s required days of centralised "
        "training in %(year)s. Please complete the remaining %(missing)s days by 31 December."
    ) % {
        "days": row.progress.days,
        "required": row.progress.required_days,
        "year": year,
        "missing": row.progress.missing_days,
    }


def _email_reminder(reminder: TrainingReminder, address: str, text: str) -> None:
    try:
        send_mail(_("Training reminder"), text, None, [address], fail_silently=False)
    except Exception:  # The in-portal notice stands; the mail is logged
        logger.exception("training reminder e-mail to person %s failed", reminder.person_id)
        return
    TrainingReminder.objects.filter(pk=reminder.pk).update(emailed=True)
