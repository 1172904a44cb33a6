"""The fields each pipeline action needs (secretaries.transitions names each transition's form);
the rules themselves are the transitions'. A form's cleaned data is what its rule takes."""

from __future__ import annotations

from django import forms

from secretaries.models import Cadre, Posting
from villages.models import Region, Village

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CountyChoiceField(forms.ModelChoiceField):
    """A county by its name; with ``quota_use`` ({county id: (quota, used)}, the unit's 附表2
    places), each county says how many of its places are used, so that the unit sees a full
    quota before it recommends."""

    quota_use: dict[int, tuple[int, int]] | None = None

    def label_from_instance(self, obj: Region) -> str:
        if self.quota_use and obj.pk in self.quota_use:
            quota, used = self.quota_use[obj.pk]
            full = "，已满" if used >= quota else ""
            return f"{obj.name}（名额 {quota}，已用 {used}{full}）"
        return obj.name


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", required=False, max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=500, widget=forms.TextInput(attrs={"placeholder": "必填"}))


class RecommendForm(forms.Form):
    meeting_date = forms.DateField(label="党委（党组）研究日期", widget=DATE)
    decision = forms.CharField(label="研究决定", max_length=200, initial="同意推荐")
    county = CountyChoiceField(
        label="拟派往县",
        queryset=Region.objects.none(),
        to_field_name="code",
        empty_label="请选择",
        error_messages={"invalid_choice": "只能选择本单位可以派往的县：省直单位为其名额所在县，市、县单位为本市、本县。"},
    )

    def __init__(self, *args, counties=None, quota_use=None, **kwargs):
        super().__init__(*args, **kwargs)
        if counties is not None:
            self.fields["county"].queryset = counties
        self.fields["county"].quota_use = quota_use


class TakeOfficeForm(forms.Form):
    start_date = forms.DateField(label="到村任职日期", widget=DATE)
    party_relation_transferred = forms.BooleanField(label="党组织关系已转入村", required=False)


class EndTermForm(forms.Form):
    end_date = forms.DateField(label="免职日期", widget=DATE)
    note = forms.CharField(label="说明", required=False, max_length=500)


class ExtendForm(forms.Form):
    new_end_date = forms.DateField(label="新的任期届满日期", widget=DATE)
    unit_consent = forms.BooleanField(label="派出单位同意", required=False)
    note = forms.CharField(label="说明", required=False, max_length=500)


class RecallForm(forms.Form):
    reason_code = forms.ChoiceField(label="召回原因", choices=[("", "请选择"), *Posting.RecallReason.choices])
    reason = forms.CharField(label="理由", max_length=500, widget=forms.TextInput(attrs={"placeholder": "必填"}))


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Village) -> str:
        marks = "、".join(m for m, on in (("建档立卡贫困村", obj.is_registered_poor), ("党组织软弱涣散村", obj.is_weak_organization)) if on)
        return f"{obj.name}（{obj.code}{'，' + marks if marks else ''}）"


class AssignForm(forms.Form):
    """The village by its code. The posting page lists the villages itself and lets the rule judge
    any village it is sent; the admin offers the county's uncovered target villages (``villages``)."""

    village = VillageChoiceField(
        label="村",
        queryset=Village.objects.select_related("county"),
        to_field_name="code",
        empty_label="请选择",
        error_messages={"invalid_choice": "没有这个村。", "required": "没有这个村。"},
    )
    reason = forms.CharField(label="派往非贫困村的理由", required=False, max_length=200)

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if villages is not None:
            self.fields["village"].queryset = villages


class ReassignForm(AssignForm):
    """改派: another village, the reason for moving the secretary and, for a provincial or city
    cadre going to a village that is not registered-poor, the reason for that village."""

    change_reason = forms.CharField(label="改派理由", max_length=200, widget=forms.TextInput(attrs={"placeholder": "必填"}))

    field_order = ["village", "change_reason", "reason"]

    def __init__(self, data=None, *args, villages=None, **kwargs):
        # The choices offered are the county's uncovered target villages; a submitted village is
        # judged by the assignment rule, which says why one is refused (already covered, another
        # county) where the choice field would only say it is not offered.
        super().__init__(data, *args, villages=None if data is not None else villages, **kwargs)
        self.fields["village"].label = "改派到村"


class BulkForm(forms.Form):
    """One action for the ticked postings; recommend also takes one meeting, decision and county."""

    action = forms.ChoiceField(label="批量操作", choices=[("", "请选择操作")])  # filled with the user's bulk actions
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[])  # filled from the scoped list
    meeting_date = forms.DateField(label="党委（党组）研究日期", required=False, widget=DATE)
    decision = forms.CharField(label="研究决定", required=False, max_length=200, initial="同意推荐")
    county = CountyChoiceField(
        label="拟派往县",
        required=False,
        to_field_name="code",
        empty_label="（推荐时选择）",
        queryset=Region.objects.of_deployment().filter(level=Region.Level.COUNTY).order_by("code"),
    )

    def __init__(self, *args, postings=None, actions=(), counties=None, quota_use=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "请选择操作"), *actions]
        if counties is not None:  # the counties the unit may name, each with its quota and use
            self.fields["county"].queryset = counties
        self.fields["county"].quota_use = quota_use
        if postings is not None:
            self.fields["ids"].choices = [(p, p) for p in postings.values_list("pk", flat=True)]
        self.fields["ids"].error_messages = {
            "required": "请先勾选要处理的人选。",
            "invalid_choice": "所选记录不存在或不在您的管辖范围内。",
        }

    def clean(self):
        data = super().clean()
        if data.get("action") == "recommend":
            for name in ("meeting_date", "decision", "county"):
                if not data.get(name):
                    self.add_error(name, "组织推荐须填写此项。")
        return data


def attach_refusal(form: forms.Form, refusal) -> None:
    """A service's refusal (TransitionRefused) on the submitted form: beside the field a reason
    names first ("免职日期不能早于任职日期"), otherwise above the form's fields."""
    for reason in refusal.reasons:
        field = next((name for name, f in form.fields.items() if f.label and reason.startswith(f.label)), None)
        form.add_error(field, reason)


def errors_text(form: forms.Form) -> str:
    """A form's errors as one Chinese line for a message: "理由：这个字段是必填项。"."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields and form.fields[name].label else ""
        parts.extend(f"{label}：{e}" if label else str(e) for e in errors)
    return "；".join(parts)


class ApplicantForm(forms.ModelForm):
    """One applicant (个人报名) typed in instead of a roster file: the roster's columns; sex and
    birth date come from the 身份证号 (Cadre.clean), the unit is the user's."""

    class Meta:
        model = Cadre
        fields = [
            "name",
            "id_number",
            "ethnicity",
            "education",
            "political_status",
            "party_join_date",
            "work_start_date",
            "position",
            "rank",
            "source",
            "phone",
            "is_27th_batch",
            "has_rural_experience",
            "has_agriculture_expertise",
            "is_township_cadre",
            "fit_for_duty",
        ]
        widgets = {"party_join_date": DATE, "work_start_date": DATE}
