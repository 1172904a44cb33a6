"""Reads of the 述职 reports: which reports a user may see, and the period's figures that prefill
a report — worked out by tenure.presence (days in the village against 2/3, official absence,
leave, unexplained) and from the submitted 民情日记 and the inspections of the period; never typed."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from secretaries.models import Posting
from tenure.models import DiaryEntry, Duty, Inspection
from tenure.presence import CalendarMissing, figures_for_postings
from tenure.workreports.models import WorkReport, period_end


def reports_visible_to(user) -> QuerySet[WorkReport]:
    """Reports in the user's scope; a draft only to the one writing it."""
    return (
        WorkReport.objects.visible_to(user)
        .filter(Q(state=WorkReport.State.SUBMITTED) | Q(written_by=user))
        .select_related("posting__cadre", "posting__unit", "posting__village", "posting__village__township", "posting__village__county")
        .prefetch_related("hearings")
    )


def report_figures(posting: Posting, year: int, period: str, *, today: datetime.date | None = None) -> dict:
    """The period's figures of one posting (the part served, up to today), as stored in a
    submitted report's snapshot. A year without calendar data gives ``calendar_missing``."""
    today = today or timezone.localdate()
    start, end = datetime.date(year, 1, 1), period_end(year, period)
    last_counted = min(end, today)
    result: dict = {"period_start": start.isoformat(), "period_end": end.isoformat()}
    try:
        figures = figures_for_postings([posting], start, end, today=today, period_word="本期")[posting.id]
    except CalendarMissing as e:
        result["calendar_missing"] = "；".join(e.messages)
    else:
        result.update(
            working_days=figures.working_days,
            required=figures.required,
            in_village=figures.in_village,
            official_absence=figures.official_absence,
            leave=figures.leave,
            unexplained=figures.unexplained,
            absent_found=figures.absent_found,
            meets=figures.meets,
            percent=figures.percent,
        )
    entries = DiaryEntry.objects.filter(posting=posting, state=DiaryEntry.State.SUBMITTED, date__range=(start, last_counted))
    counts = Counter(duty for duties in entries.values_list("duties", flat=True) for duty in duties)
    result["diary_entries"] = entries.count()
    result["by_duty"] = [[label, counts.get(value, 0)] for value, label in Duty.choices]
    result["households_visited"] = entries.aggregate(n=Sum("households_visited"))["n"] or 0
    inspections = Inspection.objects.filter(posting=posting, date__range=(start, last_counted))
    result["inspections"] = inspections.count()
    result["inspections_absent"] = inspections.filter(found_present=False).count()
    return result


def figures_of(report: WorkReport, *, today: datetime.date | None = None) -> dict:
    """A submitted report's frozen figures; a draft's worked out now."""
    if report.state == WorkReport.State.SUBMITTED and report.figures:
        return report.figures
    return report_figures(report.posting, report.year, report.period, today=today)


def periods_open(posting: Posting, *, today: datetime.date | None = None) -> list[tuple[int, str, str]]:
    """The periods he may write a report for now: (year, period, label) of this year's half-year
    (from June on) and of the annual report (from December on, and last year's until it exists)."""
    today = today or timezone.localdate()
    candidates = []
    if today.month >= 6:
        candidates.append((today.year, WorkReport.Period.HALF_YEAR))
    if today.month == 12:
        candidates.append((today.year, WorkReport.Period.ANNUAL))
    candidates.append((today.year - 1, WorkReport.Period.ANNUAL))
    existing = set(WorkReport.objects.filter(posting=posting).values_list("year", "period"))
    labels = dict(WorkReport.Period.choices)
    result = []
    for year, period in candidates:
        if (year, period) in existing or not served_in(posting, year, period):
            continue
        result.append((year, period, f"{year}年{labels[period]}"))
    return result


def served_in(posting: Posting, year: int, period: str) -> bool:
    start, end = datetime.date(year, 1, 1), period_end(year, period)
    return posting.start_date is not None and posting.start_date <= end and (posting.end_date is None or posting.end_date >= start)
