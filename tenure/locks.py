"""A month the township has confirmed is locked: no evidence of that month (diary entries,
presence records, inspections, official absences, leave) may be added, changed or removed
until the month is reopened with a recorded reason. Every service that writes such evidence
asks here first."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from tenure.models import PresenceMonth


def locked_months(posting, start: datetime.date, end: datetime.date | None = None) -> list[tuple[int, int]]:
    """The confirmed (locked) months of this posting between start and end (inclusive)."""
    end = end or start
    months = PresenceMonth.objects.filter(posting=posting, state=PresenceMonth.State.CONFIRMED)
    first, last = (start.year, start.month), (end.year, end.month)
    return sorted((y, m) for y, m in months.values_list("year", "month") if first <= (y, m) <= last)


def refuse_if_locked(posting, start: datetime.date, end: datetime.date | None = None, field: str | None = None) -> None:
    """Raise a ValidationError naming the locked month(s) if any month in the range is confirmed."""
    locked = locked_months(posting, start, end)
    if locked:
        named = "、".join(f"{y}年{m}月" for y, m in locked)
        message = f"{named}的在岗情况已由乡镇党委确认并锁定；如需更正，请联系乡镇党委重新打开该月。"
        raise ValidationError({field: message} if field else message)


def refuse_outside_term(posting, start: datetime.date, end: datetime.date) -> None:
    """A period of leave or official absence lies in order within the posting's term."""
    from django.utils.formats import date_format

    if end < start:
        raise ValidationError({"end_date": "结束日期早于开始日期。"})
    if start < posting.start_date:
        raise ValidationError({"start_date": f"开始日期早于到村任职日期（{date_format(posting.start_date)}）。"})
    if posting.end_date and end > posting.end_date:
        raise ValidationError({"end_date": f"结束日期晚于任期届满日期（{date_format(posting.end_date)}）。"})
