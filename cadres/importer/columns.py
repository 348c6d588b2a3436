"""What the registry import reads (SPEC §2 "Bulk import"): the kinds of rows, their columns
and how one cell is read.

A column is known by its Chinese header (the template's), its English header, or the model
field's name; matching ignores case, spaces, ``_``/``-`` and a trailing ``*``. The Chinese
headers, sheet names and choice labels are a file format, the same in every language of the
portal, so they are written here as they appear in the template rather than translated.

Cells come from openpyxl (str, int, float, datetime) or from CSV (str). A parser returns the
Python value the model field takes, or raises :class:`ParseError` with a message for the user.
Empty cells never reach a parser.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from branches.choices import MemberStage, Mobility
from branches.models import PartyMember, Village
from cadres.choices import Education, EndReason, Gender, Grade, PostRole
from cadres.models import AnnualAssessment, PerformanceAppraisal, Person, Post

__all__ = [
    "KINDS",
    "KINDS_BY_KEY",
    "Column",
    "Kind",
    "ParseError",
    "find_kind",
    "normalise_header",
]


class ParseError(ValueError):
    """A cell that cannot be read as its column's type."""


EXCEL_DIGITS = 15  # Excel keeps 15 significant digits of a number
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Excel serial numbers accepted in a date column: 1910-01-01 … 2099-12-31. A smaller number
# (a year such as 2024 typed into a date cell) is refused rather than read as a date in 1905.
_SERIAL_MIN, _SERIAL_MAX = 3654, 73050
_EXCEL_EPOCH = date(1899, 12, 30)


def normalise_header(text) -> str:
    """A header as compared: full-width forms folded (NFKC), no case, spaces, underscores,
    hyphens or trailing ``*``."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip().rstrip("*").strip()
    return re.sub(r"[\s_\-]+", "", text).casefold()


# --- parsers ---------------------------------------------------------------------------------


def _number_as_text(value: int | float | Decimal) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)  # an exact integer (written by a program, not retyped by Excel)
    if isinstance(value, float) and value.is_integer():
        if abs(value) >= 10**EXCEL_DIGITS:
            raise ParseError(
                _(
                    "This number is too long for an Excel number cell and has lost its last "
                    "digits. Format the column as text and type the value again."
                )
            )
        return str(int(value))
    return str(value)


def parse_text(value) -> str:
    if isinstance(value, int | float | Decimal):
        return _number_as_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_digits(value) -> str:
    """ID numbers, bank accounts, codes, phone numbers: text that Excel likes to turn into a
    number. A number Excel has already rounded cannot be recovered, so it is an error."""
    if isinstance(value, float) and not value.is_integer():
        raise ParseError(_("Expected digits, not a decimal number."))
    # NFKC: full-width digits and letters typed with a Chinese input method become ASCII
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", parse_text(value)))
    if _SCIENTIFIC.match(text):
        raise ParseError(
            _(
                "Excel has written this number in scientific notation and lost digits. Format "
                "the column as text and type the value again."
            )
        )
    return text


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            value = int(value)  # a date with a time of day
        value = int(value)
        if 19000101 <= value <= 21001231:
            return parse_date(str(value))
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            from datetime import timedelta

            return _EXCEL_EPOCH + timedelta(days=value)
        raise ParseError(_("Not a date; write it as 2024-01-31."))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        raise ParseError(_("Not a date; write it as 2024-01-31."))
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ParseError(_("This date does not exist."))


def parse_integer(value) -> int:
    if isinstance(value, bool):
        raise ParseError(_("Expected a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if re.fullmatch(r"[+-]?\d+(\.0+)?", text):
        return int(text.split(".")[0])
    raise ParseError(_("Expected a whole number."))


def parse_decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise ParseError(_("Expected a number."))
    if isinstance(value, float):
        value = repr(value)  # the shortest text that gives back the float: 85.5, not 85.4999…
    try:
        number = Decimal(unicodedata.normalize("NFKC", str(value)).strip())
    except InvalidOperation:
        raise ParseError(_("Expected a number."))
    if not number.is_finite():
        raise ParseError(_("Expected a number."))
    return number


@dataclass(frozen=True, eq=False)
class ChoiceParser:
    """A choice given as its Chinese label (the template's), one of the Chinese aliases, the
    English label, the label in the portal's current Chinese catalogue, or the stored code."""

    choices: type[models.TextChoices]
    chinese: dict[str, tuple[str, ...]]  # code → Chinese labels, the first is the template's

    @cached_property
    def aliases(self) -> dict[str, str]:
        found: dict[str, set[str]] = {}

        def add(text, code):
            found.setdefault(normalise_header(text), set()).add(code)

        for code, label in self.choices.choices:
            add(code, code)
            with translation.override("en"):
                add(str(label), code)
            with translation.override("zh-hans"):
                add(str(label), code)
        for code, labels in self.chinese.items():
            for label in labels:
                add(label, code)
        # An alias that names two choices (a catalogue colliding with the table) is dropped.
        return {text: codes.pop() for text, codes in found.items() if len(codes) == 1}

    def labels(self) -> list[str]:
        """The Chinese labels of the template's dropdown, in the choices' order."""
        return [self.chinese[code][0] for code in self.choices.values]

    def __call__(self, value) -> str:
        code = self.aliases.get(normalise_header(parse_text(value)))
        if code is None:
            raise ParseError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {
                    "value": parse_text(value)[:40],
                    "choices": "、".join(self.labels() + list(self.choices.values)),
                }
            )
        return code


GENDER = ChoiceParser(Gender, {Gender.MALE: ("男",), Gender.FEMALE: ("女",)})
EDUCATION = ChoiceParser(
    Education,
    {
        Education.PRIMARY: ("小学", "小学及以下"),
        Education.JUNIOR: ("初中",),
        Education.SENIOR: ("高中/中专", "高中", "中专", "职高", "技校", "中技", "高中及中专"),
        Education.COLLEGE: ("大专", "专科", "大学专科"),
        Education.BACHELOR: ("本科", "大学本科", "大学"),
        Education.POSTGRADUATE: ("研究生", "硕士", "博士", "硕士研究生", "博士研究生"),
    },
)
ROLE = ChoiceParser(
    PostRole,
    {
        PostRole.SECRETARY: ("支部书记", "党支部书记", "村党支部书记", "党组织书记", "书记"),
        PostRole.DEPUTY_SECRETARY: ("支部副书记", "党支部副书记", "副书记"),
        PostRole.BRANCH_MEMBER: ("支部委员", "党支部委员", "支委委员", "支委"),
        PostRole.DIRECTOR: ("村委会主任", "村民委员会主任", "村主任", "主任"),
        PostRole.COMMITTEE_MEMBER: ("村委会委员", "村民委员会委员", "村委委员"),
    },
)
END_REASON = ChoiceParser(
    EndReason,
    {
        EndReason.TERM_ENDED: ("任期届满", "届满", "换届"),
        EndReason.RETIRED: ("退休",),
        EndReason.HEALTH: ("健康原因", "身体原因"),
        EndReason.RESIGNED: ("辞职", "主动辞职"),
        EndReason.DISMISSED: ("违纪免职", "因违纪免职", "违纪撤职"),
        EndReason.DECEASED: ("去世", "死亡", "病故"),
    },
)
GRADE = ChoiceParser(
    Grade,
    {
        Grade.EXCELLENT: ("优秀",),
        Grade.COMPETENT: ("称职", "合格"),
        Grade.BASIC: ("基本称职", "基本合格"),
        Grade.INCOMPETENT: ("不称职", "不合格"),
    },
)
STAGE = ChoiceParser(
    MemberStage,
    {
        MemberStage.APPLICANT: ("入党申请人", "申请人"),
        MemberStage.ACTIVIST: ("入党积极分子", "积极分子"),
        MemberStage.TARGET: ("发展对象",),
        MemberStage.PROBATIONARY: ("预备党员",),
        MemberStage.FULL: ("正式党员",),
    },
)
MOBILITY = ChoiceParser(
    Mobility,
    {
        Mobility.PRESENT: ("在村", "正常", "未外出"),
        Mobility.AWAY: ("外出流动", "流动党员", "外出"),
        Mobility.TRANSFERRED: ("组织关系已转出", "关系转出", "已转出"),
    },
)


# --- columns and kinds -----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Column:
    """One column of a kind.

    ``key`` is the model field it fills, or a reference resolved by code: ``township``,
    ``village``, ``branch`` (codes) and ``person`` (an ID number); ``person_name`` is a check
    of the person's name, not stored.
    """

    key: str
    zh: str
    en: str
    parse: Callable[[object], object]
    required: bool = False
    format_zh: str = ""
    format_en: str = ""
    example: str = ""
    width: int = 14
    aliases: tuple[str, ...] = ()  # other headers accepted

    @property
    def choices(self) -> ChoiceParser | None:
        return self.parse if isinstance(self.parse, ChoiceParser) else None

    @property
    def is_date(self) -> bool:
        return self.parse is parse_date

    @property
    def is_text(self) -> bool:
        """Cells the template formats as text so that Excel keeps every digit."""
        return self.parse is parse_digits


@dataclass(frozen=True, eq=False)
class Kind:
    key: str  # "people"; --kind accepts it, and the sheet names
    model: type[models.Model]
    zh: str  # the template's sheet name
    en: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]  # column keys that find an existing row
    aliases: tuple[str, ...] = ()  # other sheet names accepted
    _by_header: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        for column in self.columns:
            for text in (column.zh, column.en, column.key, *column.aliases):
                self._by_header[normalise_header(text)] = column

    def column_for(self, header) -> Column | None:
        return self._by_header.get(normalise_header(header))

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.zh, self.en, self.key, *self.aliases)


_FMT_CODE_ZH, _FMT_CODE_EN = "文本，组织部门编定的代码", "text: the code the department assigned"
_FMT_DATE_ZH, _FMT_DATE_EN = (
    "日期，如 2024-01-31（也可 2024/1/31、2024年1月31日、20240131）",
    "date such as 2024-01-31 (also 2024/1/31, 2024年1月31日, 20240131)",
)
_FMT_ID_ZH = "18位公民身份号码，文本格式，末位可为X"
_FMT_ID_EN = "18-character resident ID number, as text; the last may be X"


_ID_ALIASES = ("身份证号码", "公民身份号码", "id_number")


def _person_column(required=True) -> Column:
    return Column(
        "person",
        "身份证号",
        "ID number",
        parse_digits,
        required,
        _FMT_ID_ZH,
        _FMT_ID_EN,
        "11010519491231002X",
        22,
        aliases=_ID_ALIASES,
    )


def _name_check() -> Column:
    return Column(
        "person_name",
        "姓名",
        "name",
        parse_text,
        False,
        "可选；填写时须与该身份证号人员的姓名一致",
        "optional; when given it must be the name of the person with that ID number",
        "王五",
        10,
    )


def _choice_format(parser: ChoiceParser) -> tuple[str, str]:
    labels = "、".join(parser.labels())
    codes = ", ".join(parser.choices.values)
    return f"选择：{labels}", f"one of: {codes} (or the Chinese labels)"


def _choice(key, zh, en, parser, required, example, width=14) -> Column:
    fmt_zh, fmt_en = _choice_format(parser)
    return Column(key, zh, en, parser, required, fmt_zh, fmt_en, example, width)


def _date(key, zh, en, required=False, example="2024-01-31", note_zh="", note_en="") -> Column:
    return Column(
        key,
        zh,
        en,
        parse_date,
        required,
        _FMT_DATE_ZH + note_zh,
        _FMT_DATE_EN + note_en,
        example,
        13,
    )


VILLAGES = Kind(
    key="villages",
    model=Village,
    zh="村",
    en="Villages",
    aliases=("行政村",),
    natural_key=("code",),
    columns=(
        Column(
            "township",
            "乡镇代码",
            "township code",
            parse_digits,
            True,
            _FMT_CODE_ZH,
            _FMT_CODE_EN + " (the township must exist)",
            "T-A",
        ),
        Column(
            "code", "村代码", "village code", parse_digits, True, _FMT_CODE_ZH, _FMT_CODE_EN, "V-A1"
        ),
        Column("name", "村名称", "village name", parse_text, True, "文本", "text", "东村", 16),
    ),
)

PEOPLE = Kind(
    key="people",
    model=Person,
    zh="人员",
    en="People",
    aliases=("人员信息", "Persons"),
    natural_key=("id_number",),
    columns=(
        Column(
            "village",
            "村代码",
            "village code",
            parse_digits,
            True,
            "文本，人员户籍所在村的代码",
            "text: code of the village the person is registered in",
            "V-A1",
        ),
        Column("name", "姓名", "name", parse_text, True, "文本", "text", "王五", 10),
        Column(
            "id_number",
            "身份证号",
            "ID number",
            parse_digits,
            True,
            _FMT_ID_ZH,
            _FMT_ID_EN,
            "11010519491231002X",
            22,
            aliases=_ID_ALIASES[:2],
        ),
        _choice("gender", "性别", "gender", GENDER, False, "女", 8),
        _date(
            "birth_date",
            "出生日期",
            "birth date",
            example="1949-12-31",
            note_zh="；可不填，按身份证号推算，填写时须与之一致",
            note_en="; may be left empty (taken from the ID number), must agree with it",
        ),
        _choice("education", "文化程度", "education", EDUCATION, False, "高中/中专"),
        Column(
            "phone", "联系电话", "phone", parse_digits, False, "文本", "text", "13800138000", 15
        ),
        Column(
            "email",
            "电子邮箱",
            "e-mail",
            parse_text,
            False,
            "电子邮箱地址",
            "an e-mail address",
            "wangwu@example.com",
            20,
        ),
        Column(
            "bank_name",
            "开户银行",
            "bank",
            parse_text,
            False,
            "文本；填写银行账号时必填",
            "text; needed when a bank account is given",
            "农村信用社",
            16,
        ),
        Column(
            "bank_account",
            "银行账号",
            "bank account",
            parse_digits,
            False,
            "文本格式的账号（空格会被去掉）",
            "account number as text (spaces are removed)",
            "6221000012345678",
            22,
        ),
        _date("died_on", "死亡日期", "date of death", example=""),
    ),
)

POSTS = Kind(
    key="posts",
    model=Post,
    zh="任职",
    en="Posts",
    aliases=("任职信息", "Tenures"),
    natural_key=("person", "village", "role", "start_date"),
    columns=(
        _person_column(),
        _name_check(),
        Column(
            "village",
            "村代码",
            "village code",
            parse_digits,
            True,
            _FMT_CODE_ZH,
            _FMT_CODE_EN,
            "V-A1",
        ),
        Column(
            "branch",
            "支部代码",
            "branch code",
            parse_digits,
            False,
            "文本；可不填，须为本乡镇的支部",
            "text; optional, a branch of the village's township",
            "B-A1",
        ),
        _choice("role", "职务", "role", ROLE, True, "支部书记"),
        _date("start_date", "任职开始日期", "start date", True, "2021-01-01"),
        _date(
            "end_date",
            "任职结束日期",
            "end date",
            example="",
            note_zh="；在任的不填",
            note_en="; empty while serving",
        ),
        _choice(
            "end_reason",
            "离任原因",
            "end reason",
            END_REASON,
            False,
            "",
        ),
    ),
)

MEMBERS = Kind(
    key="members",
    model=PartyMember,
    zh="党员",
    en="Members",
    aliases=("党员信息", "Party members"),
    natural_key=("person",),
    columns=(
        _person_column(),
        _name_check(),
        Column(
            "branch",
            "支部代码",
            "branch code",
            parse_digits,
            True,
            _FMT_CODE_ZH,
            _FMT_CODE_EN,
            "B-A1",
        ),
        _choice("stage", "发展阶段", "stage", STAGE, True, "正式党员"),
        _date("applied_on", "申请入党日期", "applied on", example="2010-03-01"),
        _date("activist_on", "积极分子日期", "activist since", example="2010-09-01"),
        _date("target_on", "发展对象日期", "development target since", example="2011-06-01"),
        _date("probationary_on", "预备党员日期", "probationary since", example="2011-07-01"),
        _date("full_on", "转正日期", "full member since", example="2012-07-01"),
        _choice("mobility", "流动状态", "mobility", MOBILITY, False, "在村"),
        _date(
            "away_since",
            "外出日期",
            "away since",
            example="",
            note_zh="；外出流动或关系转出时必填",
            note_en="; needed unless present",
        ),
        Column(
            "certificate_no",
            "流动党员活动证号",
            "certificate",
            parse_text,
            False,
            "文本",
            "text",
            "",
            18,
        ),
    ),
)

APPRAISALS = Kind(
    key="appraisals",
    model=PerformanceAppraisal,
    zh="考核",
    en="Appraisals",
    aliases=("绩效考核", "Performance appraisals"),
    natural_key=("person", "period_start"),
    columns=(
        _person_column(),
        _name_check(),
        _date("period_start", "考核期开始", "period start", True, "2025-01-01"),
        _date("period_end", "考核期结束", "period end", True, "2025-03-31"),
        _choice("grade", "考核等次", "grade", GRADE, True, "称职"),
    ),
)

ASSESSMENTS = Kind(
    key="assessments",
    model=AnnualAssessment,
    zh="年度考核",
    en="Assessments",
    aliases=("年度考核结果", "Annual assessments"),
    natural_key=("person", "year"),
    columns=(
        _person_column(),
        _name_check(),
        Column(
            "year", "年度", "year", parse_integer, True, "四位年份", "four-digit year", "2024", 8
        ),
        Column(
            "score",
            "得分",
            "score",
            parse_decimal,
            True,
            "0–100 的数，最多两位小数",
            "number 0–100, at most 2 decimals",
            "92.5",
            8,
        ),
        _choice("grade", "考核等次", "grade", GRADE, True, "优秀"),
    ),
)

# In the order they are validated and written: a row may refer to rows of earlier kinds.
KINDS: tuple[Kind, ...] = (VILLAGES, PEOPLE, POSTS, MEMBERS, APPRAISALS, ASSESSMENTS)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


def find_kind(name) -> Kind | None:
    """The kind a sheet name (or a ``--kind`` value) names, if any."""
    wanted = normalise_header(name)
    for kind in KINDS:
        if wanted in {normalise_header(n) for n in kind.names}:
            return kind
    return None
