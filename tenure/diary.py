"""The 民情日记 (notice §五.4): the one place that writes diary entries.

Rules (decided here, once):

- One entry per secretary per day, whatever its state: the day is the unit of presence, and a
  second entry for a day is refused with a pointer to the first. Saving locks the posting row,
  so two requests for the same day (a double click, two tabs) queue and the second is refused.
- Written by the secretary for himself, or by the township for one of its villages' secretaries
  (``written_by`` is then the township's user). A draft is private to whoever writes it
  (tenure.selectors.diary_entries_visible_to) and only its writer can go on with it.
- A submitted entry can still be corrected by its writer until its month is confirmed by the
  township (tenure.locks); then the month is locked and a correction needs it reopened. It is
  never un-submitted: once the township and county have read it, it stays read.
- Refused with a Chinese message naming the field, and nothing written: a date in the future,
  before taking office or after the term's end, in a locked month; a second entry for the day;
  submitting without any work done or without one of the five duties. No minimum length, no
  photo, no location.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from dispatch import roles
from dispatch.models import User
from secretaries.models import Posting
from tenure.locks import refuse_if_locked
from tenure.models import DiaryEntry, Duty, PresenceMonth
from tenure.selectors import postings_in_office


def _day(date: datetime.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def _locked_posting(posting: Posting, by: User) -> Posting:
    """The posting, locked, if ``by`` may write its diary; otherwise a refusal.

    The lock serialises every diary write of one secretary: the one-entry-per-day check below
    and the insert that follows cannot interleave with another request's."""
    roles.require(by, roles.DIARY_WRITE)
    locked = postings_in_office(by).select_for_update(of=("self",)).filter(pk=posting.pk).first()
    if locked is None:
        raise Posting.DoesNotExist("没有这位在任的第一书记，或不在您的管辖范围内。")
    return locked


def _check_date(posting: Posting, date: datetime.date) -> None:
    if date is None:
        raise ValidationError({"date": "请填写日期。"})
    if date > timezone.localdate():
        raise ValidationError({"date": f"日期{_day(date)}晚于今天，不能预先填写民情日记。"})
    if posting.start_date and date < posting.start_date:
        raise ValidationError({"date": f"日期{_day(date)}早于任职时间（到村时间）{_day(posting.start_date)}。"})
    if posting.end_date and date > posting.end_date:
        raise ValidationError({"date": f"日期{_day(date)}晚于任期届满日期{_day(posting.end_date)}。"})
    refuse_if_locked(posting, date, field="date")


def _clean_fields(*, duties: Iterable[str], households_visited, content: str, household_names: str, submit: bool) -> dict:
    duties = list(dict.fromkeys(duties or ()))
    unknown = [d for d in duties if d not in Duty.values]
    if unknown:
        raise ValidationError({"duties": f"没有这项职责：{'、'.join(unknown)}。"})
    try:
        households = int(households_visited or 0)
    except (TypeError, ValueError):
        raise ValidationError({"households_visited": "走访农户数应为整数。"}) from None
    if households < 0:
        raise ValidationError({"households_visited": "走访农户数不能为负数。"})
    content = (content or "").strip()
    if submit:
        if not content:
            raise ValidationError({"content": "请填写当天的工作内容（长短不限）再提交。"})
        if not duties:
            raise ValidationError({"duties": "请至少选择一项涉及的职责再提交。"})
    # Keep the five duties in the notice's order, whatever order the form sent them in.
    return {
        "duties": [d for d in Duty.values if d in duties],
        "households_visited": households,
        "content": content,
        "household_names": (household_names or "").strip(),
    }


@transaction.atomic
def diary_save(
    *,
    posting: Posting,
    by: User,
    date: datetime.date,
    content: str = "",
    duties: Iterable[str] = (),
    households_visited: int = 0,
    household_names: str = "",
    in_village: bool = True,
    submit: bool = False,
    entry: DiaryEntry | None = None,
    seen_updated_at: datetime.datetime | None = None,
) -> DiaryEntry:
    """Save a diary entry of ``posting`` for ``date`` as a draft, or submit it (``submit=True``).

    Without ``entry`` a new entry is written; with it, that entry is changed (a draft its writer
    goes on with, or a submitted entry its writer corrects while the month is open).
    ``seen_updated_at`` is the entry's ``updated_at`` that the form showed: if someone saved it
    since, the form is stale and nothing is written."""
    posting = _locked_posting(posting, by)
    _check_date(posting, date)
    fields = _clean_fields(
        duties=duties, households_visited=households_visited, content=content, household_names=household_names, submit=submit
    )
    now = timezone.now()

    if entry is not None:
        entry = DiaryEntry.objects.filter(pk=entry.pk, posting=posting).first()
        if entry is None or (entry.written_by_id != by.pk and entry.state == DiaryEntry.State.DRAFT):
            raise DiaryEntry.DoesNotExist("没有这篇民情日记，或不在您的管辖范围内。")
        if entry.written_by_id != by.pk:
            raise PermissionDenied("只有填写人本人可以修改这篇民情日记。")
        if seen_updated_at is not None and entry.updated_at != seen_updated_at:
            raise ValidationError("这篇民情日记在您打开之后已被修改，请刷新页面后再改。")
        if entry.date != date:
            refuse_if_locked(posting, entry.date, field="date")
        if submit is False and entry.state == DiaryEntry.State.SUBMITTED:
            # A correction of a submitted entry stays submitted; it needs what a submission needs.
            fields = _clean_fields(**{**fields, "submit": True})
            submit = True

    clash = DiaryEntry.objects.filter(posting=posting, date=date)
    if entry is not None:
        clash = clash.exclude(pk=entry.pk)
    if clash.exists():
        raise ValidationError({"date": f"{_day(date)}已有一篇民情日记，每天一篇；请在原来那篇上修改。"})

    if entry is None:
        entry = DiaryEntry(posting=posting, written_by=by, created_at=now)
    entry.date = date
    entry.in_village = bool(in_village)
    for name, value in fields.items():
        setattr(entry, name, value)
    if submit and entry.state != DiaryEntry.State.SUBMITTED:
        entry.state = DiaryEntry.State.SUBMITTED
        entry.submitted_at = now
    entry.save()
    return entry


@transaction.atomic
def diary_delete_draft(*, entry: DiaryEntry, by: User) -> None:
    """Throw away a draft: only its writer, only while it is a draft (a submitted entry is evidence
    the township and county may have read, so it is corrected, never deleted)."""
    _locked_posting(entry.posting, by)
    entry = DiaryEntry.objects.filter(pk=entry.pk, written_by=by).first()
    if entry is None:
        raise DiaryEntry.DoesNotExist("没有这篇民情日记，或不在您的管辖范围内。")
    if entry.state != DiaryEntry.State.DRAFT:
        raise ValidationError("已提交的民情日记不能删除，只能修改。")
    refuse_if_locked(entry.posting, entry.date, field="date")
    entry.delete()


@transaction.atomic
def diary_entries_load(*, rows: list[dict], by: User, batch_size: int = 2000) -> list[DiaryEntry]:
    """Write many entries at once, all or nothing, by the same rules as ``diary_save`` (the demo's
    year of diaries, a later import): each row has ``posting`` (a Posting or its id), ``date``,
    ``content``, ``duties``, and optionally ``households_visited``, ``household_names``,
    ``in_village`` (default true), ``submit`` (default true) and ``submitted_at`` (default now).

    A constant number of queries whatever the number of rows: the postings are locked and read
    once, the locked months and the days already written once. Every problem is reported as
    "第N条：…" in one ValidationError, and then nothing is written."""
    roles.require(by, roles.DIARY_WRITE)
    ids = {row["posting"].pk if isinstance(row["posting"], Posting) else row["posting"] for row in rows}
    postings = postings_in_office(by).select_for_update(of=("self",)).in_bulk(ids)
    first = min((row["date"] for row in rows), default=None)
    last = max((row["date"] for row in rows), default=None)
    locked = set()
    taken = set()
    if rows:
        locked = set(
            PresenceMonth.objects.filter(posting_id__in=ids, state=PresenceMonth.State.CONFIRMED).values_list("posting_id", "year", "month")
        )
        taken = set(DiaryEntry.objects.filter(posting_id__in=ids, date__range=(first, last)).values_list("posting_id", "date"))
    today, now = timezone.localdate(), timezone.now()
    problems, entries = [], []
    for number, row in enumerate(rows, start=1):
        pid = row["posting"].pk if isinstance(row["posting"], Posting) else row["posting"]
        posting, date, submit = postings.get(pid), row["date"], row.get("submit", True)
        try:
            if posting is None:
                raise ValidationError("没有这位在任的第一书记，或不在您的管辖范围内。")
            if date > today or (posting.start_date and date < posting.start_date) or (posting.end_date and date > posting.end_date):
                raise ValidationError(f"日期{_day(date)}不在任期内或晚于今天。")
            if (pid, date.year, date.month) in locked:
                raise ValidationError(f"{date.year}年{date.month}月已确认并锁定。")
            if (pid, date) in taken:
                raise ValidationError(f"{_day(date)}已有一篇民情日记。")
            fields = _clean_fields(
                duties=row.get("duties", ()),
                households_visited=row.get("households_visited", 0),
                content=row.get("content", ""),
                household_names=row.get("household_names", ""),
                submit=submit,
            )
        except ValidationError as e:
            problems.append(f"第{number}条：{'；'.join(e.messages)}")
            continue
        taken.add((pid, date))
        at = row.get("submitted_at") or now
        entries.append(
            DiaryEntry(
                posting=posting,
                date=date,
                in_village=row.get("in_village", True),
                state=DiaryEntry.State.SUBMITTED if submit else DiaryEntry.State.DRAFT,
                written_by=by,
                created_at=at,
                submitted_at=at if submit else None,
                **fields,
            )
        )
    if problems:
        raise ValidationError(problems)
    created = DiaryEntry.objects.bulk_create(entries, batch_size=batch_size)
    audit.bulk_created(created, by=by)
    return created
