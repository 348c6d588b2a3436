"""Write helpers shared by the services of every app.

Services raise ``django.core.exceptions.ValidationError`` for bad input and
``PermissionDenied`` for a row outside the user's scope: the pages show the message, the API
turns it into a 400/403 (``portal.api.exceptions``), commands print it and exit non-zero.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, models, transaction
from django.utils.translation import gettext as _

from .scope import CHANGE, may, scope_queryset


def ensure_role(user, roles, message: str) -> None:
    """Refuse a step to a user whose role does not take it (``user`` None: an operator's
    command; superusers take every step)."""
    if user is None or user.is_superuser:
        return
    if user.role not in roles:
        raise PermissionDenied(message)


def is_filer(user, instance) -> bool:
    """Whether ``user`` filed ``instance`` (declared it, prepared it, logged it): the record
    says so through its ``filed_by(user)`` method."""
    if user is None or not getattr(user, "pk", None):
        return False  # the system (commands, tasks) files nothing in anyone's name
    return bool(instance.filed_by(user))


def ensure_not_filer(user, instance, message: str | None = None) -> None:
    """Separation of duties (issue 9 item 7): nobody takes a review step on something they
    filed — an allowance declaration, an award list, a self-logged training entry. Superusers
    too. The pages and the API do not offer the step (:func:`is_filer`)."""
    if is_filer(user, instance):
        raise PermissionDenied(
            message or _("You filed this yourself: someone else must take this step.")
        )


def ensure_may_change(user, instance: models.Model) -> None:
    """Refuse a write to a row that lies outside the user's scope (or to a new row whose
    place lies outside it, checked by the caller through the parent's scope)."""
    if user is None:  # commands run as the system
        return
    if instance.pk is None:
        if not may(user, CHANGE, type(instance)):
            raise PermissionDenied(_("Your role may not add this record."))
        return
    if not scope_queryset(user, type(instance), CHANGE).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("This record is outside your scope."))


def ensure_parent_in_scope(user, parent: models.Model | None) -> None:
    """A new row may only be placed under a parent (village, township…) the user may change."""
    if user is None or parent is None:
        return
    if not scope_queryset(user, type(parent)).filter(pk=parent.pk).exists():
        raise PermissionDenied(_("This record is outside your scope."))


def validated_save(instance: models.Model, *, exclude=None) -> models.Model:
    """``full_clean()`` then :func:`save_checked`."""
    instance.full_clean(exclude=exclude)
    return save_checked(instance)


DEADLOCK = "40P01"


def save_checked(instance: models.Model, *, attempts: int = 3) -> models.Model:
    """Save in a savepoint so that a constraint only the database sees (a concurrent write)
    surfaces as the same clear ValidationError. PostgreSQL may answer two concurrent inserts
    that conflict on an exclusion constraint with a deadlock: the loser is retried, and then
    meets the constraint like any other late writer."""
    from django.core.exceptions import ValidationError

    for attempt in range(attempts):
        try:
            with transaction.atomic():
                instance.save()
            return instance
        except IntegrityError as exc:
            raise ValidationError(constraint_message(type(instance), exc)) from exc
        except OperationalError as exc:
            if getattr(exc.__cause__, "pgcode", None) != DEADLOCK or attempt == attempts - 1:
                raise
    return instance


def constraint_message(model: type[models.Model], exc: IntegrityError) -> str:
    """The violation message of the named constraint an IntegrityError names, if any."""
    text = str(exc)
    for constraint in model._meta.constraints:
        name = constraint.name % {
            "app_label": model._meta.app_label,
            "class": model.__name__.lower(),
        }
        if name in text:
            return str(constraint.get_violation_error_message())
    return str(exc).splitlines()[0]


def notification_send(*, recipient, text: str, url: str = "", key: str = ""):
    """Leave a message for one user in the portal (the bell in the nav counts unread ones).

    With a ``key`` (periodic jobs), a second call for the same recipient and key sends
    nothing: the unique constraint on (recipient, key) makes it impossible."""
    from .models import Notification

    if not key:
        return Notification.objects.create(recipient=recipient, text=text, url=url)
    notification, _created = Notification.objects.get_or_create(
        recipient=recipient, key=key, defaults={"text": text, "url": url}
    )
    return notification


def notifications_mark_read(*, user, ids=None) -> int:
    """Mark the user's own notifications read (all unread ones when ``ids`` is None)."""
    from django.utils import timezone

    from .models import Notification

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
