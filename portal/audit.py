"""The audit trail (issue 6): who created, changed or deleted which record, when, and what
changed (before → after); every ledger export and every payroll-run transition.

django-auditlog writes the entries: its signals on the models in :data:`AUDITED` record each
``save()`` and ``delete()``, and its middleware names the request's user as the actor.
Entries are :class:`portal.models.AuditEntry` rows (auditlog's ``LogEntry`` plus the district
and township of the record, so the search page can keep a district admin to their district).

Bulk writes do not send signals (payment lines by COPY, imports by ``bulk_create`` and
``bulk_update``, demo data): each such operation records ONE summary entry with
:func:`record` — never one per row, so the bulk paths stay fast. Commands and Celery tasks
name their actor with :func:`acting_as`.

THE REGISTRY: :data:`AUDITED` below is the one list of audited models. A new app adds its
models here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from auditlog.models import AbstractLogEntry
from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model

CREATE = AbstractLogEntry.Action.CREATE
UPDATE = AbstractLogEntry.Action.UPDATE
DELETE = AbstractLogEntry.Action.DELETE
ACCESS = AbstractLogEntry.Action.ACCESS  # exports and downloads

# label → options of ``auditlog.register`` (exclude_fields, mask_fields, m2m_fields).
# Left out on purpose: PaymentLine (written by COPY; the run's compute is one summary entry),
# Notification and TrainingReminder (messages, not records), ImportJob (progress counters;
# each import is one summary entry on its job).
AUDITED: dict[str, dict] = {
    # the password hash is never logged; last_login changes at every login
    "portal.user": {"exclude_fields": ["password", "last_login"]},
    "branches.district": {},
    "branches.township": {},
    "branches.village": {},
    "branches.branch": {"m2m_fields": {"villages"}},
    "branches.partymember": {},
    # ID numbers and bank accounts are logged masked (the last four characters stay)
    "cadres.person": {"mask_fields": ["id_number", "bank_account"]},
    "cadres.post": {},
    "cadres.performanceappraisal": {},
    "cadres.annualassessment": {},
    "cadres.healthcheck": {},
    "subsidies.policy": {},
    "subsidies.performancestandard": {},
    "subsidies.ruralincome": {},
    # the progress counters change many times while a run computes
    "subsidies.payrollrun": {"exclude_fields": ["progress_done", "progress_total"]},
    "subsidies.runevent": {},  # each state transition: from, to, who, comment
    "subsidies.ledgerexport": {},  # each export: run or month, format, user, SHA-256
    "subsidies.awardlist": {},
    "subsidies.awardentry": {},
    "subsidies.awardevent": {},  # each award-list transition
    # the living allowance (R-ALW-1..4): applications and their steps, the grants
    "subsidies.allowanceapplication": {},
    "subsidies.declaredtenure": {},
    "subsidies.referee": {},
    "subsidies.applicationscan": {},
    "subsidies.applicationevent": {},  # each workflow transition: who, when, comment
    "subsidies.reviewopinion": {},
    "subsidies.reportacknowledgement": {},
    "subsidies.allowancegrant": {},
    "training.trainingpolicy": {},
    "training.trainingyear": {},
    "training.course": {},
    "training.attendance": {},
    "training.selfloggedtraining": {},
}


# Records that get only summary entries (of their bulk writes), searchable beside AUDITED.
SUMMARY_ONLY = ["portal.importjob"]
SEARCHABLE = [*AUDITED, *SUMMARY_ONLY]


def register_all() -> None:
    """Called from ``PortalConfig.ready()``: connect auditlog to every model in AUDITED."""
    from auditlog.registry import auditlog

    for label, options in AUDITED.items():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        options = dict(options)
        # Only the record's own columns: no reverse relations, not the id (the entry names
        # the record), not the timestamp every save moves.
        left_out = {model._meta.pk.name, "updated_at", *options.pop("exclude_fields", ())}
        options["include_fields"] = [
            f.name for f in model._meta.concrete_fields if f.name not in left_out
        ]
        auditlog.register(model, **options)


def mask_value(value: str) -> str:
    """AUDITLOG_MASK_CALLABLE: ``6222021234567890`` → ``************7890``."""
    from .masking import mask_bank_account

    if value in (None, "None", ""):
        return value
    return mask_bank_account(str(value))


# --- the place of a record ---------------------------------------------------------------------


def _follow(instance, lookup: str):
    """The value at the end of a scope lookup (``village__township``), read through the
    instance's foreign keys; None where the path is many-valued or broken."""
    if lookup == "pk":
        return instance.pk
    obj = instance
    parts = lookup.split("__")
    for n, name in enumerate(parts):
        try:
            field = obj._meta.get_field(name)
        except Exception:  # noqa: BLE001 - not a field: a reverse or many-valued path
            return None
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            return None
        if n == len(parts) - 1:
            return getattr(obj, field.attname)
        try:
            obj = getattr(obj, name)
        except ObjectDoesNotExist:
            return None
        if obj is None:
            return None
    return None


def place_of(instance) -> tuple[int | None, int | None]:
    """(district id, township id) of a record, from its rule in portal.scope; (None, None)
    for a record without one (superusers see those entries)."""
    from .models import User
    from .scope import scope_for

    if isinstance(instance, User):
        township_id = instance.township_id
        district_id = instance.district_id
        try:
            if district_id is None and instance.township_id:
                district_id = instance.township.district_id
            if district_id is None and instance.person_id:
                township_id = instance.person.village.township_id
                district_id = instance.person.village.township.district_id
        except ObjectDoesNotExist:
            pass
        return district_id, township_id
    scope = scope_for(type(instance))
    if scope is None:
        return None, None
    township_id = _follow(instance, scope.township)
    district_id = _follow(instance, scope.district_lookup)
    if district_id is None and township_id is not None:
        from branches.models import Township

        district_id = (
            Township.objects.filter(pk=township_id).values_list("district_id", flat=True).first()
        )
    return district_id, township_id


# --- actor and summary entries -----------------------------------------------------------------


@contextlib.contextmanager
def acting_as(user) -> Iterator[None]:
    """Name ``user`` as the actor of the entries written inside (commands, Celery tasks,
    a stream that ends after the request). Nested inside a request's context, the request's
    context is restored afterwards (auditlog itself leaves the inner one in place)."""
    from auditlog.context import auditlog_value, set_actor

    if not getattr(user, "pk", None):
        yield
        return
    current = auditlog_value.get(None)
    try:
        with set_actor(user):
            yield
    finally:
        if current is not None:
            auditlog_value.set(current)


def name_actor(user) -> None:
    """Name ``user`` as the actor of the current request's entries, after the request began
    (the API authenticates a token inside the view, after auditlog's middleware set an
    anonymous context). auditlog reads the actor from the context when it saves an entry,
    so setting it here covers every write that follows in the request."""
    from auditlog.context import auditlog_value

    if not getattr(user, "pk", None):
        return
    try:
        context = auditlog_value.get()
    except LookupError:
        return  # no request context (a command, a task): acting_as() names their actor
    if context.get("actor") is None:
        context["actor"] = user


def record(
    instance: Model,
    *,
    summary: str,
    action: int | None = None,
    changes: dict | None = None,
    data: dict | None = None,
    actor=None,
):
    """One entry for an operation that signals do not see: a bulk write (``summary`` says
    what was written, ``data`` the counts), an export, or a change written with
    ``bulk_update`` (``changes``: field → [before, after]). ``actor`` defaults to the one of
    the request or of :func:`acting_as`."""
    from .models import AuditEntry

    kwargs = {
        "action": UPDATE if action is None else action,
        "changes_text": summary,
        "changes": changes,
        "additional_data": data or None,
    }
    if getattr(actor, "pk", None):
        kwargs["actor"] = actor
        kwargs["actor_email"] = getattr(actor, "email", None)
    return AuditEntry.objects.log_create(instance, force_log=True, **kwargs)
