from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    """The steps of an allowance application (R-ALW-4)."""

    DECLARED = "declared", _("Declared")
    VILLAGE_REVIEWED = "village_reviewed", _("Village review passed")
    TOWNSHIP_REVIEW = "township_review", _("Township review")
    SUSPENDED = "suspended", _("Suspended")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved")
    REPORTED = "reported", _("Reported to the district")
    PAID = "paid", _("Paid")


# The applications "sent" to reviewers: from the start of the township review on.
SENT_TO_REVIEWERS = (
    ApplicationStatus.TOWNSHIP_REVIEW,
    ApplicationStatus.SUSPENDED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.APPROVED,
    ApplicationStatus.REPORTED,
    ApplicationStatus.PAID,
)


class ReportBody(models.TextChoices):
    """The district bodies the approved list is reported to (R-ALW-4 step 4)."""

    ORGANISATION = "organisation", _("District organisation department")
    FINANCE = "finance", _("District finance bureau")
    LABOUR = "labour", _("District labour bureau")


class GrantStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    STOPPED = "stopped", _("Stopped")


class GrantTier(models.IntegerChoices):
    LOWER = 1, _("Lower tier")
    HIGHER = 2, _("Higher tier")
