"""Writes of the remuneration app: policy, standards, payroll runs and their transitions
(SPEC §3). Keyword-only, in transactions; a refused step raises ValidationError (clear
message, nothing saved) or PermissionDenied (a role or scope that may not take it)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import TransitionNotAllowed

from branches.models import District, Township
from portal import audit
from portal.choices import Role
from portal.scope import CHANGE, VIEW, scope_queryset
from portal.services import constraint_message, ensure_may_change, ensure_role, validated_save

from . import compute, ledger, selectors
from .choices import LineKind, RunStatus
from .models import (
    DAY_COMPONENTS,
    PaymentLine,
    PayrollRun,
    PerformanceStandard,
    Policy,
    RunEvent,
    RuralIncome,
)
from .rules import quantize_money

log = logging.getLogger(__name__)

COMPUTE_ROLES = frozenset({Role.TOWNSHIP_STAFF, Role.DISTRICT_ADMIN})
APPROVE_ROLES = frozenset({Role.TOWNSHIP_STAFF, Role.DISTRICT_ADMIN})
LOCK_ROLES = frozenset({Role.FINANCE})
DISBURSE_ROLES = frozenset({Role.FINANCE})


def _first_of_month(value: date) -> date:
    return value.replace(day=1)


# --- Policy -------------------------------------------------------------------------------


def _latest_locked_month(district_id: int) -> date | None:
    return PayrollRun.objects.filter(
        township__district_id=district_id, status__in=compute.LOCKED
    ).aggregate(m=Max("month"))["m"]


@transaction.atomic
def policy_save(*, user, policy: Policy | None = None, **fields) -> Policy:
    """Create or change an effective-dated policy record. A record that locked months were
    computed with cannot change, and a new one cannot start in a locked month: past months
    stay reproducible (enter a record valid from a later month instead)."""
    policy = policy or Policy()
    ensure_may_change(user, policy)
    for key, value in fields.items():
        setattr(policy, key, value)
    if user is not None and not user.is_superuser:
        policy.district_id = user.district_id
    if policy.created_by_id is None and user is not None:
        policy.created_by = user
    locked = _latest_locked_month(policy.district_id) if policy.district_id else None
    if locked is not None:
        if policy.pk is not None and policy.runs.filter(status__in=compute.LOCKED).exists():
            raise ValidationError(
                _(
                    "Locked ledgers were computed with this policy; enter a new policy valid "
                    "from a later month instead."
                )
            )
        if policy.valid_from and policy.valid_from <= locked:
            raise ValidationError(
                {
                    "valid_from": _(
                        "Months up to %(month)s are locked; a policy must start after them."
                    )
                    % {"month": f"{locked:%Y-%m}"}
                }
            )
    return validated_save(policy)


@transaction.atomic
def standard_set(
    *, user, township: Township, valid_from: date, amount: Decimal
) -> PerformanceStandard:
    """A township's performance standard S from a month (R-PAY-2): never below the floor of
    the policy in force (300 yuan by default)."""
    if user is not None and not scope_queryset(user, Township).filter(pk=township.pk).exists():
        raise PermissionDenied(_("This township is outside your scope."))
    ensure_role(user, COMPUTE_ROLES, _("Your role may not set performance standards."))
    valid_from = _first_of_month(valid_from)
    policy = selectors.policy_for(township.district_id, valid_from)
    floor = policy.performance_floor if policy else Decimal("300.00")
    if amount < floor:
        raise ValidationError(
            {
                "amount": _("The performance standard may not be below %(floor)s yuan.")
                % {"floor": floor}
            }
        )
    locked = PayrollRun.objects.filter(
        township=township, status__in=compute.LOCKED, month__gte=valid_from
    ).exists()
    if locked:
        raise ValidationError({"valid_from": _("That month is already locked.")})
    standard = PerformanceStandard.objects.filter(township=township, valid_from=valid_from).first()
    standard = standard or PerformanceStandard(township=township, valid_from=valid_from)
    standard.amount = amount
    return validated_save(standard)


@transaction.atomic
def rural_income_set(*, user, district: District, year: int, amount: Decimal) -> RuralIncome:
    ensure_role(user, {Role.DISTRICT_ADMIN}, _("Only the district admin enters the income."))
    income = RuralIncome.objects.filter(district=district, year=year).first()
    income = income or RuralIncome(district=district, year=year)
    income.amount = amount
    return validated_save(income)


# --- Runs ---------------------------------------------------------------------------------


def run_create_drafts(*, month: date, district: District | None = None) -> list[PayrollRun]:
    """The draft run of each township for ``month`` (idempotent: the unique constraint and
    get_or_create make a second call create nothing)."""
    month = _first_of_month(month)
    townships = Township.objects.all()
    if district is not None:
        townships = townships.filter(district=district)
    runs = []
    for township in townships.order_by("code"):
        with transaction.atomic():
            run, _created = PayrollRun.objects.get_or_create(township=township, month=month)
        runs.append(run)
    return runs


def _event(run: PayrollRun, from_status: str, user, comment: str = "") -> None:
    RunEvent.objects.create(
        run=run,
        from_status=from_status,
        to_status=run.status,
        user=user if getattr(user, "pk", None) else None,
        comment=comment,
    )


def _locked_run(run_id: int) -> PayrollRun:
    return PayrollRun.objects.select_for_update().select_related("township").get(pk=run_id)


def _in_scope(user, run: PayrollRun, action=VIEW) -> None:
    if user is None:
        return
    if not scope_queryset(user, PayrollRun, action).filter(pk=run.pk).exists():
        raise PermissionDenied(_("This payroll run is outside your scope."))


# PostgreSQL's "deadlock detected" and "could not serialize access": the transaction was
# rolled back as a whole and can simply run again.
RETRY_SQLSTATES = frozenset({"40P01", "40001"})
COMPUTE_ATTEMPTS = 3


def _retryable(exc: OperationalError) -> bool:
    return getattr(exc.__cause__, "pgcode", None) in RETRY_SQLSTATES


def run_compute(
    *, run_id: int, user=None, progress: Callable[[int, int], None] | None = None
) -> PayrollRun:
    """Compute (or recompute) an open run: its lines are replaced in one transaction, under a
    row lock on the run and on its township, so two computes of one run — or of two runs of
    one township, whose corrections look at each other — never interleave.

    Runs of two townships compute at the same time; the one-pay-a-day constraint (R-PAY-3)
    makes one of them wait for the other only where both pay a person for the same day (then
    the second is refused with the person's name). Should PostgreSQL break a deadlock or a
    serialization failure between them, the compute is run again (a fresh transaction), up to
    three times, rather than failing with a database error."""
    for attempt in range(1, COMPUTE_ATTEMPTS + 1):
        try:
            return _run_compute(run_id=run_id, user=user, progress=progress)
        except OperationalError as exc:
            if connection.in_atomic_block or attempt == COMPUTE_ATTEMPTS or not _retryable(exc):
                raise
            log.warning("run %s: %s; computing again (attempt %s)", run_id, exc, attempt + 1)
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _run_compute(*, run_id: int, user, progress) -> PayrollRun:
    with transaction.atomic():
        run = _locked_run(run_id)
        _in_scope(user, run, CHANGE)
        ensure_role(user, COMPUTE_ROLES, _("Your role may not compute payroll."))
        Township.objects.select_for_update().filter(pk=run.township_id).first()
        if not run.is_open:
            raise ValidationError(
                _("The run is %(status)s: only a draft or computed run can be computed.")
                % {"status": run.get_status_display()}
            )
        result = compute.build(run, progress)
        if connection.vendor == "postgresql":
            # A compute can always be repeated: it need not wait for its commit to reach the
            # disk (a crash loses at most the last moment's commits, never consistency).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        try:
            with transaction.atomic():
                compute.write(run, result.rows)
        except IntegrityError as exc:
            _refuse_double_pay(run, result.rows)  # names the people paid twice, if that is why
            raise ValidationError(constraint_message(PaymentLine, exc)) from exc
        if connection.vendor != "postgresql":
            # No exclusion constraints on SQLite: the same check, after the write (this
            # transaction now holds SQLite's write lock, so no other compute is in between).
            _refuse_double_pay(run, result.rows)
        from_status = run.status
        run.mark_computed()
        run.policy = result.policy
        run.township_code, run.township_name = run.township.code, run.township.name
        run.line_count = len(result.rows)
        run.held_count = sum(1 for r in result.rows if r.held)
        run.total_amount = quantize_money(sum((r.amount for r in result.rows), Decimal(0)))
        run.progress_done = run.progress_total = result.people
        run.computed_at = timezone.now()
        run.computed_by = user if getattr(user, "pk", None) else None
        run.error = ""
        run.integrity_warnings = 0  # counted when the run is looked at or approved
        run.save()
        _event(run, from_status, user)
        audit.record(
            run,
            summary=f"computed: {run.line_count} payment lines ({run.held_count} held), "
            f"total {run.total_amount}",
            data={
                "operation": "compute",
                "lines": run.line_count,
                "held": run.held_count,
                "total": str(run.total_amount),
                "people": result.people,
            },
            actor=user,
        )
    log.info("computed run %s: %s lines, total %s", run.pk, run.line_count, run.total_amount)
    return run


def _refuse_double_pay(run: PayrollRun, rows: list[compute.LineRow]) -> None:
    """R-PAY-3: one pay per person, component and day. A person whose posts in two townships
    overlap is paid for those days by one run only: name them (and the other township) rather
    than let the database refuse the whole run with a constraint name. Each township paying
    its own days of the month is not a clash."""
    days = {
        (r.person_id, r.component): (r.covers_from, r.covers_to)
        for r in rows
        if r.kind == LineKind.REGULAR and r.component in DAY_COMPONENTS and r.covers_from
    }
    if not days:
        return
    others = (
        PaymentLine.objects.filter(
            kind=LineKind.REGULAR,
            pays_for=run.month,
            component__in=DAY_COMPONENTS,
            person_id__in={person_id for person_id, _c in days},
        )
        .exclude(run=run)
        .values_list(
            "person_id",
            "component",
            "covers_from",
            "covers_to",
            "person__name",
            "run__township__name",
        )
        .order_by("person_id")
    )
    clashes = set()
    for person_id, component, other_from, other_to, name, township in others:
        mine = days.get((person_id, component))
        if mine and other_from <= mine[1] and mine[0] <= other_to:
            clashes.add(f"{name}（{township}）")
    if clashes:
        raise ValidationError(
            _(
                "This person is already paid this component for some of these days in another "
                "run: %(names)s. End one of their posts or correct it before computing."
            )
            % {"names": "、".join(sorted(clashes)[:5])}
        )


def _transition(run: PayrollRun, method: str) -> None:
    try:
        getattr(run, method)()
    except TransitionNotAllowed:
        raise ValidationError(
            _("A %(status)s run cannot be %(action)s.")
            % {"status": run.get_status_display(), "action": ACTION_WORDS[method]}
        )


ACTION_WORDS = {
    "approve": gettext_lazy("approved"),
    "reopen": gettext_lazy("reopened"),
    "lock": gettext_lazy("locked"),
    "disburse": gettext_lazy("disbursed"),
    "mark_computed": gettext_lazy("computed"),
}


@transaction.atomic
def run_approve(
    *, user, run: PayrollRun, acknowledge: bool = False, comment: str = ""
) -> PayrollRun:
    """Township approval of a computed run. Integrity warnings must be acknowledged."""
    run = _locked_run(run.pk)
    _in_scope(user, run, CHANGE)
    ensure_role(
        user, APPROVE_ROLES, _("Only township staff or the district admin approve a payroll run.")
    )
    issues = selectors.run_integrity(run) if run.status == RunStatus.COMPUTED else []
    if issues and not acknowledge:
        raise ValidationError(
            _("The run has %(n)s integrity warnings: review them and confirm to approve.")
            % {"n": len(issues)}
        )
    from_status = run.status
    _transition(run, "approve")
    run.approved_at = timezone.now()
    run.approved_by = user if getattr(user, "pk", None) else None
    run.integrity_warnings = len(issues)
    run.save()
    _event(run, from_status, user, comment)
    return run


@transaction.atomic
def run_reopen(*, user, run: PayrollRun, comment: str) -> PayrollRun:
    """Send an approved run back for recomputation (before finance locks it)."""
    run = _locked_run(run.pk)
    _in_scope(user, run, CHANGE)
    ensure_role(user, APPROVE_ROLES, _("Only township staff reopen a payroll run."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the run is reopened.")})
    from_status = run.status
    _transition(run, "reopen")
    run.approved_at = None
    run.approved_by = None
    run.save()
    _event(run, from_status, user, comment)
    return run


@transaction.atomic
def run_lock(*, user, run: PayrollRun, comment: str = "") -> PayrollRun:
    """Finance locks an approved run: it joins its district's hash chain and never changes."""
    run = _locked_run(run.pk)
    _in_scope(user, run, CHANGE)
    ensure_role(user, LOCK_ROLES, _("Only finance locks a payroll run."))
    district_id = run.township.district_id
    District.objects.select_for_update().filter(pk=district_id).first()  # one chain at a time
    from_status = run.status
    _transition(run, "lock")
    last = (
        PayrollRun.objects.filter(township__district_id=district_id, chain_position__isnull=False)
        .order_by("-chain_position")
        .first()
    )
    run.prev_hash = last.ledger_hash if last else ""
    run.chain_position = (last.chain_position + 1) if last else 1
    run.locked_at = timezone.now()
    run.locked_by = user if getattr(user, "pk", None) else None
    totals = selectors.run_totals(run)
    run.line_count = totals["lines"] or 0
    run.total_amount = quantize_money(totals["total"] or Decimal("0.00"))
    run.ledger_hash = ledger.lock_link(run)
    run.save()
    _event(run, from_status, user, comment)
    # R-ALW-4 step 5: reported allowance applications paid by this ledger become "paid".
    from .allowance.services import applications_mark_paid

    applications_mark_paid(run=run, user=user)
    return run


@transaction.atomic
def run_disburse(*, user, run: PayrollRun, comment: str = "") -> PayrollRun:
    run = _locked_run(run.pk)
    _in_scope(user, run, CHANGE)
    ensure_role(user, DISBURSE_ROLES, _("Only finance marks a payroll run disbursed."))
    from_status = run.status
    _transition(run, "disburse")
    run.disbursed_at = timezone.now()
    run.disbursed_by = user if getattr(user, "pk", None) else None
    run.save()
    _event(run, from_status, user, comment)
    return run


TRANSITIONS = {
    "approve": run_approve,
    "lock": run_lock,
    "disburse": run_disburse,
}
