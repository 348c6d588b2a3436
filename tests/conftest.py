"""Shared fixtures: two townships of one district, with a user of every role; the payroll
of township A; a temporary MEDIA_ROOT; the allowance helper; English messages. Every test
directory uses these from here (issue 11 item 5); the plain helpers they build on (file
bytes, ``scan``, ``Allowance``) are in tests/fixtures.py."""

from dataclasses import dataclass
from datetime import date

import pytest

from cadres.choices import PostRole
from portal import testclock
from tests import factories as f
from tests.fixtures import Allowance


def pytest_report_header(config):
    """Say which day the suite runs on, so that a failure under PORTAL_TEST_TODAY can be
    re-run on the same day (the clock travels in portal.settings.test)."""
    day = testclock.test_today()
    if day is None:
        return f"{testclock.VARIABLE}: unset (the real date)"
    return f"{testclock.VARIABLE}: {day} ({testclock.TIME_OF_DAY:%H:%M} Asia/Shanghai)"


@dataclass
class World:
    district: object
    town_a: object
    town_b: object
    village_a: object
    village_b: object
    secretary_a: object  # Person, serving secretary of village_a
    admin: object
    finance: object
    staff_a: object
    staff_b: object
    reviewer_a: object
    secretary: object  # the User of secretary_a


@pytest.fixture
def world(db) -> World:
    district = f.DistrictFactory(code="D001", name="示范区")
    town_a = f.TownshipFactory(district=district, code="T-A", name="甲镇")
    town_b = f.TownshipFactory(district=district, code="T-B", name="乙街道")
    village_a = f.VillageFactory(township=town_a, code="V-A1", name="东村")
    village_b = f.VillageFactory(township=town_b, code="V-B1", name="西村")
    secretary_a = f.PersonFactory(village=village_a, name="李书记")
    f.PostFactory(person=secretary_a, village=village_a, start_date=date(2018, 1, 1))
    return World(
        district=district,
        town_a=town_a,
        town_b=town_b,
        village_a=village_a,
        village_b=village_b,
        secretary_a=secretary_a,
        admin=f.district_admin(district, username="admin"),
        finance=f.finance_user(district, username="finance"),
        staff_a=f.township_staff(town_a, username="staff_a"),
        staff_b=f.township_staff(town_b, username="staff_b"),
        reviewer_a=f.reviewer(town_a, username="reviewer_a"),
        secretary=f.secretary_user(secretary_a, username="secretary_a"),
    )


@pytest.fixture
def english():
    """Run a test with English messages (the default language is zh-hans)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def payroll(world):
    """Township A with a policy, a standard of 500 and a small village: the one-shoulder
    secretary of village A (world.secretary_a, also director) and two committee members, all
    appraised competent for November 2026."""
    f.policy(world.district)
    f.standard(world.town_a)
    f.standard(world.town_b)
    f.PostFactory(
        person=world.secretary_a,
        village=world.village_a,
        role=PostRole.DIRECTOR,
        start_date=date(2019, 1, 1),
    )
    members = [
        f.PostFactory(
            person=f.PersonFactory(village=world.village_a),
            village=world.village_a,
            role=PostRole.COMMITTEE_MEMBER,
            start_date=date(2021, 1, 1),
        ).person
        for _ in range(2)
    ]
    for person in [world.secretary_a, *members]:
        f.AppraisalFactory(
            person=person,
            period_start=date(2026, 11, 1),
            period_end=date(2026, 11, 30),
            grade="competent",
        )
    return members


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads (scans, evidence) land in a temporary MEDIA_ROOT, returned as a Path."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def allowance(world, media_root):
    """A district policy valid from 2009 and the :class:`tests.fixtures.Allowance` steps
    (SPEC §4, R-ALW-4)."""
    f.policy(world.district, valid_from=date(2009, 1, 1))
    return Allowance(world)
