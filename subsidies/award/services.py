"""Writes of the annual award (R-PAY-4): township staff prepare the ranked list of a year and,
when scores tie at the cut, choose who is awarded; they submit it; the district admin approves
it or returns it with a reason; finance records it. Each transition is recorded in
``AwardEvent`` (who, when, comment). ``subsidies.compute._awards`` pays the awarded entries of
an approved list once, in the first payroll run computed after approval.

A refused step raises ``ValidationError`` (clear message, nothing saved); a role or scope that
may not take it raises ``PermissionDenied``."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import TransitionNotAllowed

from branches.models import Township
from portal.choices import Role
from portal.scope import CHANGE, scope_queryset
from portal.services import ensure_not_filer, ensure_role
from subsidies.choices import AwardStatus
from subsidies.models import AwardEntry, AwardEvent, AwardList

from . import rules, selectors

STAFF = Role.TOWNSHIP_STAFF
ADMIN = Role.DISTRICT_ADMIN
FINANCE = Role.FINANCE
EDITABLE = (AwardStatus.DRAFT, AwardStatus.RETURNED)

ACTION_WORDS = {
    "submit": gettext_lazy("submitted"),
    "approve": gettext_lazy("approved"),
    "send_back": gettext_lazy("returned"),
    "record": gettext_lazy("recorded"),
}


def _locked(award_list: AwardList) -> AwardList:
    return (
        AwardList.objects.select_for_update(of=("self",))
        .select_related("township")
        .get(pk=award_list.pk)
    )


def _in_scope(user, award_list: AwardList) -> None:
    if user is None:
        return
    if not scope_queryset(user, AwardList, CHANGE).filter(pk=award_list.pk).exists():
        raise PermissionDenied(_("This award list is outside your scope."))


def _not_preparer(user, award_list: AwardList) -> None:
    """Issue 9 item 7: whoever prepared or submitted the list does not approve, return or
    record it."""
    ensure_not_filer(user, award_list, _("You prepared this award list: someone else approves it."))


def _event(award_list: AwardList, from_status: str, user, comment: str = "") -> None:
    AwardEvent.objects.create(
        award_list=award_list,
        from_status=from_status,
        to_status=award_list.status,
        user=user if getattr(user, "pk", None) else None,
        comment=comment,
    )


def _transition(award_list: AwardList, method: str) -> str:
    from_status = award_list.status
    try:
        getattr(award_list, method)()
    except TransitionNotAllowed:
        raise ValidationError(
            _("A list at “%(status)s” cannot be %(action)s.")
            % {"status": award_list.get_status_display(), "action": ACTION_WORDS[method]}
        )
    return from_status


def _ensure_editable(award_list: AwardList) -> None:
    if award_list.status not in EDITABLE:
        raise ValidationError(
            _("The list is %(status)s: only a draft or returned list can change.")
            % {"status": award_list.get_status_display()}
        )


def _missing_message(missing: list[int]) -> str:
    names = selectors.names(missing)
    return _(
        "These candidates have no annual assessment for the year: %(names)s. Enter their "
        "assessments first."
    ) % {"names": "、".join(names.get(p, str(p)) for p in missing)}


@transaction.atomic
def award_list_prepare(*, user, township: Township, year: int) -> AwardList:
    """Rank the township's candidates of ``year`` (R-PAY-4) into a draft list (again, for a
    draft or returned list: earlier choices are dropped). Those above the cut are awarded;
    those tied at the cut wait for township staff's choice."""
    ensure_role(user, {STAFF}, _("Only township staff prepare the award list."))
    if user is not None and not scope_queryset(user, Township).filter(pk=township.pk).exists():
        raise PermissionDenied(_("This township is outside your scope."))
    if date(year, 12, 31) >= timezone.localdate():
        raise ValidationError({"year": _("The list of a year is prepared after 31 December.")})
    ratio = selectors.award_ratio(township, year)
    if ratio is None:
        raise ValidationError(
            _("No policy is in force for the year: the district admin must enter one.")
        )
    Township.objects.select_for_update().filter(pk=township.pk).first()
    award_list = AwardList.objects.filter(township=township, year=year).first()
    if award_list is None:
        award_list = AwardList.objects.create(township=township, year=year)
    award_list = _locked(award_list)
    _ensure_editable(award_list)
    found = selectors.candidates(township.pk, year)
    award_list.candidates = found.count
    award_list.ratio = ratio
    award_list.quota = rules.quota(found.count, ratio)
    award_list.prepared_at = timezone.now()
    award_list.save()
    award_list.entries.all().delete()
    ranking = rules.rank(found.assessed, award_list.quota)
    AwardEntry.objects.bulk_create(
        AwardEntry(
            award_list=award_list,
            person_id=row.person_id,
            rank=row.rank,
            score=row.score,
            selected=row.sure,
            tied=row.tied,
        )
        for row in ranking.rows
    )
    _event(
        award_list,
        award_list.status,
        user,
        _("Ranked %(n)s candidates; quota %(quota)s.")
        % {"n": found.count, "quota": award_list.quota},
    )
    return award_list


@transaction.atomic
def award_list_choose(*, user, award_list: AwardList, person_ids) -> AwardList:
    """Township staff choose who of the people tied at the cut is awarded: exactly as many
    as places are left, and only tied people."""
    award_list = _locked(award_list)
    _in_scope(user, award_list)
    ensure_role(user, {STAFF}, _("Only township staff choose among tied candidates."))
    _ensure_editable(award_list)
    ranking = selectors.ranking(award_list)
    chosen = {int(p) for p in person_ids}
    error = rules.choice_error(ranking, chosen)
    if error == "not_tied":
        raise ValidationError(_("Only people tied at the cut can be chosen."))
    if error == "wrong_count":
        raise ValidationError(
            _("Choose exactly %(n)s of the %(tied)s people tied at the cut.")
            % {"n": ranking.places_for_tied, "tied": len(ranking.tied)}
        )
    tied = [r.person_id for r in ranking.tied]
    award_list.entries.filter(person_id__in=tied).update(selected=False)
    award_list.entries.filter(person_id__in=chosen).update(selected=True)
    _event(
        award_list,
        award_list.status,
        user,
        _("Chosen among the tied: %(names)s.")
        % {"names": "、".join(selectors.names(chosen).values())},
    )
    return award_list


def _tie_unresolved(award_list: AwardList, ranking: rules.Ranking) -> bool:
    if not ranking.tied:
        return False
    chosen = set(
        award_list.entries.filter(
            person_id__in=[r.person_id for r in ranking.tied], selected=True
        ).values_list("person_id", flat=True)
    )
    return len(chosen) != ranking.places_for_tied


@transaction.atomic
def award_list_submit(*, user, award_list: AwardList, comment: str = "") -> AwardList:
    """Township staff submit the list to the district. Refused while a tie at the cut is
    unresolved, while a candidate has no assessment, or when the registry changed since the
    list was prepared."""
    award_list = _locked(award_list)
    _in_scope(user, award_list)
    ensure_role(user, {STAFF}, _("Only township staff submit the award list."))
    if award_list.status in EDITABLE:
        found = selectors.candidates(award_list.township_id, award_list.year)
        if found.missing:
            raise ValidationError(_missing_message(found.missing))
        stored = set(award_list.entries.values_list("person_id", "score"))
        if found.count != award_list.candidates or stored != set(found.assessed):
            raise ValidationError(
                _(
                    "The candidates or their scores changed since the list was prepared: "
                    "prepare it again."
                )
            )
        ranking = selectors.ranking(award_list)
        if _tie_unresolved(award_list, ranking):
            raise ValidationError(
                _(
                    "%(tied)s people are tied at the cut for %(n)s places: choose who is "
                    "awarded before submitting."
                )
                % {"tied": len(ranking.tied), "n": ranking.places_for_tied}
            )
    from_status = _transition(award_list, "submit")
    award_list.save()
    _event(award_list, from_status, user, comment)
    return award_list


@transaction.atomic
def award_list_approve(*, user, award_list: AwardList, comment: str = "") -> AwardList:
    """The district admin approves: the awarded entries are paid in the first payroll run
    computed after approval."""
    award_list = _locked(award_list)
    _in_scope(user, award_list)
    _not_preparer(user, award_list)
    ensure_role(user, {ADMIN}, _("Only the district admin approves the award list."))
    from_status = _transition(award_list, "approve")
    award_list.approved_at = timezone.now()
    award_list.save()
    _event(award_list, from_status, user, comment)
    return award_list


@transaction.atomic
def award_list_return(*, user, award_list: AwardList, reason: str) -> AwardList:
    """The district admin returns a submitted list to the township, with the reason."""
    award_list = _locked(award_list)
    _in_scope(user, award_list)
    _not_preparer(user, award_list)
    ensure_role(user, {ADMIN}, _("Only the district admin returns the award list."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the list is returned.")})
    from_status = _transition(award_list, "send_back")
    award_list.save()
    _event(award_list, from_status, user, reason)
    return award_list


@transaction.atomic
def award_list_record(*, user, award_list: AwardList, comment: str = "") -> AwardList:
    """Finance records the approved list."""
    award_list = _locked(award_list)
    _in_scope(user, award_list)
    _not_preparer(user, award_list)
    ensure_role(user, {FINANCE}, _("Only finance records the award list."))
    from_status = _transition(award_list, "record")
    award_list.save()
    _event(award_list, from_status, user, comment)
    return award_list
