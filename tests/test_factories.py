"""The factories of tests/factories.py build rows the models accept (issue 11 item 5): each
default passes ``full_clean`` (the constraints included), and the ``f.policy``/``f.standard``
helpers the older tests call are the same factories."""

from datetime import date
from decimal import Decimal

import pytest

from subsidies.allowance.choices import ApplicationStatus
from subsidies.choices import AwardStatus, RunStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory",
    [
        f.PolicyFactory,
        f.PerformanceStandardFactory,
        f.PayrollRunFactory,
        f.AwardListFactory,
        f.AllowanceApplicationFactory,
    ],
)
def test_a_factory_default_is_a_valid_row(factory):
    row = factory()
    # A protected django-fsm status refuses the re-assignment clean_fields makes.
    row.full_clean(exclude=["status"])
    assert type(row).objects.filter(pk=row.pk).exists()


def test_workflow_rows_start_at_their_first_status():
    assert f.PayrollRunFactory().status == RunStatus.DRAFT
    assert f.AwardListFactory().status == AwardStatus.DRAFT
    assert f.AllowanceApplicationFactory().status == ApplicationStatus.DECLARED


def test_an_application_is_declared_in_its_persons_village():
    application = f.AllowanceApplicationFactory()
    assert application.village == application.person.village


def test_the_helpers_are_thin_wrappers():
    district = f.DistrictFactory()
    township = f.TownshipFactory(district=district)
    policy = f.policy(district, valid_from=date(2009, 1, 1), award_amount=Decimal("4000.00"))
    standard = f.standard(township, amount="650.00")
    policy.refresh_from_db()
    standard.refresh_from_db()
    assert (policy.district, policy.valid_from, policy.award_amount) == (
        district,
        date(2009, 1, 1),
        Decimal("4000.00"),
    )
    assert (standard.township, standard.valid_from, standard.amount) == (
        township,
        date(2020, 1, 1),
        Decimal("650.00"),
    )
