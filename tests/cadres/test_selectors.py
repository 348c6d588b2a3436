"""R-REG selectors on the database, scoped like everything else (SPEC §2)."""

from datetime import date

import pytest
from django.urls import reverse

from branches.choices import MemberStage, Mobility
from branches.selectors import (
    mobile_member_flags,
    villages_short_of_activists,
    young_recruits_by_village,
)
from cadres.choices import Education, EndReason, PostRole
from cadres.models import Person
from cadres.selectors import (
    is_one_shoulder,
    one_shoulder_person_ids,
    secretary_health_checks,
    villages_outside_cadre_range,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 23)


def staff_cadres(village, n, role=PostRole.COMMITTEE_MEMBER, **post):
    for _ in range(n):
        f.PostFactory(person=f.PersonFactory(village=village), village=village, role=role, **post)


def test_r_reg_1_flags_villages_outside_three_to_five_cadres(world):
    # village_a has its secretary; add two members → 3 cadres: fine.
    staff_cadres(world.village_a, 2)
    few = f.VillageFactory(township=world.town_a, name="少村")
    staff_cadres(few, 2)
    many = f.VillageFactory(township=world.town_a, name="多村")
    staff_cadres(many, 6)
    ended = f.VillageFactory(township=world.town_a, name="旧村")
    staff_cadres(ended, 3)
    staff_cadres(ended, 2, end_date=date(2026, 1, 1), end_reason=EndReason.TERM_ENDED)
    flagged = {v.name: v.flag for v in villages_outside_cadre_range(user=world.staff_a, day=DAY)}
    assert flagged == {"少村": "too_few", "多村": "too_many"}


def test_r_reg_1_counts_a_person_with_two_posts_once_and_ignores_the_dead(world):
    village = f.VillageFactory(township=world.town_a, name="一肩村")
    secretary = f.PostFactory(person=f.PersonFactory(village=village), village=village)
    f.PostFactory(person=secretary.person, village=village, role=PostRole.DIRECTOR)
    staff_cadres(village, 1)
    dead = f.PersonFactory(village=village, died_on=date(2026, 3, 1))
    f.PostFactory(person=dead, village=village, role=PostRole.COMMITTEE_MEMBER)
    # one-shoulder secretary-director (1) + one member (1); the dead member does not count
    flagged = {v.name: v.cadres for v in villages_outside_cadre_range(user=world.staff_a, day=DAY)}
    assert flagged["一肩村"] == 2


def test_one_shoulder_is_derived_from_posts(world):
    village = world.village_a
    person = world.secretary_a
    assert not is_one_shoulder(person, DAY)
    f.PostFactory(
        person=person, village=village, role=PostRole.DIRECTOR, start_date=date(2026, 6, 1)
    )
    assert is_one_shoulder(person, DAY)
    assert not is_one_shoulder(person, date(2026, 5, 31))
    assert list(one_shoulder_person_ids(day=DAY).values_list("person_id", flat=True)) == [person.pk]
    # Director of another village is not one shoulder.
    other = f.PostFactory(role=PostRole.SECRETARY)
    f.PostFactory(person=other.person, village=f.VillageFactory(), role=PostRole.DIRECTOR)
    assert not is_one_shoulder(other.person, DAY)


def test_r_reg_2_health_checks_due_and_overdue(world):
    def secretary():
        village = f.VillageFactory(township=world.town_a)
        return f.PostFactory(person=f.PersonFactory(village=village), village=village).person

    never = world.secretary_a
    overdue = secretary()
    f.HealthCheckFactory(person=overdue, checked_on=date(2024, 1, 10))
    due = secretary()
    f.HealthCheckFactory(person=due, checked_on=date(2025, 1, 10))
    ok = secretary()
    f.HealthCheckFactory(person=ok, checked_on=date(2026, 1, 10))
    f.PostFactory(village=world.village_b)  # other township, never checked
    rows = {
        r.person.pk: r.status.status for r in secretary_health_checks(user=world.staff_a, day=DAY)
    }
    assert rows == {never.pk: "overdue", overdue.pk: "overdue", due.pk: "due"}


def test_r_reg_3_villages_short_of_activists(world):
    branch = f.BranchFactory(township=world.town_a)
    for _ in range(3):
        f.PartyMemberFactory(
            person=f.PersonFactory(village=world.village_a),
            branch=branch,
            stage=MemberStage.ACTIVIST,
        )
    short = f.VillageFactory(township=world.town_a, name="缺村")
    for stage in (MemberStage.ACTIVIST, MemberStage.ACTIVIST, MemberStage.FULL):
        f.PartyMemberFactory(person=f.PersonFactory(village=short), branch=branch, stage=stage)
    names = {v.name: v.activists for v in villages_short_of_activists(user=world.staff_a)}
    assert names == {"缺村": 2}


def test_r_reg_4_young_educated_recruit_per_village(world):
    branch = f.BranchFactory(township=world.town_a)
    young = f.PersonFactory(
        village=world.village_a, birth_date=date(1995, 1, 1), education=Education.BACHELOR
    )
    f.PartyMemberFactory(
        person=young,
        branch=branch,
        stage=MemberStage.PROBATIONARY,
        probationary_on=date(2026, 4, 1),
    )
    other = f.VillageFactory(township=world.town_a, name="老村")
    old = f.PersonFactory(village=other, birth_date=date(1980, 1, 1), education=Education.BACHELOR)
    f.PartyMemberFactory(
        person=old, branch=branch, stage=MemberStage.PROBATIONARY, probationary_on=date(2026, 4, 1)
    )
    result = {
        r.village.name: (r.recruits, r.met)
        for r in young_recruits_by_village(user=world.staff_a, year=2026)
    }
    assert result == {world.village_a.name: (1, True), "老村": (0, False)}
    assert all(not r.met for r in young_recruits_by_village(user=world.staff_a, year=2025))


def test_r_reg_5_mobile_members(world):
    branch = f.BranchFactory(township=world.town_a)

    def away(since, certificate=""):
        return f.PartyMemberFactory(
            person=f.PersonFactory(village=world.village_a),
            branch=branch,
            mobility=Mobility.AWAY,
            away_since=since,
            certificate_no=certificate,
        )

    fine = away(date(2026, 9, 1), "流动-001")
    needs = away(date(2026, 9, 1))
    transfer = away(date(2025, 12, 1), "流动-002")
    flags = {r.member.pk: r.flag for r in mobile_member_flags(user=world.staff_a, day=DAY)}
    assert flags == {needs.pk: "needs_certificate", transfer.pk: "must_transfer"}
    assert fine.pk not in flags
    assert mobile_member_flags(user=world.staff_b, day=DAY) == []


def test_dashboard_shows_the_flags(client, world):
    staff_cadres(f.VillageFactory(township=world.town_a, name="少村"), 1)
    client.force_login(world.staff_a)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "少村" in content
    assert "R-REG-1" in content and "R-REG-5" in content
    assert Person.objects.count() >= 2
