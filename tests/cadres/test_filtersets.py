"""The people list's filters (``cadres.filtersets.PersonFilterSet``, SPEC §2): a valid
filter narrows the list; a value outside the choices — another township's id, an unknown
post or gender — leaves the filter set invalid with a form error instead of a wider list.
Built with the user's request, as the page and the API build it (the township choices are
scoped through ``portal.scope``)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import RequestFactory

from cadres.choices import PostRole
from cadres.filtersets import PersonFilterSet
from cadres.selectors import person_list
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DAY = datetime(2026, 11, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def people(world):
    """Village A: the secretary (world.secretary_a), a committee member, a man who has died;
    village B: one person."""
    member = f.PersonFactory(village=world.village_a, name="王委员", phone="13912345678")
    f.PostFactory(person=member, role=PostRole.COMMITTEE_MEMBER, start_date=date(2021, 1, 1))
    dead = f.PersonFactory(village=world.village_a, name="赵故", died_on=date(2025, 3, 1))
    other = f.PersonFactory(village=world.village_b, name="钱乙")
    return {"secretary": world.secretary_a, "member": member, "dead": dead, "other": other}


def _filter(user, data):
    request = RequestFactory().get("/people/", data)
    request.user = user
    return PersonFilterSet(data, queryset=person_list(user=user), request=request)


def _names(filterset):
    assert filterset.is_valid(), filterset.errors
    return sorted(p.name for p in filterset.qs)


def test_no_filter_is_the_whole_scoped_list(world, people):
    assert _names(_filter(world.admin, {})) == ["李书记", "王委员", "赵故", "钱乙"]
    assert _names(_filter(world.staff_a, {})) == ["李书记", "王委员", "赵故"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"q": "王"}, ["王委员"]),  # a name by its first characters
        ({"q": "139123"}, ["王委员"]),  # a phone by its first digits
        ({"village": "V-B1"}, ["钱乙"]),  # a village by its code
        ({"village": "东"}, ["李书记", "王委员", "赵故"]),  # or part of its name
        ({"alive": "false"}, ["赵故"]),
        ({"alive": "true"}, ["李书记", "王委员", "钱乙"]),
        ({"role": PostRole.COMMITTEE_MEMBER}, ["王委员"]),
        ({"role": PostRole.SECRETARY}, ["李书记"]),
    ],
)
def test_a_valid_filter_narrows_the_list(world, people, data, expected):
    with time_machine.travel(DAY, tick=False):  # the role filter reads the posts held today
        assert _names(_filter(world.admin, data)) == expected


def test_the_township_filter_narrows_to_its_villages(world, people):
    assert _names(_filter(world.admin, {"township": world.town_b.pk})) == ["钱乙"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("role", "emperor"), ("gender", "x"), ("education", "phd-ish")],
)
def test_an_invalid_value_is_a_form_error(world, people, field, value):
    filterset = _filter(world.admin, {field: value})
    assert not filterset.is_valid()
    assert field in filterset.errors


def test_a_yes_no_filter_reads_anything_else_as_unset(world, people):
    """Django's yes/no select has no invalid value: ``?alive=perhaps`` filters nothing
    (the whole list, never an error page)."""
    everyone = _names(_filter(world.admin, {}))
    assert _names(_filter(world.admin, {"alive": "perhaps"})) == everyone


def test_another_townships_id_is_not_a_choice(world, people):
    """Township staff cannot widen their list, nor learn of town B, by its id (SPEC §1)."""
    filterset = _filter(world.staff_a, {"township": world.town_b.pk})
    assert not filterset.is_valid()
    assert "Select a valid choice" in str(filterset.errors["township"])
