"""Courses, attendance, self-logged training, the yearly policy and closed years (SPEC §5).

Hours are ``Decimal`` (two places); the invariants are named database constraints so the
pages, the import, the API and the admin all refuse the same rows with the same message.
"""

import uuid
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.models import user_fk

from .choices import CourseLevel, EntryStatus, EvidenceType, TrainingKind
from .rules import EXTENSIONS, MAX_HOURS_PER_DAY, Policy


def evidence_path(instance, filename: str) -> str:
    """A random name under ``evidence/`` (the uploaded name is never used on disk)."""
    extension = EXTENSIONS.get(getattr(instance, "evidence_type", ""), "")
    return f"evidence/{uuid.uuid4().hex}{extension}"


class TrainingPolicy(models.Model):
    """The training policy values of a district from ``year`` on, until a later row
    (R-TRN-1, R-TRN-3, reminders). Without any row the field defaults apply: they are the
    SPEC's values, written in this one place."""

    district = models.ForeignKey(
        "branches.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="training_policies",
    )
    year = models.PositiveSmallIntegerField(_("valid from year"))
    hours_per_day = models.DecimalField(
        _("hours in a day of training"), max_digits=4, decimal_places=2, default=Decimal("8")
    )
    required_days = models.DecimalField(
        _("required days of centralised training a year"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("7"),
    )
    budget_per_secretary = models.DecimalField(
        _("training budget per secretary a year (yuan)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("300"),
    )
    reminder_month = models.PositiveSmallIntegerField(
        _("reminders from month"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    reminder_day = models.PositiveSmallIntegerField(
        _("reminders from day"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )

    class Meta:
        verbose_name = _("training policy")
        verbose_name_plural = _("training policies")
        ordering = ["district", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message=_("The district already has a policy from this year."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_values_positive",
                condition=Q(hours_per_day__gt=0)
                & Q(hours_per_day__lte=24)
                & Q(required_days__gte=0)
                & Q(budget_per_secretary__gte=0),
                violation_error_message=_(
                    "Hours in a day are above 0 and at most 24; days and budget are not negative."
                ),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_reminder_date",
                condition=Q(reminder_month__gte=1)
                & Q(reminder_month__lte=12)
                & Q(reminder_day__gte=1)
                & Q(reminder_day__lte=31),
                violation_error_message=_("The reminder start is not a date."),
            ),
        ]

    def __str__(self):
        return f"{self.district} {self.year}"

    def as_rules(self) -> Policy:
        return Policy(
            hours_per_day=self.hours_per_day,
            required_days=self.required_days,
            budget_per_secretary=self.budget_per_secretary,
            reminder_month=self.reminder_month,
            reminder_day=self.reminder_day,
        )

    def clean(self):
        super().clean()
        if self.reminder_month and self.reminder_day:
            try:
                date(2001, self.reminder_month, self.reminder_day)  # any common year
            except ValueError:
                raise ValidationError({"reminder_day": _("The reminder start is not a date.")})


class TrainingYear(models.Model):
    """A district's training year; once closed by the district admin no entry, review or
    attendance of that year is added or changed."""

    district = models.ForeignKey(
        "branches.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="training_years",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = user_fk(_("closed by"))

    class Meta:
        verbose_name = _("training year")
        verbose_name_plural = _("training years")
        ordering = ["district", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message=_("This training year is already recorded."),
            ),
        ]

    def __str__(self):
        return f"{self.district} {self.year}"

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class Course(models.Model):
    """A training course organised by the district or by one township."""

    district = models.ForeignKey(
        "branches.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    level = models.CharField(_("organiser level"), max_length=10, choices=CourseLevel.choices)
    township = models.ForeignKey(
        "branches.Township",
        verbose_name=_("organising township"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices)
    # a course opens and closes (开班/结业), it is not a post's tenure (任职/离任) (issue 10)
    start_date = models.DateField(pgettext_lazy("course", "start date"))
    end_date = models.DateField(pgettext_lazy("course", "end date"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    budget = models.DecimalField(
        _("budget (yuan)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    location = models.CharField(_("location"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-start_date", "title", "id"]
        indexes = [models.Index(fields=["district", "start_date"], name="training_course_ds_idx")]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_end_after_start",
                condition=Q(end_date__gte=F("start_date")),
                violation_error_message=_("A course cannot end before it starts."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_hours_positive",
                condition=Q(hours__gt=0),
                violation_error_message=_("A course has more than 0 hours."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_budget_not_negative",
                condition=Q(budget__gte=0),
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_level_matches_township",
                condition=Q(level=CourseLevel.DISTRICT, township__isnull=True)
                | Q(level=CourseLevel.TOWNSHIP, township__isnull=False),
                violation_error_message=_(
                    "A township course names its township; a district course names none."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.start_date:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("training:course-detail", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.hours and self.end_date >= self.start_date:
            days = (self.end_date - self.start_date).days + 1
            if self.hours > MAX_HOURS_PER_DAY * days:
                raise ValidationError(
                    {"hours": _("More than 12 hours a day of the course's dates.")}
                )


class Attendance(models.Model):
    """A person's attendance of a course, recorded by staff; only verified hours count."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="attendances"
    )
    person = models.ForeignKey(
        "cadres.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    verified = models.BooleanField(_("verified"), default=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["course", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person"],
                name="%(app_label)s_%(class)s_once_per_course",
                violation_error_message=_("This person's attendance of the course is recorded."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_hours_positive",
                condition=Q(hours__gt=0),
                violation_error_message=_("Attendance has more than 0 hours."),
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.course}"

    def get_absolute_url(self):
        return reverse("training:course-detail", kwargs={"pk": self.course_id})

    def clean(self):
        super().clean()
        course = getattr(self, "course", None) if self.course_id else None
        if course is not None and self.hours is not None and self.hours > course.hours:
            raise ValidationError({"hours": _("More hours than the course has.")})


class SelfLoggedTraining(models.Model):
    """Training a secretary logs with evidence; township staff verify it or reject it with a
    reason. Only verified hours count (R-TRN-1)."""

    person = models.ForeignKey(
        "cadres.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="self_logged_trainings",
    )
    date = models.DateField(_("date"))
    provider = models.CharField(_("provider"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, max_length=200)
    evidence_type = models.CharField(
        _("evidence type"), max_length=30, choices=EvidenceType.choices
    )
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    reject_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = user_fk(_("reviewed by"))

    class Meta:
        verbose_name = _("self-logged training")
        verbose_name_plural = _("self-logged training")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["person", "date"], name="training_slt_person_date_idx"),
            models.Index(fields=["status", "date"], name="training_slt_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_hours_range",
                condition=Q(hours__gt=0) & Q(hours__lte=MAX_HOURS_PER_DAY),
                violation_error_message=_("Hours of one entry are more than 0 and at most 12."),
            ),
            models.UniqueConstraint(
                fields=["person", "date", "provider", "kind", "hours"],
                condition=~Q(status=EntryStatus.REJECTED),
                name="%(app_label)s_%(class)s_no_exact_duplicate",
                violation_error_message=_(
                    "This training is already logged (same date, provider, kind and hours)."
                ),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_rejection_has_reason",
                condition=~Q(status=EntryStatus.REJECTED) | ~Q(reject_reason=""),
                violation_error_message=_("A rejection needs a reason."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_review_recorded",
                condition=Q(status=EntryStatus.PENDING) | Q(reviewed_at__isnull=False),
                violation_error_message=_("A reviewed entry records when it was reviewed."),
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.date:%Y-%m-%d} {self.hours}h"

    def get_absolute_url(self):
        return reverse("training:my-training")

    def get_evidence_url(self):
        return reverse("training:evidence", kwargs={"pk": self.pk})

    def filed_by(self, user) -> bool:
        """The person logged it themself (``portal.services.ensure_not_filer``)."""
        return user.person_id is not None and user.person_id == self.person_id


class TrainingReminder(models.Model):
    """An "already sent" record: one R-TRN-1 reminder per person and ISO week."""

    person = models.ForeignKey(
        "cadres.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="training_reminders",
    )
    iso_year = models.PositiveSmallIntegerField(_("ISO year"))
    iso_week = models.PositiveSmallIntegerField(_("ISO week"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    emailed = models.BooleanField(_("e-mailed"), default=False)

    class Meta:
        verbose_name = _("training reminder")
        verbose_name_plural = _("training reminders")
        ordering = ["-iso_year", "-iso_week", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "iso_year", "iso_week"],
                name="%(app_label)s_%(class)s_once_a_week",
                violation_error_message=_("This person was already reminded this week."),
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.iso_year}-W{self.iso_week:02d}"
