"""The living allowance in each month's payroll (R-ALW-3, R-ALW-4 step 5):
``subsidies.compute.build`` calls :func:`allowances` for a run.

For each grant of a person whose home village is in the run's township (from its first
payable month on): a regular "living allowance" line for the run's month, unless it is after
the month of death (or the grant's end) or already paid; on the grant's first payment ONE
arrears line for the months from the first payable month to the month before the run; and,
when a death is recorded after months beyond it were paid, one negative adjustment that
reclaims them. Each line pays the grant's confirmed account (the one township staff
confirmed when they approved), not whatever the registry holds. What other runs paid is read
from their lines (``source = "grant:<id>"``), so recomputing a run, or computing months out
of order, never pays a month twice."""

from __future__ import annotations

from collections import Counter, defaultdict

from portal.dates import month_start
from subsidies import selectors
from subsidies.choices import Component
from subsidies.models import PaymentLine, PayrollRun

from . import rules
from .models import AllowanceGrant


def allowances(run: PayrollRun) -> list:
    from subsidies.compute import _row  # compute imports this module

    grants = list(
        AllowanceGrant.objects.filter(
            person__village__township_id=run.township_id, start_month__lte=run.month
        )
        .order_by("pk")
        .values_list(
            "pk",
            "person_id",
            "monthly_amount",
            "tier",
            "service_months",
            "start_month",
            "end_month",
            "person__died_on",
            "person__village_id",
            "bank_name",
            "bank_account",
        )
    )
    if not grants:
        return []
    person_ids = sorted({g[1] for g in grants})
    sources = {f"grant:{g[0]}" for g in grants}
    paid: dict[str, Counter] = defaultdict(Counter)
    # Through the (person, pays_for) index: a grant's lines are few, never a table scan.
    for source, kind, pays_for, derivation in (
        PaymentLine.objects.filter(person_id__in=person_ids, component=Component.ALLOWANCE)
        .exclude(run=run)
        .values_list("source", "kind", "pays_for", "derivation")
    ):
        if source not in sources:
            continue
        sign, months = rules.covered_months(kind, pays_for, derivation)
        for month in months:
            paid[source][month] += sign
    people = selectors.payees(person_ids)
    rows = []
    for (
        pk,
        person_id,
        amount,
        tier,
        months,
        start,
        end,
        died_on,
        village_id,
        bank,
        account,
    ) in grants:
        source = f"grant:{pk}"
        last = end
        if died_on is not None:
            death_month = month_start(died_on)
            last = death_month if last is None else min(last, death_month)
        settlement = rules.settle(start, last, run.month, paid[source])
        terms = rules.GrantTerms(pk, amount, tier, months, start, last, died_on)
        for line in rules.allowance_lines(terms, settlement):
            if line.kind == rules.REGULAR:
                pays_for = settlement.regular
            elif line.kind == rules.ARREARS:
                pays_for = settlement.arrears[0]
            else:
                pays_for = settlement.reclaim[0]
            row = _row(line, person_id, people[person_id], pays_for, source=source)
            row.village_id = village_id
            # the account township staff confirmed at approval, never the registry's own
            # (which a declaration cannot change either): issue 9, R-ALW-4 step 5
            row.bank_name, row.bank_account = bank, account
            rows.append(row)
    return rows
