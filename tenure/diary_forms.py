"""The forms of the 民情日记 and inspection pages. They parse; the rules are the services'
(tenure.diary, tenure.inspections), whose refusals are put back on the field they name."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from tenure.models import Duty, Inspection


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PostingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, posting) -> str:
        village = posting.village
        return f"{posting.cadre.name}（{village.township.name if village.township_id else ''}{village.name}）"


class DiaryForm(forms.Form):
    posting = PostingChoiceField(label="第一书记", queryset=None, empty_label="请选择", required=True)
    date = forms.DateField(label="日期", widget=DateInput(), error_messages={"required": "请填写日期。", "invalid": "日期格式不对。"})
    in_village = forms.BooleanField(label="当天在村", required=False, initial=True)
    duties = forms.MultipleChoiceField(label="涉及职责", choices=Duty.choices, widget=forms.CheckboxSelectMultiple, required=False)
    households_visited = forms.IntegerField(
        label="走访农户数",
        min_value=0,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        error_messages={"invalid": "走访农户数应为整数。", "min_value": "走访农户数不能为负数。"},
    )
    household_names = forms.CharField(
        label="走访农户（可选）", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="户主姓名，可不填。"
    )
    content = forms.CharField(label="工作内容", required=False, widget=forms.Textarea(attrs={"rows": 6}), help_text="长短不限。")
    seen_updated_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, postings, fixed_posting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posting"].queryset = postings
        if fixed_posting is not None:
            # The secretary writes his own diary: no choice to make.
            self.fields["posting"].widget = forms.HiddenInput()
            self.fields["posting"].initial = fixed_posting.pk

    def attach(self, error: ValidationError) -> None:
        """A service's refusal on the field it names (or above the form)."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class DiarySearchForm(forms.Form):
    q = forms.CharField(
        label="关键词", required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": "内容、农户、姓名、村名"})
    )
    posting = PostingChoiceField(label="第一书记", queryset=None, required=False, empty_label="全部")
    start = forms.DateField(label="起始日期", required=False, widget=DateInput(), error_messages={"invalid": "起始日期格式不对。"})
    end = forms.DateField(label="截止日期", required=False, widget=DateInput(), error_messages={"invalid": "截止日期格式不对。"})
    duty = forms.ChoiceField(label="职责", required=False, choices=[("", "全部"), *Duty.choices])
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), ("submitted", "已提交"), ("draft", "我的草稿")])

    # Above this many secretaries in scope (a city, the province) the page offers no drop-down of
    # them — thousands of options on every load — and the name goes in 关键词; ?posting= from a
    # secretary's page still narrows the list.
    MAX_CHOICES = 300

    def __init__(self, *args, postings, **kwargs):
        super().__init__(*args, **kwargs)
        if postings is None:
            del self.fields["posting"]
        else:
            self.fields["posting"].queryset = postings
            if postings.count() > self.MAX_CHOICES:
                self.fields["posting"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "截止日期早于起始日期。")
        return data


class InspectionForm(forms.Form):
    posting = PostingChoiceField(
        label="第一书记（村）", queryset=None, empty_label="请选择", error_messages={"required": "请选择被检查的第一书记。"}
    )
    date = forms.DateField(
        label="检查日期", widget=DateInput(), error_messages={"required": "请填写检查日期。", "invalid": "日期格式不对。"}
    )
    kind = forms.ChoiceField(label="检查方式", choices=Inspection.Kind.choices, error_messages={"required": "请选择检查方式。"})
    inspectors = forms.CharField(label="检查人员", max_length=200, error_messages={"required": "请填写检查人员。"})
    found_present = forms.TypedChoiceField(
        label="检查结果",
        choices=[("1", "在岗"), ("0", "不在岗")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择检查时是否在岗。"},
    )
    remarks = forms.CharField(label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, postings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posting"].queryset = postings

    attach = DiaryForm.attach
