import datetime

import pytest
from django.core.exceptions import ValidationError

from secretaries.idcard import InvalidIdNumber, make_id_number, parse_id_number
from secretaries.models import Cadre


def test_a_valid_number_gives_birth_date_and_sex():
    assert parse_id_number("11010519491231002X") == ("11010519491231002X", datetime.date(1949, 12, 31), "F")
    number = make_id_number("140929", datetime.date(1985, 3, 9), 7, "M")
    assert parse_id_number(number)[1:] == (datetime.date(1985, 3, 9), "M")


@pytest.mark.parametrize(
    "number, message",
    [
        ("110105194912310021", "校验码应为 X"),
        ("11010519491331002X", "不是有效日期"),
        ("1101051949123100", "应为18位"),
        ("11010519491231002Y", "应为18位"),
    ],
)
def test_bad_numbers_say_what_is_wrong(number, message):
    with pytest.raises(InvalidIdNumber, match=message):
        parse_id_number(number)


def test_entered_birth_date_and_sex_are_checked_against_the_number(provincial_unit):
    number = make_id_number("140105", datetime.date(1980, 1, 2), 3, "F")
    cadre = Cadre(
        name="王芳",
        id_number=number,
        sex="M",
        birth_date=datetime.date(1980, 1, 3),
        education="bachelor",
        political_status="member",
        work_start_date=datetime.date(2002, 7, 1),
        unit=provincial_unit,
        rank="section",
        source="young",
    )
    with pytest.raises(ValidationError) as e:
        cadre.full_clean()
    assert e.value.message_dict["sex"] == ["与身份证号不符：身份证号表明性别为女。"]
    assert e.value.message_dict["birth_date"] == ["与身份证号不符：身份证号中的出生日期是 1980年1月2日。"]
