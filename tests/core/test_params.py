import pytest
from django.http import Http404

from core.params import id_or_404, parse_code, parse_id, parse_ids


@pytest.mark.parametrize("text", ["²", "٣", "1²", "-1", "0", "1.5", " ", "", None, "9" * 20, str(2**63), "１２"])
def test_what_is_not_a_row_id(text):
    assert parse_id(text) is None


def test_row_ids():
    assert parse_id("42") == 42
    assert parse_id(" 7 ") == 7
    assert parse_id(str(2**63 - 1)) == 2**63 - 1
    assert parse_ids(["3", "²", "9" * 25, "4"]) == [3, 4]


def test_division_codes():
    assert parse_code("140929") == "140929"
    assert parse_code("140929100201") == "140929100201"
    assert parse_code("14092") is None
    assert parse_code("１４０９２９") is None
    assert parse_code("²") is None


def test_id_or_404():
    assert id_or_404("5") == 5
    with pytest.raises(Http404):
        id_or_404("²")
