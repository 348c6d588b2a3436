from datetime import date

import pytest

from cadres.choices import PostRole
from tests import factories as f


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
