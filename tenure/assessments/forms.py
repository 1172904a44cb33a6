"""The assessment pages' forms. They parse; the rules are the services' (whose refusals are put
back on the field they name)."""

from __future__ import annotations

from django import forms

from dispatch import roles
from tenure.assessments.models import Assessment, Grade
from tenure.assessments.services import KIND_CAPABILITY
from tenure.diary_forms import DateInput, PostingChoiceField

DATE_ERRORS = {"required": "请填写日期。", "invalid": "日期格式不对。"}


def kinds_for(user) -> list[tuple[str, str]]:
    """The kinds of assessment this user records (the township its 日常考核, the county the rest)."""
    return [(value, label) for value, label in Assessment.Kind.choices if roles.can(user, KIND_CAPABILITY[value])]


class _Attach:
    def attach(self, error) -> None:
        """A service's refusal on the field it names (or above the form)."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class PeriodForm(_Attach, forms.Form):
    """Whom, which kind, which period: read by GET to show the period's evidence."""

    posting = PostingChoiceField(
        label="第一书记", queryset=None, empty_label="请选择", error_messages={"invalid_choice": "请选择第一书记。"}
    )
    kind = forms.ChoiceField(label="考核类别", choices=())
    period_start = forms.DateField(label="考核期开始", widget=DateInput(), required=False, error_messages=DATE_ERRORS)
    period_end = forms.DateField(label="考核期结束", widget=DateInput(), required=False, error_messages=DATE_ERRORS)

    def __init__(self, *args, postings, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posting"].queryset = postings
        self.fields["kind"].choices = kinds


class AssessmentForm(PeriodForm):
    """The period chosen above (hidden), and the grade, comment and reason."""

    grade = forms.ChoiceField(label="等次", choices=[("", "不评等次"), *Grade.choices], required=False, widget=forms.RadioSelect)
    comment = forms.CharField(label="考核意见", widget=forms.Textarea(attrs={"rows": 6}), required=False)
    reason = forms.CharField(
        label="说明理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="优秀但巡查发现未说明缺勤、或在村不足2/3时必填。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("posting", "kind", "period_start", "period_end"):
            self.fields[name].widget = forms.HiddenInput()
        kind = self.data.get("kind") if self.is_bound else self.initial.get("kind")
        if kind != Assessment.Kind.DAILY:
            # Only the township's daily note may go without a grade.
            self.fields["grade"].choices = Grade.choices


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label="说明", required=False, max_length=500)


class EvaluationForm(_Attach, forms.Form):
    posting = PostingChoiceField(
        label="第一书记", queryset=None, empty_label="请选择", error_messages={"invalid_choice": "请选择第一书记。"}
    )
    date = forms.DateField(label="评议日期", widget=DateInput(), error_messages=DATE_ERRORS)
    participants = forms.IntegerField(label="参加人数", min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}))
    satisfied = forms.IntegerField(label="满意", min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}))
    basically_satisfied = forms.IntegerField(
        label="基本满意", min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})
    )
    dissatisfied = forms.IntegerField(label="不满意", min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}))
    note = forms.CharField(label="说明", required=False, max_length=200)

    def __init__(self, *args, postings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posting"].queryset = postings
        for name, label in (
            ("participants", "参加人数"),
            ("satisfied", "满意"),
            ("basically_satisfied", "基本满意"),
            ("dissatisfied", "不满意"),
        ):
            self.fields[name].error_messages.update(
                {"required": f"请填写{label}人数。", "invalid": f"{label}人数应为整数。", "min_value": f"{label}人数不能为负数。"}
            )
