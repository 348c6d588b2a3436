"""Demo payroll: policy, performance standards, rural incomes and the last months' runs
(``seed_demo`` calls it after the registry). Written through the real services, so the demo
shows what the portal computes: the month before last locked and disbursed, last month
computed with its held lines waiting for appraisals."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from branches.models import District, Township
from portal.dates import add_months

from . import services
from .models import PerformanceStandard, Policy, RuralIncome

STANDARDS = (
    Decimal("300.00"),
    Decimal("350.00"),
    Decimal("400.00"),
    Decimal("450.00"),
    Decimal("500.00"),
    Decimal("600.00"),
)
# Average yearly income of the rural labour force (yuan), for R-PAY-5.
INCOMES = {2024: Decimal("19800.00"), 2025: Decimal("21000.00"), 2026: Decimal("22200.00")}


def load_payroll_demo(*, today: date, seed: int, months: int = 2, log=print) -> None:
    rng = random.Random(seed)
    for district in District.objects.order_by("code"):
        Policy.objects.get_or_create(district=district, valid_from=date(2010, 1, 1))
        for year, amount in INCOMES.items():
            RuralIncome.objects.get_or_create(
                district=district, year=year, defaults={"amount": amount}
            )
        for township in Township.objects.filter(district=district).order_by("code"):
            PerformanceStandard.objects.get_or_create(
                township=township,
                valid_from=date(2010, 1, 1),
                defaults={"amount": rng.choice(STANDARDS)},
            )
        this_month = today.replace(day=1)
        for back in range(months, 0, -1):
            month = add_months(this_month, -back)
            for run in services.run_create_drafts(month=month, district=district):
                run = services.run_compute(run_id=run.pk)
                if back > 1:  # older months: approved, locked and paid
                    run = services.run_approve(
                        user=None, run=run, acknowledge=True, comment="演示数据"
                    )
                    run = services.run_lock(user=None, run=run)
                    run = services.run_disburse(user=None, run=run)
            log(
                f"payroll {month:%Y-%m}: computed"
                + (", approved, locked, disbursed" if back > 1 else " (held lines pending)")
            )
