"""Reads of the public disclosure pages. Everything comes from the snapshots of LOCKED (or
disbursed) payroll runs: the township's code and name on the run, the village's code and name
and the payee's name on each line. Nothing here reads the live registry, so a page shows
what was paid, as it was locked.

Person ids are read only to tell two payees apart while summing; they never leave this
module. Rows are ordered by masked name and amounts, never by an id.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max
from django.db.models.functions import ExtractYear

from portal.masking import mask_name

from .. import ledger
from ..choices import Component, RunStatus
from ..models import PaymentLine, PayrollRun

__all__ = [
    "CadreRow",
    "RecipientRow",
    "VillageYear",
    "district_head",
    "district_index",
    "ledger_stamp",
    "township_villages",
    "village_year",
]

PUBLIC_STATUSES = (RunStatus.LOCKED, RunStatus.DISBURSED)
ZERO = Decimal("0.00")

# The day categories of the basic line's derivation (subsidies.rules), highest first.
ROLE_ORDER = ("one_shoulder", "secretary", "director", "member")
REMUNERATION = (Component.BASIC, Component.PERFORMANCE, Component.FLOOR_TOPUP)


def public_runs():
    return PayrollRun.objects.filter(status__in=PUBLIC_STATUSES)


def ledger_stamp(township_code: str | None = None) -> str:
    """Changes whenever a ledger is locked (of the township, or anywhere): the number of
    public runs, the latest chain position and lock time. Cache keys carry it, so a newly
    locked ledger shows at once."""
    runs = public_runs()
    if township_code is not None:
        runs = runs.filter(township_code=township_code)
    found = runs.aggregate(n=Count("pk"), position=Max("chain_position"), at=Max("locked_at"))
    at = found["at"].timestamp() if found["at"] else 0
    return f"{found['n']}.{found['position'] or 0}.{at:.0f}"


# --- the index pages --------------------------------------------------------------------------


@dataclass
class TownshipEntry:
    code: str
    name: str
    years: list[int] = field(default_factory=list)


@dataclass
class DistrictEntry:
    code: str
    name: str
    townships: list[TownshipEntry] = field(default_factory=list)
    head: str = ""  # the district's ledger chain head, POSITION:HASH (SPEC §3)


def district_head(township_code: str) -> str:
    """The current head of the ledger chain of the township's district (SPEC §3: printed on
    the public pages so copies outside the portal pin it), or "" before any lock."""
    district_id = (
        public_runs()
        .filter(township_code=township_code)
        .values_list("township__district_id", flat=True)
        .first()
    )
    head = ledger.chain_head(district_id) if district_id is not None else None
    return str(head or "")


def district_index() -> list[DistrictEntry]:
    """Every district with the townships that have a locked ledger (names as last locked)."""
    rows = (
        public_runs()
        .values_list(
            "township__district__code",
            "township__district__name",
            "township__district_id",
            "township_code",
            "township_name",
            "month",
        )
        .order_by("township__district__code", "township_code", "month")
    )
    districts: dict[str, DistrictEntry] = {}
    townships: dict[tuple[str, str], TownshipEntry] = {}
    for d_code, d_name, d_id, t_code, t_name, month in rows:
        if d_code not in districts:
            head = ledger.chain_head(d_id)
            districts[d_code] = DistrictEntry(d_code, d_name, head=str(head or ""))
        district = districts[d_code]
        key = (d_code, t_code)
        if key not in townships:
            townships[key] = TownshipEntry(t_code, t_name)
            district.townships.append(townships[key])
        entry = townships[key]
        entry.name = t_name  # the latest month's name wins
        if month.year not in entry.years:
            entry.years.append(month.year)
    return list(districts.values())


@dataclass
class VillageEntry:
    code: str
    name: str
    years: list[int] = field(default_factory=list)


@dataclass
class TownshipPage:
    code: str
    name: str
    district_name: str
    villages: list[VillageEntry]


def township_villages(township_code: str) -> TownshipPage | None:
    """A township's villages that appear in its locked ledgers, with their years."""
    run = (
        public_runs()
        .filter(township_code=township_code)
        .select_related("township__district")
        .order_by("-month")
        .first()
    )
    if run is None:
        return None
    rows = (
        PaymentLine.objects.filter(
            run__township_code=township_code, run__status__in=PUBLIC_STATUSES
        )
        .exclude(village_code="")
        .annotate(year=ExtractYear("run__month"))
        .values_list("village_code", "village_name", "year")
        .distinct()
        .order_by("village_code", "year")
    )
    villages: dict[str, VillageEntry] = {}
    for code, name, year in rows:
        entry = villages.setdefault(code, VillageEntry(code, name))
        entry.name = name
        if year not in entry.years:
            entry.years.append(year)
    return TownshipPage(
        code=township_code,
        name=run.township_name,
        district_name=run.township.district.name,
        villages=list(villages.values()),
    )


# --- one village's year -----------------------------------------------------------------------


@dataclass(frozen=True)
class CadreRow:
    name: str  # masked
    role: str  # one of ROLE_ORDER, or "" when no basic line says
    basic: Decimal
    performance: Decimal
    floor_topup: Decimal
    total: Decimal


@dataclass(frozen=True)
class RecipientRow:
    name: str  # masked
    months: int  # months paid for
    amount: Decimal


@dataclass
class VillageYear:
    township_code: str
    township_name: str
    village_code: str
    village_name: str
    year: int
    months: list[date]  # the locked months of the year with lines of this village
    cadres: list[CadreRow]
    awards: list[RecipientRow]
    allowances: list[RecipientRow]

    @property
    def cadres_total(self) -> Decimal:
        return sum((r.total for r in self.cadres), ZERO)

    @property
    def awards_total(self) -> Decimal:
        return sum((r.amount for r in self.awards), ZERO)

    @property
    def allowances_total(self) -> Decimal:
        return sum((r.amount for r in self.allowances), ZERO)


def _categories(derivation) -> set[str]:
    """The day categories a basic line (or a correction of one) was paid on."""
    if not isinstance(derivation, dict):
        return set()
    terms = derivation.get("terms")
    if terms is None and isinstance(derivation.get("due"), dict):
        terms = derivation["due"].get("terms")
    return {t.get("rate") for t in terms or () if isinstance(t, dict)}


def _role(categories: set[str]) -> str:
    for category in ROLE_ORDER:
        if category in categories:
            return category
    return ""


def village_year(township_code: str, village_code: str, year: int) -> VillageYear | None:
    """The year's remuneration, awards and allowances paid to a village's people through the
    township's locked ledgers (a line belongs to the year of the run that paid it)."""
    lines = (
        PaymentLine.objects.filter(
            run__township_code=township_code,
            run__status__in=PUBLIC_STATUSES,
            run__month__year=year,
            village_code=village_code,
        )
        .values_list(
            "person_id",
            "account_name",
            "component",
            "amount",
            "pays_for",
            "run__month",
            "village_name",
            "run__township_name",
        )
        .order_by("run__month", "pk")
    )
    names: dict[int, str] = {}
    sums: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    paid_months: dict[tuple[int, str], set[date]] = defaultdict(set)
    months: set[date] = set()
    village_name = township_name = ""
    for person, name, component, amount, pays_for, run_month, v_name, t_name in lines:
        names[person] = name  # the latest run's snapshot
        sums[person, component] += amount
        paid_months[person, component].add(pays_for)
        months.add(run_month)
        village_name, township_name = v_name, t_name
    if not months:
        return None
    categories: dict[int, set[str]] = defaultdict(set)
    derivations = PaymentLine.objects.filter(
        run__township_code=township_code,
        run__status__in=PUBLIC_STATUSES,
        run__month__year=year,
        village_code=village_code,
        component=Component.BASIC,
    ).values_list("person_id", "derivation")
    for person, derivation in derivations:
        categories[person] |= _categories(derivation)

    cadres, awards, allowances = [], [], []
    for person, name in names.items():
        masked = mask_name(name)
        if any((person, c) in sums for c in REMUNERATION):
            basic = sums.get((person, Component.BASIC), ZERO)
            performance = sums.get((person, Component.PERFORMANCE), ZERO)
            topup = sums.get((person, Component.FLOOR_TOPUP), ZERO)
            cadres.append(
                CadreRow(
                    name=masked,
                    role=_role(categories[person]),
                    basic=basic,
                    performance=performance,
                    floor_topup=topup,
                    total=basic + performance + topup,
                )
            )
        if (person, Component.AWARD) in sums:
            awards.append(RecipientRow(masked, 0, sums[person, Component.AWARD]))
        if (person, Component.ALLOWANCE) in sums:
            allowances.append(
                RecipientRow(
                    masked,
                    len(paid_months[person, Component.ALLOWANCE]),
                    sums[person, Component.ALLOWANCE],
                )
            )
    cadres.sort(key=lambda r: (r.name, -r.total, r.role, r.basic, r.performance))
    awards.sort(key=lambda r: (r.name, -r.amount))
    allowances.sort(key=lambda r: (r.name, -r.amount, r.months))
    return VillageYear(
        township_code=township_code,
        township_name=township_name,
        village_code=village_code,
        village_name=village_name,
        year=year,
        months=sorted(months),
        cadres=cadres,
        awards=awards,
        allowances=allowances,
    )
