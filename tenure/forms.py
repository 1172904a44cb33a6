"""Forms of the presence, leave and month pages. They parse; the services decide."""

from __future__ import annotations

import datetime

from django import forms

from tenure.models import LeaveRequest, OfficialAbsence

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LeaveAskForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=LeaveRequest.Kind.choices)
    start_date = forms.DateField(label="开始日期", widget=DATE)
    end_date = forms.DateField(label="结束日期", widget=DATE)
    reason = forms.CharField(label="事由", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label="意见（可选）", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LeaveCloseForm(forms.Form):
    returned_on = forms.DateField(label="实际返岗日期", widget=DATE)


class MonthForm(forms.Form):
    """?month=2016-10: the month a page shows."""

    month = forms.RegexField(
        label="月份", regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False, widget=forms.TextInput(attrs={"type": "month"})
    )

    def year_month(self, default: datetime.date) -> tuple[int, int]:
        value = self.cleaned_data.get("month") if self.is_valid() else None
        if value:
            year, month = value.split("-")
            return int(year), int(month)
        return default.year, default.month


class YearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2004, max_value=2100, required=False)


class MonthConfirmForm(forms.Form):
    posting = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(widget=forms.HiddenInput)
    month = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=12)


class AbsenceForm(forms.Form):
    posting = forms.ModelChoiceField(label="第一书记", queryset=None)
    kind = forms.ChoiceField(label="类别", choices=OfficialAbsence.Kind.choices)
    start_date = forms.DateField(label="开始日期", widget=DATE)
    end_date = forms.DateField(label="结束日期", widget=DATE)
    reason = forms.CharField(label="依据（通知或文件）", max_length=200)

    def __init__(self, *args, postings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posting"].queryset = postings
        self.fields["posting"].label_from_instance = lambda p: f"{p.cadre.name}（{p.village.name}）"
