"""Validation of Chinese resident ID numbers (SPEC §2) with python-stdnum.

``stdnum.cn.ric.validate`` also rejects an area code that was created after the holder's
birth year; real IDs of older people carry such codes (counties renamed or re-coded after
they were born, IDs issued later), so here the area code only has to be one that exists.
The check digit (ISO 7064 MOD 11-2) and the birth date come from stdnum.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError


def normalise_id_number(value: str) -> str:
    return ric.compact(value or "")


def _known_area(code: str) -> bool:
    parts = numdb.get("cn/loc").info(code)
    return any(props.get("county") for _part, props in parts)


def validate_id_number(value: str) -> None:
    """Length, digits, check digit, a real birth date not in the future and a known area."""
    number = normalise_id_number(value)
    if len(number) != 18:
        raise ValidationError(_("An ID number has 18 characters."), code="length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("An ID number has 17 digits and a final digit or X."), code="format"
        )
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(_("The ID number's check digit is wrong."), code="checksum")
    try:
        born = ric.get_birth_date(number)
    except StdnumError:
        raise ValidationError(_("The ID number's birth date is not a date."), code="birth_date")
    if born > date.today() or born.year < 1900:
        raise ValidationError(_("The ID number's birth date is not possible."), code="birth_date")
    if not _known_area(number[:6]):
        raise ValidationError(_("The ID number's area code is unknown."), code="area")


def birth_date_from_id(value: str) -> date:
    return ric.get_birth_date(normalise_id_number(value))


def gender_from_id(value: str) -> str:
    """The 17th digit is odd for men and even for women."""
    return "M" if int(normalise_id_number(value)[16]) % 2 else "F"


def make_id_number(area: str, birth: date, sequence: int) -> str:
    """A valid ID number (demo data and tests): area code, birth date, 3-digit sequence."""
    body = f"{area}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")
