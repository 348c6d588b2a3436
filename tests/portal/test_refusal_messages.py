"""Refusals speak the user's language (SPEC §1: Chinese is the default language). These
messages were English literals, outside the catalogue (issue 11 item 6)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from branches.models import District
from portal.services import ensure_may_change, ensure_parent_in_scope
from subsidies import services as payroll_services


@pytest.mark.django_db
def test_a_role_that_may_not_add_is_refused_in_chinese(world):
    with translation.override("zh-hans"), pytest.raises(PermissionDenied) as refused:
        ensure_may_change(world.staff_a, District(code="X", name="新区"))
    assert str(refused.value) == "您的角色不能添加该记录。"


@pytest.mark.django_db
def test_a_parent_outside_the_scope_is_refused_in_chinese(world):
    with translation.override("zh-hans"), pytest.raises(PermissionDenied) as refused:
        ensure_parent_in_scope(world.staff_a, world.town_b)
    assert str(refused.value) == "该记录不在您的管辖范围内。"


@pytest.mark.django_db
def test_the_approval_refusal_names_the_roles_that_approve(world, english):
    """R-PAY approval: APPROVE_ROLES are township staff and the district admin; the refusal
    said "Only township staff", contradicting them."""
    run = payroll_services.run_create_drafts(month=date(2026, 11, 1), district=world.district)[0]
    with pytest.raises(PermissionDenied) as refused:
        payroll_services.run_approve(user=world.finance, run=run)
    assert str(refused.value) == (
        "Only township staff or the district admin approve a payroll run."
    )
