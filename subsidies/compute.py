"""The payroll engine: reads a run's inputs in a few bulk queries, applies the pure rules and
writes the lines in bulk (COPY on PostgreSQL). Called by ``services.run_compute`` inside its
transaction; nothing here commits.

Lines of a run for township T and month M:
- regular basic and performance lines of everyone holding a post in T's villages in M
  (R-PAY-1..3, R-PAY-6), performance held where the appraisal is missing (R-PAY-2);
- corrections of locked months within the policy's correction window: a held line whose
  appraisal is now entered is paid as arrears; a corrected tenure, grade or date of death
  gives an adjustment line naming the line it corrects (SPEC §3);
- award lines of approved award lists not yet paid in another run (R-PAY-4);
- living allowance lines of the township's grants, with their arrears (R-ALW-3,
  ``subsidies.allowance.payroll``);
- floor top-ups in December when the policy switch is on (R-PAY-5).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum
from django.utils.translation import gettext as _

from cadres.models import PerformanceAppraisal, Person, Post
from portal.dates import add_months, month_end

from . import rules, selectors
from .allowance.payroll import allowances as _allowances
from .choices import AwardStatus, Component, LineKind, RunStatus
from .models import AwardEntry, PaymentLine, PayrollRun, Policy, RuralIncome

PROGRESS_EVERY = 500
LOCKED = (RunStatus.LOCKED, RunStatus.DISBURSED)


@dataclass
class LineRow:
    person_id: int
    village_id: int | None
    component: str
    kind: str
    pays_for: date
    amount: Decimal
    held: bool
    days: int | None
    derivation: dict
    corrects_id: int | None
    source: str
    account_name: str
    bank_name: str
    bank_account: str
    village_code: str = ""
    village_name: str = ""
    id_number_masked: str = ""
    covers_from: date | None = None  # R-PAY-3: the days a regular basic/performance line pays
    covers_to: date | None = None


@dataclass
class Computed:
    rows: list[LineRow]
    policy: Policy
    people: int


def _row(
    line: rules.PayLine,
    person_id: int,
    payee: selectors.Payee,
    pays_for: date,
    corrects_id: int | None = None,
    source: str = "",
) -> LineRow:
    return LineRow(
        person_id=person_id,
        village_id=line.village,
        component=line.component,
        kind=line.kind,
        pays_for=pays_for,
        amount=line.amount,
        held=line.held,
        days=line.days,
        derivation=line.derivation,
        corrects_id=corrects_id,
        source=source,
        account_name=payee.name,
        bank_name=payee.bank_name,
        bank_account=payee.bank_account,
        # the person's home village until build() names the post's village
        village_code=payee.home_village[0],
        village_name=payee.home_village[1],
        id_number_masked=payee.id_number_masked,
        covers_from=line.covers[0] if line.covers else None,
        covers_to=line.covers[1] if line.covers else None,
    )


def build(run: PayrollRun, progress: Callable[[int, int], None] | None = None) -> Computed:
    township = run.township
    month = run.month
    policy = selectors.policy_for(township.district_id, month)
    if policy is None:
        raise ValidationError(
            _("No policy is in force for %(month)s: the district admin must enter one.")
            % {"month": f"{month:%Y-%m}"}
        )
    standard = selectors.standard_for(township.pk, month)
    if standard is None:
        raise ValidationError(
            _("%(township)s has no performance standard for %(month)s.")
            % {"township": township.name, "month": f"{month:%Y-%m}"}
        )
    pay_policy = selectors.pay_policy(policy)
    posts = selectors.month_posts(township.pk, month)
    spans = selectors.spans_by_person(posts)
    person_ids = posts.values("person_id")
    grades = selectors.grades_for(person_ids, month)
    people = selectors.payees(person_ids)
    total = len(spans)
    if progress:
        progress(0, total)
    rows: list[LineRow] = []
    for done, (person_id, person_spans) in enumerate(spans.items(), start=1):
        payee = people[person_id]
        for line in rules.monthly_lines(
            person_spans, month, pay_policy, standard.amount, grades.get(person_id), payee.died_on
        ):
            rows.append(_row(line, person_id, payee, month))
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
    rows.extend(_corrections(run, policy))
    rows.extend(_awards(run))
    rows.extend(_allowances(run))
    if month.month == 12 and policy.floor_topup_enabled:
        rows.extend(_floor_topups(run, policy, rows))
    places = selectors.village_labels(township.pk)
    for row in rows:
        if row.village_id in places:
            row.village_code, row.village_name = places[row.village_id]
    if progress:
        progress(total, total)
    return Computed(rows=rows, policy=policy, people=total)


def _corrections(run: PayrollRun, policy: Policy) -> list[LineRow]:
    """Arrears and adjustments for the locked months of the correction window, per township:
    what this township owes now for its days (R-PAY-3) against what its runs paid."""
    since = add_months(run.month, -policy.correction_months)
    locked = list(
        PayrollRun.objects.filter(
            township_id=run.township_id,
            month__gte=since,
            month__lt=run.month,
            status__in=LOCKED,
        ).values_list("pk", "month", "locked_at")
    )
    if not locked:
        return []
    locked_ids = [pk for pk, _m, _at in locked]
    earliest = min(at for _pk, _m, at in locked if at is not None)
    paid_people = PaymentLine.objects.filter(run_id__in=locked_ids).values("person_id")
    candidates = set(
        PaymentLine.objects.filter(run_id__in=locked_ids, held=True).values_list(
            "person_id", flat=True
        )
    )
    candidates |= set(
        Post.objects.filter(
            village__township_id=run.township_id, updated_at__gt=earliest
        ).values_list("person_id", flat=True)
    )
    candidates |= set(
        Person.objects.filter(pk__in=paid_people, updated_at__gt=earliest).values_list(
            "pk", flat=True
        )
    )
    candidates |= set(
        PerformanceAppraisal.objects.filter(
            person_id__in=paid_people, updated_at__gt=earliest
        ).values_list("person_id", flat=True)
    )
    if not candidates:
        return []
    people = selectors.payees(list(candidates))
    rows: list[LineRow] = []
    for _pk, month, _at in sorted(locked, key=lambda r: r[1]):
        month_policy = selectors.policy_for(run.township.district_id, month)
        standard = selectors.standard_for(run.township_id, month)
        if month_policy is None or standard is None:
            continue
        pay_policy = selectors.pay_policy(month_policy)
        posts = selectors.month_posts(run.township_id, month).filter(person_id__in=candidates)
        spans = selectors.spans_by_person(posts)
        grades = selectors.grades_for(list(candidates), month)
        # R-PAY-3: each township pays its own days, so what is due for this township's days
        # is set against what this township's runs paid (never another township's pay, nor
        # this run's own lines, which a recompute replaces).
        township_lines = PaymentLine.objects.filter(
            run__township_id=run.township_id,
            person_id__in=candidates,
            pays_for=month,
            component__in=[Component.BASIC, Component.PERFORMANCE],
        ).exclude(run=run)
        paid = defaultdict(Decimal)
        for person_id, component, amount in (
            township_lines.values_list("person_id", "component")
            .annotate(total=Sum("amount"))
            .order_by()
        ):
            paid[(person_id, component)] = amount
        originals = {
            (person_id, component): (pk, held)
            for pk, person_id, component, held in township_lines.filter(
                kind=LineKind.REGULAR
            ).values_list("pk", "person_id", "component", "held")
        }
        for person_id in sorted(candidates):
            payee = people.get(person_id)
            if payee is None:
                continue
            due = {
                line.component: line
                for line in rules.monthly_lines(
                    spans.get(person_id, ()),
                    month,
                    pay_policy,
                    standard.amount,
                    grades.get(person_id),
                    payee.died_on,
                )
            }
            for component in (Component.BASIC, Component.PERFORMANCE):
                original = originals.get((person_id, component))
                if original is None and component not in due:
                    continue
                corrects, was_held = original if original else (None, False)
                line = rules.correction(
                    component,
                    month,
                    due.get(component),
                    paid[(person_id, component)],
                    corrects,
                    was_held,
                )
                if line is not None:
                    rows.append(_row(line, person_id, payee, month, corrects_id=corrects))
    return rows


def _awards(run: PayrollRun) -> list[LineRow]:
    """R-PAY-4: each awarded entry of an approved list is paid once, in the first run after
    approval (a line with ``source='award:<id>'`` in another run means it is paid)."""
    entries = list(
        AwardEntry.objects.filter(
            award_list__township_id=run.township_id,
            award_list__status__in=[AwardStatus.APPROVED, AwardStatus.RECORDED],
            award_list__approved_at__date__lte=month_end(run.month),
            selected=True,
        ).select_related("award_list")
    )
    if not entries:
        return []
    paid_sources = set(
        PaymentLine.objects.filter(
            component=Component.AWARD, source__in=[f"award:{e.pk}" for e in entries]
        )
        .exclude(run=run)
        .values_list("source", flat=True)
    )
    people = selectors.payees([e.person_id for e in entries])
    rows = []
    for entry in entries:
        source = f"award:{entry.pk}"
        if source in paid_sources:
            continue
        year = entry.award_list.year
        policy = selectors.policy_for(run.township.district_id, date(year, 12, 1))
        if policy is None:
            continue
        amount = policy.award_amount
        derivation = {
            "component": Component.AWARD.value,
            "amount": str(amount),
            "year": year,
            "rank": entry.rank,
            "score": str(entry.score),
            "policy": policy.label,
        }
        line = rules.PayLine(Component.AWARD.value, amount, None, False, derivation, None)
        rows.append(
            _row(line, entry.person_id, people[entry.person_id], date(year, 12, 1), source=source)
        )
    return rows


def _floor_topups(run: PayrollRun, policy: Policy, rows: list[LineRow]) -> list[LineRow]:
    """R-PAY-5 with the policy switch on: the December run pays each shortfall of the year.

    Settled once per person and year: by the December run of the township of the person's
    last post of the year (``selectors.floor_report``), over all their days and earnings of the
    year in every township; a top-up already in another run is not paid again. The earnings
    are this run's new lines plus the lines of every *other* run, never the lines being
    replaced, so a recompute gives the same top-up (issue 9, 10b)."""
    income = RuralIncome.objects.filter(
        district_id=run.township.district_id, year=run.month.year
    ).first()
    if income is None:
        return []
    this_run = defaultdict(Decimal)
    for row in rows:
        if row.pays_for.year == run.month.year:
            this_run[row.person_id] += row.amount
    report = selectors.floor_report(
        township_id=run.township_id,
        year=run.month.year,
        income=income.amount,
        other_ratio=policy.floor_other_ratio,
        extra_earned=this_run,
        exclude_run_id=run.pk,
    )
    source = f"floor:{run.month.year}"
    settled = set(
        PaymentLine.objects.filter(
            component=Component.FLOOR_TOPUP,
            source=source,
            person_id__in=[r.person_id for r in report if r.result.shortfall > 0],
        )
        .exclude(run=run)
        .values_list("person_id", flat=True)
    )
    people = selectors.payees([r.person_id for r in report if r.result.shortfall > 0])
    out = []
    for item in report:
        if item.result.shortfall <= 0 or item.person_id in settled:
            continue
        line = rules.PayLine(
            Component.FLOOR_TOPUP.value,
            item.result.shortfall,
            None,
            False,
            item.result.derivation,
            None,
        )
        out.append(_row(line, item.person_id, people[item.person_id], run.month, source=source))
    return out


# --- Writing ----------------------------------------------------------------------------------

ROW_FIELDS = tuple(f.name for f in fields(LineRow))  # the payment line columns but run_id
# The columns _copy writes, in its order (tests/subsidies/test_compute.py checks that they are
# ROW_FIELDS, so a field added to LineRow cannot be left out of the COPY).
COPY_FIELDS = (
    "person_id",
    "village_id",
    "component",
    "kind",
    "pays_for",
    "amount",
    "held",
    "days",
    "derivation",
    "corrects_id",
    "source",
    "account_name",
    "bank_name",
    "bank_account",
    "village_code",
    "village_name",
    "id_number_masked",
    "covers_from",
    "covers_to",
)
COLUMNS = ("run_id", *COPY_FIELDS)
TEXT_COLUMNS = (
    "source",
    "account_name",
    "bank_name",
    "bank_account",
    "village_code",
    "village_name",
    "id_number_masked",
)


def write(run: PayrollRun, rows: list[LineRow]) -> None:
    """Replace the run's lines: a raw delete, then COPY (PostgreSQL) or bulk_create."""
    PaymentLine.objects.filter(run=run)._raw_delete(PaymentLine.objects.db)
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy(run, rows)
    else:
        PaymentLine.objects.bulk_create(
            [PaymentLine(run=run, **{name: getattr(r, name) for name in ROW_FIELDS}) for r in rows],
            batch_size=2000,
        )


def _copy(run: PayrollRun, rows: list[LineRow]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
    # The rules hand out the same derivation dict for the same shape of month (cached), so
    # each distinct dict is encoded once.
    encoded: dict[int, str] = {}

    def dumps(derivation: dict) -> str:
        key = id(derivation)
        if key not in encoded:
            encoded[key] = encode(derivation)
        return encoded[key]

    # One tuple a line, in the order of COPY_FIELDS (the hot loop: no per-field calls).
    run_pk = run.pk
    months: dict[date, str] = {}
    writerow = writer.writerow
    for r in rows:
        pays_for = months.get(r.pays_for) or months.setdefault(r.pays_for, r.pays_for.isoformat())
        writerow(
            (
                run_pk,
                r.person_id,
                "" if r.village_id is None else r.village_id,
                r.component,
                r.kind,
                pays_for,
                r.amount,
                "t" if r.held else "f",
                "" if r.days is None else r.days,
                dumps(r.derivation),
                "" if r.corrects_id is None else r.corrects_id,
                r.source,
                r.account_name,
                r.bank_name,
                r.bank_account,
                r.village_code,
                r.village_name,
                r.id_number_masked,
                "" if r.covers_from is None else r.covers_from,
                "" if r.covers_to is None else r.covers_to,
            )
        )
    buffer.seek(0)
    table = PaymentLine._meta.db_table
    # Empty text columns are empty strings, not NULL; empty id columns are NULL.
    sql = (
        f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv, "
        f"FORCE_NOT_NULL ({', '.join(TEXT_COLUMNS)}))"
    )
    # The raw psycopg2 call: wrap its errors as Django's (IntegrityError for a constraint).
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(sql, buffer)
