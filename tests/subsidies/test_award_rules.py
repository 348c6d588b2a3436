"""Table-driven tests of the pure award rules (R-PAY-4), no database."""

from decimal import Decimal

import pytest

from subsidies.award.rules import choice_error, quota, rank

D = Decimal


@pytest.mark.parametrize(
    ("candidates", "ratio", "expected"),
    [
        (0, "0.15", 0),
        (6, "0.15", 0),
        (7, "0.15", 1),
        (13, "0.15", 1),
        (14, "0.15", 2),
        (20, "0.15", 3),
        (100, "0.15", 15),
        (10, "0.25", 2),
    ],
)
def test_quota_rounds_down(candidates, ratio, expected):  # R-PAY-4
    assert quota(candidates, D(ratio)) == expected


@pytest.mark.parametrize(
    ("name", "scores", "places", "sure", "tied", "places_for_tied", "ranks"),
    [
        ("clear cut", [(1, "90"), (2, "85"), (3, "80")], 2, {1, 2}, set(), 0, [1, 2, 3]),
        (
            "tie at the cut",
            [(1, "90"), (2, "85"), (3, "85"), (4, "70")],
            2,
            {1},
            {2, 3},
            1,
            [1, 2, 2, 4],
        ),
        (
            "tie above the cut only",
            [(1, "90"), (2, "90"), (3, "80")],
            2,
            {1, 2},
            set(),
            0,
            [1, 1, 3],
        ),
        (
            "three tied for two places",
            [(1, "88"), (2, "88"), (3, "88"), (4, "60")],
            2,
            set(),
            {1, 2, 3},
            2,
            [1, 1, 1, 4],
        ),
        ("quota zero", [(1, "90"), (2, "80")], 0, set(), set(), 0, [1, 2]),
        ("quota covers everyone", [(1, "90"), (2, "90")], 2, {1, 2}, set(), 0, [1, 1]),
        # a township of 7–13 secretaries has a quota of 1
        (
            "quota of one, a clear winner",
            [(1, "90"), (2, "85"), (3, "80")],
            1,
            {1},
            set(),
            0,
            [1, 2, 3],
        ),
        (
            "quota of one, two at the top",
            [(1, "90"), (2, "90"), (3, "80")],
            1,
            set(),
            {1, 2},
            1,
            [1, 1, 3],
        ),
        ("quota above the candidates", [(1, "90"), (2, "80")], 3, {1, 2}, set(), 0, [1, 2]),
        (
            "equal scores below the cut are not tied",
            [(1, "90"), (2, "80"), (3, "70"), (4, "70")],
            2,
            {1, 2},
            set(),
            0,
            [1, 2, 3, 3],
        ),
        (
            "one above, two at the cut for one place",
            [(3, "70"), (1, "90"), (2, "70")],
            2,
            {1},
            {2, 3},
            1,
            [1, 2, 2],
        ),
    ],
)
def test_ranking_and_ties_at_the_cut(name, scores, places, sure, tied, places_for_tied, ranks):
    ranking = rank([(p, D(s)) for p, s in scores], places)
    assert {r.person_id for r in ranking.sure} == sure
    assert {r.person_id for r in ranking.tied} == tied
    assert ranking.places_for_tied == places_for_tied
    assert [r.rank for r in ranking.rows] == ranks


def test_choice_among_the_tied():
    ranking = rank([(1, D("90")), (2, D("85")), (3, D("85")), (4, D("70"))], 2)
    assert choice_error(ranking, {2}) is None
    assert choice_error(ranking, {2, 3}) == "wrong_count"
    assert choice_error(ranking, set()) == "wrong_count"
    assert choice_error(ranking, {4}) == "not_tied"


@pytest.mark.parametrize(
    ("scores", "places", "quota", "order"),
    [
        ([(2, "80"), (1, "90"), (3, "85")], 2, 2, [1, 3, 2]),  # highest score first
        ([(2, "90"), (1, "90")], 1, 1, [1, 2]),  # equal scores: person id for display
        ([(1, "90"), (2, "80")], 5, 2, [1, 2]),  # never more places than candidates
        ([(1, "90")], 0, 0, [1]),
        ([(1, "90")], -1, 0, [1]),
        ([], 1, 0, []),
    ],
)
def test_ranking_order_and_quota(scores, places, quota, order):  # R-PAY-4
    ranking = rank([(p, D(s)) for p, s in scores], places)
    assert ranking.quota == quota
    assert [r.person_id for r in ranking.rows] == order
    assert [r.score for r in ranking.rows] == sorted((D(s) for _p, s in scores), reverse=True)
    if not ranking.quota:
        assert not ranking.sure and not ranking.tied and ranking.places_for_tied == 0
