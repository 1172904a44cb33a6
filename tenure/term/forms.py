"""The end-of-term pages' forms."""

from __future__ import annotations

from django import forms

from tenure.diary_forms import DateInput


class ExtensionConsentForm(forms.Form):
    new_end_date = forms.DateField(
        label="同意留任至", widget=DateInput(), error_messages={"required": "请填写同意留任至的日期。", "invalid": "日期格式不对。"}
    )
    note = forms.CharField(label="说明", required=False, max_length=500)

    def attach(self, error) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)
