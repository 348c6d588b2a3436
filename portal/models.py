from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import ReviewerKind, Role


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

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="portal_notif_unread_idx"),
        ]

    def __str__(self):
        return self.text[:50]
