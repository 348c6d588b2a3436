"""Branches and party members (SPEC §2): the invariants the database holds whatever writes
them (STYLE: invariants as constraints), and the selectors' scoping through
``portal.scope`` — township staff read their township's branches and members only."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from branches.choices import MemberStage, Mobility
from branches.models import Branch, PartyMember
from branches.selectors import branch_list, member_list, village_list
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _refused_by_the_database(factory, **fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**fields)


# --- constraints ------------------------------------------------------------------------------


def test_a_weak_or_lax_branch_needs_a_rectification_note():
    """SPEC §2 (seed 000, 001): the weak/lax flag carries a rectification note."""
    _refused_by_the_database(f.BranchFactory, weak_lax=True, rectification_note="")
    assert not Branch.objects.filter(weak_lax=True).exists()
    branch = f.BranchFactory(weak_lax=True, rectification_note="整改中")
    assert Branch.objects.get(pk=branch.pk).weak_lax


def test_the_weak_or_lax_rule_is_also_a_form_error():
    """``full_clean`` (every form) reports the constraint's message before any save."""
    branch = Branch(township=f.TownshipFactory(), code="B-X", name="某支部", weak_lax=True)
    with pytest.raises(ValidationError, match="A weak or lax branch needs a rectification note"):
        branch.full_clean()


def test_an_away_member_needs_the_date_they_left(world):
    """R-REG-5 needs the away-since date to tell ≤ 6 months from more."""
    person = f.PersonFactory(village=world.village_a)
    _refused_by_the_database(
        f.PartyMemberFactory, person=person, mobility=Mobility.AWAY, away_since=None
    )
    member = f.PartyMemberFactory(
        person=person, mobility=Mobility.AWAY, away_since=date(2026, 5, 1)
    )
    assert member.away_since == date(2026, 5, 1)


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("applied_on", "activist_on"),
        ("activist_on", "target_on"),
        ("target_on", "probationary_on"),
        ("probationary_on", "full_on"),
    ],
)
def test_stage_dates_follow_one_another(world, earlier, later):
    person = f.PersonFactory(village=world.village_a)
    _refused_by_the_database(
        f.PartyMemberFactory,
        person=person,
        **{earlier: date(2024, 6, 1), later: date(2024, 5, 31)},
    )
    same_day = f.PartyMemberFactory(
        person=person, **{earlier: date(2024, 6, 1), later: date(2024, 6, 1)}
    )
    assert PartyMember.objects.filter(pk=same_day.pk).exists()


def test_a_stage_date_may_be_skipped(world):
    """An unknown date in between leaves nothing to compare: applied and full member with
    no other stage date is accepted."""
    member = f.PartyMemberFactory(
        person=f.PersonFactory(village=world.village_a),
        stage=MemberStage.FULL,
        applied_on=date(2020, 1, 1),
        full_on=date(2023, 1, 1),
    )
    assert member.pk


# --- scoping of the selectors ---------------------------------------------------------------


@pytest.fixture
def two_branches(world):
    branches = {
        "a": f.BranchFactory(township=world.town_a, code="B-A1"),
        "b": f.BranchFactory(township=world.town_b, code="B-B1"),
    }
    members = {
        side: f.PartyMemberFactory(person=f.PersonFactory(village=village), branch=branches[side])
        for side, village in (("a", world.village_a), ("b", world.village_b))
    }
    return branches, members


def test_township_staff_read_their_townships_branches_and_members(world, two_branches):
    branches, members = two_branches
    assert list(branch_list(user=world.staff_a)) == [branches["a"]]
    assert list(member_list(user=world.staff_a)) == [members["a"]]
    assert list(village_list(user=world.staff_b)) == [world.village_b]


def test_the_district_admin_reads_both_townships(world, two_branches):
    branches, members = two_branches
    assert set(branch_list(user=world.admin)) == set(branches.values())
    assert set(member_list(user=world.admin)) == set(members.values())


def test_a_district_admin_reads_nothing_of_another_district(world, two_branches):
    other = f.DistrictFactory(code="D002", name="他区")
    admin = f.district_admin(other, username="admin_other")
    assert not branch_list(user=admin).exists()
    assert not member_list(user=admin).exists()
