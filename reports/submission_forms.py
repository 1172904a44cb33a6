"""The fields of the submission pages; the rules are reports.services'."""

from __future__ import annotations

from django import forms
from django.conf import settings


class CountySubmitForm(forms.Form):
    # The latest submission the page showed (0: none): a page opened before someone else acted
    # is refused instead of acting on what it did not show.
    seen_latest = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    note = forms.CharField(label="报送说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    # Required only when the page lists gaps in the ledger (``require_acknowledgement``); the
    # service checks the gaps again when it submits.
    acknowledge = forms.BooleanField(label="已知悉以上情况，仍然报送", required=False)

    def require_acknowledgement(self, gaps) -> None:
        if gaps.any:
            self.fields["acknowledge"].required = True
            self.fields["acknowledge"].error_messages["required"] = "本县台账尚不完整，请核对所列情况后勾选“已知悉以上情况，仍然报送”。"
        else:
            del self.fields["acknowledge"]


class CitySubmitForm(CountySubmitForm):
    field_order = ["seen_latest", "signer", "scan", "note"]
    acknowledge = None
    signer = forms.CharField(label="审核人（部长签字）", max_length=30, help_text="在纸质台账上签字的部长姓名")
    scan = forms.FileField(
        label="签字盖章扫描件",
        help_text=f"部长签字并加盖公章的纸质台账扫描件：PDF、JPEG 或 PNG，不超过 {settings.SUBMISSION_SCAN_MAX_BYTES // (1024 * 1024)} MB",
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )


class AcceptForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label="说明", required=False, max_length=500)


class ReturnForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="退回理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2, "placeholder": "必填，报送单位将看到"})
    )


class WithdrawForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="撤回理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2, "placeholder": "必填，上级组织部将看到"})
    )


DECISION_FORMS: dict[str, type[forms.Form]] = {"accept": AcceptForm, "return": ReturnForm}
