"""Bulk import of the registry (SPEC §2 "Bulk import"): a good file of every kind, CSV with and
without BOM, the template round trip, every kind of bad row (reported with its row number and
column, nothing written), re-import changes nothing, dry run, exit codes, a mid-write
database error."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from branches.models import PartyMember, Village
from cadres.importer import (
    KINDS,
    UnreadableFile,
    registry_import,
    write_template,
)
from cadres.models import AnnualAssessment, PerformanceAppraisal, Person, Post
from cadres.validators import make_id_number
from tests import factories as f
from tests.cadres.importfiles import (
    APPRAISAL_HEADERS,
    ID_SUN,
    ID_WANG,
    ID_ZHAO,
    PEOPLE_HEADERS,
    POST_HEADERS,
    VILLAGE_HEADERS,
    csv_bytes,
    good_sheets,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

MODELS = (Village, Person, Post, PartyMember, PerformanceAppraisal, AnnualAssessment)


@pytest.fixture(autouse=True)
def _english():
    """The reasons asserted below are the English source strings."""
    with translation.override("en"):
        yield


@pytest.fixture
def registry(world):
    """The world, with branch B-A1 of township A covering village A, and B-B1 of B."""
    branch_a = f.BranchFactory(township=world.town_a, code="B-A1", name="东村党支部")
    branch_a.villages.add(world.village_a)
    f.BranchFactory(township=world.town_b, code="B-B1", name="西村党支部")
    return world


def run(data: bytes, name: str = "registry.xlsx", *, user=None, **kwargs):
    return registry_import(user=user, source=io.BytesIO(data), name=name, **kwargs)


def snapshot() -> dict:
    """Every registry row's values, to show that nothing changed."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def errors_at(result, sheet, row, column) -> list[str]:
    return [e.reason for e in result.errors if (e.sheet, e.row, e.column) == (sheet, row, column)]


# --- good files -------------------------------------------------------------------------------


def test_good_xlsx_with_every_kind(registry):
    result = run(xlsx_bytes(good_sheets()))
    assert result.errors == []
    assert result.counts == {
        "villages": {"created": 1, "updated": 0, "unchanged": 1},
        "people": {"created": 3, "updated": 0, "unchanged": 0},
        "posts": {"created": 4, "updated": 0, "unchanged": 0},
        "members": {"created": 2, "updated": 0, "unchanged": 0},
        "appraisals": {"created": 2, "updated": 0, "unchanged": 0},
        "assessments": {"created": 2, "updated": 0, "unchanged": 0},
    }
    village = Village.objects.get(code="V-A2")
    assert (village.name, village.township) == ("南村", registry.town_a)

    wang = Person.objects.get(id_number=ID_WANG)
    # gender and birth date from the ID number; choices from their Chinese labels
    assert (wang.gender, wang.birth_date, wang.education) == ("M", date(1980, 5, 4), "senior")
    assert (wang.bank_name, wang.bank_account, wang.phone) == (
        "农村信用社",
        "6221000012345678",
        "13800138000",
    )
    zhao = Person.objects.get(id_number=ID_ZHAO)
    assert (zhao.gender, zhao.phone, zhao.education) == ("F", "13900139000", "bachelor")
    sun = Person.objects.get(id_number=ID_SUN)
    assert sun.bank_account == "62284800123456789"  # spaces removed
    assert sun.birth_date == date(1990, 1, 15)

    secretary = Post.objects.get(person=wang)
    assert (secretary.role, secretary.start_date, secretary.branch.code) == (
        "secretary",
        date(2021, 1, 1),
        "B-A1",
    )
    ended = Post.objects.get(person=sun, role="committee_member")
    assert (ended.end_date, ended.end_reason) == (date(2020, 12, 31), "term_ended")
    member = PartyMember.objects.get(person=zhao)
    assert (member.stage, member.mobility, member.away_since, member.certificate_no) == (
        "probationary",
        "away",
        date(2025, 1, 10),
        "LD-2025-001",
    )
    assert PartyMember.objects.get(person=wang).full_on == date(2007, 7, 1)
    assert PerformanceAppraisal.objects.get(person=wang).grade == "excellent"
    assert PerformanceAppraisal.objects.get(person=zhao).grade == "competent"
    assessment = AnnualAssessment.objects.get(person=wang, year=2024)
    assert (assessment.score, assessment.grade) == (Decimal("92.50"), "excellent")


def test_reimporting_the_same_file_changes_nothing(registry):
    data = xlsx_bytes(good_sheets())
    run(data)
    before = snapshot()
    again = run(data)
    assert again.errors == []
    assert again.total("created") == 0
    assert again.total("updated") == 0
    assert again.total("unchanged") == again.rows == 15
    assert snapshot() == before


def test_a_changed_value_updates_only_that_row(registry):
    run(xlsx_bytes(good_sheets()))
    sheets = good_sheets()
    sheets["任职"][1][6:8] = ["2024-12-31", "辞职"]  # Wang's tenure ends
    sheets["人员"][2][6] = "13700137000"  # Zhao's new phone
    result = run(xlsx_bytes(sheets))
    assert result.counts["posts"] == {"created": 0, "updated": 1, "unchanged": 3}
    assert result.counts["people"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert result.total("updated") == 2
    post = Post.objects.get(person__id_number=ID_WANG)
    assert (post.end_date, post.end_reason) == (date(2024, 12, 31), "resigned")
    assert Person.objects.get(id_number=ID_ZHAO).phone == "13700137000"


def test_a_file_may_end_a_tenure_and_record_the_successor(registry):
    """The database tenure is closed by the file and the new secretary starts the next day."""
    sec = registry.secretary_a
    rows = [
        POST_HEADERS,
        [sec.id_number, None, "V-A1", None, "支部书记", "2018-01-01", "2024-06-30", "任期届满"],
        [ID_WANG, None, "V-A1", None, "支部书记", "2024-07-01", None, None],
    ]
    people = [PEOPLE_HEADERS, ["V-A1", "王五", ID_WANG]]
    result = run(xlsx_bytes({"人员": people, "任职": rows}))
    assert result.errors == []
    assert result.counts["posts"] == {"created": 1, "updated": 1, "unchanged": 0}
    assert Post.objects.filter(village=registry.village_a, role="secretary").count() == 2


@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
def test_good_csv_with_and_without_bom(registry, bom):
    rows = [
        PEOPLE_HEADERS,
        ["V-A1", "王五", ID_WANG, "", "", "初中", "13800138000", "", "", ""],
        ["V-A1", "赵六", ID_ZHAO.lower(), "", "1985-09-30", "", "", "", "", ""],
    ]
    result = run(csv_bytes(rows, bom=bom), "people.csv")
    assert result.errors == []
    assert result.counts == {"people": {"created": 2, "updated": 0, "unchanged": 0}}
    assert Person.objects.get(id_number=ID_WANG).education == "junior"
    assert Person.objects.filter(id_number=ID_ZHAO).exists()  # x normalised to X


def test_csv_with_english_headers_and_codes(registry):
    rows = [
        ["ID number", "village code", "role", "start date", "end date", "end reason"],
        [registry.secretary_a.id_number, "V-A1", "deputy_secretary", "2010-01-01", "2012-12-31",
         "term_ended"],
    ]  # fmt: skip
    result = run(csv_bytes(rows), "posts.csv")
    assert result.errors == []
    assert result.counts == {"posts": {"created": 1, "updated": 0, "unchanged": 0}}


def test_csv_kind_is_told_by_headers_or_forced(registry):
    rows = [["身份证号", "考核等次"], [registry.secretary_a.id_number, "优秀"]]
    # these two columns could be appraisals or assessments: the file cannot tell
    result = run(csv_bytes(rows), "grades.csv")
    assert "Cannot tell" in result.errors[0].reason
    forced = run(csv_bytes(rows), "grades.csv", kind="appraisals")
    assert errors_at(forced, "grades.csv", 1, "考核期开始") == [
        "This column is required but missing."
    ]


def test_title_rows_above_the_header_are_skipped(registry):
    sheets = {"人员": [["甲镇村干部花名册"], [], PEOPLE_HEADERS, ["V-A1", "王五", ID_WANG]]}
    result = run(xlsx_bytes(sheets))
    assert result.errors == []
    assert Person.objects.filter(id_number=ID_WANG).exists()


def test_excel_dates_and_serial_numbers(registry):
    rows = [
        APPRAISAL_HEADERS,
        [registry.secretary_a.id_number, date(2025, 1, 1), 45688, "优秀"],  # 45688 = 2025-01-31
        [registry.secretary_a.id_number, "2025年2月1日", "20250228", "称职"],
    ]
    result = run(xlsx_bytes({"考核": rows}))
    assert result.errors == []
    periods = PerformanceAppraisal.objects.order_by("period_start").values_list(
        "period_start", "period_end"
    )
    assert list(periods) == [
        (date(2025, 1, 1), date(2025, 1, 31)),
        (date(2025, 2, 1), date(2025, 2, 28)),
    ]


# --- the template -----------------------------------------------------------------------------


def test_template_has_every_kind_with_chinese_headers_and_instructions(tmp_path):
    path = tmp_path / "template.xlsx"
    call_command("import_registry", template=str(path), stdout=io.StringIO())
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [k.zh for k in KINDS] + ["说明"]
    for kind in KINDS:
        sheet = workbook[kind.zh]
        assert [c.value for c in sheet[1]] == [c.zh for c in kind.columns]
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == 1  # blank
        lists = {v.formula1 for v in sheet.data_validations.dataValidation}
        assert len(lists) == sum(1 for c in kind.columns if c.choices)
    post_lists = {v.formula1 for v in workbook["任职"].data_validations.dataValidation}
    assert '"支部书记,支部副书记,支部委员,村委会主任,村委会委员"' in post_lists
    assert workbook["人员"].column_dimensions["C"].number_format == "@"  # ID number as text
    described = {
        (row[1].value, row[2].value) for row in workbook["说明"].iter_rows() if row[1].value
    }
    for kind in KINDS:
        for column in kind.columns:
            assert (column.zh, column.en) in described


def test_template_round_trip(registry, tmp_path):
    """The user fills the template in (ID numbers typed into its text-formatted column) and
    the file imports as it is."""
    path = tmp_path / "template.xlsx"
    write_template(path)
    workbook = openpyxl.load_workbook(path)
    for name, rows in good_sheets().items():
        for values in rows[1:]:
            sheet = workbook[name]
            headers = [c.value for c in sheet[1]]
            given = dict(zip(rows[0], values, strict=True))
            sheet.append([given.get(h) for h in headers])
    workbook.save(path)
    result = run(path.read_bytes(), "filled.xlsx")
    assert result.errors == []
    assert result.total("created") == 14


# --- bad rows -------------------------------------------------------------------------------


def _people(*rows):
    return {"人员": [PEOPLE_HEADERS, ["V-A1", "王五", ID_WANG], *rows]}


def _posts(*rows):
    return {"任职": [POST_HEADERS, *rows]}


BAD_ID = ID_SUN[:-1] + ("0" if ID_SUN[-1] != "0" else "1")

# (case id, sheets, sheet, row, column, reason fragment, user attribute of `world` or None)
BAD_CASES = [
    (
        "bad-id-check-digit",
        _people(["V-A1", "孙七", BAD_ID]),
        "人员", 3, "身份证号", "check digit", None,
    ),
    (
        "birth-date-disagrees-with-id",
        _people(["V-A1", "孙七", ID_SUN, None, "1990-01-16"]),
        "人员", 3, "出生日期", "does not agree with the ID number", None,
    ),
    (
        "unknown-township",
        {"村": [VILLAGE_HEADERS, ["T-A", "V-A9", "北村"], ["T-Z", "V-Z1", "无村"]]},
        "村", 3, "乡镇代码", "Unknown township code", None,
    ),
    (
        "unknown-village",
        _people(["V-Z9", "孙七", ID_SUN]),
        "人员", 3, "村代码", "Unknown village code", None,
    ),
    (
        "unknown-branch",
        {"党员": [["身份证号", "支部代码", "发展阶段"], [ID_WANG, "B-Z9", "正式党员"]],
         **_people()},
        "党员", 2, "支部代码", "Unknown branch code", None,
    ),
    (
        "unknown-choice",
        {**_people(), **_posts([ID_WANG, None, "V-A1", None, "村长", "2021-01-01"])},
        "任职", 2, "职务", "is not one of", None,
    ),
    (
        "bad-date",
        {**_people(), **_posts([ID_WANG, None, "V-A1", None, "支部委员", "2021-02-30"])},
        "任职", 2, "任职开始日期", "does not exist", None,
    ),
    (
        "not-a-date",
        {**_people(), **_posts([ID_WANG, None, "V-A1", None, "支部委员", "last spring"])},
        "任职", 2, "任职开始日期", "Not a date", None,
    ),
    (
        "end-before-start",
        {**_people(), **_posts(
            [ID_WANG, None, "V-A1", None, "支部委员", "2021-01-01", "2020-12-31", "辞职"])},
        "任职", 2, "任职结束日期", "cannot end before it starts", None,
    ),
    (
        "end-reason-without-end",
        {**_people(),
         **_posts([ID_WANG, None, "V-A1", None, "支部委员", "2021-01-01", None, "辞职"])},
        "任职", 2, "任职结束日期", "needs an end reason, and only such a post", None,
    ),
    (
        "duplicate-key-in-file",
        _people(["V-A1", "王五", ID_WANG.lower()]),
        "人员", 3, "身份证号", "Repeats 人员 row 2", None,
    ),
    (
        "overlapping-secretary-in-file",
        {"人员": [PEOPLE_HEADERS, ["V-A2", "王五", ID_WANG], ["V-A2", "赵六", ID_ZHAO]],
         "村": [VILLAGE_HEADERS, ["T-A", "V-A2", "南村"]],
         **_posts([ID_WANG, None, "V-A2", None, "支部书记", "2021-01-01", "2023-12-31", "辞职"],
                  [ID_ZHAO, None, "V-A2", None, "支部书记", "2023-12-31"])},
        "任职", 3, "任职开始日期", "already has a branch secretary", None,
    ),
    (
        "overlapping-secretary-with-database",
        {**_people(), **_posts([ID_WANG, None, "V-A1", None, "支部书记", "2024-01-01"])},
        "任职", 2, "任职开始日期", "already has a branch secretary", None,
    ),
    (
        "overlapping-director-with-database",
        {**_people(),
         **_posts([ID_WANG, None, "V-A1", None, "村委会主任", "2024-01-01", "2024-12-31",
                   "任期届满"])},
        "任职", 2, "任职开始日期", None, "director",
    ),
    (
        "missing-required-column",
        {"人员": [["村代码", "姓名"], ["V-A1", "王五"]]},
        "人员", 1, "身份证号", "This column is required but missing", None,
    ),
    (
        "missing-required-value",
        _people(["V-A1", None, ID_SUN]),
        "人员", 3, "姓名", "A value is required", None,
    ),
    (
        "row-outside-the-users-township",
        _people(["V-B1", "孙七", ID_SUN]),
        "人员", 3, "村代码", "outside your township", "staff_a",
    ),
    (
        "person-of-another-township",
        {"考核": [APPRAISAL_HEADERS, [ID_WANG, "2025-01-01", "2025-01-31", "优秀"]]},
        "考核", 2, "身份证号", "registered outside your township", "staff_b:wang",
    ),
    (
        "name-does-not-match-the-id",
        {**_people(), **_posts([ID_WANG, "王六", "V-A1", None, "支部委员", "2021-01-01"])},
        "任职", 2, "姓名", "is named “王五”", None,
    ),
    (
        "refers-to-a-bad-row",
        {"人员": [PEOPLE_HEADERS, ["V-A1", None, ID_WANG]],
         **_posts([ID_WANG, None, "V-A1", None, "支部委员", "2021-01-01"])},
        "任职", 2, "身份证号", "refers to 人员 row 2, which has errors", None,
    ),
    (
        "id-number-rounded-by-excel",
        {"人员": [PEOPLE_HEADERS, ["V-A1", "王五", 1.10101198005040e17]]},
        "人员", 2, "身份证号", "lost its last digits", None,
    ),
    (
        "score-above-100",
        {**_people(),
         "年度考核": [["身份证号", "年度", "得分", "考核等次"], [ID_WANG, 2024, 101, "优秀"]]},
        "年度考核", 2, "得分", "100", None,
    ),
    (
        "away-without-date",
        {**_people(), "党员": [["身份证号", "支部代码", "发展阶段", "流动状态"],
                               [ID_WANG, "B-A1", "正式党员", "外出流动"]]},
        "党员", 2, "流动状态", "needs the date they left", None,
    ),
    (
        "account-without-bank",
        {"人员": [PEOPLE_HEADERS, ["V-A1", "王五", ID_WANG, *[None] * 5, "6221000012345678"]]},
        "人员", 2, "银行账号", "needs the bank's name", None,
    ),
    (
        "unknown-column",
        {"人员": [PEOPLE_HEADERS + ["备注x"], ["V-A1", "王五", ID_WANG]]},
        "人员", 1, "备注x", "Unknown column", None,
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("sheets", "sheet", "row", "column", "reason", "who"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_CASES],
)
def test_a_bad_row_is_reported_and_nothing_is_written(
    registry, sheets, sheet, row, column, reason, who
):
    user = None
    if who == "staff_a":
        user = registry.staff_a
    elif who == "staff_b:wang":
        f.PersonFactory(village=registry.village_a, id_number=ID_WANG, name="王五")
        user = registry.staff_b
    elif who == "director":
        f.PostFactory(person=f.PersonFactory(village=registry.village_a), role="director")
        reason = "already has a committee director"
    before = snapshot()
    result = run(xlsx_bytes(sheets), user=user)
    assert not result.ok
    found = errors_at(result, sheet, row, column)
    assert found, [str(e) for e in result.errors]
    assert any(reason in r for r in found), found
    assert result.counts == {}
    assert snapshot() == before


def test_every_bad_row_is_reported_at_once(registry):
    sheets = {
        "人员": [
            PEOPLE_HEADERS,
            ["V-A1", "王五", BAD_ID],
            ["V-Z9", "赵六", ID_ZHAO, "X"],
            ["V-A1", None, ID_SUN, None, "1990-13-01"],
        ],
    }
    result = run(xlsx_bytes(sheets))
    where = sorted((e.row, e.column) for e in result.errors)
    assert where == [
        (2, "身份证号"),
        (3, "性别"),
        (3, "村代码"),
        (4, "出生日期"),
        (4, "姓名"),
    ]
    assert result.bad_rows == 3
    assert not Person.objects.filter(name__in=["王五", "赵六"]).exists()


def test_bad_encoding_is_an_unreadable_file(registry):
    data = csv_bytes([PEOPLE_HEADERS, ["V-A1", "王五", ID_WANG]], bom=False, encoding="gbk")
    before = snapshot()
    with pytest.raises(UnreadableFile, match="not UTF-8"):
        run(data, "people.csv")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel"),
        (b"PK\x03\x04broken", "damaged"),
        (b"\x89PNG\r\n\x1a\n\0\0\0", "neither"),
    ],
    ids=["xls", "broken-zip", "png"],
)
def test_files_that_are_not_xlsx_or_csv(registry, data, message):
    with pytest.raises(UnreadableFile, match=message):
        run(data, "registry.xlsx")


def test_an_empty_file_imports_nothing(registry):
    result = run(csv_bytes([PEOPLE_HEADERS]), "people.csv")
    assert "no rows" in result.errors[0].reason


def test_a_mid_write_database_error_rolls_everything_back(registry, monkeypatch):
    """Villages, people, posts and members are written, then the database refuses the
    appraisals: the whole import is rolled back and the refusal is reported."""

    def refuse(*args, **kwargs):
        raise IntegrityError(
            "duplicate key value violates unique constraint "
            '"cadres_performanceappraisal_one_per_period"'
        )

    monkeypatch.setattr(PerformanceAppraisal.objects, "bulk_create", refuse)
    before = snapshot()
    result = run(xlsx_bytes(good_sheets()))
    assert not result.ok
    assert "already has an appraisal for the period" in result.errors[0].reason
    assert result.counts == {}
    assert snapshot() == before


def test_a_real_database_refusal_rolls_everything_back(registry, monkeypatch):
    """Someone registers Wang between the check and the write: the database's unique index
    refuses the import's insert, and nothing of the file is kept."""
    from cadres.importer import service

    real_write = service.write

    def write_after_a_concurrent_registration(*args, **kwargs):
        f.PersonFactory(village=registry.village_a, id_number=ID_WANG, name="王五")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(service, "write", write_after_a_concurrent_registration)
    result = run(xlsx_bytes(good_sheets()))
    assert not result.ok
    assert "The database refused the import" in result.errors[0].reason
    assert not Village.objects.filter(code="V-A2").exists()
    assert list(Person.objects.filter(village__code="V-A2")) == []
    assert Person.objects.filter(id_number=ID_WANG).count() == 1  # the other registration
    assert not Post.objects.filter(person__id_number=ID_WANG).exists()


# --- dry run, scope, the command ------------------------------------------------------------------


def test_dry_run_counts_and_writes_nothing(registry):
    before = snapshot()
    result = run(xlsx_bytes(good_sheets()), dry_run=True)
    assert result.ok
    assert result.total("created") == 14
    assert snapshot() == before


def test_township_staff_import_within_their_township(registry):
    result = run(xlsx_bytes(good_sheets()), user=registry.staff_a)
    assert result.ok, [str(e) for e in result.errors]
    assert Person.objects.filter(village__code="V-A2").count() == 3


def test_a_village_of_another_township_is_refused_not_skipped(registry):
    sheets = {"村": [VILLAGE_HEADERS, ["T-B", "V-B9", "新村"], ["T-A", "V-B1", "改名"]]}
    result = run(xlsx_bytes(sheets), user=registry.staff_a)
    assert errors_at(result, "村", 2, "乡镇代码") == ["This township is outside your township."]
    assert errors_at(result, "村", 3, "村代码") == ["This village is outside your township."]
    assert Village.objects.get(code="V-B1").name == "西村"


def test_roles_that_may_not_change_the_registry_import_nothing(registry):
    result = run(xlsx_bytes(_people()), user=registry.finance)
    assert "may not change" in result.errors[0].reason
    assert not Person.objects.filter(id_number=ID_WANG).exists()


def test_command_exit_codes_and_output(registry, tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx_bytes(good_sheets()))
    out = io.StringIO()
    call_command("import_registry", str(good), "--dry-run", stdout=out)
    assert "人员 (people): 3 created, 0 updated, 0 unchanged" in out.getvalue()
    assert "nothing was written" in out.getvalue()
    assert not Person.objects.filter(id_number=ID_WANG).exists()

    out = io.StringIO()
    call_command("import_registry", str(good), "--user", "staff_a", stdout=out)
    assert "任职 (posts): 4 created" in out.getvalue()

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_bytes(_people(["V-A1", "孙七", BAD_ID])))
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_registry", str(bad), stderr=err)
    assert exc.value.returncode == 1
    assert "人员 row 3, column 身份证号: The ID number's check digit is wrong." in err.getvalue()

    gbk = tmp_path / "people.csv"
    gbk.write_bytes(csv_bytes([PEOPLE_HEADERS], bom=False, encoding="gbk"))
    for args in ([str(gbk)], [str(tmp_path / "missing.xlsx")], [str(good), "--user", "nobody"]):
        with pytest.raises(CommandError) as exc:
            call_command("import_registry", *args)
        assert exc.value.returncode == 2


def test_command_exits_with_the_code_from_the_shell(registry, tmp_path):
    from django.core.management import execute_from_command_line

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([PEOPLE_HEADERS, ["V-A1", "孙七", BAD_ID]]))
    with pytest.raises(SystemExit) as exc:
        execute_from_command_line(["manage.py", "import_registry", str(bad)])
    assert exc.value.code == 1


# --- it stays fast ----------------------------------------------------------------------------


def _many(n: int, offset: int = 0) -> bytes:
    people = [PEOPLE_HEADERS]
    posts = [POST_HEADERS]
    for i in range(n):
        number = make_id_number("110101", date(1970, 1, 1), offset + i)
        people.append(["V-A1", f"人{i}", number])
        posts.append([number, None, "V-A1", None, "支部委员", "2021-01-01"])
    return xlsx_bytes({"人员": people, "任职": posts})


def test_the_number_of_queries_does_not_grow_with_the_rows(registry):
    """The rows a file refers to are read in the same few queries whatever its length; the
    writes are batches (SQLite's parameter limit cuts them smaller), not one per row."""
    from django.db import connection

    def reads(context):
        return [q for q in context.captured_queries if q["sql"].startswith("SELECT")]

    with CaptureQueriesContext(connection) as small:
        assert run(_many(5)).ok
    with CaptureQueriesContext(connection) as large:
        assert run(_many(150, offset=500)).ok  # 300 rows
    assert len(reads(large)) == len(reads(small))
    assert len(large.captured_queries) <= 15


def test_the_docs_describe_every_column():
    from django.conf import settings

    text = (settings.BASE_DIR / "docs" / "import.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"### {kind.zh} · {kind.en}" in text
        for column in kind.columns:
            assert f"| {column.zh} | {column.en} |" in text, column.zh


def test_a_wrong_dimension_tag_neither_cuts_rows_nor_hides_a_large_file(registry):
    """Some programs write a wrong <dimension> into a sheet: every row is still read, and
    the row count that picks the background task is not fooled into "small"."""
    import re
    import zipfile

    from cadres.importer import count_data_rows
    from tests.cadres.importfiles import people_file

    original = io.BytesIO(people_file(250))
    patched = io.BytesIO()
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:C2"', data)
            target.writestr(item, data)
    data = patched.getvalue()
    assert b'<dimension ref="A1:C2"' in zipfile.ZipFile(io.BytesIO(data)).read(
        "xl/worksheets/sheet1.xml"
    )
    assert count_data_rows(io.BytesIO(data), exact_below=200) == 250
    result = run(data)
    assert result.counts == {"people": {"created": 250, "updated": 0, "unchanged": 0}}


def test_sheets_with_other_names_are_told_by_their_headers(registry):
    sheets = {
        "Sheet1": [PEOPLE_HEADERS, ["V-A1", "王五", ID_WANG]],
        "Sheet2": [],  # empty: ignored
        "Sheet3": [["备注"], ["这是一张说明"]],
    }
    result = run(xlsx_bytes(sheets))
    assert [(e.sheet, e.row) for e in result.errors] == [("Sheet3", None)]
    assert "Cannot tell what this sheet holds" in result.errors[0].reason
    del sheets["Sheet3"]
    assert run(xlsx_bytes(sheets)).counts == {
        "people": {"created": 1, "updated": 0, "unchanged": 0}
    }
