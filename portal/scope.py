"""The one scoping function (SPEC §1): what a user may see and change, for every model.

Pages, the REST API and the admin all start their querysets from :func:`scope_queryset`;
no view filters by township on its own. A model missing from :data:`SCOPES` is visible to
nobody but superusers, so a new model is closed until it is given a rule here.

- district admin and finance: everything in their district (finance read-only);
- township staff: everything in their township;
- reviewer: nothing of the registry (they see the applications sent to them: a model's
  ``Scope.reviewer`` narrows their township's rows);
- secretary: themself (their person, posts, appraisals, membership) and their village;
- anonymous: nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Manager, Model, Q, QuerySet
from django.utils import timezone

from .choices import Role

VIEW = "view"
CHANGE = "change"  # add, change and delete


@dataclass(frozen=True)
class Scope:
    """How one model is reached from a township, and from a secretary."""

    township: str  # lookup from the model to a Township's pk ("pk" for Township itself)
    secretary: Callable[[object, QuerySet], Q] | None = None  # None: secretaries see none
    viewers: frozenset[str] = frozenset(
        {Role.DISTRICT_ADMIN, Role.FINANCE, Role.TOWNSHIP_STAFF, Role.SECRETARY}
    )
    writers: frozenset[str] = frozenset({Role.DISTRICT_ADMIN, Role.TOWNSHIP_STAFF})
    district: str | None = None  # lookup to a District's pk; default: township + "__district"
    # Rows every viewer in the district sees (VIEW only), beside their own township's rows:
    # e.g. courses organised by the district itself (township is null).
    district_wide: Q | None = None
    # Reviewers (a township role) see, of their township's rows, only those this condition
    # admits (e.g. the allowance applications sent to them); None: all of them.
    reviewer: Callable[[object], Q] | None = None

    @property
    def district_lookup(self) -> str:
        if self.district is not None:
            return self.district
        return "district" if self.township == "pk" else f"{self.township}__district"


def secretary_village_ids(user) -> QuerySet:
    """The villages where the user's person is branch secretary today."""
    from cadres.choices import PostRole
    from cadres.models import Post

    today = timezone.localdate()
    return (
        Post.objects.filter(
            person_id=user.person_id, role=PostRole.SECRETARY, start_date__lte=today
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values("village_id")
    )


def own(path: str) -> Callable:
    return lambda user, villages: Q(**{path: user.person_id})


def in_villages(path: str) -> Callable:
    return lambda user, villages: Q(**{f"{path}__in": villages})


SCOPES: dict[str, Scope] = {
    "branches.district": Scope(
        township="townships",
        district="pk",
        secretary=lambda user, villages: Q(townships__villages__in=villages),
        writers=frozenset(),
    ),
    "branches.township": Scope(
        township="pk",
        secretary=lambda user, villages: Q(villages__in=villages),
        writers=frozenset({Role.DISTRICT_ADMIN}),
    ),
    "branches.village": Scope(township="township", secretary=in_villages("pk")),
    "branches.branch": Scope(township="township", secretary=in_villages("villages")),
    "branches.partymember": Scope(township="branch__township", secretary=own("person")),
    "cadres.person": Scope(township="village__township", secretary=own("pk")),
    "cadres.post": Scope(township="village__township", secretary=own("person")),
    "cadres.performanceappraisal": Scope(
        township="person__village__township", secretary=own("person")
    ),
    "cadres.annualassessment": Scope(township="person__village__township", secretary=own("person")),
    "cadres.healthcheck": Scope(township="person__village__township", secretary=own("person")),
    # Registry imports: district admins see their district's; township staff their township's,
    # which cadres.importer.jobs.import_job_list narrows to their own uploads.
    "portal.importjob": Scope(
        township="township",
        district="district",
        viewers=frozenset({Role.DISTRICT_ADMIN, Role.TOWNSHIP_STAFF}),
        writers=frozenset({Role.DISTRICT_ADMIN, Role.TOWNSHIP_STAFF}),
    ),
}


def register(label: str, scope: Scope) -> None:
    """Give a model of a later app its rule (called from that app's ``scopes`` module)."""
    SCOPES[label] = scope


def _label(model: type[Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def scope_for(model: type[Model]) -> Scope | None:
    return SCOPES.get(_label(model))


def user_role(user) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role or None


def may(user, action: str, model: type[Model]) -> bool:
    """Whether the user's role may take ``action`` on ``model`` at all (rows aside)."""
    if getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser:
        return True
    role = user_role(user)
    scope = scope_for(model)
    if role is None or scope is None:
        return False
    if action == VIEW:
        return role in scope.viewers or role in scope.writers
    return role in scope.writers


def scope_queryset(user, queryset: QuerySet | type[Model], action: str = VIEW) -> QuerySet:
    """The rows of ``queryset`` that ``user`` may see (``VIEW``) or change (``CHANGE``)."""
    if isinstance(queryset, Manager):
        queryset = queryset.all()
    elif not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    model = queryset.model
    if getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser:
        return queryset
    if not may(user, action, model):
        return queryset.none()
    scope = scope_for(model)
    role = user.role
    if role in (Role.DISTRICT_ADMIN, Role.FINANCE):
        return queryset.filter(**{scope.district_lookup: user.district_id})
    if role in (Role.TOWNSHIP_STAFF, Role.REVIEWER):
        if scope.township == "pk":
            return queryset.filter(pk=user.township_id)
        condition = Q(**{scope.township: user.township_id})
        if action == VIEW and scope.district_wide is not None:
            from branches.models import Township

            own_district = Township.objects.filter(pk=user.township_id).values("district_id")
            condition |= scope.district_wide & Q(**{f"{scope.district_lookup}__in": own_district})
        if role == Role.REVIEWER and scope.reviewer is not None:
            condition &= scope.reviewer(user)
        return queryset.filter(condition)
    if role == Role.SECRETARY and scope.secretary is not None and user.person_id:
        condition = scope.secretary(user, secretary_village_ids(user))
        return queryset.filter(pk__in=model._default_manager.filter(condition).values("pk"))
    return queryset.none()
