"""Reads of the annual award (R-PAY-4): the candidates of a township and year with their
scores, the ranking, and the lists in scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from cadres.choices import EndReason, PostRole
from cadres.models import AnnualAssessment, Person, Post
from cadres.selectors import posts_on
from portal.scope import scope_queryset
from subsidies.models import AwardList
from subsidies.selectors import policy_for

from . import rules


def award_list_list(*, user) -> QuerySet:
    return scope_queryset(user, AwardList).select_related("township")


@dataclass(frozen=True)
class Candidates:
    """The township's branch secretaries in post on 31 December, not dismissed for
    discipline in the year, with the year's assessment score (None: not assessed)."""

    scores: dict[int, Decimal | None]

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def assessed(self) -> list[tuple[int, Decimal]]:
        return [(p, s) for p, s in self.scores.items() if s is not None]

    @property
    def missing(self) -> list[int]:
        return sorted(p for p, s in self.scores.items() if s is None)


def candidates(township_id: int, year: int) -> Candidates:
    """R-PAY-4: who may be awarded for ``year`` in the township."""
    last_day = date(year, 12, 31)
    secretaries = set(
        Post.objects.filter(village__township_id=township_id, role=PostRole.SECRETARY)
        .filter(posts_on(last_day))
        .filter(Q(person__died_on__isnull=True) | Q(person__died_on__gte=last_day))
        .values_list("person_id", flat=True)
    )
    dismissed = set(
        Post.objects.filter(
            person_id__in=secretaries,
            end_reason=EndReason.DISMISSED,
            end_date__year=year,
        ).values_list("person_id", flat=True)
    )
    people = secretaries - dismissed
    scores = dict(
        AnnualAssessment.objects.filter(person_id__in=people, year=year).values_list(
            "person_id", "score"
        )
    )
    return Candidates({p: scores.get(p) for p in sorted(people)})


def award_ratio(township, year: int) -> Decimal | None:
    policy = policy_for(township.district_id, date(year, 12, 1))
    return policy.award_ratio if policy else None


def ranking(award_list: AwardList) -> rules.Ranking:
    """The ranking of the list's entries as stored (what was prepared)."""
    rows = list(award_list.entries.values_list("person_id", "score"))
    return rules.rank(rows, award_list.quota)


def names(person_ids) -> dict[int, str]:
    return dict(Person.objects.filter(pk__in=list(person_ids)).values_list("pk", "name"))


def entries(award_list: AwardList) -> QuerySet:
    return award_list.entries.select_related("person__village").order_by("rank", "person__name")
