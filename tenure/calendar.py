"""The working-day calendar (notice §五: at least 2/3 of the year's working days in the village).

A day is a working day by, in this order:

1. a ``CalendarDay`` row entered by the administrator (a correction, or a day of a year the
   package lacks);
2. the ``chinesecalendar`` package, which knows the State Council's holidays and make-up
   working days (调休上班) for the years it covers (2004–2026 in 1.11.0);
3. for a year the package lacks, the weekday (Monday–Friday) — but only when the administrator
   has entered that year (``CalendarYear`` with ``complete``); otherwise the year has no data
   and every figure for it raises ``CalendarMissing`` with a message saying so, never guessing.

A hand-entered row stays "entered by hand" (``confirmed_by_package`` false) until a later
version of the package covers its year and agrees (``calendar_confirm_by_package``, run by
``manage.py confirm_calendar`` and the admin's action).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

import chinese_calendar
from chinese_calendar import constants as package_data
from django.core.exceptions import ValidationError
from django.db import transaction

from core import audit
from tenure.models import CalendarDay, CalendarYear

ONE_DAY = datetime.timedelta(days=1)

# The years the installed package has data for (it raises NotImplementedError outside them).
_package_years = {d.year for d in package_data.holidays} | {d.year for d in package_data.workdays}
PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR = min(_package_years), max(_package_years)


class CalendarMissing(ValidationError):
    """A year with no calendar data: neither the package nor the administrator has it."""

    def __init__(self, years: Iterable[int]):
        self.years = sorted(set(years))
        named = "、".join(f"{y}年" for y in self.years)
        super().__init__(
            f"{named}的工作日历尚无数据（节假日和调休安排未录入），暂时无法计算工作日和在岗天数。请系统管理员在管理后台“工作日历年份”和“节假日和调休”中录入。",
            code="calendar_missing",
        )


def package_covers(year: int) -> bool:
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


def _package_is_workday(day: datetime.date) -> bool:
    return chinese_calendar.is_workday(day)


@dataclass(frozen=True)
class Calendar:
    """The working days of a range of dates, read once (two queries) and asked many times."""

    start: datetime.date
    end: datetime.date
    working: frozenset[datetime.date]

    def is_working_day(self, day: datetime.date) -> bool:
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} is outside the calendar read for {self.start}..{self.end}")
        return day in self.working

    def working_days(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        """The working days between start and end inclusive (clipped to the range read)."""
        start, end = max(start, self.start), min(end, self.end)
        return sorted(d for d in self.working if start <= d <= end)

    def count(self, start: datetime.date, end: datetime.date) -> int:
        start, end = max(start, self.start), min(end, self.end)
        if start > end:
            return 0
        return sum(1 for d in self.working if start <= d <= end)


def calendar_for(start: datetime.date, end: datetime.date) -> Calendar:
    """The calendar of start..end inclusive; raises CalendarMissing for a year without data."""
    if end < start:
        return Calendar(start, end, frozenset())
    years = range(start.year, end.year + 1)
    entered_years = set(CalendarYear.objects.filter(year__in=years, complete=True).values_list("year", flat=True))
    missing = [y for y in years if not package_covers(y) and y not in entered_years]
    if missing:
        raise CalendarMissing(missing)
    overrides = dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_working_day"))
    working = set()
    day = start
    while day <= end:
        if day in overrides:
            is_working = overrides[day]
        elif package_covers(day.year):
            is_working = _package_is_workday(day)
        else:
            is_working = day.weekday() < 5
        if is_working:
            working.add(day)
        day += ONE_DAY
    return Calendar(start, end, frozenset(working))


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    return calendar_for(start, end).count(start, end)


def year_status(year: int) -> str:
    """What the calendar of a year rests on, in Chinese, for the admin and the pages."""
    if package_covers(year):
        corrected = CalendarDay.objects.filter(date__year=year, confirmed_by_package=False).count()
        return f"节假日数据包（已手工更正{corrected}天）" if corrected else "节假日数据包"
    if CalendarYear.objects.filter(year=year, complete=True).exists():
        return "手工录入（待数据包确认）"
    return "尚无数据"


@dataclass(frozen=True)
class ConfirmResult:
    confirmed: list[datetime.date]
    disagreeing: list[datetime.date]  # hand-entered rows the package contradicts: they keep ruling
    uncovered: list[datetime.date]  # years the package still lacks


@transaction.atomic
def calendar_confirm_by_package(*, days: Iterable[CalendarDay] | None = None) -> ConfirmResult:
    """Mark hand-entered days as confirmed where the installed package now covers their year and
    agrees. A day the package contradicts stays as entered (the administrator's row still rules)
    and is reported, so that someone looks at it."""
    rows = list(days) if days is not None else list(CalendarDay.objects.filter(confirmed_by_package=False))
    confirmed, disagreeing, uncovered = [], [], []
    for row in rows:
        if row.confirmed_by_package:
            continue
        if not package_covers(row.date.year):
            uncovered.append(row.date)
        elif _package_is_workday(row.date) == row.is_working_day:
            confirmed.append(row.date)
        else:
            disagreeing.append(row.date)
    ids = list(CalendarDay.objects.filter(date__in=confirmed).values_list("pk", flat=True))
    CalendarDay.objects.filter(pk__in=ids).update(confirmed_by_package=True)
    audit.bulk_changed(CalendarDay, ids, by=None)
    return ConfirmResult(sorted(confirmed), sorted(disagreeing), sorted(uncovered))
