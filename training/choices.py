from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CourseLevel(models.TextChoices):
    """Who organises a course (SPEC §5)."""

    DISTRICT = "district", pgettext_lazy("organiser level", "District")
    TOWNSHIP = "township", pgettext_lazy("organiser level", "Township")


class TrainingKind(models.TextChoices):
    """The kinds of training of SPEC §5; only CENTRALISED counts for R-TRN-1."""

    CENTRALISED = "centralised", _("Centralised training")
    DISTANCE = "distance", _("Distance education")
    STUDY_TOUR = "study_tour", _("Study tour")
    PRACTICE = "practice", _("On-the-job practice")
    ACADEMIC = "academic", _("Academic education")


class EntryStatus(models.TextChoices):
    """The review state of a self-logged training entry; only VERIFIED hours count."""

    PENDING = "pending", _("Pending")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class EvidenceType(models.TextChoices):
    """The file types accepted as evidence, told apart by their first bytes."""

    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"
