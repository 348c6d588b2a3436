from decimal import Decimal

from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.models import TransitionEvent, user_fk

from .choices import AwardStatus, Component, ExportFormat, LineKind, RunStatus
from .constraints import DateRange, PostgresExclusionConstraint

MONEY = {"max_digits": 12, "decimal_places": 2}
# R-PAY-3: the components paid by the day (one pay per person per day across runs).
DAY_COMPONENTS = (Component.BASIC, Component.PERFORMANCE)


def money_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, **MONEY, **kwargs)


class Policy(models.Model):
    """Every amount and threshold of SPEC §3 and §4, valid from a month (effective-dated).

    Computing a month uses the record in force then (the latest ``valid_from`` not after it);
    a record already used by a locked run cannot change (services refuse it).
    """

    district = models.ForeignKey(
        "branches.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="policies",
    )
    valid_from = models.DateField(_("valid from"), help_text=_("The first day of a month."))
    secretary_basic = money_field(_("secretary basic subsidy"), default=Decimal("500.00"))
    one_shoulder_basic = money_field(_("one-shoulder basic subsidy"), default=Decimal("600.00"))
    member_ratio = models.DecimalField(
        _("members' share of the secretary's standard"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.60"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    performance_floor = money_field(_("lowest performance standard"), default=Decimal("300.00"))
    factor_excellent = models.DecimalField(
        _("factor: excellent"), max_digits=4, decimal_places=2, default=Decimal("1.20")
    )
    factor_competent = models.DecimalField(
        _("factor: competent"), max_digits=4, decimal_places=2, default=Decimal("1.00")
    )
    factor_basic = models.DecimalField(
        _("factor: basically competent"), max_digits=4, decimal_places=2, default=Decimal("0.60")
    )
    factor_incompetent = models.DecimalField(
        _("factor: incompetent"), max_digits=4, decimal_places=2, default=Decimal("0.00")
    )
    award_amount = money_field(_("annual award"), default=Decimal("5000.00"))
    award_ratio = models.DecimalField(
        _("award quota"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.15"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    floor_topup_enabled = models.BooleanField(_("pay floor top-ups in December"), default=False)
    floor_other_ratio = models.DecimalField(
        _("floor share for other cadres"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.60"),
    )
    allowance_cutoff = models.DateField(
        _("allowance: last tenure ended on or before"), default="2008-12-31"
    )
    allowance_payable_from = models.DateField(_("allowance: payable from"), default="2010-01-01")
    allowance_min_months = models.PositiveSmallIntegerField(
        _("allowance: fewest months of service"), default=120
    )
    allowance_tier1_max_months = models.PositiveSmallIntegerField(
        _("allowance: most months of the lower tier"), default=216
    )
    allowance_tier1_amount = money_field(
        _("allowance: lower tier a month"), default=Decimal("100.00")
    )
    allowance_tier2_amount = money_field(
        _("allowance: higher tier a month"), default=Decimal("200.00")
    )
    correction_months = models.PositiveSmallIntegerField(
        _("months back that corrections reach"), default=12
    )
    note = models.TextField(_("note"), blank=True)
    created_by = user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["district", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "valid_from"],
                name="%(app_label)s_%(class)s_one_per_month",
                violation_error_message=_("A policy already starts in this month."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_amounts_not_negative",
                condition=Q(
                    secretary_basic__gte=0,
                    one_shoulder_basic__gte=0,
                    performance_floor__gte=0,
                    award_amount__gte=0,
                    allowance_tier1_amount__gte=0,
                    allowance_tier2_amount__gte=0,
                    factor_excellent__gte=0,
                    factor_competent__gte=0,
                    factor_basic__gte=0,
                    factor_incompetent__gte=0,
                ),
                violation_error_message=_("Amounts and factors cannot be negative."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_ratios",
                condition=Q(
                    member_ratio__gte=0,
                    member_ratio__lte=1,
                    award_ratio__gte=0,
                    award_ratio__lte=1,
                    floor_other_ratio__gte=0,
                    floor_other_ratio__lte=1,
                ),
                violation_error_message=_("Ratios are between 0 and 1."),
            ),
        ]

    def __str__(self):
        return f"{self.district} {self.valid_from:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{self.valid_from:%Y-%m}"

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_from.day != 1:
            raise ValidationError({"valid_from": _("A policy starts on the first of a month.")})
        if (self.allowance_tier1_max_months or 0) < (self.allowance_min_months or 0):
            raise ValidationError(
                _("The lower tier cannot end before the fewest months of service.")
            )


class PerformanceStandard(models.Model):
    """A township's monthly performance standard S (R-PAY-2), valid from a month.

    The lowest allowed value is the policy's ``performance_floor`` (300 by default); the
    service refuses a lower one with a clear message."""

    township = models.ForeignKey(
        "branches.Township",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="performance_standards",
    )
    valid_from = models.DateField(_("valid from"))
    amount = money_field(_("monthly standard"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("performance standard")
        verbose_name_plural = _("performance standards")
        ordering = ["township", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "valid_from"],
                name="%(app_label)s_%(class)s_one_per_month",
                violation_error_message=_("A standard already starts in this month."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_positive",
                condition=Q(amount__gt=0),
                violation_error_message=_("The standard must be above zero."),
            ),
        ]

    def __str__(self):
        return f"{self.township} {self.valid_from:%Y-%m} {self.amount}"


class RuralIncome(models.Model):
    """The year's average income of the rural labour force A (R-PAY-5)."""

    district = models.ForeignKey(
        "branches.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="rural_incomes",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = money_field(_("average yearly income"))

    class Meta:
        verbose_name = _("rural income")
        verbose_name_plural = _("rural incomes")
        ordering = ["district", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message=_("This year's income is already entered."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_positive",
                condition=Q(amount__gt=0),
                violation_error_message=_("The income must be above zero."),
            ),
        ]

    def __str__(self):
        return f"{self.district} {self.year} {self.amount}"


class PayrollRun(ConcurrentTransitionMixin, models.Model):
    """One month's remuneration of one township (SPEC §3 "Payroll runs").

    draft → computed → approved (township) → locked (finance) → disbursed. The transitions
    are methods guarded by django-fsm; ``ConcurrentTransitionMixin`` refuses a save whose
    status changed in the database meanwhile (two approvals at once)."""

    township = models.ForeignKey(
        "branches.Township",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="payroll_runs",
    )
    month = models.DateField(_("month"))
    status = FSMField(
        _("status"), default=RunStatus.DRAFT, choices=RunStatus.choices, protected=True
    )
    policy = models.ForeignKey(
        Policy,
        verbose_name=_("policy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runs",
    )
    # The township as it was named when the run was computed (ledgers export these).
    township_code = models.CharField(_("township code"), max_length=20, blank=True)
    township_name = models.CharField(_("township name"), max_length=100, blank=True)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    held_count = models.PositiveIntegerField(_("held lines"), default=0)
    total_amount = money_field(_("total"), default=Decimal("0.00"))
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("to do"), default=0)
    integrity_warnings = models.PositiveIntegerField(_("integrity warnings"), default=0)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    computed_by = user_fk(_("computed by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = user_fk(_("approved by"))
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = user_fk(_("locked by"))
    disbursed_at = models.DateTimeField(_("disbursed at"), null=True, blank=True)
    disbursed_by = user_fk(_("disbursed by"))
    chain_position = models.PositiveIntegerField(_("chain position"), null=True, blank=True)
    prev_hash = models.CharField(_("previous ledger hash"), max_length=64, blank=True)
    ledger_hash = models.CharField(_("ledger hash"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("payroll run")
        verbose_name_plural = _("payroll runs")
        ordering = ["-month", "township"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "month"],
                name="%(app_label)s_%(class)s_one_per_month",
                violation_error_message=_("This township already has a run for the month."),
            ),
        ]

    def __str__(self):
        return f"{self.township} {self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse("subsidies:run-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in (RunStatus.DRAFT, RunStatus.COMPUTED)

    # The transitions; services call them inside transactions and record a RunEvent.
    @transition(
        field=status, source=[RunStatus.DRAFT, RunStatus.COMPUTED], target=RunStatus.COMPUTED
    )
    def mark_computed(self):
        pass

    @transition(field=status, source=RunStatus.COMPUTED, target=RunStatus.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=RunStatus.APPROVED, target=RunStatus.COMPUTED)
    def reopen(self):
        pass

    @transition(field=status, source=RunStatus.APPROVED, target=RunStatus.LOCKED)
    def lock(self):
        pass

    @transition(field=status, source=RunStatus.LOCKED, target=RunStatus.DISBURSED)
    def disburse(self):
        pass


class RunEvent(TransitionEvent):
    """Who took a run from one status to another, when, and why."""

    run = models.ForeignKey(
        PayrollRun, verbose_name=_("payroll run"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=RunStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=RunStatus.choices)

    class Meta:
        verbose_name = _("run event")
        verbose_name_plural = _("run events")
        ordering = ["run", "at", "pk"]

    def __str__(self):
        return f"{self.run} {self.from_status}→{self.to_status}"


class PaymentLine(models.Model):
    """One component paid to one person for one month, with its derivation (SPEC §3).

    The payee's name and account are copied in when the line is computed, so a locked
    ledger exports the same bytes whatever happens to the registry later."""

    # No single-column indexes on run and person: the unique (run, person, …) and the
    # (person, pays_for) indexes lead with them, and every index slows the bulk writes.
    run = models.ForeignKey(
        PayrollRun,
        verbose_name=_("payroll run"),
        on_delete=models.PROTECT,
        related_name="lines",
        db_index=False,
    )
    person = models.ForeignKey(
        "cadres.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="payment_lines",
        db_index=False,
    )
    village = models.ForeignKey(
        "branches.Village",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    component = models.CharField(_("component"), max_length=20, choices=Component.choices)
    kind = models.CharField(
        _("kind"), max_length=20, choices=LineKind.choices, default=LineKind.REGULAR
    )
    pays_for = models.DateField(_("pays for month"))
    amount = money_field(_("amount"))
    held = models.BooleanField(_("held"), default=False)
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    derivation = models.JSONField(_("derivation"))
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    source = models.CharField(
        _("source"),
        max_length=40,
        blank=True,
        help_text=_("The award or grant a one-off line pays."),
    )
    # Snapshots taken when the line is computed: a locked ledger never changes with the
    # registry (renamed villages, corrected ID numbers or accounts).
    village_code = models.CharField(_("village code"), max_length=20, blank=True)
    village_name = models.CharField(_("village name"), max_length=100, blank=True)
    id_number_masked = models.CharField(_("ID number (masked)"), max_length=18, blank=True)
    account_name = models.CharField(_("account name"), max_length=50)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=40, blank=True)
    # R-PAY-3: the first and last day of the month that a regular basic or performance line
    # pays (the days of its township's posts); empty for corrections and one-off lines.
    covers_from = models.DateField(_("covers from"), null=True, blank=True)
    covers_to = models.DateField(_("covers to"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment line")
        verbose_name_plural = _("payment lines")
        ordering = ["run", "village", "person", "component", "pays_for"]
        indexes = [models.Index(fields=["person", "pays_for"], name="subsidies_line_person_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "person", "component", "pays_for"],
                name="%(app_label)s_%(class)s_one_per_month",
                violation_error_message=_("This person already has this line in the run."),
            ),
            # One-off components (award, floor top-up, allowance): once a month across runs.
            models.UniqueConstraint(
                fields=["person", "component", "pays_for"],
                condition=Q(kind=LineKind.REGULAR) & ~Q(component__in=DAY_COMPONENTS),
                name="%(app_label)s_%(class)s_once_a_month",
                violation_error_message=_(
                    "This person is already paid this component for the month in another run."
                ),
            ),
            # R-PAY-3: basic and performance once a day across runs (each township pays its
            # own days). PostgreSQL only; on SQLite the compute service checks it.
            PostgresExclusionConstraint(
                name="%(app_label)s_%(class)s_one_pay_a_day",
                expressions=[
                    (F("person"), RangeOperators.EQUAL),
                    (F("component"), RangeOperators.EQUAL),
                    (
                        DateRange("covers_from", "covers_to", RangeBoundary(inclusive_upper=True)),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(kind=LineKind.REGULAR, component__in=DAY_COMPONENTS),
                violation_error_message=_(
                    "This person is already paid this component for some of these days in "
                    "another run."
                ),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_covers_days_of_its_month",
                condition=Q(covers_from__isnull=True, covers_to__isnull=True)
                | (
                    Q(covers_from__lte=F("covers_to"))
                    & Q(pays_for=TruncMonth("covers_from"))
                    & Q(pays_for=TruncMonth("covers_to"))
                ),
                violation_error_message=_(
                    "A line covers days from its first to its last, in the month it pays for."
                ),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_regular_days_covered",
                condition=~Q(kind=LineKind.REGULAR, component__in=DAY_COMPONENTS)
                | Q(covers_from__isnull=False),
                violation_error_message=_("A regular basic or performance line names its days."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_held_pays_nothing",
                condition=Q(held=False) | Q(amount=0),
                violation_error_message=_("A held line pays nothing."),
            ),
        ]

    def __str__(self):
        return f"{self.person_id} {self.component} {self.pays_for:%Y-%m} {self.amount}"


class LedgerExport(models.Model):
    """Each export of a ledger: who, when, which format, the file's SHA-256 and the chain
    head it printed."""

    run = models.ForeignKey(
        PayrollRun,
        verbose_name=_("payroll run"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exports",
    )
    district = models.ForeignKey(
        "branches.District", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    format = models.CharField(_("format"), max_length=10, choices=ExportFormat.choices)
    user = user_fk(_("user"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    lines = models.PositiveIntegerField(_("lines"))
    size = models.PositiveBigIntegerField(_("bytes"))
    # The chain head the file prints (SPEC §3): ``verify_ledgers`` re-creates the file from
    # it and checks that the chain still holds it. Empty for exports made before files
    # printed the head.
    head_position = models.PositiveIntegerField(_("chain head position"), null=True, blank=True)
    head_hash = models.CharField(_("chain head hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("ledger export")
        verbose_name_plural = _("ledger exports")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.format} {self.sha256[:12]}"


class AwardList(ConcurrentTransitionMixin, models.Model):
    """A township's annual award list (R-PAY-4); its workflow: draft → submitted → approved
    (or returned, then submitted again) → recorded by finance. Approved entries are paid once
    through payroll. The transitions are django-fsm methods; ``subsidies.award.services``
    checks who takes them and records each in :class:`AwardEvent`."""

    township = models.ForeignKey(
        "branches.Township",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="award_lists",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = FSMField(
        _("status"), default=AwardStatus.DRAFT, choices=AwardStatus.choices, protected=True
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    candidates = models.PositiveIntegerField(_("candidates"), default=0)
    quota = models.PositiveIntegerField(_("quota"), default=0)
    ratio = models.DecimalField(
        _("award quota"), max_digits=4, decimal_places=2, default=Decimal("0.15")
    )
    prepared_at = models.DateTimeField(_("prepared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("award list")
        verbose_name_plural = _("award lists")
        ordering = ["-year", "township"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message=_("This township already has an award list for the year."),
            ),
        ]

    def __str__(self):
        return f"{self.township} {self.year}"

    def get_absolute_url(self):
        return reverse("awards:award-detail", kwargs={"pk": self.pk})

    def filed_by(self, user) -> bool:
        """Whoever prepared the list, chose among the tied or submitted it filed it
        (``portal.services.ensure_not_filer``): their events keep the status or submit."""
        return (
            self.events.filter(user_id=user.pk)
            .filter(Q(from_status=F("to_status")) | Q(to_status=AwardStatus.SUBMITTED))
            .exists()
        )

    @transition(
        field=status, source=[AwardStatus.DRAFT, AwardStatus.RETURNED], target=AwardStatus.SUBMITTED
    )
    def submit(self):
        pass

    @transition(field=status, source=AwardStatus.SUBMITTED, target=AwardStatus.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=AwardStatus.SUBMITTED, target=AwardStatus.RETURNED)
    def send_back(self):
        pass

    @transition(field=status, source=AwardStatus.APPROVED, target=AwardStatus.RECORDED)
    def record(self):
        pass


class AwardEvent(TransitionEvent):
    """Who took an award list from one status to another, when, and why."""

    award_list = models.ForeignKey(
        AwardList, verbose_name=_("award list"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=AwardStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=AwardStatus.choices)

    class Meta:
        verbose_name = _("award event")
        verbose_name_plural = _("award events")
        ordering = ["award_list", "at", "pk"]

    def __str__(self):
        return f"{self.award_list} {self.from_status}→{self.to_status}"


class AwardEntry(models.Model):
    award_list = models.ForeignKey(
        AwardList, verbose_name=_("award list"), on_delete=models.CASCADE, related_name="entries"
    )
    person = models.ForeignKey(
        "cadres.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="awards"
    )
    rank = models.PositiveIntegerField(_("rank"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    selected = models.BooleanField(_("awarded"), default=False)
    tied = models.BooleanField(
        _("tied at the cut"),
        default=False,
        help_text=_("Shares the score at the cut: township staff choose who is awarded."),
    )

    class Meta:
        verbose_name = _("award entry")
        verbose_name_plural = _("award entries")
        ordering = ["award_list", "rank", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["award_list", "person"],
                name="%(app_label)s_%(class)s_once_per_list",
                violation_error_message=_("This person is already on the list."),
            ),
        ]

    def __str__(self):
        return f"{self.award_list} #{self.rank} {self.person}"


# The living allowance's models live in their own module (SPEC §4); imported here so that
# Django finds them in this app.
from .allowance.models import (  # noqa: E402
    AllowanceApplication,
    AllowanceGrant,
    ApplicationEvent,
    ApplicationScan,
    DeclaredTenure,
    Referee,
    ReportAcknowledgement,
    ReviewOpinion,
)

__all__ = [
    "MONEY",
    "AllowanceApplication",
    "AllowanceGrant",
    "ApplicationEvent",
    "ApplicationScan",
    "AwardEntry",
    "AwardEvent",
    "AwardList",
    "DeclaredTenure",
    "LedgerExport",
    "PaymentLine",
    "PayrollRun",
    "PerformanceStandard",
    "Policy",
    "Referee",
    "ReportAcknowledgement",
    "ReviewOpinion",
    "RuralIncome",
    "money_field",
]
