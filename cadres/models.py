from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.validators import no_formula, validate_bank_account

from .choices import Education, EndReason, Gender, Grade, PostRole
from .constraints import OneHolderPerDayConstraint
from .validators import birth_date_from_id, validate_id_number


class Person(models.Model):
    """A cadre, member or former secretary (SPEC §2). Sensitive fields are masked on pages."""

    village = models.ForeignKey(
        "branches.Village",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="people",
        help_text=_("The village the person is registered in."),
    )
    name = models.CharField(
        pgettext_lazy("person", "name"), max_length=50, validators=[no_formula]
    )  # 姓名, not 名称 (issue 10)
    id_number = models.CharField(
        _("ID number"), max_length=18, unique=True, validators=[validate_id_number]
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, blank=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True, validators=[no_formula])
    bank_account = models.CharField(
        _("bank account"), max_length=40, blank=True, validators=[validate_bank_account]
    )
    died_on = models.DateField(_("date of death"), null=True, blank=True)
    # Payroll corrections look for rows changed after a ledger was locked (SPEC §3).
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["village", "name", "id"]
        indexes = [
            # The people list pages in (name, id) order.
            models.Index(fields=["name", "id"], name="cadres_person_name_idx"),
            # Searches by the first characters of a name or phone (LIKE 'x%' on PostgreSQL
            # needs the pattern operator class whatever the collation; SQLite ignores it).
            models.Index(
                fields=["name"], name="cadres_person_name_like", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["phone"], name="cadres_person_phone_like", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_death_after_birth",
                condition=Q(died_on__isnull=True) | Q(died_on__gte=F("birth_date")),
                violation_error_message=_("The date of death is before the birth date."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_account_has_bank",
                condition=Q(bank_account="") | ~Q(bank_name=""),
                violation_error_message=_("A bank account needs the bank's name."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cadres:person-detail", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        if self.id_number and self.birth_date:
            try:
                born = birth_date_from_id(self.id_number)
            except Exception:  # noqa: BLE001 - the field validator reports a bad ID
                return
            if born != self.birth_date:
                raise ValidationError(
                    {"birth_date": _("The birth date does not agree with the ID number.")}
                )


class Post(models.Model):
    """A tenure: one person in one role of a village (and its branch) from start to end."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="posts"
    )
    village = models.ForeignKey(
        "branches.Village",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="posts",
    )
    branch = models.ForeignKey(
        "branches.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
    )
    role = models.CharField(_("role"), max_length=20, choices=PostRole.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=20, choices=EndReason.choices, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["village", "role", "-start_date"]
        indexes = [
            models.Index(fields=["village", "role", "start_date"], name="cadres_post_vrs_idx"),
            models.Index(fields=["person", "start_date"], name="cadres_post_person_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_end_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                violation_error_message=_("A post cannot end before it starts."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_end_reason_with_end",
                condition=Q(end_date__isnull=True, end_reason="")
                | (Q(end_date__isnull=False) & ~Q(end_reason="")),
                violation_error_message=_(
                    "A post that has ended needs an end reason, and only such a post."
                ),
            ),
            models.UniqueConstraint(
                fields=["person", "village", "role", "start_date"],
                name="%(app_label)s_%(class)s_unique_tenure",
                violation_error_message=_("This tenure is already recorded."),
            ),
            OneHolderPerDayConstraint(
                name="%(app_label)s_%(class)s_one_secretary_per_day",
                role=PostRole.SECRETARY,
                violation_error_message=_(
                    "The village already has a branch secretary on some of these days."
                ),
            ),
            OneHolderPerDayConstraint(
                name="%(app_label)s_%(class)s_one_director_per_day",
                role=PostRole.DIRECTOR,
                violation_error_message=_(
                    "The village already has a committee director on some of these days."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_role_display()} · {self.village}"

    def get_absolute_url(self):
        return reverse("cadres:person-detail", kwargs={"pk": self.person_id})


class PerformanceAppraisal(models.Model):
    """A periodic appraisal covering a month or a quarter (R-PAY-2 uses its grade)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="appraisals"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("performance appraisal")
        verbose_name_plural = _("performance appraisals")
        ordering = ["person", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "period_start"],
                name="%(app_label)s_%(class)s_one_per_period",
                violation_error_message=_("This person already has an appraisal for the period."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_period_in_order",
                condition=Q(period_end__gte=F("period_start")),
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.period_start:%Y-%m} {self.get_grade_display()}"

    def get_absolute_url(self):
        return reverse("cadres:person-detail", kwargs={"pk": self.person_id})


class AnnualAssessment(models.Model):
    """The yearly assessment ("three-vote appraisal"), score 0–100 (R-PAY-4 ranks by it)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)

    class Meta:
        verbose_name = _("annual assessment")
        verbose_name_plural = _("annual assessments")
        ordering = ["person", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message=_("This person already has an assessment for the year."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_score_range",
                condition=Q(score__gte=0) & Q(score__lte=100),
                violation_error_message=_("The score is between 0 and 100."),
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.year} {self.score}"

    def get_absolute_url(self):
        return reverse("cadres:person-detail", kwargs={"pk": self.person_id})


class HealthCheck(models.Model):
    """A secretary's health check (R-REG-2: every 2 years)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="health_checks"
    )
    checked_on = models.DateField(_("checked on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("health check")
        verbose_name_plural = _("health checks")
        ordering = ["person", "-checked_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "checked_on"],
                name="%(app_label)s_%(class)s_one_per_day",
                violation_error_message=_("This health check is already recorded."),
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.checked_on}"

    def get_absolute_url(self):
        return reverse("cadres:person-detail", kwargs={"pk": self.person_id})
