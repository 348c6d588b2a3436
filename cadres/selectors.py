"""Reads of people and posts, and the registry flags R-REG-1 and R-REG-2 (SPEC §2)."""

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from branches.models import Village
from portal.scope import scope_queryset

from .choices import PostRole
from .models import Person, Post
from .rules import HealthCheckStatus, cadre_count_flag, health_check_status


def posts_on(day: date, prefix: str = "") -> Q:
    """Posts held on ``day`` (``prefix`` reaches Post from another model)."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


ID_NUMBER = re.compile(r"\d{17}[\dX]")


def person_search(value: str, prefix: str = "") -> Q:
    """What a search box finds, by the shape of what was typed: a whole ID number; a phone
    number by its first digits; otherwise a name by its first characters (surname, or the
    full name). Each is an index range, so a district of half a million people answers at
    once (a name 'containing' a character would scan them all)."""
    value = value.strip()
    if ID_NUMBER.fullmatch(value.upper()):
        return Q(**{f"{prefix}id_number": value.upper()})
    if value.isdigit():
        return Q(**{f"{prefix}phone__startswith": value})
    # name >= value holds for every name starting with it, and lets the (name, id) index
    # start there when the list is ordered by name.
    return Q(**{f"{prefix}name__startswith": value, f"{prefix}name__gte": value})


def person_list(*, user, filters: dict | None = None) -> QuerySet:
    qs = scope_queryset(user, Person).select_related("village__township")
    return qs.filter(**(filters or {}))


def is_one_shoulder(person: Person, day: date) -> bool:
    """A person who on ``day`` is both branch secretary and committee director of one village.

    Derived from posts, never stored (SPEC §2)."""
    held = Post.objects.filter(posts_on(day), person=person).values_list("village_id", "role")
    roles_by_village: dict[int, set] = {}
    for village_id, role in held:
        roles_by_village.setdefault(village_id, set()).add(role)
    return any({PostRole.SECRETARY, PostRole.DIRECTOR} <= r for r in roles_by_village.values())


def one_shoulder_person_ids(*, day: date) -> QuerySet:
    """Ids of people who are one-shoulder secretary-directors on ``day`` (derived)."""
    director = Post.objects.filter(
        posts_on(day),
        role=PostRole.DIRECTOR,
        person_id=OuterRef("person_id"),
        village_id=OuterRef("village_id"),
    )
    return (
        Post.objects.filter(posts_on(day), role=PostRole.SECRETARY)
        .filter(Exists(director))
        .values("person_id")
    )


def village_cadre_counts(*, user, day: date) -> QuerySet:
    """Villages annotated with ``cadres``: distinct living people holding a post on ``day``."""
    alive = Q(posts__person__died_on__isnull=True) | Q(posts__person__died_on__gte=day)
    return scope_queryset(user, Village).annotate(
        cadres=Count("posts__person", filter=posts_on(day, "posts__") & alive, distinct=True)
    )


def villages_outside_cadre_range(*, user, day: date) -> list[Village]:
    """R-REG-1: villages with fewer than 3 or more than 5 village cadres on ``day``."""
    villages = village_cadre_counts(user=user, day=day).select_related("township")
    flagged = []
    for village in villages.exclude(cadres__gte=3, cadres__lte=5).order_by("code"):
        village.flag = cadre_count_flag(village.cadres)
        flagged.append(village)
    return flagged


@dataclass(frozen=True)
class HealthCheckRow:
    person: Person
    last_check: date | None
    status: HealthCheckStatus


def secretary_health_checks(*, user, day: date, include_ok: bool = False) -> list[HealthCheckRow]:
    """R-REG-2: serving secretaries whose 2-yearly health check is due or overdue."""
    serving = Post.objects.filter(posts_on(day), role=PostRole.SECRETARY).values("person_id")
    people = (
        scope_queryset(user, Person)
        .filter(pk__in=serving)
        .filter(Q(died_on__isnull=True) | Q(died_on__gte=day))
        .select_related("village__township")
        .annotate(last_check=Max("health_checks__checked_on"))
        .order_by("village__code", "name")
    )
    rows = []
    for person in people:
        status = health_check_status(person.last_check, day)
        if include_ok or status.status != "ok":
            rows.append(HealthCheckRow(person, person.last_check, status))
    return rows
