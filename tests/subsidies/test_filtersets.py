"""The payroll runs list's filters (``subsidies.filtersets.PayrollRunFilterSet``, SPEC §3
"Payroll runs"): month, township and status narrow the list; a month that is not one, an
unknown status or another township's id leave the filter set invalid with a form error.
Built with the user's request, as the page builds it (township choices are scoped)."""

from datetime import date

import pytest
from django.test import RequestFactory

from subsidies.choices import RunStatus
from subsidies.filtersets import PayrollRunFilterSet
from subsidies.selectors import run_list
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)


@pytest.fixture
def runs(world):
    """Town A: October (approved) and November (draft); town B: November (computed)."""
    return {
        "a-oct": f.PayrollRunFactory(township=world.town_a, month=OCT, status=RunStatus.APPROVED),
        "a-nov": f.PayrollRunFactory(township=world.town_a, month=NOV),
        "b-nov": f.PayrollRunFactory(township=world.town_b, month=NOV, status=RunStatus.COMPUTED),
    }


def _filter(user, data):
    request = RequestFactory().get("/runs/", data)
    request.user = user
    return PayrollRunFilterSet(data, queryset=run_list(user=user), request=request)


def _keys(filterset, runs):
    assert filterset.is_valid(), filterset.errors
    found = set(filterset.qs)
    return sorted(key for key, run in runs.items() if run in found)


def test_no_filter_is_the_whole_scoped_list(world, runs):
    assert _keys(_filter(world.admin, {}), runs) == ["a-nov", "a-oct", "b-nov"]
    assert _keys(_filter(world.staff_a, {}), runs) == ["a-nov", "a-oct"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"month": "2026-11"}, ["a-nov", "b-nov"]),
        ({"month": "2026-10-01"}, ["a-oct"]),
        ({"status": RunStatus.COMPUTED}, ["b-nov"]),
        ({"status": RunStatus.DRAFT, "month": "2026-11"}, ["a-nov"]),
        ({"month": "2026-12"}, []),
    ],
)
def test_a_valid_filter_narrows_the_list(world, runs, data, expected):
    assert _keys(_filter(world.admin, data), runs) == expected


def test_the_township_filter(world, runs):
    assert _keys(_filter(world.admin, {"township": world.town_b.pk}), runs) == ["b-nov"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("month", "2026-13"), ("month", "November"), ("status", "paid"), ("township", "x")],
)
def test_an_invalid_value_is_a_form_error(world, runs, field, value):
    filterset = _filter(world.admin, {field: value})
    assert not filterset.is_valid()
    assert field in filterset.errors


def test_another_townships_id_is_not_a_choice(world, runs):
    """Township staff cannot reach town B's runs by its id (SPEC §1)."""
    filterset = _filter(world.staff_a, {"township": world.town_b.pk})
    assert not filterset.is_valid()
    assert "Select a valid choice" in str(filterset.errors["township"])
