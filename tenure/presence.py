"""Presence worked out from evidence (issue #12 point 3; notice §五: at least 2/3 of the year's
working days in the village). One definition, read by every page, export and confirmation.

For one posting and one period (a month or a year), only the part served counts: from the day
he took office (``Posting.start_date``) to the end of his term (``end_date``) — a year served in
part has the working days of that part. Each working day of that part up to today is exactly
one of:

- **in the village** (``in_village``): a submitted 民情日记 entry for that day marked 在村, a
  presence confirmed by the township, an inspection that found him there, or his own optional
  check-in;
- **official absence** (``official_absence``): training or a meeting recorded by the township
  or county (``OfficialAbsence``);
- **leave** (``leave``): approved leave, or closed leave (销假) up to the day before the actual
  return date — working days only;
- **unexplained** (``unexplained``): none of the above.

A day with conflicting evidence counts once, by these rules:

1. An inspection that found him absent outweighs a diary entry, a check-in or a township
   confirmation of the same day (it is an observation on the spot): the day is official
   absence or leave if one covers it, otherwise unexplained.
2. Otherwise any evidence of presence makes the day a day in the village, even if leave or an
   official absence also covers it (he came back early: the day is his).
3. Otherwise official absence comes before leave, and leave before unexplained.

Days on weekends and holidays never count (the rule is about working days), and days after
today are not yet anything: they are the ``remaining`` days of the forecast. So
``in_village + official_absence + leave + unexplained == elapsed``.

The requirement is ``required = ceil(2/3 × working_days)`` of the part served in the period
(167 of 2016's 250 working days: 166 is below 2/3). Working days come from tenure.calendar,
which raises ``CalendarMissing`` (a ValidationError with a Chinese message) for a year without
calendar data.

``figures_for_postings`` computes many postings at once with one query per kind of evidence
(diary, presence records, inspections, official absences, leave) whatever their number; the
one-posting functions are that with one posting.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from secretaries.models import Posting
from tenure.calendar import ONE_DAY, Calendar, CalendarMissing, calendar_for
from tenure.models import DiaryEntry, Inspection, LeaveRequest, OfficialAbsence, PresenceRecord

__all__ = [
    "CalendarMissing",
    "Figures",
    "figures_for_postings",
    "leave_days",
    "month_bounds",
    "month_figures",
    "year_and_months",
    "tenure_postings",
    "year_figures",
]

# The leave states that count as leave: approved, and closed (counted to the actual return).
COUNTED_LEAVE_STATES = (LeaveRequest.State.APPROVED, LeaveRequest.State.CLOSED)
# The postings with a time in office to count: in office now, or ended (their past years).
TENURE_STATES = (Posting.State.IN_OFFICE, Posting.State.ENDED, Posting.State.RECALLED)


def tenure_postings(user) -> QuerySet:
    """The postings in office (or past office) that this user may see for presence and leave: the
    one scoping rule of postings (a township sees them by their village)."""
    return Posting.objects.filter(state__in=TENURE_STATES, village__isnull=False, start_date__isnull=False).visible_to(user)


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, _stdlib_calendar.monthrange(year, month)[1])


def leave_days(leave: LeaveRequest) -> tuple[datetime.date, datetime.date] | None:
    """The dates a leave request covers: approved leave its dates; closed leave (销假) its
    start to the day before the actual return (none if he never left)."""
    if leave.state == LeaveRequest.State.CLOSED and leave.returned_on is not None:
        last = min(leave.end_date, leave.returned_on - ONE_DAY)
        return (leave.start_date, last) if last >= leave.start_date else None
    return leave.start_date, leave.end_date


@dataclass(frozen=True)
class Figures:
    """One posting's presence in one period (a month or a year); see the module's docstring."""

    posting_id: int
    period_start: datetime.date
    period_end: datetime.date
    served_start: datetime.date | None  # the part served inside the period (None: not served)
    served_end: datetime.date | None
    working_days: int  # working days of the part served (the whole part, past and to come)
    elapsed: int  # of those, up to today
    in_village: int
    official_absence: int
    leave: int
    unexplained: int
    absent_found: int  # days an inspection found him absent, not covered by leave or official absence
    remaining: int  # working days served after today
    period_word: str = "本年"

    @property
    def required(self) -> int:
        """At least 2/3 of the working days, rounded up: 167 of 250."""
        return -(-2 * self.working_days // 3)

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.in_village)

    @property
    def meets(self) -> bool:
        return self.shortfall == 0

    @property
    def reachable(self) -> bool:
        return self.shortfall <= self.remaining

    @property
    def ratio(self) -> float:
        return self.in_village / self.working_days if self.working_days else 0.0

    @property
    def percent(self) -> str:
        return f"{self.ratio * 100:.1f}%"

    @property
    def forecast_text(self) -> str:
        if self.working_days == 0:
            return "本期无应在岗工作日"
        if self.meets:
            return "已达到2/3"
        if not self.reachable:
            return f"{self.period_word}剩余工作日不足以达到2/3"
        end = self.served_end or self.period_end
        return f"还需在村{self.shortfall}天（截至{end.month}月{end.day}日）"

    def as_dict(self) -> dict:
        """The figures a confirmation stores (PresenceMonth, its event)."""
        return {
            "working_days": self.working_days,
            "in_village": self.in_village,
            "official_absence": self.official_absence,
            "leave": self.leave,
            "unexplained": self.unexplained,
            "required": self.required,
        }


def _served(posting, start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    first = max(start, posting.start_date) if posting.start_date else None
    last = min(end, posting.end_date) if posting.end_date else end
    if first is None or first > last:
        return None
    return first, last


def _spread(rows: Iterable[tuple[int, datetime.date, datetime.date]], start, end) -> dict[int, set[datetime.date]]:
    """posting id → every date inside start..end of its (from, to) ranges."""
    days: dict[int, set[datetime.date]] = defaultdict(set)
    for posting_id, first, last in rows:
        day, last = max(first, start), min(last, end)
        while day <= last:
            days[posting_id].add(day)
            day += ONE_DAY
    return days


@dataclass(frozen=True)
class _Evidence:
    """Every day of evidence of some postings in a range, read with one query per kind."""

    present: dict[int, set]
    absent_seen: dict[int, set]
    official: dict[int, set]
    on_leave: dict[int, set]


def _read_evidence(ids: list[int], start: datetime.date, end: datetime.date, today: datetime.date) -> _Evidence:
    in_range = Q(posting_id__in=ids)
    present: dict[int, set] = defaultdict(set)
    absent_seen: dict[int, set] = defaultdict(set)
    # The last day any evidence can count: today (a diary entry for tomorrow counts for nothing).
    last_counted = min(end, today)
    if start <= last_counted:
        diary = DiaryEntry.objects.filter(
            in_range, date__range=(start, last_counted), state=DiaryEntry.State.SUBMITTED, in_village=True
        ).values_list("posting_id", "date")
        records = PresenceRecord.objects.filter(in_range, date__range=(start, last_counted)).values_list("posting_id", "date")
        for posting_id, day in [*diary, *records]:
            present[posting_id].add(day)
        for posting_id, day, found_present in Inspection.objects.filter(in_range, date__range=(start, last_counted)).values_list(
            "posting_id", "date", "found_present"
        ):
            (present if found_present else absent_seen)[posting_id].add(day)
    overlapping = Q(start_date__lte=end, end_date__gte=start)
    official = _spread(
        OfficialAbsence.objects.filter(in_range, overlapping).values_list("posting_id", "start_date", "end_date"), start, end
    )
    leave_rows = []
    for leave in LeaveRequest.objects.filter(in_range, overlapping, state__in=COUNTED_LEAVE_STATES).only(
        "posting_id", "start_date", "end_date", "state", "returned_on"
    ):
        covered = leave_days(leave)
        if covered:
            leave_rows.append((leave.posting_id, *covered))
    return _Evidence(present, absent_seen, official, _spread(leave_rows, start, end))


def _classify(posting, start, end, *, calendar: Calendar, evidence: _Evidence, today: datetime.date, period_word: str) -> Figures:
    """Each working day served in start..end, up to today, counted once (see the module's rules)."""
    part = _served(posting, start, end)
    if part is None:
        return _empty(posting.id, start, end, period_word)
    first, last = part
    pid = posting.id
    present, absent_seen = evidence.present[pid], evidence.absent_seen[pid]
    official, on_leave = evidence.official[pid], evidence.on_leave[pid]
    working = calendar.working_days(first, last)
    past = [d for d in working if d <= today]
    counts = {"in_village": 0, "official_absence": 0, "leave": 0, "unexplained": 0}
    absent_found = 0
    for day in past:
        if day in absent_seen:
            if day in official:
                counts["official_absence"] += 1
            elif day in on_leave:
                counts["leave"] += 1
            else:
                counts["unexplained"] += 1
                absent_found += 1
        elif day in present:
            counts["in_village"] += 1
        elif day in official:
            counts["official_absence"] += 1
        elif day in on_leave:
            counts["leave"] += 1
        else:
            counts["unexplained"] += 1
    return Figures(
        posting_id=pid,
        period_start=start,
        period_end=end,
        served_start=first,
        served_end=last,
        working_days=len(working),
        elapsed=len(past),
        absent_found=absent_found,
        remaining=len(working) - len(past),
        period_word=period_word,
        **counts,
    )


def figures_for_postings(
    postings: Iterable[Posting] | QuerySet,
    start: datetime.date,
    end: datetime.date,
    *,
    today: datetime.date | None = None,
    period_word: str = "本年",
    calendar: Calendar | None = None,
) -> dict[int, Figures]:
    """Figures of every posting for start..end, keyed by posting id: one query per kind of
    evidence (and two for the calendar) whatever the number of postings."""
    today = today or timezone.localdate()
    postings = list(postings)
    calendar = calendar or calendar_for(start, end)
    ids = [p.id for p in postings if _served(p, start, end)]
    evidence = _read_evidence(ids, start, end, today) if ids else _Evidence(*(defaultdict(set) for _ in range(4)))
    return {p.id: _classify(p, start, end, calendar=calendar, evidence=evidence, today=today, period_word=period_word) for p in postings}


def _empty(posting_id: int, start, end, period_word: str) -> Figures:
    return Figures(posting_id, start, end, None, None, 0, 0, 0, 0, 0, 0, 0, 0, period_word)


def year_figures(posting: Posting, year: int, *, today: datetime.date | None = None) -> Figures:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return figures_for_postings([posting], start, end, today=today, period_word="本年")[posting.id]


def month_figures(posting: Posting, year: int, month: int, *, today: datetime.date | None = None) -> Figures:
    start, end = month_bounds(year, month)
    return figures_for_postings([posting], start, end, today=today, period_word="本月")[posting.id]


def year_and_months(posting: Posting, year: int, *, today: datetime.date | None = None) -> tuple[Figures, list[Figures]]:
    """A posting's year and its twelve months, reading the calendar and the evidence once."""
    today = today or timezone.localdate()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    calendar = calendar_for(start, end)
    evidence = _read_evidence([posting.id], start, end, today)
    whole = _classify(posting, start, end, calendar=calendar, evidence=evidence, today=today, period_word="本年")
    months = [
        _classify(posting, *month_bounds(year, m), calendar=calendar, evidence=evidence, today=today, period_word="本月")
        for m in range(1, 13)
    ]
    return whole, months


def months_of_year(posting: Posting, year: int, *, today: datetime.date | None = None) -> list[Figures]:
    """The twelve months of a year for one posting (see year_and_months)."""
    return year_and_months(posting, year, today=today)[1]
