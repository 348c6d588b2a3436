from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.validators import no_formula

from .choices import AppraisalPeriod, BranchKind, MemberStage, Mobility, TownshipKind


class District(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Township(models.Model):
    """A town or street under the district (SPEC §2)."""

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="townships"
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, validators=[no_formula])
    kind = models.CharField(
        _("kind"), max_length=10, choices=TownshipKind.choices, default=TownshipKind.TOWN
    )
    appraisal_period = models.CharField(
        _("appraisal period"),
        max_length=10,
        choices=AppraisalPeriod.choices,
        default=AppraisalPeriod.MONTH,
    )

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Village(models.Model):
    """An administrative village."""

    township = models.ForeignKey(
        Township, verbose_name=_("township"), on_delete=models.PROTECT, related_name="villages"
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, validators=[no_formula])

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("branches:village-detail", kwargs={"pk": self.pk})


class Branch(models.Model):
    """A Party branch of a township; it covers zero or more villages."""

    township = models.ForeignKey(
        Township, verbose_name=_("township"), on_delete=models.PROTECT, related_name="branches"
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=20, choices=BranchKind.choices, default=BranchKind.VILLAGE
    )
    villages = models.ManyToManyField(
        Village, verbose_name=_("villages covered"), blank=True, related_name="branches"
    )
    five_good = models.BooleanField(
        _("five-good branch"),
        default=False,
        help_text=_(
            "Good leadership team, good member team, good working mechanism, good results, "
            "good response from farmers."
        ),
    )
    five_good_year = models.PositiveSmallIntegerField(_("five-good year"), null=True, blank=True)
    weak_lax = models.BooleanField(_("weak or lax"), default=False)
    rectification_note = models.TextField(_("rectification note"), blank=True)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_weak_lax_has_note",
                condition=Q(weak_lax=False) | ~Q(rectification_note=""),
                violation_error_message=_("A weak or lax branch needs a rectification note."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("branches:branch-detail", kwargs={"pk": self.pk})


class PartyMember(models.Model):
    """A person's membership of a branch: stage with the date of each stage, and mobility."""

    person = models.OneToOneField(
        "cadres.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="membership",
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="members"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=MemberStage.choices)
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    activist_on = models.DateField(_("activist since"), null=True, blank=True)
    target_on = models.DateField(_("development target since"), null=True, blank=True)
    probationary_on = models.DateField(_("probationary since"), null=True, blank=True)
    full_on = models.DateField(_("full member since"), null=True, blank=True)
    mobility = models.CharField(
        _("mobility"), max_length=20, choices=Mobility.choices, default=Mobility.PRESENT
    )
    away_since = models.DateField(_("away since"), null=True, blank=True)
    certificate_no = models.CharField(
        _("mobile-member activity certificate"), max_length=50, blank=True
    )

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["branch", "person"]
        # The member list pages in (branch, id) order.
        indexes = [models.Index(fields=["branch", "id"], name="branches_member_branch_idx")]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_away_has_date",
                condition=Q(mobility=Mobility.PRESENT) | Q(away_since__isnull=False),
                violation_error_message=_("A member who is away needs the date they left."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_stage_dates_in_order",
                condition=(
                    Q(applied_on__isnull=True)
                    | Q(activist_on__isnull=True)
                    | Q(activist_on__gte=F("applied_on"))
                )
                & (
                    Q(activist_on__isnull=True)
                    | Q(target_on__isnull=True)
                    | Q(target_on__gte=F("activist_on"))
                )
                & (
                    Q(target_on__isnull=True)
                    | Q(probationary_on__isnull=True)
                    | Q(probationary_on__gte=F("target_on"))
                )
                & (
                    Q(probationary_on__isnull=True)
                    | Q(full_on__isnull=True)
                    | Q(full_on__gte=F("probationary_on"))
                ),
                violation_error_message=_("The dates of the stages must follow one another."),
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_stage_display()})"

    def get_absolute_url(self):
        return reverse("branches:member-detail", kwargs={"pk": self.pk})
