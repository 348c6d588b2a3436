"""Locked ledgers for the export and chain tests, built through the real services."""

from dataclasses import dataclass
from datetime import date

from cadres.choices import PostRole
from subsidies import services
from subsidies.models import PaymentLine, PayrollRun
from tests import factories as f

NOV = date(2026, 11, 1)
DEC = date(2026, 12, 1)
TRICKY_NAME = '欧阳,"小"明'  # a comma and quotes: the CSV must quote it


@dataclass
class Ledgers:
    run_a: PayrollRun  # 甲镇 (T-A), November: villages 东村 and 南村
    run_b: PayrollRun | None  # 乙街道 (T-B), November
    no_account: object  # a member of 东村 without a bank account
    held: object  # a member of 东村 without an appraisal: performance held
    tricky: object  # the member of 南村, with a name that needs CSV quoting


def appraise(people, month=NOV):
    end = date(month.year, month.month, 30 if month.month == 11 else 31)
    for person in people:
        f.AppraisalFactory(person=person, period_start=month, period_end=end)


def compute(world, township, month=NOV, user=None):
    run = PayrollRun.objects.get_or_create(township=township, month=month)[0]
    return services.run_compute(run_id=run.pk, user=user or world.admin)


def approve_lock(world, run):
    run = services.run_approve(user=world.admin, run=run, acknowledge=True)
    return services.run_lock(user=world.finance, run=run)


def build(world, payroll, *, lock_b=True) -> Ledgers:
    """November of both townships: 甲镇 has the payroll fixture's village (one-shoulder
    secretary, two members, one without an account, one without an appraisal) and a second
    village with one member; 乙街道 a secretary. 甲镇 is locked; 乙街道 locked or only computed."""
    no_account, held = payroll
    no_account.bank_name = no_account.bank_account = ""
    no_account.save()
    held.appraisals.all().delete()
    south = f.VillageFactory(township=world.town_a, code="V-A2", name="南村")
    tricky = f.PersonFactory(village=south, name=TRICKY_NAME)
    f.PostFactory(
        person=tricky, village=south, role=PostRole.COMMITTEE_MEMBER, start_date=date(2021, 1, 1)
    )
    secretary_b = f.PersonFactory(village=world.village_b, name="王书记")
    f.PostFactory(person=secretary_b, village=world.village_b, start_date=date(2019, 1, 1))
    appraise([tricky, secretary_b])
    run_a = approve_lock(world, compute(world, world.town_a))
    run_b = compute(world, world.town_b)
    if lock_b:
        run_b = approve_lock(world, run_b)
    return Ledgers(run_a=run_a, run_b=run_b, no_account=no_account, held=held, tricky=tricky)


def line_sums(runs, key):
    """Σ amount of the runs' lines grouped by ``key(line)``."""
    sums = {}
    for line in PaymentLine.objects.filter(run__in=runs).select_related("village", "person"):
        sums[key(line)] = sums.get(key(line), 0) + line.amount
    return sums
