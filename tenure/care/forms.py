"""The forms of the care and training pages. They parse; the rules are tenure.care.services',
whose refusals are put back on the field they name."""

from __future__ import annotations

from django import forms

from secretaries.models import Posting
from tenure.care.models import Training
from tenure.care.selectors import Lack
from tenure.diary_forms import DateInput, DiaryForm, PostingChoiceField


class _RecordForm(forms.Form):
    posting = PostingChoiceField(
        label="第一书记（村）", queryset=None, empty_label="请选择", error_messages={"required": "请选择第一书记。"}
    )

    def __init__(self, *args, postings, **kwargs):
        super().__init__(*args, **kwargs)
        # Any posting in office is accepted and the service's scope check answers for one outside
        # the user's scope (a 404, as everywhere); the list offers the user's own.
        field = self.fields["posting"]
        field.queryset = Posting.objects.filter(state=Posting.State.IN_OFFICE).select_related("cadre", "village__township")
        field.widget.choices = [("", "请选择"), *((p.pk, field.label_from_instance(p)) for p in postings)]

    attach = DiaryForm.attach


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DateInput(), error_messages={"required": f"请填写{label}。", "invalid": f"{label}格式不对。"}
    )


class TrainingForm(_RecordForm):
    kind = forms.ChoiceField(label="培训类别", choices=Training.Kind.choices, error_messages={"required": "请选择培训类别。"})
    title = forms.CharField(label="培训名称", max_length=200, error_messages={"required": "请填写培训名称。"})
    organiser = forms.CharField(label="主办单位", max_length=100, error_messages={"required": "请填写主办单位。"})
    start_date = _date("开始日期")
    end_date = _date("结束日期")
    hours = forms.DecimalField(
        label="学时",
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": "0.5"}),
        error_messages={
            "required": "请填写学时。",
            "invalid": "学时应为数字。",
            "max_digits": "学时过大。",
            "max_decimal_places": "学时最多一位小数。",
        },
    )


class HealthCheckForm(_RecordForm):
    year = forms.IntegerField(
        label="年度",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": "请填写年度。", "invalid": "年度应为四位数字。"},
    )
    done = forms.TypedChoiceField(
        label="体检情况",
        choices=[("1", "已体检"), ("0", "未体检")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择是否已体检。"},
    )
    date = _date("体检日期", required=False)
    note = forms.CharField(label="说明", max_length=200, required=False, help_text="未体检的，请说明原因。")


class InsuranceForm(_RecordForm):
    insurer = forms.CharField(label="保险公司", max_length=100, error_messages={"required": "请填写保险公司。"})
    policy_number = forms.CharField(label="保单号", max_length=64, error_messages={"required": "请填写保单号。"})
    start_date = _date("保险起期")
    end_date = _date("保险止期")
    sum_insured = forms.DecimalField(
        label="保险金额（元）",
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "min": 0}),
        error_messages={
            "required": "请填写保险金额。",
            "invalid": "保险金额应为数字。",
            "max_digits": "保险金额过大。",
            "max_decimal_places": "保险金额最多两位小数。",
        },
    )


class CareFilterForm(forms.Form):
    lack = forms.ChoiceField(label="显示", choices=Lack.CHOICES, required=False)
    day = forms.DateField(label="日期", required=False, widget=DateInput(), error_messages={"invalid": "日期格式不对。"})
    q = forms.CharField(label="姓名或村名", required=False, max_length=50, widget=forms.TextInput(attrs={"type": "search"}))
