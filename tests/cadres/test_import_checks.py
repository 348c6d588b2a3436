"""The importer applies the models' own rules without a query per row: each check constraint's
condition evaluated in Python must agree with the database's verdict (``constraint.validate``,
which runs the condition in SQL) on every combination of values below. And the cell parsers,
as tables."""

import itertools
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from branches.models import Branch, PartyMember
from cadres.importer.checks import q_holds
from cadres.importer.columns import (
    EDUCATION,
    END_REASON,
    GENDER,
    GRADE,
    KINDS,
    MOBILITY,
    ROLE,
    STAGE,
    ParseError,
    find_kind,
    normalise_header,
    parse_date,
    parse_decimal,
    parse_digits,
    parse_integer,
)
from cadres.models import AnnualAssessment, PerformanceAppraisal, Person, Post

D1, D2, D3 = date(2020, 1, 1), date(2021, 6, 30), date(2022, 12, 31)
DATES = [None, D1, D2, D3]

# model → {field: values}; every combination is checked against every check constraint
GRID = {
    Person: {
        "birth_date": [D2],
        "died_on": DATES,
        "bank_account": ["", "6221"],
        "bank_name": ["", "农村信用社"],
    },
    Post: {
        "start_date": [D2],
        "end_date": DATES,
        "end_reason": ["", "retired"],
    },
    PerformanceAppraisal: {"period_start": [D2], "period_end": [D1, D2, D3]},
    AnnualAssessment: {
        "score": [Decimal("-0.01"), Decimal(0), Decimal("99.5"), Decimal(100), Decimal("100.01")]
    },  # fmt: skip
    PartyMember: {
        "mobility": ["present", "away", "transferred"],
        "away_since": [None, D1],
        "applied_on": [None, D2],
        "activist_on": [None, D1, D3],
        "full_on": [None, D2],
    },
    Branch: {"weak_lax": [False, True], "rectification_note": ["", "整改中"]},
}


def _cases():
    for model, grid in GRID.items():
        names = list(grid)
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.CheckConstraint):
                label = constraint.name.split("_", 1)[-1].replace("%(class)s_", "")
                for values in itertools.product(*(grid[n] for n in names)):
                    case = dict(zip(names, values, strict=True))
                    yield pytest.param(
                        model, constraint, case, id=f"{model.__name__}-{label}-{values}"
                    )


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "constraint", "values"), list(_cases()))
def test_python_evaluation_agrees_with_the_database(model, constraint, values):
    instance = model(**values)
    try:
        constraint.validate(model, instance)
        database_says = True
    except ValidationError:
        database_says = False
    assert q_holds(model, constraint.condition, instance) is database_says


def test_every_check_constraint_of_the_imported_models_is_evaluated_in_python():
    """No fallback to a query per row for the constraints that exist today."""
    for kind in KINDS:
        for constraint in kind.model._meta.constraints:
            if isinstance(constraint, models.CheckConstraint):
                q_holds(kind.model, constraint.condition, kind.model())  # no Unsupported


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2024, 1, 31), date(2024, 1, 31)),
        (datetime(2024, 1, 31, 0, 0), date(2024, 1, 31)),
        ("2024-01-31", date(2024, 1, 31)),
        ("2024/1/31", date(2024, 1, 31)),
        ("2024.01.31", date(2024, 1, 31)),
        ("2024年1月31日", date(2024, 1, 31)),
        ("2024-01-31 00:00:00", date(2024, 1, 31)),
        ("20240131", date(2024, 1, 31)),
        ("２０２４年１月３１日", date(2024, 1, 31)),  # full-width digits of a Chinese IME
        (20240131, date(2024, 1, 31)),
        (45322, date(2024, 1, 31)),  # an Excel serial number in a cell without a date format
        (45322.5, date(2024, 1, 31)),
        ("2024-02-30", ParseError),
        ("31/01/2024", ParseError),  # day first is ambiguous: refused
        ("yesterday", ParseError),
        (2024, ParseError),  # a year typed into a date cell is not 1905-07-16
    ],
)
def test_parse_date(value, expected):
    if expected is ParseError:
        with pytest.raises(ParseError):
            parse_date(value)
    else:
        assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11010519491231002X", "11010519491231002X"),
        (" 1101 0519 4912 3100 2X ", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        (13800138000, "13800138000"),
        (13800138000.0, "13800138000"),
        (110105194912310021, "110105194912310021"),  # an exact integer from a program
        (1.10105194912310e17, ParseError),  # a number Excel has rounded
        ("1.10105E+17", ParseError),  # and then saved to CSV
        (12.5, ParseError),
    ],
)
def test_parse_digits(value, expected):
    if expected is ParseError:
        with pytest.raises(ParseError):
            parse_digits(value)
    else:
        assert parse_digits(value) == expected


@pytest.mark.parametrize(
    ("parser", "value", "expected"),
    [
        (parse_decimal, 92.5, Decimal("92.5")),
        (parse_decimal, 85.55, Decimal("85.55")),
        (parse_decimal, "85", Decimal(85)),
        (parse_decimal, "八十", ParseError),
        (parse_decimal, "NaN", ParseError),
        (parse_integer, 2024, 2024),
        (parse_integer, 2024.0, 2024),
        (parse_integer, "2024", 2024),
        (parse_integer, "2024.5", ParseError),
        (parse_integer, "二〇二四", ParseError),
    ],
)
def test_parse_numbers(parser, value, expected):
    if expected is ParseError:
        with pytest.raises(ParseError):
            parser(value)
    else:
        assert parser(value) == expected


@pytest.mark.parametrize(
    ("parser", "value", "code"),
    [
        (ROLE, "支部书记", "secretary"),
        (ROLE, "党支部书记", "secretary"),
        (ROLE, "村委会主任", "director"),
        (ROLE, "Branch secretary", "secretary"),
        (ROLE, "DEPUTY_SECRETARY", "deputy_secretary"),
        (END_REASON, "任期届满", "term_ended"),
        (END_REASON, "违纪免职", "dismissed"),
        (GRADE, "优秀", "excellent"),
        (GRADE, "基本称职", "basic"),
        (GRADE, "不称职", "incompetent"),
        (GENDER, "女", "F"),
        (GENDER, "m", "M"),
        (EDUCATION, "大专", "college"),
        (EDUCATION, "硕士", "postgraduate"),
        (STAGE, "入党积极分子", "activist"),
        (MOBILITY, "外出流动", "away"),
    ],
)
def test_choices_accept_chinese_labels_english_labels_and_codes(parser, value, code):
    assert parser(value) == code


def test_every_choice_has_a_chinese_label_and_no_alias_is_ambiguous():
    for parser in (ROLE, END_REASON, GRADE, GENDER, EDUCATION, STAGE, MOBILITY):
        assert set(parser.chinese) == set(parser.choices.values)
        for code, labels in parser.chinese.items():
            for label in labels:
                assert parser(label) == code


def test_headers_and_sheet_names_match_loosely():
    assert normalise_header(" ID_number *") == normalise_header("id number")
    assert find_kind("人员") is find_kind("People") is find_kind("people")
    assert find_kind("Sheet1") is None
    people = find_kind("人员")
    assert people.column_for("身份证号码") is people.column_for("ID number")
