"""Demo registry in Chinese: one district, its townships, villages, branches, cadres, former
secretaries, Party members, appraisals, assessments and health checks (issue 2).

Generation is plain Python on plain rows (dicts of field values keyed by attname), driven by
one ``random.Random(seed)`` and one ``Faker("zh_CN")`` seeded per instance, never the global
random state: the same seed, anchor day and sizes give the same rows, name for name and ID
number for ID number. Rows carry explicit primary keys (allocated above the tables' current
maximum) so children can point at parents without reading anything back; :func:`load_demo`
writes them with ``bulk_create`` in batches inside one transaction.

Every township gets each deliberately flagged case of :data:`CASES` once (in one of its
villages other than its first), so the dashboards have something to show at any size:
R-REG-1 villages with 2 or 6 cadres, R-REG-2 overdue or missing health checks, R-REG-3 fewer
than 3 activists, R-REG-4 no young educated recruit, R-REG-5 members away without a
certificate or away > 6 months, a bank account shared by two people, a deceased cadre whose
post is still open, a missing appraisal for the last period (held payroll lines), a cadre
without a bank account, former secretaries eligible for the living allowance (R-ALW-1/2) or
not, and one secretary with two split tenures.
"""

from __future__ import annotations

import io
import random
import time
from bisect import bisect
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from faker import Faker

from branches.choices import AppraisalPeriod, BranchKind, MemberStage, Mobility, TownshipKind
from branches.models import Branch, District, PartyMember, Township, Village
from portal import audit
from portal.dates import add_months, add_years, month_end, month_start

from .choices import Education, EndReason, Gender, Grade, PostRole
from .models import AnnualAssessment, HealthCheck, PerformanceAppraisal, Person, Post
from .validators import make_id_number

DISTRICT_CODE = "360426"
DISTRICT_NAME = "示范区"
BATCH_SIZE = 5000
FLUSH_ROWS = 50_000  # rows buffered before a write: bounds memory at province size

# Area codes of real counties (stdnum knows them, so validate_id_number accepts them): most
# people were born in the district, some came from neighbouring counties.
AREA_CODES = ("360426", "360425", "360424", "360428", "360429", "360430", "360402")
AREA_WEIGHTS = (80, 4, 4, 3, 3, 3, 3)

ALLOWANCE_CUTOFF = date(2008, 12, 31)  # R-ALW-1 (the policy default)
NORMAL_ENDS = (EndReason.TERM_ENDED, EndReason.RETIRED, EndReason.HEALTH)

# Deliberately flagged cases, each placed once per township (see module docstring). Cases
# that cannot share a village are neighbours in this tuple, so they land in different ones.
CASES = (
    "too_few",  # R-REG-1: 2 cadres
    "too_many",  # R-REG-1: 6 cadres
    "health_overdue",  # R-REG-2: last check more than 2 years ago
    "health_never",  # R-REG-2: never checked
    "few_activists",  # R-REG-3
    "no_recruit",  # R-REG-4
    "away_no_certificate",  # R-REG-5
    "away_long",  # R-REG-5
    "shared_account",  # payroll integrity: one account, two people
    "deceased_in_post",  # payroll integrity: died, post still open (R-PAY-6)
    "missing_appraisal",  # R-PAY-2: held lines for the last period
    "no_bank",  # payroll integrity: a cadre without a bank account
    "allowance_long",  # R-ALW-1/2: > 216 months, ended before the cutoff
    "allowance_mid",  # R-ALW-1/2: 120–216 months, ended before the cutoff
    "former_resigned",  # R-ALW-1: not eligible
    "former_dismissed",  # R-ALW-1: not eligible
    "split_tenure",  # R-ALW-2: one secretary, two tenures
    "weak_lax",  # a weak or lax branch with a rectification note
)
FORMER_CASES = frozenset(
    {"allowance_long", "allowance_mid", "former_resigned", "former_dismissed", "split_tenure"}
)

GRADE_WEIGHTS = (25, 66, 6.5, 2.5)  # mostly competent or excellent

# --- names -------------------------------------------------------------------------------
STREET_NAMES = ("东街道", "西街道", "南街道", "北街道", "城东街道", "城西街道", "城南街道")
PLACE_FIRST = (
    "上下东西南北新老大小前后高黄白石桃柳杨梅枫竹松龙凤马金银青丰长太和永兴安双三五九"
    "清红古福宝云罗洪桂莲荷茶"
)
PLACE_SECOND = "桥塘岭坪湾溪山林田洲坑垅源港畈冲湖河口庄店铺屋园坝寨埠峰岗洞泉陂"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马胡朱郭何罗高林郑梁谢宋唐许邓冯韩曹曾彭蔡潘田董袁余叶蒋杜魏程吕丁沈"
)
CROPS = ("水稻", "油茶", "茶叶", "蔬菜", "生猪", "柑橘", "中药材", "竹木", "蓝莓", "水产")
FIRM_WORDS = ("鑫源", "恒达", "华兴", "宏泰", "瑞丰", "金穗", "绿源", "天成", "富民", "康达")
FIRM_TRADES = ("农业科技", "食品", "建材", "纺织", "电子", "物流", "生态农业", "竹业")
MIGRANT_CITIES = ("东莞", "深圳", "温州", "宁波", "苏州", "厦门", "广州", "杭州")
BANKS = ("农村商业银行", "中国邮政储蓄银行", "中国农业银行", "中国建设银行", "中国工商银行")
BANK_WEIGHTS = (40, 25, 20, 8, 7)
RECTIFICATION_NOTES = (
    "班子软弱涣散：书记长期外出务工，组织生活不正常。整改：镇党委选派第一书记驻村，"
    "半年内完成班子调整，每月开展主题党日。",
    "党员队伍老化，两年未发展党员，“三会一课”记录不全。整改：明确两名入党积极分子"
    "培养联系人，镇党委每季度督查。",
    "村务公开不及时，群众反映集中。整改：按月公开村级财务，设立党员议事会，年底前接受镇党委验收。",
)


@dataclass(frozen=True)
class DemoOptions:
    townships: int = 6
    villages: int = 60
    seed: int = 2026
    today: date = field(default_factory=date.today)
    appraisal_months: int = 24


# --- tables, in the order they are written (parents before children) ---------------------
TABLES = {
    "district": District,
    "township": Township,
    "village": Village,
    "branch": Branch,
    "branch_village": Branch.villages.through,
    "person": Person,
    "post": Post,
    "member": PartyMember,
    "appraisal": PerformanceAppraisal,
    "assessment": AnnualAssessment,
    "health_check": HealthCheck,
}
KEYED = ("district", "township", "village", "branch", "person")  # rows with explicit ids


def new_rows() -> dict[str, list[dict]]:
    return {key: [] for key in TABLES}


def appraisal_periods(today: date, months: int, period: str) -> list[tuple[date, date]]:
    """The appraisal periods of the last ``months`` complete months before ``today``'s month
    (monthly), or the last ``ceil(months / 3)`` complete quarters (quarterly), oldest first."""
    if months <= 0:
        return []
    last_month = add_months(month_start(today), -1)
    if period == AppraisalPeriod.QUARTER:
        quarter = date(last_month.year, (last_month.month - 1) // 3 * 3 + 1, 1)
        if last_month.month % 3:
            quarter = add_months(quarter, -3)
        starts = [add_months(quarter, -3 * i) for i in range(-(-months // 3))]
        return [(s, month_end(add_months(s, 2))) for s in reversed(starts)]
    starts = [add_months(last_month, -i) for i in range(months)]
    return [(s, month_end(s)) for s in reversed(starts)]


def grade_for_score(score: Decimal) -> str:
    if score >= 90:
        return Grade.EXCELLENT
    if score >= 75:
        return Grade.COMPETENT
    if score >= 60:
        return Grade.BASIC
    return Grade.INCOMPETENT


def months_between(start: date, end: date) -> int:
    """Calendar months touched by [start, end] (how R-ALW-2 counts service)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


class DemoGenerator:
    """Produces the demo rows; :meth:`chunks` yields them a village (or township) at a time."""

    def __init__(self, options: DemoOptions, first_ids: dict[str, int] | None = None):
        self.o = options
        self.today = options.today
        self.rng = random.Random(options.seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(options.seed)
        self.next_id = {key: (first_ids or {}).get(key, 1) for key in KEYED}
        self.id_numbers: set[str] = set()
        self.accounts: set[str] = set()
        self.certificates = 0
        self.stats: Counter = Counter()
        self.rows = new_rows()
        self.village_width = max(3, len(str(max(self._village_counts()))))
        self._cums: dict[tuple, tuple] = {}
        people = self.fake.provider("faker.providers.person")
        self._surnames = list(people.last_names)
        self._surname_cum = list(accumulate(people.last_names.values()))
        self._given_male = list(people.first_names_male)
        self._given_female = list(people.first_names_female)
        phones = self.fake.provider("faker.providers.phone_number")
        self._phone_prefixes = [str(p) for p in phones.phonenumber_prefixes]

    # --- helpers ---------------------------------------------------------------------------
    def _pick(self, items: tuple, weights: tuple):
        """``rng.choices(items, weights)[0]`` with the running sums computed once."""
        cum = self._cums.get(weights)
        if cum is None:
            cum = self._cums[weights] = tuple(accumulate(weights))
        return items[bisect(cum, self.rng.random() * cum[-1])]

    def _name(self, gender: str) -> str:
        """A Faker zh_CN name: a surname by frequency, a given name of the person's gender.

        Drawn from the provider's lists with the Faker instance's own seeded random, ~50 times
        faster than ``fake.name()`` (which also mixes female given names into name_male())."""
        fr = self.fake.random
        given = self._given_male if gender == Gender.MALE else self._given_female
        return fr.choices(self._surnames, cum_weights=self._surname_cum)[0] + fr.choice(given)

    def _phone(self) -> str:
        fr = self.fake.random
        return f"{fr.choice(self._phone_prefixes)}{fr.randrange(10**8):08d}"

    def _id(self, key: str) -> int:
        value = self.next_id[key]
        self.next_id[key] = value + 1
        return value

    def _date(self, low: date, high: date) -> date:
        if high < low:
            return low
        return date.fromordinal(self.rng.randint(low.toordinal(), high.toordinal()))

    def _ago(self, low_days: int, high_days: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low_days, high_days))

    def _id_number(self, birth: date, gender: str) -> str:
        parity = 1 if gender == Gender.MALE else 0  # the 17th digit: odd for men
        while True:
            area = self._pick(AREA_CODES, AREA_WEIGHTS)
            for _try in range(20):
                number = make_id_number(area, birth, self.rng.randrange(500) * 2 + parity)
                if number not in self.id_numbers:
                    self.id_numbers.add(number)
                    return number

    def _account(self) -> str:
        while True:
            number = f"62{self.rng.randrange(10**17):017d}"
            if number not in self.accounts:
                self.accounts.add(number)
                return number

    def _education(self, birth: date, cadre: bool = False) -> str:
        r = self.rng.random()
        if birth.year < 1955:
            return Education.PRIMARY if r < 0.55 else Education.JUNIOR
        if birth.year < 1970:
            choices, weights = (
                (Education.PRIMARY, Education.JUNIOR, Education.SENIOR, Education.COLLEGE),
                (10, 45, 35, 10),
            )
        elif cadre:
            choices, weights = (
                (Education.JUNIOR, Education.SENIOR, Education.COLLEGE, Education.BACHELOR),
                (10, 35, 35, 20),
            )
        else:
            choices, weights = (
                (Education.JUNIOR, Education.SENIOR, Education.COLLEGE, Education.BACHELOR),
                (30, 35, 20, 15),
            )
        return self._pick(choices, weights)

    def _person(
        self,
        village_id: int,
        *,
        born_from: date,
        born_to: date,
        male: float = 0.6,
        education: str | None = None,
        cadre: bool = False,
        bank: float = 0.97,
        phone: float = 0.95,
    ) -> dict:
        gender = Gender.MALE if self.rng.random() < male else Gender.FEMALE
        birth = self._date(born_from, born_to)
        name = self._name(gender)
        has_bank = self.rng.random() < bank
        row = {
            "id": self._id("person"),
            "village_id": village_id,
            "name": name,
            "id_number": self._id_number(birth, gender),
            "gender": gender,
            "birth_date": birth,
            "education": education or self._education(birth, cadre),
            "phone": self._phone() if self.rng.random() < phone else "",
            "email": "",
            "bank_name": self._pick(BANKS, BANK_WEIGHTS) if has_bank else "",
            "bank_account": self._account() if has_bank else "",
            "died_on": None,
        }
        self.rows["person"].append(row)
        return row

    def _post(
        self,
        person: dict,
        village: dict,
        role: str,
        start: date,
        *,
        end: date | None = None,
        reason: str = "",
    ) -> dict:
        if end is not None and not reason:
            reason = EndReason.TERM_ENDED
        branch_roles = (PostRole.SECRETARY, PostRole.DEPUTY_SECRETARY, PostRole.BRANCH_MEMBER)
        row = {
            "person_id": person["id"],
            "village_id": village["id"],
            "branch_id": village["_branch_id"] if role in branch_roles else None,
            "role": role,
            "start_date": start,
            "end_date": end,
            "end_reason": reason if end is not None else "",
        }
        self.rows["post"].append(row)
        person.setdefault("_posts", []).append(row)
        return row

    def _member(
        self,
        person: dict,
        branch_id: int,
        stage: str,
        *,
        joined: date | None = None,
        mobility: str | None = None,
        random_mobility: bool = False,
    ) -> dict:
        """A membership; ``mobility`` "present", "away" (with a certificate),
        "away_no_certificate", "away_long" or "transferred", or drawn at random."""
        dates = self._stage_dates(stage, person["birth_date"], joined)
        row = {
            "person_id": person["id"],
            "branch_id": branch_id,
            "stage": stage,
            **dates,
            "mobility": Mobility.PRESENT,
            "away_since": None,
            "certificate_no": "",
        }
        if mobility is None and random_mobility:
            mobility = self._pick(
                ("present", "away", "away_no_certificate", "away_long", "transferred"),
                (89, 6, 0.7, 0.7, 3.6),
            )
        if mobility and mobility != "present":
            self._set_away(row, mobility)
        self.rows["member"].append(row)
        self.stats[f"stage_{stage}"] += 1
        return row

    def _set_away(self, row: dict, mobility: str) -> None:
        if mobility == "transferred":
            row.update(mobility=Mobility.TRANSFERRED, away_since=self._ago(200, 1500))
            return
        row["mobility"] = Mobility.AWAY
        if mobility == "away":  # ≤ 6 months with a certificate: in order (R-REG-5)
            row["away_since"] = self._ago(10, 170)
            self.certificates += 1
            row["certificate_no"] = f"流动党员活动证{self.today.year}{self.certificates:06d}"
        elif mobility == "away_no_certificate":
            row["away_since"] = self._ago(10, 170)
            self.stats["flag_away_no_certificate"] += 1
        else:  # away_long: more than 6 months, the relation should have been transferred
            row["away_since"] = self._ago(200, 900)
            self.stats["flag_away_long"] += 1

    def _stage_dates(self, stage: str, birth: date, joined: date | None) -> dict:
        """Dates of each stage reached, in order (applied ≤ activist ≤ target ≤ probationary ≤
        full), none before the 18th birthday and none after today."""
        adult = add_years(birth, 18)
        today = self.today
        dates = dict.fromkeys(("applied_on", "activist_on", "target_on", "probationary_on"))
        dates["full_on"] = None
        if stage == MemberStage.APPLICANT:
            dates["applied_on"] = max(adult, self._ago(10, 400))
            return dates
        if stage == MemberStage.ACTIVIST:
            dates["activist_on"] = max(adult, self._ago(30, 700))
        elif stage == MemberStage.TARGET:
            dates["target_on"] = max(adult, self._ago(30, 300))
        elif stage == MemberStage.PROBATIONARY:
            dates["probationary_on"] = joined or max(adult, self._ago(10, 350))
        else:  # full: joined a year before becoming a full member
            full_on = joined or self._date(
                max(adult + timedelta(days=800), date(1965, 1, 1)), today - timedelta(days=400)
            )
            dates["full_on"] = full_on
            dates["probationary_on"] = full_on - timedelta(days=365)
        # walk back from the stage reached to the application
        later = dates["probationary_on"] or dates["target_on"] or dates["activist_on"]
        if dates["probationary_on"]:
            dates["target_on"] = max(adult, later - timedelta(days=self.rng.randint(90, 365)))
            later = dates["target_on"]
        if dates["target_on"]:
            dates["activist_on"] = max(adult, later - timedelta(days=self.rng.randint(365, 700)))
            later = dates["activist_on"]
        dates["applied_on"] = max(adult, later - timedelta(days=self.rng.randint(30, 180)))
        # the 18th birthday may have pushed an earlier stage past a later one
        order = ("applied_on", "activist_on", "target_on", "probationary_on", "full_on")
        previous = None
        for key in order:
            if dates[key] is not None:
                if previous is not None and dates[key] < previous:
                    dates[key] = previous
                previous = dates[key]
        return dates

    # --- the chunks ------------------------------------------------------------------------
    def chunks(self) -> Iterator[dict[str, list[dict]]]:
        """Rows a piece at a time: the district and townships, then each village, then each
        township's extra branches. A chunk only points at rows of itself or earlier chunks."""
        district = {"id": self._id("district"), "code": DISTRICT_CODE, "name": DISTRICT_NAME}
        self.rows["district"].append(district)
        townships = self._townships(district)
        yield self._take()
        counts = self._village_counts()
        for t, township in enumerate(townships):
            n = counts[t]
            candidates = list(range(1, n)) if n > 1 else []
            cases_by_village: dict[int, set[str]] = {j: set() for j in range(n)}
            for c, case in enumerate(CASES):
                if candidates:
                    cases_by_village[candidates[(c + t) % len(candidates)]].add(case)
            names: set[str] = set()
            villages = []
            for j in range(n):
                villages.append(self._village(township, t, j, cases_by_village[j], names))
                yield self._take()
            self._township_branches(township, t, villages)
            yield self._take()

    def _take(self) -> dict[str, list[dict]]:
        rows, self.rows = self.rows, new_rows()
        return rows

    def _village_counts(self) -> list[int]:
        base, extra = divmod(self.o.villages, self.o.townships)
        return [base + (1 if t < extra else 0) for t in range(self.o.townships)]

    def _townships(self, district: dict) -> list[dict]:
        width = max(3, len(str(self.o.townships)))
        used = {"城关镇", *STREET_NAMES}
        rows = []
        for t in range(self.o.townships):
            if t == 0:
                name, kind = "城关镇", TownshipKind.TOWN
            elif t % 5 == 1 and t // 5 < len(STREET_NAMES):
                name, kind = STREET_NAMES[t // 5], TownshipKind.STREET
            else:
                name, kind = self._unique_place(used, "镇"), TownshipKind.TOWN
            rows.append(
                {
                    "id": self._id("township"),
                    "district_id": district["id"],
                    "code": f"{DISTRICT_CODE}{t + 1:0{width}d}",
                    "name": name,
                    "kind": kind,
                    # the first township is monthly, so its payroll shows held lines
                    "appraisal_period": AppraisalPeriod.QUARTER
                    if t % 3 == 2
                    else AppraisalPeriod.MONTH,
                }
            )
        self.rows["township"] = rows
        return rows

    def _unique_place(self, used: set[str], suffix: str) -> str:
        for attempt in range(10_000):
            if attempt < 200:
                stem = self.rng.choice(PLACE_FIRST) + self.rng.choice(PLACE_SECOND)
            else:  # a big township runs out of two-character names
                stem = self.rng.choice(SURNAMES) + "家" + self.rng.choice(PLACE_SECOND)
                if attempt > 2000:
                    stem += self.rng.choice(PLACE_SECOND)
            name = stem + suffix
            if name not in used:
                used.add(name)
                return name
        raise RuntimeError("ran out of place names")

    # --- one village -----------------------------------------------------------------------
    def _village(self, township: dict, t: int, j: int, cases: set[str], names: set[str]):
        rng = self.rng
        name = self._unique_place(names, "村")
        village = {
            "id": self._id("village"),
            "township_id": township["id"],
            "code": f"{township['code']}{j + 1:0{self.village_width}d}",
            "name": name,
            "_first": j == 0,
        }
        self.rows["village"].append(village)
        weak = "weak_lax" in cases
        branch = {
            "id": self._id("branch"),
            "township_id": township["id"],
            "code": f"ZB{village['code']}",
            "name": f"{name}党支部",
            "kind": BranchKind.VILLAGE,
            "five_good": not weak and (j == 0 or rng.random() < 0.2),
            "five_good_year": None,
            "weak_lax": weak,
            "rectification_note": rng.choice(RECTIFICATION_NOTES) if weak else "",
        }
        if branch["five_good"]:
            branch["five_good_year"] = self.today.year - 1
            self.stats["five_good"] += 1
        self.rows["branch"].append(branch)
        self.rows["branch_village"].append({"branch_id": branch["id"], "village_id": village["id"]})
        # ``village`` carries helper keys (underscored) that are dropped before writing
        village["_branch_id"] = branch["id"]

        cadres = self._current_cadres(village, j, cases)
        formers = self._former_secretaries(village, cadres[0], cases)
        self._former_director(village, cadres)
        self._members(village, branch, cadres, formers, cases)
        period = township["appraisal_period"]
        self._appraisals(cadres + formers, period, cases)
        self._assessments_and_health(cadres, formers, cases)
        self.stats.update(f"case_{case}" for case in cases)
        return village

    def _elections(self) -> list[date]:
        """Village "two committees" elections: every 3 years to 2018, every 5 from 2021."""
        years = [*range(1991, 2019, 3), *range(2021, self.today.year + 1, 5)]
        dates = []
        for year in years:
            held = date(year, self.rng.randint(1, 3), self.rng.randint(1, 28))
            if held <= self.today - timedelta(days=60):
                dates.append(held)
        return dates or [self.today - timedelta(days=400)]

    def _term_start(self, elections: list[date]) -> date:
        """When a serving cadre took office: mostly at an election (and re-elected since),
        sometimes appointed between elections."""
        r = self.rng.random()
        if r < 0.12 and len(elections) >= 1:
            return elections[-1]
        if r < 0.62 and len(elections) >= 2:
            return elections[-2]
        if r < 0.88 and len(elections) >= 4:
            return self.rng.choice(elections[-4:-2])
        low = elections[-2] if len(elections) >= 2 else elections[-1]
        return self._date(low, self.today - timedelta(days=90))

    def _current_cadres(self, village: dict, j: int, cases: set[str]) -> list[dict]:
        """The serving secretary first, then the director (or none in a one-shoulder village),
        then deputies and members: 3–5 living people, 2 or 6 in the R-REG-1 cases."""
        rng = self.rng
        today = self.today
        elections = self._elections()
        size = rng.choice((3, 4, 5, 5, 5))
        if "too_few" in cases:
            size = 2
        elif "too_many" in cases:
            size = 6
        one_shoulder = j == 0 or rng.random() < 0.3
        if "too_many" in cases:
            one_shoulder = False
        # a secretary serving since before 2011 leaves no room for the former-secretary cases
        long_serving = not (cases & FORMER_CASES) and rng.random() < 0.1

        def cadre(born_from_age: int, born_to_age: int, male: float) -> dict:
            return self._person(
                village["id"],
                born_from=add_years(today, -born_to_age),
                born_to=add_years(today, -born_from_age),
                male=male,
                cadre=True,
                bank=0.995,
            )

        secretary = cadre(36, 58, 0.85)
        if long_serving:
            start = self._date(date(1996, 1, 1), date(2010, 12, 31))
        else:
            start = self._term_start(elections)
        secretary["_secretary_start"] = start
        self._post(secretary, village, PostRole.SECRETARY, start)
        people = [secretary]
        director_start = self._term_start(elections)
        if j == 0:  # the demo secretary's village: one shoulder since taking office
            director_start = start
        if one_shoulder:
            self._post(secretary, village, PostRole.DIRECTOR, director_start)
            self.stats["one_shoulder"] += 1
        else:
            director = cadre(32, 58, 0.8)
            self._post(director, village, PostRole.DIRECTOR, director_start)
            people.append(director)
        village["_director_start"] = director_start
        extra_roles = [PostRole.DEPUTY_SECRETARY, PostRole.COMMITTEE_MEMBER]
        extra_roles += [PostRole.BRANCH_MEMBER, PostRole.COMMITTEE_MEMBER, PostRole.BRANCH_MEMBER]
        for k in range(size - len(people)):
            person = cadre(25, 56, 0.6)
            role = extra_roles[k]
            self._post(person, village, role, self._term_start(elections))
            if role == PostRole.BRANCH_MEMBER and rng.random() < 0.4:
                # "cross appointment": a branch member also on the village committee
                self._post(person, village, PostRole.COMMITTEE_MEMBER, self._term_start(elections))
            people.append(person)
        if "deceased_in_post" in cases:
            # died a few weeks ago, the post never ended: payroll must not pay past the death
            person = cadre(45, 62, 0.7)
            start = elections[-2] if len(elections) > 1 else elections[0]
            self._post(person, village, PostRole.COMMITTEE_MEMBER, start)
            person["died_on"] = max(start + timedelta(days=30), self._ago(20, 100))
            people.append(person)
        sharing = people[:2] if "shared_account" in cases and len(people) > 1 else []
        if sharing:
            # a second cadre paid into the secretary's account (payroll integrity check)
            if not secretary["bank_account"]:
                secretary["bank_name"], secretary["bank_account"] = BANKS[0], self._account()
            people[1]["bank_name"] = secretary["bank_name"]
            people[1]["bank_account"] = secretary["bank_account"]
        if "no_bank" in cases:
            # a serving cadre without a bank account (payroll integrity check)
            unbanked = [p for p in people if p["died_on"] is None and p not in sharing]
            if unbanked:
                unbanked[-1]["bank_name"] = unbanked[-1]["bank_account"] = ""
        self.stats["current_cadres"] += sum(1 for p in people if p["died_on"] is None)
        return people

    def _former_secretaries(self, village: dict, secretary: dict, cases: set[str]) -> list[dict]:
        """The secretaries before the serving one, from the 1980s on, never two on one day;
        the first tenure is fixed by the allowance cases, the last by resigned/dismissed."""
        rng = self.rng
        limit = secretary["_secretary_start"] - timedelta(days=rng.choice((1, 1, 1, 15, 40)))
        earliest = date(rng.randint(1980, 1987), rng.randint(1, 12), 1)
        allowance = cases & {"allowance_long", "allowance_mid"}
        spans: list[list] = []  # [start, end, reason]
        start = earliest
        while start <= limit:
            first = not spans
            if first and "allowance_long" in cases:
                months = rng.randint(217, 276)
            elif first and "allowance_mid" in cases:
                months = rng.randint(120, 200)
            else:
                months = rng.choice(
                    (rng.randint(36, 119), rng.randint(120, 216), rng.randint(217, 300))
                )
            end = min(add_months(start, months) - timedelta(days=1), limit)
            if first and allowance:
                # R-ALW-1: ended on or before the cutoff, for a normal reason
                end = min(end, ALLOWANCE_CUTOFF)
                reason = rng.choice(NORMAL_ENDS)
            else:
                if (limit - end).days < 365:
                    end = limit  # too short a remainder for another tenure
                reason = self._end_reason(end)
            spans.append([start, end, reason])
            start = end + timedelta(days=rng.choice((1, 1, 1, 10, 30, 60)))
        if not spans:
            return []
        if "former_resigned" in cases and len(spans) > 1:
            spans[-1][2] = EndReason.RESIGNED
        if "former_dismissed" in cases and len(spans) > 1:
            spans[-1][2] = EndReason.DISMISSED
        holders: list[int | None] = list(range(len(spans)))  # which person holds each span
        if "split_tenure" in cases:
            spans, holders = self._split(spans, cases)
        people: dict[int, dict] = {}
        for span, holder in zip(spans, holders, strict=True):
            if holder not in people:
                people[holder] = self._person(
                    village["id"],
                    born_from=add_years(span[0], -46),
                    born_to=add_years(span[0], -28),
                    male=0.95,
                    bank=0.9,
                    phone=0.7,
                )
            person = people[holder]
            self._post(person, village, PostRole.SECRETARY, span[0], end=span[1], reason=span[2])
            if span[2] == EndReason.DECEASED:
                person["died_on"] = span[1]
        for person in people.values():
            last_end = max(p["end_date"] for p in person["_posts"])
            recently = self.today - timedelta(days=30)
            if person["died_on"] is None and last_end <= ALLOWANCE_CUTOFF and rng.random() < 0.15:
                # died years after leaving office: the allowance stops after that month
                person["died_on"] = self._date(add_years(last_end, 1), recently)
            if person["died_on"] is None and add_years(person["birth_date"], 96) < self.today:
                low = max(add_years(person["birth_date"], 80), add_years(last_end, 1))
                if low < recently:
                    person["died_on"] = self._date(low, recently)
        self.stats["former_secretaries"] += len(people)
        return list(people.values())

    def _end_reason(self, end: date) -> str:
        reasons = (*NORMAL_ENDS, EndReason.RESIGNED, EndReason.DISMISSED, EndReason.DECEASED)
        if end <= ALLOWANCE_CUTOFF:
            return self._pick(reasons, (35, 25, 15, 12, 6, 7))
        return self._pick(reasons, (50, 15, 10, 15, 5, 5))

    def _split(self, spans: list[list], cases: set[str]) -> tuple[list[list], list[int]]:
        """One person holds two tenures with someone else's in between (R-ALW-2 sums them)."""
        pool = range(1, len(spans)) if len(spans) > 1 else range(len(spans))
        k = max(pool, key=lambda i: (spans[i][1] - spans[i][0]).days)
        start, end, reason = spans[k]
        total = months_between(start, end)
        if total < 36:
            return spans, list(range(len(spans)))
        first_end = add_months(start, int(total * 0.4)) - timedelta(days=1)
        middle_end = add_months(start, int(total * 0.6)) - timedelta(days=1)
        pieces = [
            [start, first_end, EndReason.TERM_ENDED],
            [first_end + timedelta(days=1), middle_end, EndReason.RESIGNED],
            [middle_end + timedelta(days=1), end, reason],
        ]
        holders = list(range(len(spans)))
        new_holders = holders[:k] + [k, len(spans), k] + holders[k + 1 :]
        self.stats["split_tenures"] += 1
        return spans[:k] + pieces + spans[k + 1 :], new_holders

    def _former_director(self, village: dict, cadres: list[dict]) -> None:
        """The director before the serving one, in about half of the villages."""
        start = village["_director_start"]
        if self.rng.random() < 0.5 or start.year < 1995:
            return
        end = start - timedelta(days=self.rng.choice((1, 1, 20)))
        begin = add_months(end, -self.rng.randint(36, 96))
        person = self._person(
            village["id"],
            born_from=add_years(end, -65),
            born_to=add_years(end, -40),
            male=0.8,
            bank=0.95,
        )
        reason = self._pick(
            (EndReason.TERM_ENDED, EndReason.RESIGNED, EndReason.HEALTH), (70, 20, 10)
        )
        self._post(person, village, PostRole.DIRECTOR, begin, end=end, reason=reason)
        cadres.append(person)  # appraised for the months they served

    # --- members ---------------------------------------------------------------------------
    def _members(self, village, branch, cadres, formers, cases) -> None:
        rng = self.rng
        today = self.today
        branch_id = branch["id"]
        for person in cadres:
            if person["died_on"] is not None:
                continue
            roles = {p["role"] for p in person.get("_posts", [])}
            branch_post = roles & {
                PostRole.SECRETARY,
                PostRole.DEPUTY_SECRETARY,
                PostRole.BRANCH_MEMBER,
            }
            if branch_post or rng.random() < 0.6:
                self._member(person, branch_id, MemberStage.FULL)
        for person in formers:
            if person["died_on"] is None:
                self._member(person, branch_id, MemberStage.FULL)

        def ordinary(stage, *, born=(20, 70), education=None, joined=None, mobility=None):
            person = self._person(
                village["id"],
                born_from=add_years(today, -born[1]),
                born_to=add_years(today, -born[0]),
                male=0.65,
                education=education,
                bank=0.9,
            )
            self._member(
                person,
                branch_id,
                stage,
                joined=joined,
                mobility=mobility,
                random_mobility=mobility is None,
            )

        activists = rng.randint(0, 2) if "few_activists" in cases else rng.randint(3, 5)
        if "few_activists" in cases:
            self.stats["flag_few_activists"] += 1
        for _ in range(rng.randint(1, 3)):
            ordinary(MemberStage.APPLICANT, born=(20, 40))
        for _ in range(activists):
            ordinary(MemberStage.ACTIVIST, born=(21, 45))
        for _ in range(rng.randint(1, 2)):
            ordinary(MemberStage.TARGET, born=(22, 45))
        recruit = "no_recruit" not in cases and (village["_first"] or rng.random() < 0.9)
        if recruit:
            # R-REG-4: a new member this year, under 35, with higher education
            joined = self._date(date(today.year, 1, 1), today)
            ordinary(
                MemberStage.PROBATIONARY,
                born=(23, 33),
                education=rng.choice((Education.COLLEGE, Education.BACHELOR, Education.BACHELOR)),
                joined=joined,
                mobility="present",
            )
            self.stats["young_recruits"] += 1
        else:
            self.stats["flag_no_recruit"] += 1
        for _ in range(rng.randint(0, 1)):
            # other recent members, none of them a young educated recruit of this year
            ordinary(
                MemberStage.PROBATIONARY,
                born=(36, 55),
                education=rng.choice((Education.JUNIOR, Education.SENIOR)),
            )
        for _ in range(rng.randint(5, 10)):
            ordinary(MemberStage.FULL, born=(26, 88))
        if "away_no_certificate" in cases:
            ordinary(MemberStage.FULL, born=(25, 50), mobility="away_no_certificate")
        if "away_long" in cases:
            ordinary(MemberStage.FULL, born=(25, 50), mobility="away_long")

    def _township_branches(self, township: dict, t: int, villages: list[dict]) -> None:
        """A joint branch over 2–3 villages, a cooperative, an enterprise and a temporary
        (migrant workers) branch; the first township has all of them."""
        rng = self.rng
        if not villages:
            return
        kinds = []
        if len(villages) >= 2 and (t == 0 or rng.random() < 0.5):
            kinds.append(BranchKind.JOINT)
        for kind in (BranchKind.COOPERATIVE, BranchKind.ENTERPRISE, BranchKind.TEMPORARY):
            if t == 0 or rng.random() < 0.4:
                kinds.append(kind)
        for n, kind in enumerate(kinds, start=1):
            covered: list[dict] = []
            if kind == BranchKind.JOINT:
                first = rng.randrange(len(villages) - 1)
                covered = villages[first : first + rng.choice((2, 3))]
                name = "".join(v["name"].removesuffix("村") for v in covered) + "联村党支部"
            elif kind == BranchKind.COOPERATIVE:
                covered = [rng.choice(villages)]
                name = f"{covered[0]['name']}{rng.choice(CROPS)}专业合作社党支部"
            elif kind == BranchKind.ENTERPRISE:
                word = rng.choice(FIRM_WORDS) + rng.choice(FIRM_TRADES)
                name = f"{township['name'].removesuffix('镇')}{word}有限公司党支部"
            else:
                name = f"{township['name']}驻{rng.choice(MIGRANT_CITIES)}外出务工人员临时党支部"
            branch = {
                "id": self._id("branch"),
                "township_id": township["id"],
                "code": f"ZB{township['code']}{kind[0].upper()}{n:02d}",
                "name": name,
                "kind": kind,
                "five_good": False,
                "five_good_year": None,
                "weak_lax": False,
                "rectification_note": "",
            }
            self.rows["branch"].append(branch)
            for village in covered:
                self.rows["branch_village"].append(
                    {"branch_id": branch["id"], "village_id": village["id"]}
                )
            for _ in range(rng.randint(3, 6)):
                home = rng.choice(covered or villages)
                person = self._person(
                    home["id"],
                    born_from=add_years(self.today, -60),
                    born_to=add_years(self.today, -24),
                    male=0.7,
                    bank=0.9,
                )
                self._member(person, branch["id"], MemberStage.FULL)

    # --- appraisals, assessments, health checks -------------------------------------------
    def _appraisals(self, people: list[dict], period: str, cases: set[str]) -> None:
        """R-PAY-2: a grade for every period a person held a post (alive) in the window; the
        last period is left out for one or two cadres of the missing-appraisal case."""
        periods = appraisal_periods(self.today, self.o.appraisal_months, period)
        if not periods:
            return
        skip: set[int] = set()
        if "missing_appraisal" in cases:
            last_start, last_end = periods[-1]
            serving = [
                p["id"]
                for p in people
                if p["died_on"] is None and self._holds(p, last_start, last_end)
            ]
            skip = set(serving[: self.rng.choice((1, 2))])
            self.stats["flag_missing_appraisal"] += len(skip)
        grades = (Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT)
        weights = GRADE_WEIGHTS
        out = self.rows["appraisal"]
        window_start = periods[0][0]
        for person in people:
            posts = [
                p
                for p in person.get("_posts", [])
                if p["end_date"] is None or p["end_date"] >= window_start
            ]
            if not posts:
                continue
            died = person["died_on"]
            for start, end in periods:
                if died is not None and died < start:
                    break
                if not any(
                    p["start_date"] <= end and (p["end_date"] is None or p["end_date"] >= start)
                    for p in posts
                ):
                    continue
                if person["id"] in skip and start == periods[-1][0]:
                    continue
                out.append(
                    {
                        "person_id": person["id"],
                        "period_start": start,
                        "period_end": end,
                        "grade": self._pick(grades, weights),
                    }
                )

    @staticmethod
    def _holds(person: dict, start: date, end: date) -> bool:
        return any(
            p["start_date"] <= end and (p["end_date"] is None or p["end_date"] >= start)
            for p in person.get("_posts", [])
        )

    def _assessments_and_health(self, cadres, formers, cases) -> None:
        """Annual assessments of the last 2 years for whoever was secretary on 31 December
        (R-PAY-4 ranks them); health checks of the serving secretary (R-REG-2)."""
        rng = self.rng
        today = self.today
        for year in (today.year - 2, today.year - 1):
            dec31 = date(year, 12, 31)
            for person in (*cadres, *formers):
                if person["died_on"] is not None and person["died_on"] < dec31:
                    continue
                if any(
                    p["role"] == PostRole.SECRETARY
                    and p["start_date"] <= dec31
                    and (p["end_date"] is None or p["end_date"] >= dec31)
                    for p in person.get("_posts", [])
                ):
                    score = Decimal(f"{rng.triangular(58, 99, 86):.2f}")
                    self.rows["assessment"].append(
                        {
                            "person_id": person["id"],
                            "year": year,
                            "score": score,
                            "grade": grade_for_score(score),
                        }
                    )
        secretary = cadres[0]
        if "health_never" in cases:
            self.stats["flag_health_never"] += 1
            return
        if "health_overdue" in cases:
            last = self._ago(760, 1300)
            self.stats["flag_health_overdue"] += 1
        else:
            last = self._ago(20, 700)
        checks = [last]
        if rng.random() < 0.6:
            checks.append(add_years(last, -2) - timedelta(days=rng.randint(0, 60)))
        for checked in checks:
            self.rows["health_check"].append(
                {"person_id": secretary["id"], "checked_on": checked, "note": "县人民医院体检"}
            )


# --- writing ------------------------------------------------------------------------------
@dataclass
class DemoSummary:
    counts: Counter
    stats: Counter
    seconds: float


def registry_has_villages() -> bool:
    return Village.objects.exists()


def registry_is_empty() -> bool:
    return not (
        District.objects.exists()
        or Township.objects.exists()
        or Branch.objects.exists()
        or Village.objects.exists()
        or Person.objects.exists()
    )


class BulkWriter:
    """Writes rows with ``bulk_create`` in batches (any database)."""

    def write(self, rows: dict[str, list[dict]], counts: Counter) -> None:
        for key, model in TABLES.items():
            batch = rows[key]
            if not batch:
                continue
            if key in ("village", "person"):  # drop the generator's helper keys ("_posts"…)
                objs = [model(**{k: v for k, v in r.items() if k[0] != "_"}) for r in batch]
            else:
                objs = [model(**row) for row in batch]
            model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
            counts[key] += len(objs)


class CopyWriter:
    """Writes rows with PostgreSQL's ``COPY … FROM STDIN``: the same rows as
    :class:`BulkWriter`, an order of magnitude less Python per row (no model instances,
    no per-field preparation), which is what makes a province-sized demo load in minutes."""

    def __init__(self):
        self.now = timezone.now().isoformat()

    @staticmethod
    def available() -> bool:
        return connection.vendor == "postgresql" and connection.Database.__name__ == "psycopg2"

    def write(self, rows: dict[str, list[dict]], counts: Counter) -> None:
        with connection.cursor() as cursor:
            for key, model in TABLES.items():
                batch = rows[key]
                if not batch:
                    continue
                for start in range(0, len(batch), BATCH_SIZE * 4):
                    self._copy(cursor, model, batch[start : start + BATCH_SIZE * 4])
                counts[key] += len(batch)

    def _copy(self, cursor, model, batch: list[dict]) -> None:
        first = batch[0]
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.attname in first
            or getattr(f, "auto_now_add", False)
            or getattr(f, "auto_now", False)
        ]
        columns = [(f.attname, _copy_converter(f)) for f in fields]
        stamp = self.now
        buffer = io.StringIO()
        for row in batch:
            buffer.write(
                "\t".join(
                    [convert(row[name]) if name in row else stamp for name, convert in columns]
                )
            )
            buffer.write("\n")
        buffer.seek(0)
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_converter(field):
    """How a field's value is written in COPY's text format (str() of a date is ISO)."""
    if isinstance(field, models.BooleanField):
        convert = _copy_bool
    elif isinstance(field, (models.CharField, models.TextField)):
        convert = _copy_str
    else:
        convert = str
    if field.null:
        return lambda value: "\\N" if value is None else convert(value)
    return convert


def _copy_bool(value) -> str:
    return "t" if value else "f"


def _copy_str(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


def load_demo(
    options: DemoOptions, *, reset: bool = False, log=None, use_copy: bool | None = None
) -> DemoSummary:
    """Write the demo registry in one transaction (after :func:`reset_registry` if asked).

    ``use_copy``: write with COPY (PostgreSQL with psycopg2); default: when available."""
    started = time.monotonic()
    if use_copy is None:
        use_copy = CopyWriter.available()
    writer = CopyWriter() if use_copy else BulkWriter()
    with transaction.atomic():
        if reset:
            reset_registry(log=log)
        first_ids = {
            key: (TABLES[key].objects.aggregate(m=Max("id"))["m"] or 0) + 1 for key in KEYED
        }
        generator = DemoGenerator(options, first_ids)
        counts: Counter = Counter()
        buffer = new_rows()
        for chunk in generator.chunks():
            for key, rows in chunk.items():
                buffer[key].extend(rows)
            if sum(len(rows) for rows in buffer.values()) >= FLUSH_ROWS:
                writer.write(buffer, counts)
                buffer = new_rows()
        writer.write(buffer, counts)
        _reset_sequences()
    _analyze()
    return DemoSummary(counts, generator.stats, time.monotonic() - started)


def _analyze() -> None:
    """PostgreSQL: fresh planner statistics after a bulk load (before autovacuum gets to it,
    a district's lists would be planned for empty tables and take seconds instead of ms)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _reset_sequences() -> None:
    """PostgreSQL: move the id sequences past the explicit ids written."""
    statements = connection.ops.sequence_reset_sql(no_style(), [TABLES[k] for k in KEYED])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def registry_models() -> list:
    """Every model whose rows hang off the registry (District and everything that points at
    it, directly or through other such models, M2M tables included), children first. Users
    are left out: they are handled by :func:`reset_registry`."""
    from django.apps import apps

    user_model = get_user_model()
    models = [m for m in apps.get_models(include_auto_created=True) if m is not user_model]
    found = {District}
    grew = True
    while grew:
        grew = False
        for model in models:
            if model in found:
                continue
            if any(f.related_model in found for f in model._meta.concrete_fields if f.is_relation):
                found.add(model)
                grew = True
    ordered: list = []
    remaining = set(found)
    while remaining:
        leaves = [
            m
            for m in remaining
            if not any(
                other is not m
                and any(f.related_model is m for f in other._meta.concrete_fields if f.is_relation)
                for other in remaining
            )
        ]
        if not leaves:  # a cycle: FK checks are deferred to the commit, so any order works
            leaves = sorted(remaining, key=lambda m: m._meta.label)[:1]
        for model in sorted(leaves, key=lambda m: m._meta.label):
            ordered.append(model)
            remaining.discard(model)
    return ordered


def reset_registry(*, log=None) -> Counter:
    """Delete the whole registry, children before parents, with one DELETE per table.

    Portal users tied to a district, township or person lose their place: non-superusers are
    deleted (a role without a place is not allowed; ``demo_users`` makes the demo ones
    again), superusers keep their account with the place cleared."""
    deleted: Counter = Counter()
    user_model = get_user_model()
    placed = Q(district__isnull=False) | Q(township__isnull=False) | Q(person__isnull=False)
    districts = list(District.objects.all())
    with transaction.atomic():
        with connection.cursor() as cursor:
            for model in registry_models():
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a model's own table
                deleted[model._meta.label] = cursor.rowcount
        # foreign keys are checked at the commit, so the users can go after the rows they
        # point at (and whatever still protects a user has gone with the registry)
        user_model.objects.filter(placed, is_superuser=True).update(
            district=None, township=None, person=None
        )
        deleted["users"] = user_model.objects.filter(placed, is_superuser=False).delete()[0]
        # raw DELETEs send no signals: one audit entry per district says what went
        written = ", ".join(f"{label} {n}" for label, n in sorted(deleted.items()) if n)
        for district in districts:
            audit.record(
                district,
                action=audit.DELETE,
                summary=f"registry reset: deleted {written}",
                data={"operation": "reset_registry", **deleted},
            )
    if log:
        log(", ".join(f"{label} {n:,}" for label, n in deleted.items() if n) or "nothing")
    return deleted
