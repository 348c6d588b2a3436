"""ID number validation (SPEC §2): check digit, birth date, area code, agreement with the
birth date entered."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cadres.validators import (
    birth_date_from_id,
    gender_from_id,
    make_id_number,
    validate_id_number,
)

VALID = make_id_number("110101", date(1968, 2, 29), 123)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        (VALID, None),
        ("11010519491231002X", None),  # a published sample number ending in X
        (VALID.lower(), None),
        (VALID[:-1] + ("0" if VALID[-1] != "0" else "1"), "checksum"),
        (VALID[:17], "length"),
        (VALID + "1", "length"),
        ("1101011968A229123" + VALID[-1], "format"),
        ("110101196802300019", "birth_date"),  # 30 February, check digit right
        (make_id_number("999999", date(1980, 1, 1), 1), "area"),
        (make_id_number("110101", date(2099, 1, 1), 1), "birth_date"),
    ],
)
def test_validate_id_number(number, code):
    if code is None:
        validate_id_number(number)
        return
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(number)
    assert excinfo.value.code == code


def test_old_area_code_is_accepted_for_people_born_before_it_existed():
    # 360426 (德安县) dates from 1983 in stdnum's table; IDs of people born earlier carry it.
    validate_id_number(make_id_number("360426", date(1950, 3, 1), 7))


def test_birth_date_and_gender_come_from_the_number():
    number = make_id_number("110101", date(1970, 7, 1), 11)  # 17th digit 1: male
    assert birth_date_from_id(number) == date(1970, 7, 1)
    assert gender_from_id(number) == "M"
    assert gender_from_id(make_id_number("110101", date(1970, 7, 1), 12)) == "F"
