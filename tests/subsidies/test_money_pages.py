"""Money on the payroll pages (issue 10): thousands separators, two decimals, right-aligned."""

import re
from datetime import date

import pytest

from subsidies import services
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
