"""The township's monthly confirmation (月度确认, issue #12 point 3): confirming stores the
month's figures as worked out then and locks the month (tenure.locks); confirming a confirmed
month is refused; a correction reopens it with a reason, then it is confirmed again. Each step
is an append-only PresenceMonthEvent carrying the figures of that moment."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dispatch import roles
from secretaries.models import Posting
from tenure.models import PresenceMonth, PresenceMonthEvent
from tenure.presence import Figures, month_bounds, month_figures, tenure_postings

State = PresenceMonth.State


def _event(month: PresenceMonth, *, by, action: str, from_state: str, figures: dict, note: str = "") -> None:
    PresenceMonthEvent.objects.create(
        month=month, actor=by, actor_role=by.role, action=action, from_state=from_state, to_state=month.state, figures=figures, note=note
    )


def _store(month: PresenceMonth, figures: Figures) -> None:
    month.working_days = figures.working_days
    month.in_village_days = figures.in_village
    month.official_absence_days = figures.official_absence
    month.leave_days = figures.leave
    month.unexplained_days = figures.unexplained


def month_confirm(*, posting: Posting, year: int, month: int, by, today: datetime.date | None = None) -> PresenceMonth:
    """The township confirms one secretary's month (after the month has ended)."""
    try:
        return _month_confirm(posting=posting, year=year, month=month, by=by, today=today)
    except IntegrityError:
        # Two confirmations at once: the other one created the row first.
        raise ValidationError(f"{year}年{month}月已确认，不能重复确认（可能已被他人处理）。") from None


@transaction.atomic
def _month_confirm(*, posting, year, month, by, today) -> PresenceMonth:
    roles.require(by, roles.CONFIRM_PRESENCE_MONTH)
    today = today or timezone.localdate()
    posting = tenure_postings(by).select_for_update(of=("self",)).get(pk=posting.pk)
    first, last = month_bounds(year, month)
    if last >= today:
        raise ValidationError(f"{year}年{month}月尚未结束，月末之后才能确认。")
    if posting.start_date > last or (posting.end_date and posting.end_date < first):
        raise ValidationError(f"{posting.cadre.name}{year}年{month}月不在任期内，无需确认。")
    figures = month_figures(posting, year, month, today=today)
    existing = PresenceMonth.objects.select_for_update().filter(posting=posting, year=year, month=month).first()
    if existing is not None and existing.state == State.CONFIRMED:
        raise ValidationError(f"{posting.cadre.name}{year}年{month}月已确认，不能重复确认；如需更正，请先重新打开。")
    row = existing or PresenceMonth(posting=posting, year=year, month=month)
    from_state = row.state if existing else ""
    _store(row, figures)
    row.state = State.CONFIRMED
    row.confirmed_by = by
    row.confirmed_at = timezone.now()
    if existing:
        row.save(
            update_fields=[
                "state",
                "working_days",
                "in_village_days",
                "official_absence_days",
                "leave_days",
                "unexplained_days",
                "confirmed_by",
                "confirmed_at",
            ]
        )
    else:
        with transaction.atomic():
            row.save(force_insert=True)
    _event(row, by=by, action="confirm", from_state=from_state, figures=figures.as_dict())
    return row


@transaction.atomic
def month_reopen(*, month: PresenceMonth, by, reason: str) -> PresenceMonth:
    """Reopen a confirmed month for a correction; the reason is recorded."""
    roles.require(by, roles.REOPEN_PRESENCE_MONTH)
    month = PresenceMonth.objects.visible_to(by).select_for_update(of=("self",)).select_related("posting__cadre").get(pk=month.pk)
    if month.state != State.CONFIRMED:
        raise ValidationError(f"{month.year}年{month.month}月未处于已确认状态，无需重新打开。")
    if not reason.strip():
        raise ValidationError({"reason": "重新打开请填写理由。"})
    stored = {
        "working_days": month.working_days,
        "in_village": month.in_village_days,
        "official_absence": month.official_absence_days,
        "leave": month.leave_days,
        "unexplained": month.unexplained_days,
    }
    month.state = State.REOPENED
    month.save(update_fields=["state"])
    _event(month, by=by, action="reopen", from_state=State.CONFIRMED, figures=stored, note=reason.strip())
    return month


def months_waiting(user, *, today: datetime.date | None = None) -> list[tuple[Posting, int, int]]:
    """Last month, for each of a township's secretaries in office whose last month is not yet
    confirmed: what its 待办 counts. One query for the postings, one for the months."""
    if not roles.can(user, roles.CONFIRM_PRESENCE_MONTH):
        return []
    today = today or timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    postings = list(tenure_postings(user).filter(state=Posting.State.IN_OFFICE))
    confirmed = set(
        PresenceMonth.objects.filter(
            posting__in=[p.id for p in postings], state=State.CONFIRMED, year=last_month.year, month=last_month.month
        ).values_list("posting_id", flat=True)
    )
    return [
        (p, last_month.year, last_month.month)
        for p in postings
        if p.id not in confirmed
        and p.start_date <= month_bounds(last_month.year, last_month.month)[1]
        and not (p.end_date and p.end_date < last_month)
    ]
