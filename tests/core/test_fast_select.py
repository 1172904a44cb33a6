"""core.forms.FastSelect writes the same <select> as Django's Select, without a template per option."""

import re

import pytest
from django import forms

from core.forms import FastSelect, fast_selects

CHOICES = [
    ("", "全部"),
    ("省直单位", [(1, "省委办公厅"), (2, 'A&B "单位" <x>')]),
    ("市直单位", [(3, "太原市委组织部")]),
    (4, "其他"),
]


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", ["", "2", ["2", "4"], None])
@pytest.mark.parametrize("multiple", [False, True])
def test_fast_select_writes_what_djangos_select_writes(value, multiple):
    attrs = {"id": "id_unit", "required": True, "disabled": False, "data-testid": "unit"}
    plain = (forms.SelectMultiple if multiple else forms.Select)(attrs=attrs, choices=CHOICES)
    fast = FastSelect(attrs=attrs, choices=CHOICES)
    fast.allow_multiple_selected = multiple
    expected = squeeze(plain.render("unit", value))
    assert squeeze(fast.render("unit", value)) == expected
    assert "A&amp;B &quot;单位&quot; &lt;x&gt;" in expected  # labels are escaped by both


def test_fast_selects_swaps_only_plain_selects():
    class Form(forms.Form):
        unit = forms.ChoiceField(choices=CHOICES)
        many = forms.MultipleChoiceField(choices=CHOICES)
        radio = forms.ChoiceField(choices=[("a", "甲")], widget=forms.RadioSelect)
        name = forms.CharField()

    form = fast_selects(type("F", (Form,), {}))(data={"unit": "3"})
    assert type(form.fields["unit"].widget) is FastSelect
    assert type(form.fields["many"].widget) is forms.SelectMultiple
    assert type(form.fields["radio"].widget) is forms.RadioSelect
    assert '<option value="3" selected>太原市委组织部</option>' in str(form["unit"])
