"""Reads of the living allowance: applications in scope, the rules applied to an application,
its tenures beside the registry's posts, its timeline, the queues of each role and the
allowance ledger (SPEC §4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cadres.choices import PostRole
from cadres.models import Post
from portal.choices import Role
from portal.dates import month_end, month_start
from portal.scope import CHANGE, scope_queryset
from portal.services import is_filer
from portal.validators import bank_account_digits
from subsidies.selectors import policy_for

from . import rules
from .choices import ApplicationStatus, ReportBody
from .models import (
    AllowanceApplication,
    AllowanceGrant,
    ReportAcknowledgement,
    ReviewOpinion,
)

S = ApplicationStatus


def application_list(*, user) -> QuerySet:
    return scope_queryset(user, AllowanceApplication).select_related(
        "person", "village__township", "investigator"
    )


def application_get(*, user, pk: int, action: str = "view") -> AllowanceApplication:
    return (
        scope_queryset(user, AllowanceApplication, action)
        .select_related("person__village", "village__township", "investigator", "declared_by")
        .get(pk=pk)
    )


def allowance_policy(policy) -> rules.AllowancePolicy:
    return rules.AllowancePolicy(
        label=policy.label,
        cutoff=policy.allowance_cutoff,
        payable_from=policy.allowance_payable_from,
        min_months=policy.allowance_min_months,
        tier1_max_months=policy.allowance_tier1_max_months,
        tier1_amount=policy.allowance_tier1_amount,
        tier2_amount=policy.allowance_tier2_amount,
    )


def declared_tenures(application: AllowanceApplication) -> list[rules.Tenure]:
    """The declared tenures as rule values: from the first day of the first month to the
    last day of the last month (the default cutoff is a month's last day, so a tenure
    declared to the month meets it exactly as a dated one would)."""
    return [
        rules.Tenure(start, month_end(end), reason)
        for start, end, reason in application.tenures.values_list(
            "start_month", "end_month", "end_reason"
        )
    ]


def registry_tenures(person_id: int) -> list[rules.Tenure]:
    """The person's branch secretary posts in the registry, with their exact dates."""
    return [
        rules.Tenure(start, end, reason, registry=True)
        for start, end, reason in Post.objects.filter(
            person_id=person_id, role=PostRole.SECRETARY
        ).values_list("start_date", "end_date", "end_reason")
    ]


@dataclass(frozen=True)
class Assessment:
    """The rules applied to an application with the policy in force on ``on``."""

    policy: object | None
    result: rules.Eligibility | None
    first_month: date | None

    @property
    def eligible(self) -> bool:
        return bool(self.result and self.result.eligible)


def assess(application: AllowanceApplication, on: date | None = None) -> Assessment:
    """R-ALW-1..3 for an application: eligible (or why not), tier, monthly amount and first
    payable month, with the district's policy in force in the month of ``on`` (today). The
    tenures are the declared ones together with the registry's secretary posts: the registry
    checks the declaration (an open or later post there refuses; months count once)."""
    on = on or timezone.localdate()
    policy = policy_for(application.village.township.district_id, month_start(on))
    if policy is None:
        return Assessment(None, None, None)
    values = allowance_policy(policy)
    tenures = declared_tenures(application) + registry_tenures(application.person_id)
    result = rules.eligibility(tenures, values, application.person.died_on, on)
    first = rules.first_payable_month(values, application.declared_on) if result.eligible else None
    return Assessment(policy, result, first)


@dataclass(frozen=True)
class TenureRow:
    """A declared tenure beside the registry's secretary post that overlaps it (or None)."""

    declared: object | None
    post: Post | None

    @property
    def matches(self) -> bool:
        if self.declared is None or self.post is None:
            return False
        end = self.post.end_date
        return (
            self.declared.village_id == self.post.village_id
            and self.declared.start_month == month_start(self.post.start_date)
            and end is not None
            and self.declared.end_month == month_start(end)
            and self.declared.end_reason == self.post.end_reason
        )


def tenure_comparison(application: AllowanceApplication) -> list[TenureRow]:
    """Each declared tenure beside the registry's secretary post of the person that overlaps
    it in the same village; registry posts nobody declared are listed too."""
    declared = list(application.tenures.select_related("village"))
    posts = list(
        Post.objects.filter(person_id=application.person_id, role=PostRole.SECRETARY)
        .select_related("village")
        .order_by("start_date")
    )
    used: set[int] = set()
    rows = []
    for tenure in declared:
        match = None
        for post in posts:
            if post.pk in used or post.village_id != tenure.village_id:
                continue
            post_end = post.end_date or date.max
            if post.start_date <= month_end(tenure.end_month) and post_end >= tenure.start_month:
                match = post
                break
        if match is not None:
            used.add(match.pk)
        rows.append(TenureRow(tenure, match))
    rows.extend(TenureRow(None, post) for post in posts if post.pk not in used)
    return rows


# --- The payee: the account as filed beside the registry's ----------------------------------

KEPT, ADDED, DIFFERS, NONE = "kept", "added", "differs", "none"
REGISTRY, FILED = "registry", "filed"


@dataclass(frozen=True)
class PayeeComparison:
    """The account a declaration was filed with beside the registry's (issue 9): ``kept``
    (nothing filed, or the registry's), ``added`` (the registry has none), ``differs`` (both,
    not the same), ``none`` (neither). Township staff confirm one when they approve."""

    registry_bank_name: str
    registry_account: str
    filed_bank_name: str
    filed_account: str
    filed_phone: str
    state: str

    @property
    def default_choice(self) -> str | None:
        """The account approval confirms unless staff choose: None when they must choose."""
        return {KEPT: REGISTRY, NONE: REGISTRY, ADDED: FILED}.get(self.state)

    def account(self, choice: str) -> tuple[str, str]:
        """(bank name, account) of ``registry`` or ``filed``."""
        if choice == FILED:
            return self.filed_bank_name, self.filed_account
        return self.registry_bank_name, self.registry_account


def payee_comparison(application: AllowanceApplication) -> PayeeComparison:
    person = application.person
    registry, filed = person.bank_account or "", application.payee_bank_account or ""
    if not filed:
        state = KEPT if registry else NONE
    elif not registry:
        state = ADDED
    elif bank_account_digits(registry) == bank_account_digits(filed):
        state = KEPT
    else:
        state = DIFFERS
    return PayeeComparison(
        registry_bank_name=person.bank_name,
        registry_account=registry,
        filed_bank_name=application.payee_bank_name,
        filed_account=filed,
        filed_phone=application.payee_phone,
        state=state,
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "event", "opinion", "acknowledgement"
    title: str
    user: object | None
    comment: str


def timeline(application: AllowanceApplication) -> list[TimelineEntry]:
    """Every step of the application in time order: transitions, opinions, acknowledgements."""
    entries = []
    for event in application.events.select_related("user"):
        title = (
            f"{S(event.from_status).label} → {S(event.to_status).label}"
            if event.from_status
            else str(S(event.to_status).label)
        )
        entries.append(TimelineEntry(event.at, "event", title, event.user, event.comment))
    for opinion in application.opinions.select_related("reviewer"):
        entries.append(
            TimelineEntry(
                opinion.at, "opinion", opinion.get_kind_display(), opinion.reviewer, opinion.text
            )
        )
    for ack in application.acknowledgements.select_related("user"):
        entries.append(
            TimelineEntry(ack.at, "acknowledgement", ack.get_body_display(), ack.user, ack.comment)
        )
    entries.sort(key=lambda e: e.at)
    return entries


# --- Who acts on what ---------------------------------------------------------------------

BODY_ROLES = {
    ReportBody.ORGANISATION: frozenset({Role.DISTRICT_ADMIN}),
    ReportBody.FINANCE: frozenset({Role.FINANCE}),
    # No labour-bureau account: the district admin records its acknowledgement on its behalf,
    # naming in the comment who confirmed.
    ReportBody.LABOUR: frozenset({Role.DISTRICT_ADMIN}),
}


def _role(user) -> str:
    return "superuser" if user.is_superuser else (user.role or "")


def actions_for(user, application: AllowanceApplication) -> list[str]:
    """The steps this user may offer on this application now (the services check again)."""
    if not scope_queryset(user, AllowanceApplication, CHANGE).filter(pk=application.pk).exists():
        return []
    if is_filer(user, application):
        return []  # the declarant reviews nothing they declared (issue 9 item 7)
    role = _role(user)
    staff = role in (Role.TOWNSHIP_STAFF, "superuser")
    status = application.status
    out = []
    if status == S.DECLARED and (staff or role == Role.SECRETARY):
        out.append("village-review")
    if status == S.VILLAGE_REVIEWED and staff:
        out.append("start-review")
    if status == S.TOWNSHIP_REVIEW:
        if (
            role == Role.REVIEWER
            and not application.opinions.filter(kind=user.reviewer_kind).exists()
        ):
            out.append("opinion")
        if staff:
            out += ["approve", "suspend", "reject"]
    if status == S.SUSPENDED and staff:
        out += ["resume", "reject"]
    if status == S.APPROVED:
        done = set(application.acknowledgements.values_list("body", flat=True))
        for body, roles in BODY_ROLES.items():
            if body not in done and (role in roles or role == "superuser"):
                out.append(f"acknowledge-{body}")
    return out


@dataclass
class QueueStep:
    key: str
    title: str
    applications: QuerySet


def queues(*, user) -> list[QueueStep]:
    """The applications waiting for this user's role, one list per step they act on."""
    from django.utils.translation import gettext as _

    # nothing the user declared waits for them (issue 9 item 7)
    base = application_list(user=user).exclude(declared_by_id=user.pk)
    role = _role(user)
    steps: list[QueueStep] = []
    if role in (Role.SECRETARY, Role.TOWNSHIP_STAFF, "superuser"):
        steps.append(
            QueueStep(
                "village-review", _("Awaiting the village review"), base.filter(status=S.DECLARED)
            )
        )
    if role in (Role.TOWNSHIP_STAFF, "superuser"):
        opinions = ReviewOpinion.objects.filter(application=OuterRef("pk"))
        steps += [
            QueueStep(
                "start-review",
                _("Awaiting an investigator (township review)"),
                base.filter(status=S.VILLAGE_REVIEWED),
            ),
            QueueStep(
                "opinions",
                _("In township review: awaiting opinions"),
                base.filter(status=S.TOWNSHIP_REVIEW).exclude(
                    Exists(opinions.filter(kind="discipline"))
                    & Exists(opinions.filter(kind="comprehensive"))
                ),
            ),
            QueueStep(
                "decision",
                _("Ready for the committee decision"),
                base.filter(status=S.TOWNSHIP_REVIEW)
                .filter(Exists(opinions.filter(kind="discipline")))
                .filter(Exists(opinions.filter(kind="comprehensive"))),
            ),
            QueueStep("suspended", _("Suspended"), base.filter(status=S.SUSPENDED)),
        ]
    if role == Role.REVIEWER:
        mine = ReviewOpinion.objects.filter(application=OuterRef("pk"), kind=user.reviewer_kind)
        steps.append(
            QueueStep(
                "opinion",
                _("Awaiting your opinion"),
                base.filter(status=S.TOWNSHIP_REVIEW).exclude(Exists(mine)),
            )
        )
    for body, roles in BODY_ROLES.items():
        if role in roles or role == "superuser":
            acked = ReportAcknowledgement.objects.filter(application=OuterRef("pk"), body=body)
            steps.append(
                QueueStep(
                    f"acknowledge-{body}",
                    _("Awaiting the acknowledgement of the %(body)s")
                    % {"body": ReportBody(body).label},
                    base.filter(status=S.APPROVED).exclude(Exists(acked)),
                )
            )
    return steps


# --- The allowance ledger -----------------------------------------------------------------


def grant_list(*, user) -> QuerySet:
    return (
        scope_queryset(user, AllowanceGrant)
        .select_related("person__village__township", "application")
        .order_by("person__village__township__code", "person__village__code", "person__name", "pk")
    )


def last_payable_month(grant: AllowanceGrant) -> date | None:
    """The grant's end or the month of death, whichever comes first (None: open)."""
    died = grant.person.died_on
    ends = [m for m in (grant.end_month, month_start(died) if died else None) if m]
    return min(ends) if ends else None
