"""Inspections (巡查, 交叉督查, 随机抽查, 明察暗访; notice §五): the one place that records them.

The county's organization department or the township committee records what it found: the
secretary in the village, or not. An absence found is an unexplained day unless approved leave or
an official absence covers it (tenure.presence works that out); a presence found is evidence of a
day in the village. Refused, with nothing written: a date in the future, outside the term, in a
month the township has confirmed (tenure.locks), a secretary outside the recorder's scope.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dispatch import roles
from dispatch.models import User
from secretaries.models import Posting
from tenure.locks import refuse_if_locked
from tenure.models import Inspection
from tenure.selectors import postings_in_office


def _day(date: datetime.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


@transaction.atomic
def inspection_record(
    *,
    posting: Posting,
    by: User,
    date: datetime.date,
    kind: str,
    inspectors: str,
    found_present: bool,
    remarks: str = "",
    at: datetime.datetime | None = None,
) -> Inspection:
    """Record one inspection of ``posting``'s secretary on ``date``. ``at`` dates the record
    (loading a past year's records, the demo's 2016); by default now."""
    roles.require(by, roles.INSPECTION_RECORD)
    # Locked like the diary's writes: a month's confirmation and this record cannot interleave.
    locked = postings_in_office(by).select_for_update(of=("self",)).filter(pk=posting.pk).first()
    if locked is None:
        raise Posting.DoesNotExist("没有这位在任的第一书记，或不在您的管辖范围内。")
    errors = {}
    if kind not in Inspection.Kind.values:
        errors["kind"] = "请选择检查方式（巡查、交叉督查、随机抽查或明察暗访）。"
    inspectors = (inspectors or "").strip()
    if not inspectors:
        errors["inspectors"] = "请填写检查人员。"
    if found_present is None:
        errors["found_present"] = "请选择检查时是否在岗。"
    if date is None:
        errors["date"] = "请填写检查日期。"
    elif date > timezone.localdate():
        errors["date"] = f"检查日期{_day(date)}晚于今天。"
    elif locked.start_date and date < locked.start_date:
        errors["date"] = f"检查日期{_day(date)}早于任职时间（到村时间）{_day(locked.start_date)}。"
    elif locked.end_date and date > locked.end_date:
        errors["date"] = f"检查日期{_day(date)}晚于任期届满日期{_day(locked.end_date)}。"
    if errors:
        raise ValidationError(errors)
    refuse_if_locked(locked, date, field="date")
    return Inspection.objects.create(
        posting=locked,
        date=date,
        kind=kind,
        inspectors=inspectors,
        found_present=bool(found_present),
        remarks=(remarks or "").strip(),
        recorded_by=by,
        recorded_at=at or timezone.now(),
    )
