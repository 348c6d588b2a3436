"""Shared fixtures: two townships of one district, with a user of every role."""

from dataclasses import dataclass
from datetime import date

import pytest

from portal import testclock
from tests import factories as f


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
