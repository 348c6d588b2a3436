from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of SPEC §1 that log in (the public role needs no account)."""

    DISTRICT_ADMIN = "district_admin", _("District admin")
    TOWNSHIP_STAFF = "township_staff", _("Township staff")
    SECRETARY = "secretary", _("Secretary")
    REVIEWER = "reviewer", _("Reviewer")
    FINANCE = "finance", _("Finance")


class ReviewerKind(models.TextChoices):
    DISCIPLINE = "discipline", _("Discipline inspection")
    COMPREHENSIVE = "comprehensive", _("Comprehensive management")


class ImportStatus(models.TextChoices):
    """The life of a registry import job (SPEC §2 "Bulk import")."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
