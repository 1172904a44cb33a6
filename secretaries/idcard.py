"""公民身份证号 (GB 11643-1999): 17 digits and a check character; birth date and sex inside."""

from __future__ import annotations

import datetime
import re

from django.utils.formats import date_format

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")


class InvalidIdNumber(ValueError):
    """The message says what is wrong, in Chinese."""


def check_character(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def parse_id_number(value: str) -> tuple[str, datetime.date, str]:
    """(normalised number, birth date, "M" or "F"), or InvalidIdNumber."""
    number = (value or "").strip().upper()
    if not _SHAPE.match(number):
        raise InvalidIdNumber("应为18位：17位数字加1位校验码（数字或X）。")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber(f"第7至14位的出生日期 {number[6:14]} 不是有效日期。") from None
    if check_character(number[:17]) != number[17]:
        raise InvalidIdNumber(f"校验码应为 {check_character(number[:17])}，号码可能有误。")
    return number, birth, "M" if int(number[16]) % 2 else "F"


def mismatches(number: str, *, sex: str | None = None, birth: datetime.date | None = None, birth_has_day: bool = True) -> dict[str, str]:
    """What a given sex and birth date contradict in a valid ``number``: {"sex"|"birth_date":
    message}. ``birth_has_day`` False compares the year and month only (a roster's 1980.05)."""
    _, born, born_sex = parse_id_number(number)
    errors = {}
    if sex and sex != born_sex:
        errors["sex"] = f"与身份证号不符：身份证号表明性别为{'男' if born_sex == 'M' else '女'}。"
    if birth and ((birth.year, birth.month) != (born.year, born.month) or birth_has_day and birth != born):
        shown = date_format(born, "DATE_FORMAT" if birth_has_day else "YEAR_MONTH_FORMAT")
        errors["birth_date"] = f"与身份证号不符：身份证号中的出生日期是 {shown}。"
    return errors


def make_id_number(region_code: str, birth: datetime.date, serial: int, sex: str) -> str:
    """A valid number (demo data and tests): region 6 digits, birth date, a 3-digit serial whose
    parity gives the sex, and the check character."""
    serial = serial % 500 * 2 + (1 if sex == "M" else 0)
    first17 = f"{region_code[:6]}{birth:%Y%m%d}{serial:03d}"
    return first17 + check_character(first17)
