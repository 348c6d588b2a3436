"""Pure rules of the annual award list (SPEC §3, R-PAY-4). Stdlib only.

Candidates are the branch secretaries of a township in post on 31 December and not dismissed
for discipline in the year; the quota is ``ratio`` × candidates rounded down; they are ranked
by the year's annual assessment score (equal scores share a rank). When the scores at the cut
are equal, the people with that score are *tied*: township staff choose which of them fill the
places left, and the list cannot be submitted before they have.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal


def quota(candidates: int, ratio: Decimal) -> int:
    """R-PAY-4: the number of awards, ``ratio`` of the candidates rounded down."""
    return int((Decimal(candidates) * ratio).to_integral_value(rounding=ROUND_FLOOR))


@dataclass(frozen=True)
class Ranked:
    person_id: int
    score: Decimal
    rank: int  # 1 for the highest score; equal scores share the rank ("1, 2, 2, 4")
    sure: bool  # within the quota whatever the choice
    tied: bool  # shares the score at the cut: chosen by township staff


@dataclass(frozen=True)
class Ranking:
    quota: int
    rows: tuple[Ranked, ...]
    places_for_tied: int  # how many of the tied people are awarded

    @property
    def tied(self) -> tuple[Ranked, ...]:
        return tuple(r for r in self.rows if r.tied)

    @property
    def sure(self) -> tuple[Ranked, ...]:
        return tuple(r for r in self.rows if r.sure)


def rank(scores: list[tuple[int, Decimal]], places: int) -> Ranking:
    """Rank ``(person_id, score)`` pairs by score (highest first; person id breaks the order
    only for display) and mark who is surely awarded and who is tied at the cut."""
    ordered = sorted(scores, key=lambda item: (-item[1], item[0]))
    ranks: list[int] = []
    for position, (_person, score) in enumerate(ordered):
        if position and score == ordered[position - 1][1]:
            ranks.append(ranks[-1])
        else:
            ranks.append(position + 1)
    places = min(places, len(ordered))
    if places <= 0:
        rows = tuple(
            Ranked(p, s, r, False, False) for (p, s), r in zip(ordered, ranks, strict=True)
        )
        return Ranking(max(places, 0), rows, 0)
    cut_score = ordered[places - 1][1]
    above = sum(1 for _p, s in ordered if s > cut_score)
    at_cut = sum(1 for _p, s in ordered if s == cut_score)
    tie = above + at_cut > places
    rows = tuple(
        Ranked(
            person,
            score,
            r,
            sure=score > cut_score or (score == cut_score and not tie),
            tied=tie and score == cut_score,
        )
        for (person, score), r in zip(ordered, ranks, strict=True)
    )
    return Ranking(places, rows, places - above if tie else 0)


def choice_error(ranking: Ranking, chosen: set[int]) -> str | None:
    """Why a choice among the tied people is not acceptable, or None: exactly
    ``places_for_tied`` of them, and only tied people."""
    tied = {r.person_id for r in ranking.tied}
    if not chosen <= tied:
        return "not_tied"
    if len(chosen) != ranking.places_for_tied:
        return "wrong_count"
    return None
