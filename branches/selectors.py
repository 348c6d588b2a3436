"""Reads of villages, branches and members, and the flags R-REG-3..5 (SPEC §2)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from cadres.choices import HIGHER_EDUCATION
from cadres.rules import ACTIVISTS_MIN, is_young_educated_recruit, mobility_flag
from portal.scope import scope_queryset

from .choices import MemberStage, Mobility
from .models import Branch, PartyMember, Village


def village_list(*, user) -> QuerySet:
    return scope_queryset(user, Village).select_related("township")


def branch_list(*, user) -> QuerySet:
    return scope_queryset(user, Branch).select_related("township")


def member_list(*, user) -> QuerySet:
    return scope_queryset(user, PartyMember).select_related("person__village", "branch__township")


def villages_short_of_activists(*, user) -> QuerySet:
    """R-REG-3: villages with fewer than 3 activists (members at the activist stage)."""
    return (
        scope_queryset(user, Village)
        .select_related("township")
        .annotate(
            activists=Count(
                "people__membership",
                filter=Q(people__membership__stage=MemberStage.ACTIVIST),
            )
        )
        .filter(activists__lt=ACTIVISTS_MIN)
        .order_by("code")
    )


@dataclass(frozen=True)
class RecruitIndicator:
    village: Village
    year: int
    recruits: int

    @property
    def met(self) -> bool:
        return self.recruits >= 1


def young_recruits_by_village(*, user, year: int) -> list[RecruitIndicator]:
    """R-REG-4: per village, new members of ``year`` (probationary that year) under 35 with
    higher education; the village meets the rule with at least one."""
    joined = (
        scope_queryset(user, PartyMember)
        .filter(probationary_on__year=year)
        .values_list(
            "person__village_id", "person__birth_date", "probationary_on", "person__education"
        )
    )
    counts: dict[int, int] = defaultdict(int)
    for village_id, birth, joined_on, education in joined:
        if is_young_educated_recruit(birth, joined_on, education in HIGHER_EDUCATION):
            counts[village_id] += 1
    villages = scope_queryset(user, Village).select_related("township").order_by("code")
    return [RecruitIndicator(v, year, counts.get(v.pk, 0)) for v in villages]


@dataclass(frozen=True)
class MobilityRow:
    member: PartyMember
    flag: str


def mobile_member_flags(*, user, day: date) -> list[MobilityRow]:
    """R-REG-5: away ≤ 6 months without a certificate; away > 6 months not transferred."""
    away = (
        scope_queryset(user, PartyMember)
        .filter(mobility=Mobility.AWAY)
        .select_related("person__village", "branch")
        .order_by("away_since")
    )
    rows = []
    for member in away:
        flag = mobility_flag(member.away_since, bool(member.certificate_no), day)
        if flag:
            rows.append(MobilityRow(member, flag))
    return rows
