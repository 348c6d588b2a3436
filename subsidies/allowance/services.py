"""Writes of the living allowance: the declaration and the steps of R-ALW-4, each recorded
in the application's timeline (who, when, comment). Keyword-only, in transactions. A step the
application is not ready for raises ``ValidationError`` with a clear message (nothing saved);
a role or scope that may not take it raises ``PermissionDenied``.

Who takes which step:

=====================================  ================================================
step                                   who
=====================================  ================================================
declaration                            township staff, or the serving secretary of the
                                       village (for a former secretary of that village)
village preliminary review             the serving secretary of the village, or township
                                       staff recording the village's result for it
start of the township review           township staff (assign an investigator: a township
(investigator)                         staff user of the township)
opinions                               a reviewer of the township, one of each kind
approve / suspend / resume / reject    township staff (the committee's decision)
acknowledgements                       organisation dept: district admin; finance bureau:
                                       finance; labour bureau: the district admin on its
                                       behalf, naming who confirmed in the comment
reported                               automatic when all three have acknowledged
paid                                   automatic when finance locks a ledger with the
                                       grant's first line and the report is complete
=====================================  ================================================
"""

from __future__ import annotations

import logging
import os
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import TransitionNotAllowed

from branches.models import Village
from cadres.choices import EndReason
from cadres.models import Person
from cadres.services import person_record
from cadres.validators import normalise_id_number, validate_id_number
from portal.choices import ReviewerKind, Role
from portal.dates import month_start
from portal.masking import mask_bank_account
from portal.models import User
from portal.scope import CHANGE, scope_queryset
from portal.services import ensure_not_filer, ensure_role, validated_save
from portal.validators import no_formula, validate_bank_account
from subsidies.choices import Component
from subsidies.models import PaymentLine, PayrollRun

from . import rules, selectors
from .choices import ApplicationStatus, GrantStatus, ReportBody
from .models import (
    AllowanceApplication,
    AllowanceGrant,
    ApplicationEvent,
    ApplicationScan,
    DeclaredTenure,
    Referee,
    ReportAcknowledgement,
    ReviewOpinion,
)

log = logging.getLogger(__name__)
S = ApplicationStatus
STAFF = Role.TOWNSHIP_STAFF
DEFAULT_SCAN_MAX_BYTES = 5 * 1024 * 1024
MAX_SCANS = 10
LOCKED = ("locked", "disbursed")

ACTION_WORDS = {
    "pass_village_review": gettext_lazy("passed by the village review"),
    "start_township_review": gettext_lazy("sent to the township review"),
    "approve": gettext_lazy("approved"),
    "suspend": gettext_lazy("suspended"),
    "resume": gettext_lazy("resumed"),
    "reject": gettext_lazy("rejected"),
    "mark_reported": gettext_lazy("marked reported"),
    "mark_paid": gettext_lazy("marked paid"),
}
NEXT_STEP = {
    S.DECLARED: gettext_lazy("the village preliminary review"),
    S.VILLAGE_REVIEWED: gettext_lazy("the start of the township review (assign an investigator)"),
    S.TOWNSHIP_REVIEW: gettext_lazy(
        "the opinions of both reviewers, then the township committee's decision"
    ),
    S.SUSPENDED: gettext_lazy("resuming the township review, or rejecting it"),
    S.REJECTED: gettext_lazy("none: it is closed"),
    S.APPROVED: gettext_lazy("the acknowledgements of the district bodies"),
    S.REPORTED: gettext_lazy("payment through the monthly payroll"),
    S.PAID: gettext_lazy("none: it is complete"),
}


def scan_max_bytes() -> int:
    return getattr(settings, "ALLOWANCE_SCAN_MAX_BYTES", DEFAULT_SCAN_MAX_BYTES)


def _role(user) -> str | None:
    if user is None:
        return None
    return "superuser" if user.is_superuser else user.role


def _locked(application: AllowanceApplication) -> AllowanceApplication:
    return (
        AllowanceApplication.objects.select_for_update(of=("self",))
        .select_related("person", "village__township")
        .get(pk=application.pk)
    )


def _in_scope(user, application: AllowanceApplication) -> None:
    if user is None:
        return
    if not scope_queryset(user, AllowanceApplication, CHANGE).filter(pk=application.pk).exists():
        raise PermissionDenied(_("This application is outside your scope."))


def _not_declarant(user, application: AllowanceApplication) -> None:
    """Issue 9 item 7: whoever declared the application takes none of its review steps."""
    ensure_not_filer(
        user,
        application,
        _("You declared this application: someone else takes its review steps."),
    )


def _transition(application: AllowanceApplication, method: str) -> str:
    """Take a transition or refuse it, naming the step the application is at and the next."""
    from_status = application.status
    try:
        getattr(application, method)()
    except TransitionNotAllowed:
        raise ValidationError(
            _(
                "An application at the step “%(status)s” cannot be %(action)s; its next step "
                "is %(next)s."
            )
            % {
                "status": application.get_status_display(),
                "action": ACTION_WORDS[method],
                "next": NEXT_STEP[S(from_status)],
            }
        )
    return from_status


def _event(application, from_status: str, user, comment: str = "") -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        from_status=from_status,
        to_status=application.status,
        user=user if getattr(user, "pk", None) else None,
        comment=comment,
    )


def _user(user):
    return user if getattr(user, "pk", None) else None


def _notify(users, text: str, application: AllowanceApplication) -> None:
    """Tell the users who take the next step (the bell in the nav; the queue lists it too)."""
    from portal.services import notification_send

    for recipient in users:
        notification_send(recipient=recipient, text=text, url=application.get_absolute_url())


# --- Declaration ----------------------------------------------------------------------------


def scan_check(upload) -> str:
    """A scan's type by its first bytes (PDF, JPEG, PNG) within the size limit; the name and
    the type the browser sent play no part."""
    limit = scan_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is larger than %(mb)s MB.")
            % {"name": os.path.basename(upload.name or ""), "mb": round(limit / (1024 * 1024), 1)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = rules.scan_type(head)
    if kind is None:
        raise ValidationError(
            _("%(name)s is not a PDF, JPEG or PNG file (judged by its content).")
            % {"name": os.path.basename(upload.name or "")}
        )
    return kind


def _refuse_person() -> ValidationError:
    # One message for every case, so that a declaration reveals neither a registry name nor
    # that an ID number exists in another township (issue 9).
    return ValidationError({"id_number": _("This person cannot be declared here.")})


def _person_for(*, user, village: Village, name: str, id_number: str) -> Person:
    """The registry's person with this ID number, registered in a village of ``village``'s
    township that the user may see; the name must be the registry's. The declaration never
    writes the registry on the declarant's behalf (STYLE "Nobody writes on someone else's
    behalf"): a person the registry lacks is registered by township staff — as their own
    write, with their scope checked — and a secretary is refused. Every refusal is the same
    message ("This person cannot be declared here.")."""
    number = normalise_id_number(id_number)
    try:
        validate_id_number(number)  # a typo is named; it says nothing about the registry
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages})
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("village")
        .filter(id_number=number)
        .first()
    )
    if person is None:
        if user is not None and _role(user) not in (STAFF, "superuser"):
            raise _refuse_person()
        # township staff may add this person to the registry themselves: their own write
        return person_record(user=user, village=village, name=name.strip(), id_number=number)
    if person.village.township_id != village.township_id or person.name != name.strip():
        raise _refuse_person()
    if user is not None and not (
        scope_queryset(user, Village).filter(pk=person.village_id).exists()
    ):
        raise _refuse_person()
    return person


def _check_payee(errors: dict, *, bank_name: str, bank_account: str) -> None:
    """The filed account is 8-32 digits and names its bank (the same rules as the registry's,
    under the declaration's field names)."""
    for field, value, check in (
        ("bank_account", bank_account, validate_bank_account),
        ("bank_name", bank_name, no_formula),
    ):
        try:
            check((value or "").strip())
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
    if (bank_account or "").strip() and not (bank_name or "").strip() and "bank_name" not in errors:
        errors["bank_name"] = [_("A bank account needs the bank's name.")]


def _clean_tenures(tenures, village: Village, declared_on: date, errors: dict) -> list[dict]:
    rows = []
    townships_villages = set(
        Village.objects.filter(township_id=village.township_id).values_list("pk", flat=True)
    )
    for number, tenure in enumerate(tenures, start=1):
        start, end = tenure.get("start_month"), tenure.get("end_month")
        tenure_village = tenure.get("village") or village
        reason = tenure.get("end_reason") or ""
        problem = None
        if start is None or end is None:
            problem = _("give its first and last month")
        elif end < start:
            problem = _("it ends before it starts")
        elif month_start(end) > month_start(declared_on):
            problem = _("it ends after the declaration")
        elif reason not in EndReason.values:
            problem = _("choose why it ended")
        elif tenure_village.pk not in townships_villages:
            problem = _("its village is not in the township")
        if problem:
            errors.setdefault("tenures", []).append(
                _("Tenure %(n)s: %(problem)s.") % {"n": number, "problem": problem}
            )
            continue
        rows.append(
            {
                "village": tenure_village,
                "start_month": month_start(start),
                "end_month": month_start(end),
                "end_reason": reason,
            }
        )
    if not rows and "tenures" not in errors:
        errors["tenures"] = [_("Declare at least one secretary tenure.")]
    return rows


@transaction.atomic
def application_declare(
    *,
    user,
    village: Village,
    name: str,
    id_number: str,
    declared_on: date,
    tenures: list[dict],
    referees: list[dict],
    scans: list,
    phone: str = "",
    bank_name: str = "",
    bank_account: str = "",
    address: str = "",
    note: str = "",
) -> AllowanceApplication:
    """Step 1 of R-ALW-4: township staff or the village's secretary declare for a former
    secretary (who may not use computers): personal data, each tenure to the month, at least
    one referee and the scanned documents. The person is linked by ID number or registered."""
    ensure_role(
        user,
        {STAFF, Role.SECRETARY},
        _("Only township staff or a village's secretary declare an allowance application."),
    )
    if user is not None and not scope_queryset(user, Village).filter(pk=village.pk).exists():
        raise PermissionDenied(_("This village is outside your scope."))
    errors: dict[str, list] = {}
    if declared_on is None or declared_on > timezone.localdate():
        errors["declared_on"] = [_("The declaration date cannot be in the future.")]
        declared_on = declared_on or timezone.localdate()
    tenure_rows = _clean_tenures(tenures, village, declared_on, errors)
    referee_rows = [
        {k: (r.get(k) or "").strip() for k in ("name", "relation", "phone")} for r in referees
    ]
    referee_rows = [r for r in referee_rows if any(r.values())]
    if not referee_rows:
        errors["referees"] = [_("Name at least one referee.")]
    elif any(not all(r.values()) for r in referee_rows):
        errors["referees"] = [_("Each referee needs a name, a relation and a phone number.")]
    scans = [s for s in scans if s]
    kinds = []
    if not scans:
        errors["scans"] = [_("Attach the scanned documents: PDF, JPEG or PNG files.")]
    elif len(scans) > MAX_SCANS:
        errors["scans"] = [_("At most %(n)s files.") % {"n": MAX_SCANS}]
    else:
        for upload in scans:
            try:
                kinds.append(scan_check(upload))
            except ValidationError as exc:
                errors.setdefault("scans", []).extend(exc.messages)
    _check_payee(errors, bank_name=bank_name, bank_account=bank_account)
    if errors:
        raise ValidationError(errors)
    person = _person_for(user=user, village=village, name=name, id_number=id_number)
    if AllowanceApplication.objects.filter(person=person).exclude(status=S.REJECTED).exists():
        # the named constraint says the same when two declarations race
        raise ValidationError(
            _("This person already has an allowance application that is not rejected.")
        )
    application = validated_save(
        AllowanceApplication(
            person=person,
            village=village,
            declared_on=declared_on,
            declared_by=_user(user),
            address=address,
            payee_phone=(phone or "").strip(),
            payee_bank_name=(bank_name or "").strip(),
            payee_bank_account=(bank_account or "").strip(),
            note=note,
        ),
        exclude=["status"],  # protected: only transitions set it
    )
    for row in tenure_rows:
        validated_save(DeclaredTenure(application=application, **row))
    for row in referee_rows:
        validated_save(Referee(application=application, **row))
    stored = []
    try:
        for upload, kind in zip(scans, kinds, strict=True):
            scan = ApplicationScan(
                application=application,
                content_type=kind,
                original_name=os.path.basename(upload.name or "")[:200],
                size=upload.size,
                uploaded_by=_user(user),
            )
            scan.file.save(upload.name or "scan", upload, save=False)
            stored.append(scan.file.name)
            scan.save()
    except Exception:
        for name_ in stored:
            default_storage.delete(name_)
        raise
    _event(application, "", user, note)
    log.info("allowance application %s declared for person %s", application.pk, person.pk)
    return application


# --- The steps ------------------------------------------------------------------------------


@transaction.atomic
def application_village_review(
    *, user, application: AllowanceApplication, comment: str = ""
) -> AllowanceApplication:
    """Step 2: the village Party organisation studies the declaration and reports it to the
    township ("4+2"). Taken by the village's serving secretary, or by township staff
    recording the village's result."""
    application = _locked(application)
    _in_scope(user, application)
    _not_declarant(user, application)
    ensure_role(
        user,
        {STAFF, Role.SECRETARY},
        _("Only the village's secretary or township staff record the village review."),
    )
    from_status = _transition(application, "pass_village_review")
    application.save()
    _event(application, from_status, user, comment)
    return application


@transaction.atomic
def application_start_review(
    *, user, application: AllowanceApplication, investigator: User, comment: str = ""
) -> AllowanceApplication:
    """Step 3 begins: township staff assign an investigator (township staff of the same
    township); the application is then sent to the reviewers."""
    application = _locked(application)
    _in_scope(user, application)
    _not_declarant(user, application)
    ensure_role(user, {STAFF}, _("Only township staff start the township review."))
    if (
        investigator is None
        or not investigator.is_active
        or investigator.role != STAFF
        or investigator.township_id != application.village.township_id
    ):
        raise ValidationError(
            {"investigator": _("The investigator must be township staff of this township.")}
        )
    from_status = _transition(application, "start_township_review")
    application.investigator = investigator
    application.save()
    _event(
        application,
        from_status,
        user,
        comment
        or _("Investigator: %(name)s") % {"name": investigator.get_full_name() or investigator},
    )
    reviewers = User.objects.filter(
        role=Role.REVIEWER, township_id=application.village.township_id, is_active=True
    )
    _notify(
        reviewers,
        _("Living allowance: %(name)s awaits your opinion.") % {"name": application.person.name},
        application,
    )
    return application


@transaction.atomic
def opinion_record(*, user, application: AllowanceApplication, text: str) -> ReviewOpinion:
    """A reviewer's opinion (discipline inspection or comprehensive management, by the
    reviewer's kind) during the township review; one of each kind."""
    application = _locked(application)
    role = _role(user)
    kind = getattr(user, "reviewer_kind", "")
    if role != Role.REVIEWER or kind not in ReviewerKind.values:
        raise PermissionDenied(
            _("Only a discipline or comprehensive-management reviewer records an opinion.")
        )
    _in_scope(user, application)
    _not_declarant(user, application)
    if application.status != S.TOWNSHIP_REVIEW:
        raise ValidationError(
            _(
                "Opinions are recorded during the township review; this application is at the "
                "step “%(status)s”."
            )
            % {"status": application.get_status_display()}
        )
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the opinion.")})
    return validated_save(
        ReviewOpinion(application=application, kind=kind, reviewer=user, text=text.strip())
    )


def _missing_opinions(application) -> list[str]:
    have = set(application.opinions.values_list("kind", flat=True))
    return [str(k.label) for k in ReviewerKind if k.value not in have]


PAYEE_WORDS = {
    selectors.REGISTRY: gettext_lazy("the registry's account"),
    selectors.FILED: gettext_lazy("the account as filed"),
}


def _confirm_payee(
    user, application: AllowanceApplication, payee: str, update_registry: bool
) -> tuple[str, str, str]:
    """The account township staff confirm at approval (issue 9): the registry's or the one
    filed; they must choose when the two differ. With ``update_registry`` the confirmed
    filed account is written into the registry — by the approving user, as their own write
    (scope checked by ``person_record``, audited with them as the actor)."""
    comparison = selectors.payee_comparison(application)
    choice = payee or comparison.default_choice
    if choice not in PAYEE_WORDS:
        raise ValidationError(
            {
                "payee": _(
                    "The bank account as filed differs from the registry's: choose which one "
                    "the allowance pays."
                )
            }
        )
    bank_name, account = comparison.account(choice)
    if update_registry and choice == selectors.FILED and account:
        person_record(
            user=user, person=application.person, bank_name=bank_name, bank_account=account
        )
    note = _("Paid to %(which)s: %(account)s.") % {
        "which": PAYEE_WORDS[choice],
        "account": mask_bank_account(account) or _("no account"),
    }
    return bank_name, account, note


@transaction.atomic
def application_approve(
    *,
    user,
    application: AllowanceApplication,
    comment: str = "",
    payee: str = "",
    update_registry: bool = False,
) -> AllowanceGrant:
    """The township committee approves: both opinions must be in and the rules must find the
    former secretary eligible (R-ALW-1, R-ALW-2); the grant is entered in the allowance
    ledger with its monthly amount and first payable month (R-ALW-3) and the account township
    staff confirm (``payee``: ``registry`` or ``filed``; see :func:`_confirm_payee`)."""
    application = _locked(application)
    _in_scope(user, application)
    _not_declarant(user, application)
    ensure_role(user, {STAFF}, _("Only township staff record the committee's decision."))
    if application.status == S.TOWNSHIP_REVIEW:
        missing = _missing_opinions(application)
        if missing:
            raise ValidationError(
                _(
                    "Both opinions — discipline inspection and comprehensive management — are "
                    "needed before the decision; missing: %(missing)s."
                )
                % {"missing": "、".join(missing)}
            )
    assessment = selectors.assess(application)
    if application.status == S.TOWNSHIP_REVIEW:
        if assessment.policy is None:
            raise ValidationError(_("No policy is in force: the district admin must enter one."))
        if not assessment.eligible:
            from .words import refusal

            raise ValidationError(
                _("Not eligible: %(reason)s") % {"reason": refusal(assessment.result)}
            )
    from_status = _transition(application, "approve")
    bank_name, account, payee_note = _confirm_payee(user, application, payee, update_registry)
    application.decided_at = timezone.now()
    application.save()
    _event(application, from_status, user, "\n".join(t for t in (comment, payee_note) if t))
    result = assessment.result
    grant = validated_save(
        AllowanceGrant(
            person=application.person,
            application=application,
            service_months=result.months,
            tier=result.tier,
            monthly_amount=result.monthly_amount,
            start_month=assessment.first_month,
            policy_label=assessment.policy.label,
            bank_name=bank_name,
            bank_account=account,
            created_by=_user(user),
        )
    )
    district = User.objects.filter(
        role__in=[Role.DISTRICT_ADMIN, Role.FINANCE],
        district_id=application.village.township.district_id,
        is_active=True,
    )
    _notify(
        district,
        _("Living allowance of %(name)s approved: acknowledge the report.")
        % {"name": application.person.name},
        application,
    )
    log.info("allowance application %s approved: grant %s", application.pk, grant.pk)
    return grant


def _reason(reason: str, field: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: message})
    return reason


@transaction.atomic
def application_suspend(*, user, application: AllowanceApplication, reason: str):
    application = _locked(application)
    _in_scope(user, application)
    _not_declarant(user, application)
    ensure_role(user, {STAFF}, _("Only township staff record the committee's decision."))
    reason = _reason(reason, "reason", _("Say why the application is suspended."))
    from_status = _transition(application, "suspend")
    application.suspension_reason = reason
    application.decided_at = timezone.now()
    application.save()
    _event(application, from_status, user, reason)
    return application


@transaction.atomic
def application_resume(*, user, application: AllowanceApplication, comment: str = ""):
    application = _locked(application)
    _in_scope(user, application)
    _not_declarant(user, application)
    ensure_role(user, {STAFF}, _("Only township staff resume a suspended application."))
    from_status = _transition(application, "resume")
    application.save()
    _event(application, from_status, user, comment)
    return application


@transaction.atomic
def application_reject(*, user, application: AllowanceApplication, reason: str):
    application = _locked(application)
    _in_scope(user, application)
    _not_declarant(user, application)
    ensure_role(user, {STAFF}, _("Only township staff record the committee's decision."))
    reason = _reason(reason, "reason", _("Say why the application is rejected."))
    from_status = _transition(application, "reject")
    application.rejection_reason = reason
    application.decided_at = timezone.now()
    application.save()
    _event(application, from_status, user, reason)
    return application


@transaction.atomic
def report_acknowledge(
    *, user, application: AllowanceApplication, body: str, comment: str = ""
) -> ReportAcknowledgement:
    """Step 4: a district body acknowledges the approved application. The organisation
    department's by the district admin, the finance bureau's by finance; the labour bureau has
    no account, so the district admin records its acknowledgement on its behalf and names who
    confirmed in the comment. When all three are in, the application is "reported" (and
    "paid" at once if a ledger with its allowance is already locked)."""
    application = _locked(application)
    _in_scope(user, application)
    _not_declarant(user, application)
    if body not in ReportBody.values:
        raise ValidationError({"body": _("Choose the body that acknowledges.")})
    ensure_role(
        user,
        selectors.BODY_ROLES[ReportBody(body)],
        _("Your role may not record the acknowledgement of the %(body)s.")
        % {"body": ReportBody(body).label},
    )
    if application.status != S.APPROVED:
        raise ValidationError(
            _(
                "Only an approved application is reported to the district; this one is at the "
                "step “%(status)s”."
            )
            % {"status": application.get_status_display()}
        )
    comment = (comment or "").strip()
    if body == ReportBody.LABOUR and not comment:
        raise ValidationError({"comment": _("Name who at the labour bureau confirmed the report.")})
    ack = validated_save(
        ReportAcknowledgement(application=application, body=body, user=user, comment=comment)
    )
    if application.acknowledgements.count() == len(ReportBody):
        from_status = _transition(application, "mark_reported")
        application.save()
        _event(application, from_status, user, _("All three district bodies acknowledged."))
        _mark_paid_if_locked(application, user)
    return ack


def _mark_paid_if_locked(application: AllowanceApplication, user, run=None) -> bool:
    grant = AllowanceGrant.objects.filter(application=application).first()
    if grant is None or application.status != S.REPORTED:
        return False
    lines = PaymentLine.objects.filter(
        person_id=grant.person_id,
        component=Component.ALLOWANCE,
        source=grant.source,
        amount__gt=0,
        run__status__in=LOCKED,
    )
    line = lines.select_related("run").order_by("run__locked_at").first()
    if line is None:
        return False
    from_status = _transition(application, "mark_paid")
    application.save()
    _event(
        application,
        from_status,
        user,
        _("First allowance line locked in the ledger of %(run)s.") % {"run": line.run},
    )
    return True


def applications_mark_paid(*, run: PayrollRun, user=None) -> int:
    """Called when finance locks a run: each reported application whose grant is paid by a
    line of the run becomes "paid" (step 5 of R-ALW-4)."""
    sources = set(
        PaymentLine.objects.filter(
            run=run, component=Component.ALLOWANCE, amount__gt=0, source__startswith="grant:"
        ).values_list("source", flat=True)
    )
    if not sources:
        return 0
    grant_ids = [int(s.split(":", 1)[1]) for s in sources]
    done = 0
    for application in AllowanceApplication.objects.select_for_update().filter(
        grant__pk__in=grant_ids, status=S.REPORTED
    ):
        done += _mark_paid_if_locked(application, user, run)
    return done


@transaction.atomic
def grant_stop(*, user, grant: AllowanceGrant, end_month: date, reason: str) -> AllowanceGrant:
    """Stop a grant after ``end_month`` (its last payable month), with the reason. A death
    needs no stop: payroll never pays after the month of death."""
    if user is not None and not (
        scope_queryset(user, AllowanceGrant, CHANGE).filter(pk=grant.pk).exists()
    ):
        raise PermissionDenied(_("This grant is outside your scope."))
    grant = AllowanceGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.status == GrantStatus.STOPPED:
        raise ValidationError(_("This grant is already stopped."))
    grant.status = GrantStatus.STOPPED
    grant.end_month = month_start(end_month) if end_month else None
    grant.stop_reason = _reason(reason, "reason", _("Say why the grant is stopped."))
    return validated_save(grant)
