"""The forms of the 驻村工作组 pages. They parse; the rules (3–5 members, one team at a time,
the village's category and secretary) are tenure.teams.services', whose refusals are put back on
the field they name."""

from __future__ import annotations

from django import forms

from tenure.diary_forms import DateInput, DiaryForm
from tenure.teams.models import MAX_MEMBERS, TeamMember


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label, widget=DateInput(), error_messages={"required": f"请填写{label}。", "invalid": f"{label}格式不对。"}
    )


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, village) -> str:
        return f"{village.township.name}{village.name}"


class MemberForm(forms.Form):
    """One member: an untouched row of the team form is left out."""

    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写姓名。"})
    id_number = forms.CharField(label="身份证号", max_length=18, error_messages={"required": "请填写身份证号。"})
    unit_name = forms.CharField(label="工作单位", max_length=100, error_messages={"required": "请填写工作单位。"})
    level = forms.ChoiceField(
        label="单位层级", choices=[("", "请选择"), *TeamMember.Level.choices], error_messages={"required": "请选择单位层级。"}
    )
    phone = forms.CharField(label="联系电话（可选）", max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"}))


MemberFormSet = forms.formset_factory(MemberForm, extra=MAX_MEMBERS, max_num=MAX_MEMBERS)


class TeamForm(forms.Form):
    village = VillageChoiceField(
        label="重点难点村",
        queryset=None,
        to_field_name="code",
        empty_label="请选择",
        error_messages={"required": "请选择村。", "invalid_choice": "没有这个村，或不在您的管辖范围内。"},
    )
    formed_on = _date("组建日期")
    note = forms.CharField(label="说明（可选）", max_length=200, required=False, help_text="例如：县委组织部文件文号。")

    def __init__(self, *args, villages, eligible, **kwargs):
        super().__init__(*args, **kwargs)
        # Any village in scope is accepted, so that the service says why one cannot have a team
        # (not a 重点难点村, no secretary, a team already); the list offers the ones that can.
        field = self.fields["village"]
        field.queryset = villages
        field.widget.choices = [("", "请选择"), *((v.code, field.label_from_instance(v)) for v in eligible)]

    attach = DiaryForm.attach


class JoinForm(MemberForm):
    joined_on = _date("加入日期")

    attach = DiaryForm.attach


class LeaveForm(forms.Form):
    left_on = _date("离开日期")
    note = forms.CharField(label="原因（可选）", max_length=200, required=False)

    attach = DiaryForm.attach


class DissolveForm(forms.Form):
    on = _date("撤销日期")
    note = forms.CharField(label="撤销原因", max_length=200, error_messages={"required": "请填写撤销原因。"})

    attach = DiaryForm.attach
