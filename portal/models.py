from pathlib import PurePath
from uuid import uuid4

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import ImportStatus, ReviewerKind, Role


def user_fk(verbose_name, *, optional: bool = True):
    """A reference to the user who took a step (computed, approved, reviewed…): kept when the
    user is deactivated (PROTECT), with no reverse accessor on User."""
    return models.ForeignKey(
        "portal.User",
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=optional,
        blank=optional,
        related_name="+",
    )


class TransitionEvent(models.Model):
    """Who took a workflow record from one status to another, when, and why: the base of the
    payroll run, award list and allowance application events (each adds its record and its
    status fields)."""

    user = user_fk(_("user"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A portal user with one role and the place that bounds their scope (SPEC §1).

    District admins and finance belong to a district; township staff and reviewers to one
    township; a secretary is linked to their own Person record.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    district = models.ForeignKey(
        "branches.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    township = models.ForeignKey(
        "branches.Township",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    person = models.OneToOneField(
        "cadres.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
    )
    reviewer_kind = models.CharField(
        _("reviewer kind"), max_length=20, choices=ReviewerKind.choices, blank=True
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_role_has_place",
                condition=Q(is_superuser=True)
                | Q(role__in=[Role.DISTRICT_ADMIN, Role.FINANCE], district__isnull=False)
                | Q(role__in=[Role.TOWNSHIP_STAFF, Role.REVIEWER], township__isnull=False)
                | Q(role=Role.SECRETARY, person__isnull=False),
                violation_error_message=_(
                    "District roles need a district, township roles a township and a "
                    "secretary a person."
                ),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_reviewer_has_kind",
                condition=~Q(role=Role.REVIEWER) | ~Q(reviewer_kind=""),
                violation_error_message=_("A reviewer needs a reviewer kind."),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_district(self) -> bool:
        return self.is_superuser or self.role in (Role.DISTRICT_ADMIN, Role.FINANCE)


class Notification(models.Model):
    """A message to one user inside the portal (training reminders and later others); the
    nav shows the count of unread ones."""

    recipient = models.ForeignKey(
        "portal.User",
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    key = models.CharField(
        _("key"),
        max_length=100,
        blank=True,
        help_text=_("Set by periodic jobs: one notification per recipient and key."),
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="portal_notif_unread_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~Q(key=""),
                name="%(app_label)s_%(class)s_once_per_key",
            ),
        ]

    def __str__(self):
        return self.text[:50]


def import_upload_to(instance, filename: str) -> str:
    """``imports/<random>.xlsx|.csv`` under MEDIA_ROOT (never served): the user's file name is
    kept in ``original_name`` only and never steers the path."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        suffix = ".bin"
    return f"imports/{uuid4().hex}{suffix}"


class ImportJob(models.Model):
    """One upload of a registry file (SPEC §2 "Bulk import"): its progress while it runs,
    then the counts per kind or the report of every bad row. The place (district, township)
    is the user's at upload time and bounds who else may see the job."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="import_jobs"
    )
    district = models.ForeignKey(
        "branches.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    township = models.ForeignKey(
        "branches.Township",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    original_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(
        _("stored file"), upload_to=import_upload_to, max_length=200, blank=True
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("The language of the report.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    phase = models.CharField(_("phase"), max_length=20, blank=True)
    total_rows = models.PositiveIntegerField(_("total rows"), default=0)
    done_rows = models.PositiveIntegerField(_("done rows"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("error count"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("importer:import-detail", kwargs={"pk": self.pk})

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def imported(self) -> bool:
        """Done, written (not a dry run) and without a bad row."""
        return self.status == ImportStatus.DONE and not self.error_count and not self.dry_run


class AuditEntryManager(LogEntryManager):
    """auditlog's manager; every entry also gets the district and township of its record."""

    def log_create(self, instance, force_log: bool = False, **kwargs):
        if kwargs.get("changes") is not None or force_log:
            self._place(instance, kwargs)
        return super().log_create(instance, force_log, **kwargs)

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):
        self._place(instance, kwargs)
        return super().log_m2m_changes(changed_queryset, instance, operation, field_name, **kwargs)

    @staticmethod
    def _place(instance, kwargs) -> None:
        from .audit import place_of

        if "district_pk" not in kwargs:
            kwargs["district_pk"], kwargs["township_pk"] = place_of(instance)


class AuditEntry(AbstractLogEntry):
    """One entry of the audit trail (django-auditlog's log entry, AUDITLOG_LOGENTRY_MODEL):
    the record (content type, id, text), the action, the changes (field → [before, after]) or
    a summary of a bulk write (``changes_text``), the actor, the time and the address.

    ``district_pk`` and ``township_pk`` place the record for the search page's scope. They
    are plain numbers, not foreign keys: an entry outlives the records it describes."""

    district_pk = models.PositiveBigIntegerField(_("district"), null=True, blank=True)
    township_pk = models.PositiveBigIntegerField(_("township"), null=True, blank=True)

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["district_pk", "-timestamp"], name="portal_audit_district_idx"),
            models.Index(fields=["content_type", "object_id"], name="portal_audit_object_idx"),
        ]
