from django.db import models
from django.utils.translation import gettext_lazy as _


class TownshipKind(models.TextChoices):
    TOWN = "town", _("Town")
    STREET = "street", _("Street")


class AppraisalPeriod(models.TextChoices):
    """How often a township appraises its cadres' performance (SPEC §2)."""

    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")


class BranchKind(models.TextChoices):
    VILLAGE = "village", _("Village branch")
    JOINT = "joint", _("Joint branch (village-to-village co-construction)")
    COOPERATIVE = "cooperative", _("Cooperative / industry chain branch")
    ENTERPRISE = "enterprise", _("Enterprise branch")
    TEMPORARY = "temporary", _("Temporary branch (migrant workers)")


class MemberStage(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    TARGET = "target", _("Development target")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")


class Mobility(models.TextChoices):
    PRESENT = "present", _("Present")
    AWAY = "away", _("Away (mobile member)")
    TRANSFERRED = "transferred", _("Relation transferred out")
