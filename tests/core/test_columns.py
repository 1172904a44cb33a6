"""Import columns read their cells with one parser per kind, each with one error text that the
engine puts in the one format, "第N行 列名：问题"."""

import datetime

import pytest

from core.columns import DATE, FLAG, NAME, CellError, Choice, Code, Column, Text, WholeNumber
from core.importing import ChunkCheck, TwoStageImport
from dispatch.models import DispatchingUnit


@pytest.mark.parametrize("text", ["是", "√", "✓", "✔", "1", "Y", "y", "YES", "true", "T", "对"])
def test_a_flag_reads_yes(text):
    assert FLAG.parse(text) is True


@pytest.mark.parametrize("text", ["否", "0", "N", "no", "FALSE", "F", "×", "✗", "-", "—", "无"])
def test_a_flag_reads_no(text):
    assert FLAG.parse(text) is False


def test_a_blank_flag_is_no():
    assert Column("f", "涉农单位", parser=FLAG).parse("") is False


def test_a_flag_it_cannot_read_says_what_to_write():
    with pytest.raises(CellError, match=r"^无法识别“可能”，应填 是/否、√/空白、1/0 或 Y/N。$"):
        FLAG.parse("可能")


def test_a_choice_reads_a_model_s_choices_by_label_or_value_and_extra_words():
    kind = Choice.of(DispatchingUnit.Kind, words={"机关": DispatchingUnit.Kind.PARTY_GOVERNMENT})
    assert [kind.parse(t) for t in ("事业单位", "institution", "机关")] == ["institution", "institution", "party_government"]
    with pytest.raises(CellError, match=r"^无法识别“公司”，应填 党政机关、事业单位、国有企业、高等院校、人民团体。$"):
        kind.parse("公司")


def test_a_choice_with_a_default_takes_any_other_word():
    assert Choice({"党员": "member"}, default="other").parse("群众") == "other"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1980.05", (datetime.date(1980, 5, 1), False)),
        ("1980年5月17日", (datetime.date(1980, 5, 17), True)),
        ("29358", (datetime.date(1980, 5, 17), True)),
    ],
)
def test_a_date_reads_months_and_days(text, expected):
    assert DATE.parse_with_day(text) == expected
    assert DATE.parse(text) == expected[0]


@pytest.mark.parametrize(
    "text, message",
    [
        ("五月", "无法识别“五月”，应填年月，如 1980.05、1980-05、1980年5月 或 1980/5/17。"),
        ("1980.13", "“1980.13”不是有效日期。"),
        ("1850.01", "“1850.01”不在合理范围内。"),
    ],
)
def test_a_date_it_cannot_read(text, message):
    with pytest.raises(CellError) as e:
        DATE.parse(text)
    assert str(e.value) == message


def test_a_code_has_its_number_of_digits():
    assert Code(12).parse("140929100201") == "140929100201"
    for text in ("14092910020", "14092910020X", "１４０９２９１００２０１"):
        with pytest.raises(CellError, match=r"不是12位数字。$"):
            Code(12).parse(text)


@pytest.mark.parametrize(
    "text, message",
    [
        ("-1", "“-1”是负数，选派人数应为 0 或正整数。"),
        ("2.5", "“2.5”不是整数，选派人数应为整数。"),
        ("两", "“两”不是数字。"),
        ("40000", "“40000”过大。"),
    ],
)
def test_a_whole_number(text, message):
    assert WholeNumber("选派人数").parse("7") == 7
    with pytest.raises(CellError) as e:
        WholeNumber("选派人数").parse(text)
    assert str(e.value) == message


def test_text_has_a_length_limit_and_names_lose_their_spaces():
    assert Text(3).parse("三个字") == "三个字"
    with pytest.raises(CellError, match=r"^超过3个字。$"):
        Text(3).parse("四个字了")
    assert (Text().compact, NAME.compact, FLAG.compact) == (False, True, True)


class Flags(TwoStageImport):
    columns = [Column("name", "单位名称", parser=NAME), Column("flag", "涉农单位", parser=FLAG)]

    def check_chunk(self, rows, *, user):
        check = ChunkCheck()
        for row, record in rows:
            self.cell(record, "flag", row, check.errors)
        return check


def test_the_engine_reports_a_cell_s_problem_with_its_row_and_the_file_s_header():
    importer = Flags()
    importer.header = {"name": "单位", "flag": "是否涉农单位"}
    importer.column = {c.key: c for c in importer.columns}
    check = importer.check_chunk([(2, {"name": "甲", "flag": "是"}), (3, {"name": "乙", "flag": "大概"})], user=None)
    assert [str(e) for e in check.errors] == ["第3行 是否涉农单位：无法识别“大概”，应填 是/否、√/空白、1/0 或 Y/N。"]
