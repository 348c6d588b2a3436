from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    """The lifecycle of a payroll run (SPEC §3)."""

    DRAFT = "draft", _("Draft")
    COMPUTED = "computed", _("Computed")
    APPROVED = "approved", _("Approved")
    LOCKED = "locked", _("Locked")
    DISBURSED = "disbursed", _("Disbursed")


class Component(models.TextChoices):
    BASIC = "basic", _("Basic subsidy")
    PERFORMANCE = "performance", _("Performance subsidy")
    AWARD = "award", _("Annual award")
    ALLOWANCE = "allowance", _("Living allowance")
    FLOOR_TOPUP = "floor_topup", _("Floor top-up")


class LineKind(models.TextChoices):
    REGULAR = "regular", _("Regular")
    ARREARS = "arrears", _("Arrears")
    ADJUSTMENT = "adjustment", _("Adjustment")


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (XLSX)")
    BANK = "bank", _("Bank transfer file")


class AwardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    RECORDED = "recorded", _("Recorded by finance")
