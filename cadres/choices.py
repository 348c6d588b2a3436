from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior middle school")
    SENIOR = "senior", _("Senior middle school / technical")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


HIGHER_EDUCATION = frozenset({Education.COLLEGE, Education.BACHELOR, Education.POSTGRADUATE})


class PostRole(models.TextChoices):
    SECRETARY = "secretary", _("Branch secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    BRANCH_MEMBER = "branch_member", _("Branch committee member")
    DIRECTOR = "director", _("Village committee director")
    COMMITTEE_MEMBER = "committee_member", _("Village committee member")


class EndReason(models.TextChoices):
    TERM_ENDED = "term_ended", _("Term ended")
    RETIRED = "retired", _("Retired")
    HEALTH = "health", _("Health")
    RESIGNED = "resigned", _("Resigned")
    DISMISSED = "dismissed", _("Dismissed for discipline")
    DECEASED = "deceased", _("Deceased")


class Grade(models.TextChoices):
    """Grades of the periodic performance appraisal (R-PAY-2)."""

    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASIC = "basic", _("Basically competent")
    INCOMPETENT = "incompetent", _("Incompetent")
