"""The living allowance's records (SPEC §4, R-ALW-1..4): applications with their declared
tenures, referees and scans, the timeline of transitions, the reviewers' opinions, the
district's acknowledgements and the allowance ledger (grants).

Imported by ``subsidies.models`` so that Django (and migrations) see them in the
``subsidies`` app."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from cadres.choices import EndReason
from portal.choices import ReviewerKind
from portal.models import TransitionEvent, user_fk
from portal.validators import no_formula, validate_bank_account

from .choices import ApplicationStatus, GrantStatus, GrantTier, ReportBody

S = ApplicationStatus
SCAN_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def scan_path(instance, filename: str) -> str:
    """A random name under ``allowance/`` in MEDIA_ROOT (never served directly; the
    uploaded name is kept in ``original_name`` only)."""
    extension = SCAN_EXTENSIONS.get(getattr(instance, "content_type", ""), "")
    return f"allowance/{uuid.uuid4().hex}{extension}"


class AllowanceApplication(ConcurrentTransitionMixin, models.Model):
    """A declaration for a former branch secretary and its way through the five steps of
    R-ALW-4. The transitions are django-fsm methods; the services check who may take them
    and record each in :class:`ApplicationEvent`. ``ConcurrentTransitionMixin`` refuses a
    save whose status changed in the database meanwhile."""

    person = models.ForeignKey(
        "cadres.Person",
        verbose_name=_("former secretary"),
        on_delete=models.PROTECT,
        related_name="allowance_applications",
    )
    village = models.ForeignKey(
        "branches.Village",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The village that declares and reviews the application."),
    )
    declared_on = models.DateField(_("declared on"))
    declared_by = user_fk(_("declared by"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    # The payee data as filed (R-ALW-4 step 1). The declaration never writes them into the
    # registry: township staff confirm the account when they approve, and the grant pays
    # the confirmed one (STYLE "Nobody writes on someone else's behalf").
    payee_phone = models.CharField(_("phone as filed"), max_length=20, blank=True)
    payee_bank_name = models.CharField(
        _("bank as filed"), max_length=100, blank=True, validators=[no_formula]
    )
    payee_bank_account = models.CharField(
        _("bank account as filed"),
        max_length=40,
        blank=True,
        validators=[validate_bank_account],
    )
    note = models.TextField(_("note"), blank=True)
    status = FSMField(
        _("status"), default=S.DECLARED, choices=ApplicationStatus.choices, protected=True
    )
    investigator = user_fk(_("investigator"))
    suspension_reason = models.TextField(_("reason for suspension"), blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("allowance application")
        verbose_name_plural = _("allowance applications")
        ordering = ["-declared_on", "-pk"]
        indexes = [models.Index(fields=["status"], name="subsidies_alwapp_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=~Q(status=S.REJECTED),
                name="%(app_label)s_%(class)s_one_per_person",
                violation_error_message=_(
                    "This person already has an allowance application that is not rejected."
                ),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_payee_account_has_bank",
                condition=Q(payee_bank_account="") | ~Q(payee_bank_name=""),
                violation_error_message=_("A bank account needs the bank's name."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_reason_given",
                condition=(~Q(status=S.SUSPENDED) | ~Q(suspension_reason=""))
                & (~Q(status=S.REJECTED) | ~Q(rejection_reason="")),
                violation_error_message=_("A suspension or a rejection needs its reason."),
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.declared_on:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("allowance:application-detail", kwargs={"pk": self.pk})

    def filed_by(self, user) -> bool:
        """The declarant filed it (``portal.services.ensure_not_filer``)."""
        return self.declared_by_id is not None and self.declared_by_id == user.pk

    # The transitions (R-ALW-4); services call them in transactions and record an event.
    @transition(field=status, source=S.DECLARED, target=S.VILLAGE_REVIEWED)
    def pass_village_review(self):
        pass

    @transition(field=status, source=S.VILLAGE_REVIEWED, target=S.TOWNSHIP_REVIEW)
    def start_township_review(self):
        pass

    @transition(field=status, source=S.TOWNSHIP_REVIEW, target=S.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=S.TOWNSHIP_REVIEW, target=S.SUSPENDED)
    def suspend(self):
        pass

    @transition(field=status, source=S.SUSPENDED, target=S.TOWNSHIP_REVIEW)
    def resume(self):
        pass

    @transition(field=status, source=[S.TOWNSHIP_REVIEW, S.SUSPENDED], target=S.REJECTED)
    def reject(self):
        pass

    @transition(field=status, source=S.APPROVED, target=S.REPORTED)
    def mark_reported(self):
        pass

    @transition(field=status, source=S.REPORTED, target=S.PAID)
    def mark_paid(self):
        pass


class DeclaredTenure(models.Model):
    """A secretary tenure as declared, to the month (shown beside the registry's posts)."""

    application = models.ForeignKey(
        AllowanceApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="tenures",
    )
    village = models.ForeignKey(
        "branches.Village", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    start_month = models.DateField(_("first month"))
    end_month = models.DateField(_("last month"))
    end_reason = models.CharField(_("end reason"), max_length=20, choices=EndReason.choices)

    class Meta:
        verbose_name = _("declared tenure")
        verbose_name_plural = _("declared tenures")
        ordering = ["application", "start_month", "pk"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_end_after_start",
                condition=Q(end_month__gte=F("start_month")),
                violation_error_message=_("A tenure cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.start_month:%Y-%m}–{self.end_month:%Y-%m}"

    def clean(self):
        super().clean()
        for name in ("start_month", "end_month"):
            value = getattr(self, name)
            if value is not None and value.day != 1:
                raise ValidationError({name: _("A month is given as its first day.")})


class Referee(models.Model):
    application = models.ForeignKey(
        AllowanceApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="referees",
    )
    name = models.CharField(_("name"), max_length=50)
    relation = models.CharField(_("relation"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)

    class Meta:
        verbose_name = _("referee")
        verbose_name_plural = _("referees")
        ordering = ["application", "pk"]

    def __str__(self):
        return self.name


class ApplicationScan(models.Model):
    """A scanned document (PDF, JPEG or PNG, judged by content) stored under MEDIA_ROOT and
    served only through the scoped view."""

    application = models.ForeignKey(
        AllowanceApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="scans",
    )
    file = models.FileField(_("file"), upload_to=scan_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=30)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("bytes"))
    uploaded_by = user_fk(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scanned document")
        verbose_name_plural = _("scanned documents")
        ordering = ["application", "pk"]

    def __str__(self):
        return self.original_name or self.file.name

    def get_absolute_url(self):
        return reverse("allowance:scan", kwargs={"pk": self.pk})


class ApplicationEvent(TransitionEvent):
    """Who took an application from one step to another, when, and with what comment."""

    application = models.ForeignKey(
        AllowanceApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=ApplicationStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=ApplicationStatus.choices)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["application", "at", "pk"]

    def __str__(self):
        return f"{self.application_id} {self.from_status}→{self.to_status}"


class ReviewOpinion(models.Model):
    """The opinion of discipline inspection or of comprehensive management (one of each is
    required before the township committee decides)."""

    application = models.ForeignKey(
        AllowanceApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="opinions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReviewerKind.choices)
    reviewer = user_fk(_("reviewer"), optional=False)
    text = models.TextField(_("opinion"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review opinion")
        verbose_name_plural = _("review opinions")
        ordering = ["application", "at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"],
                name="%(app_label)s_%(class)s_one_per_kind",
                violation_error_message=_("This kind of opinion is already recorded."),
            ),
        ]

    def __str__(self):
        return f"{self.application_id} {self.kind}"


class ReportAcknowledgement(models.Model):
    """A district body's acknowledgement of an approved application (R-ALW-4 step 4)."""

    application = models.ForeignKey(
        AllowanceApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="acknowledgements",
    )
    body = models.CharField(_("body"), max_length=20, choices=ReportBody.choices)
    user = user_fk(_("recorded by"), optional=False)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("report acknowledgement")
        verbose_name_plural = _("report acknowledgements")
        ordering = ["application", "at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "body"],
                name="%(app_label)s_%(class)s_one_per_body",
                violation_error_message=_("This body has already acknowledged the report."),
            ),
        ]

    def __str__(self):
        return f"{self.application_id} {self.body}"


class AllowanceGrant(models.Model):
    """The allowance ledger: an approved application's monthly amount from its first payable
    month; payroll pays it each month until the month of death (or the grant's end)."""

    person = models.ForeignKey(
        "cadres.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="allowance_grants",
    )
    application = models.OneToOneField(
        AllowanceApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="grant",
    )
    service_months = models.PositiveSmallIntegerField(_("months of service"))
    tier = models.PositiveSmallIntegerField(_("tier"), choices=GrantTier.choices)
    monthly_amount = models.DecimalField(_("monthly amount"), max_digits=12, decimal_places=2)
    start_month = models.DateField(_("first payable month"))
    end_month = models.DateField(
        _("last payable month"),
        null=True,
        blank=True,
        help_text=_("The month of death, or the month the grant was stopped."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.ACTIVE
    )
    stop_reason = models.TextField(_("reason for stopping"), blank=True)
    policy_label = models.CharField(_("policy"), max_length=7)
    # The account township staff confirmed at approval: the allowance lines (and so the bank
    # file) pay this one, never an account a declaration named on its own.
    bank_name = models.CharField(
        _("confirmed bank"), max_length=100, blank=True, validators=[no_formula]
    )
    bank_account = models.CharField(
        _("confirmed bank account"),
        max_length=40,
        blank=True,
        validators=[validate_bank_account],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = user_fk(_("created by"))

    class Meta:
        verbose_name = _("allowance grant")
        verbose_name_plural = _("allowance grants")
        ordering = ["-start_month", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status=GrantStatus.ACTIVE),
                name="%(app_label)s_%(class)s_one_active_per_person",
                violation_error_message=_("This person already has an active allowance grant."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_amount_positive",
                condition=Q(monthly_amount__gt=0),
                violation_error_message=_("The monthly amount must be above zero."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_end_after_start",
                condition=Q(end_month__isnull=True) | Q(end_month__gte=F("start_month")),
                violation_error_message=_("A grant cannot end before its first payable month."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_stopped_has_end",
                condition=~Q(status=GrantStatus.STOPPED) | Q(end_month__isnull=False),
                violation_error_message=_("A stopped grant needs its last payable month."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_account_has_bank",
                condition=Q(bank_account="") | ~Q(bank_name=""),
                violation_error_message=_("A bank account needs the bank's name."),
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.monthly_amount} {self.start_month:%Y-%m}"

    @property
    def source(self) -> str:
        """The ``source`` of the payment lines that pay this grant."""
        return f"grant:{self.pk}"
