"""Award list pages (R-PAY-4): prepare a year's ranking, the tie shown and chosen, the
approvals of each role through the pages."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from subsidies.choices import AwardStatus
from subsidies.models import AwardList, Policy
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def en(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    Policy.objects.create(district=world.district, valid_from=date(2020, 1, 1))
    people = [world.secretary_a]
    for _n in range(6):
        village = f.VillageFactory(township=world.town_a)
        person = f.PersonFactory(village=village)
        f.PostFactory(person=person, village=village, start_date=date(2015, 1, 1))
        people.append(person)
    # 7 candidates → quota 1; the top two tie
    for person, score in zip(people, ["91", "91", "80", "70", "60", "50", "40"], strict=True):
        f.AssessmentFactory(person=person, year=2025, score=score)
    return client


def step(client, award_list, action, **data):
    """Take a step as confirmed on the confirmation page (issue 10)."""
    url = reverse("awards:award-action", args=[award_list.pk, action])
    return client.post(url, {**data, "confirm": "yes"}, follow=True).content.decode()


def test_the_award_list_through_the_pages(en, world):
    en.force_login(world.staff_a)
    response = en.post(reverse("awards:award-prepare"), {"year": 2025})
    award_list = AwardList.objects.get()
    assert response["Location"] == award_list.get_absolute_url()
    page = en.get(award_list.get_absolute_url()).content.decode()
    assert "2 people share the score at the cut for 1 place" in page
    assert page.count('data-tied="true"') == 2
    page = step(en, award_list, "submit")
    assert "tied at the cut for 1 places" in page
    page = step(en, award_list, "choose", person=[world.secretary_a.pk])
    assert "Your choice is saved." in page
    step(en, award_list, "submit")
    assert AwardList.objects.get().status == AwardStatus.SUBMITTED

    en.force_login(world.finance)
    assert "Only finance records" not in step(en, award_list, "approve")
    assert AwardList.objects.get().status == AwardStatus.SUBMITTED
    en.force_login(world.admin)
    page = step(en, award_list, "return", reason="")
    assert "Say why the list is returned." in page
    step(en, award_list, "approve", comment="同意")
    assert AwardList.objects.get().status == AwardStatus.APPROVED
    en.force_login(world.finance)
    step(en, award_list, "record")
    award_list = AwardList.objects.get()
    assert award_list.status == AwardStatus.RECORDED
    assert list(award_list.events.values_list("to_status", flat=True))[-3:] == [
        AwardStatus.SUBMITTED,
        AwardStatus.APPROVED,
        AwardStatus.RECORDED,
    ]

    en.force_login(world.staff_b)
    assert en.get(award_list.get_absolute_url()).status_code == 404
    en.force_login(world.secretary)
    assert en.get(reverse("awards:award-list")).status_code == 403


def test_only_township_staff_prepare(en, world):
    en.force_login(world.admin)
    assert en.post(reverse("awards:award-prepare"), {"year": 2025}).status_code == 403
    assert not AwardList.objects.exists()
