"""Forms of the 述职 pages. They parse; the services (tenure.workreports.services) decide."""

from __future__ import annotations

from django import forms

from tenure.forms import DATE


class ReportForm(forms.Form):
    achievements = forms.CharField(
        label="主要工作和成效",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "请填写主要工作和成效。"},
    )
    problems = forms.CharField(label="存在的问题", max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    plans = forms.CharField(label="下步打算", max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def attach(self, error) -> None:
        """A service's refusal onto the field it names (or the form)."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class HearingForm(forms.Form):
    heard_on = forms.DateField(label="听取日期", widget=DATE, error_messages={"required": "请填写听取日期。", "invalid": "日期格式不对。"})
    listeners = forms.CharField(label="听取人", max_length=200, error_messages={"required": "请填写听取人。"})
    remarks = forms.CharField(label="意见", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    attach = ReportForm.attach
