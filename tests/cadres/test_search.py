"""The search box of people and members: a name by its first characters, a whole ID number,
a phone by its first digits (cadres.selectors.person_search)."""

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    return {
        "zhang": f.PersonFactory(village=world.village_a, name="张建国", phone="13800001111"),
        "zhang2": f.PersonFactory(village=world.village_a, name="张三", phone="13900002222"),
        "wang": f.PersonFactory(village=world.village_a, name="王张明", phone="13700003333"),
    }


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("张", {"zhang", "zhang2"}),  # a surname: names starting with it, not containing it
        ("张建", {"zhang"}),
        ("王张明", {"wang"}),
        ("138", {"zhang"}),
        ("13900002222", {"zhang2"}),
        ("赵", set()),
    ],
)
def test_person_search(client, world, people, term, expected):
    client.force_login(world.staff_a)
    found = {
        p.pk for p in client.get(reverse("cadres:person-list"), {"q": term}).context["object_list"]
    }
    assert found == {people[key].pk for key in expected}
    api = client.get(reverse("person-list"), {"q": term}).json()["results"]
    assert {row["id"] for row in api} == found


def test_search_by_id_number_finds_the_person_only(client, world, people):
    client.force_login(world.staff_a)
    number = people["wang"].id_number
    found = client.get(reverse("cadres:person-list"), {"q": number}).context["object_list"]
    assert [p.pk for p in found] == [people["wang"].pk]
    found = client.get(reverse("cadres:person-list"), {"q": number.lower()}).context["object_list"]
    assert [p.pk for p in found] == [people["wang"].pk]
