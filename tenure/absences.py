"""Official absences (公务外出): training, meetings called by the county or above, other
official business — recorded by the township or the county with the notice or order as the
reason. Such days are neither leave nor unexplained (tenure.presence)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format as d

from dispatch import roles
from secretaries.models import Posting
from tenure.locks import refuse_if_locked, refuse_outside_term
from tenure.models import OfficialAbsence
from tenure.presence import tenure_postings


@transaction.atomic
def absence_record(*, posting: Posting, by, kind: str, start_date: datetime.date, end_date: datetime.date, reason: str) -> OfficialAbsence:
    roles.require(by, roles.RECORD_OFFICIAL_ABSENCE)
    # Out of scope: Posting.DoesNotExist (404). The row lock queues two records for one posting.
    posting = tenure_postings(by).select_for_update(of=("self",)).get(pk=posting.pk)
    if not reason.strip():
        raise ValidationError({"reason": "请填写依据（通知或文件名称、文号）。"})
    refuse_outside_term(posting, start_date, end_date)
    other = OfficialAbsence.objects.filter(posting=posting, start_date__lte=end_date, end_date__gte=start_date).first()
    if other is not None:
        raise ValidationError(
            {"start_date": f"与已登记的公务外出（{other.get_kind_display()}，{d(other.start_date)}至{d(other.end_date)}）重叠。"}
        )
    refuse_if_locked(posting, start_date, end_date, field="start_date")
    return OfficialAbsence.objects.create(
        posting=posting, kind=kind, start_date=start_date, end_date=end_date, reason=reason.strip(), recorded_by=by
    )
