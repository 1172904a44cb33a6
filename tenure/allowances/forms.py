"""Forms of the allowance pages and of the administrator's rates. They parse; the services
(tenure.allowances.services) decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from tenure.allowances import services
from tenure.allowances.models import AllowanceFloor, AllowanceRate
from tenure.forms import DATE, MonthForm


class PrepareForm(MonthForm):
    month = forms.RegexField(
        label="月份",
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"required": "请选择月份。", "invalid": "月份格式不对，应为“2016-03”。"},
    )


class PaidForm(forms.Form):
    paid_on = forms.DateField(label="发放日期", widget=DATE, error_messages={"required": "请填写发放日期。", "invalid": "日期格式不对。"})


class RateAdminForm(forms.ModelForm):
    """The administrator's add form: the service's rules (first of a month, the floor, one rate
    per start) shown on their fields before saving."""

    class Meta:
        model = AllowanceRate
        fields = ["campaign", "unit_level", "valid_from", "living_daily", "transport_daily", "communication_daily"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services.rate_check(**{name: data.get(name) for name in self.Meta.fields})
        except ValidationError as e:
            for name, errors in e.error_dict.items():
                self.add_error(name, errors)
        return data


class FloorAdminForm(forms.ModelForm):
    class Meta:
        model = AllowanceFloor
        fields = ["valid_from", "living_daily_min", "basis"]
