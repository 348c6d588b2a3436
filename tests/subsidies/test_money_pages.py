"""Money on the payroll pages (issue 10): thousands separators, two decimals, right-aligned."""

import re
from datetime import date

import pytest
from django.urls import reverse

from subsidies import services
from subsidies.choices import RunStatus
from subsidies.models import PayrollRun

pytestmark = [pytest.mark.django_db]


def test_run_page_shows_money_with_separators_right_aligned(client, world, payroll):
    """R-PAY-1: the run's total and each line's amount read 2,300.00, in right-aligned cells."""
    run = PayrollRun.objects.create(township=world.town_a, month=date(2026, 11, 1))
    run = services.run_compute(run_id=run.pk, user=world.staff_a)
    client.force_login(world.staff_a)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "<strong>2,300.00</strong>" in page
    assert re.search(r'<td class="num">\d{1,3}(,\d{3})*\.\d\d</td>', page)
    assert "2300.00" not in page


def test_approved_run_badge_is_green_not_red(client, world, payroll):
    """SPEC §3 runs: an approved run's badge has the ok class (issue 10: approved is not red)."""
    run = PayrollRun.objects.create(township=world.town_a, month=date(2026, 11, 1))
    services.run_compute(run_id=run.pk, user=world.staff_a)
    PayrollRun.objects.filter(pk=run.pk).update(status=RunStatus.APPROVED)
    client.force_login(world.staff_a)
    page = client.get(run.get_absolute_url()).content.decode()
    assert 'class="flag ok" id="status" data-status="approved"' in page
    listing = client.get(reverse("subsidies:run-list")).content.decode()
    assert '<span class="flag ok">' in listing


def test_pages_and_exports_use_the_same_component_names(client, world, payroll):
    """SPEC §3 (R-PAY-1, R-PAY-2) names them basic and performance *subsidy*: the run page, its
    derivations and the exports all say 基本补贴/绩效补贴, never 基本报酬/绩效报酬 (issue 10)."""
    from subsidies.exports import COMPONENT_LABELS

    run = PayrollRun.objects.create(township=world.town_a, month=date(2026, 11, 1))
    run = services.run_compute(run_id=run.pk, user=world.staff_a)
    client.force_login(world.staff_a)
    page = client.get(run.get_absolute_url()).content.decode()
    assert COMPONENT_LABELS["basic"] == "基本补贴" and COMPONENT_LABELS["performance"] == "绩效补贴"
    assert "基本补贴" in page and "绩效补贴" in page
    assert "基本报酬" not in page and "绩效报酬" not in page
