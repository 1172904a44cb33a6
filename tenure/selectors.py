"""Reads for the pages of the 民情日记, the inspections and the secretaries' own, township's and
unit's pages. Every read starts from a scoped query (core.scope): the secretary sees himself, the
township its villages' secretaries, the county (city, province) theirs, the unit its own people.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.scope import Scope, ScopedQuerySet
from secretaries.models import Posting
from tenure.models import DiaryEntry, Duty, Inspection
from tenure.presence import CalendarMissing, Figures, figures_for_postings, month_bounds, month_figures, tenure_postings, year_figures


class _InOfficeScope(ScopedQuerySet):
    # The tenure records' scope (tenure.models.TenureQuerySet) applied to the posting itself: by
    # the village's code (the township sees its villages' secretaries, which the Posting
    # queryset's own scope, by county, does not give it), the unit's own people, the secretary
    # himself.
    scope_region_fields = ("village__code", "unit__region__code")
    scope_unit_field = "unit"
    scope_posting_field = ""


def postings_in_office(user) -> QuerySet[Posting]:
    """The postings in office whose time in office this user may see."""
    scope_q = _InOfficeScope(model=Posting).scope_q(Scope.of(user))
    return (
        Posting.objects.filter(scope_q, state=Posting.State.IN_OFFICE, village__isnull=False)
        .select_related("cadre", "unit", "village", "village__township", "village__county")
        .order_by("village__code")
    )


def postings_seen(user) -> QuerySet[Posting]:
    """The postings of the time in office (in office, or past it) this user may read."""
    return tenure_postings(user).select_related("cadre", "unit", "village", "village__township", "village__county")


def own_posting(user) -> Posting | None:
    """The secretary's own posting (through his account), or None for everyone else."""
    account = getattr(user, "secretary_account", None)
    return account.posting if account is not None else None


# --- 民情日记 ---------------------------------------------------------------------------------


def diary_entries_visible_to(user) -> QuerySet[DiaryEntry]:
    """Entries in the user's scope; a draft only to the one who is writing it (a draft is private
    until submitted, notice §五.4 keeps the diary as the secretary's own record)."""
    return (
        DiaryEntry.objects.visible_to(user)
        .filter(Q(state=DiaryEntry.State.SUBMITTED) | Q(written_by=user))
        .select_related("posting__cadre", "posting__village", "posting__village__township", "posting__unit", "written_by")
    )


@dataclass(frozen=True)
class DiarySearch:
    text: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None
    duty: str = ""
    posting_id: int | None = None
    state: str = ""


def diary_search(user, search: DiarySearch) -> QuerySet[DiaryEntry]:
    entries = diary_entries_visible_to(user)
    if search.posting_id:
        entries = entries.filter(posting_id=search.posting_id)
    if search.state:
        entries = entries.filter(state=search.state)
    if search.start:
        entries = entries.filter(date__gte=search.start)
    if search.end:
        entries = entries.filter(date__lte=search.end)
    if search.duty:
        # JSON containment is not on SQLite; the five duties' values are distinct words, so a
        # match on the quoted value in the stored list is exact on both databases.
        entries = entries.filter(duties__icontains=f'"{search.duty}"')
    for word in search.text.split():
        entries = entries.filter(
            Q(content__icontains=word)
            | Q(household_names__icontains=word)
            | Q(posting__cadre__name__icontains=word)
            | Q(posting__village__name__icontains=word)
        )
    return entries


def duty_labels(values) -> list[str]:
    labels = dict(Duty.choices)
    return [labels[v] for v in values if v in labels]


# --- The monthly work summary -----------------------------------------------------------------


@dataclass
class MonthSummary:
    """One secretary's month of the 民情日记, worked out from the submitted entries."""

    posting: Posting
    year: int
    month: int
    entries: list[DiaryEntry]
    by_duty: list[tuple[str, int]] = field(default_factory=list)  # (duty label, entries tagged with it)
    households_visited: int = 0
    diary_days: int = 0  # days with a submitted entry written in the village
    figures: Figures | None = None  # when the calendar knows the year
    figures_missing: str = ""  # why there are no figures (a year without calendar data)

    @property
    def title(self) -> str:
        return f"{self.year}年{self.month}月第一书记工作小结"


def month_summary(posting: Posting, year: int, month: int) -> MonthSummary:
    first, last = month_bounds(year, month)
    entries = list(
        DiaryEntry.objects.filter(posting=posting, state=DiaryEntry.State.SUBMITTED, date__range=(first, last))
        .select_related("written_by")
        .order_by("date", "id")
    )
    counts = Counter(duty for entry in entries for duty in entry.duties)
    summary = MonthSummary(
        posting=posting,
        year=year,
        month=month,
        entries=entries,
        by_duty=[(label, counts.get(value, 0)) for value, label in Duty.choices],
        households_visited=sum(entry.households_visited for entry in entries),
        diary_days=len({entry.date for entry in entries if entry.in_village}),
    )
    summary.figures, summary.figures_missing = month_figures_or_reason(posting, year, month)
    return summary


def month_figures_or_reason(posting: Posting, year: int, month: int) -> tuple[Figures | None, str]:
    """(figures, "") from tenure.presence, or (None, the Chinese reason) for a year without
    calendar data."""
    try:
        return month_figures(posting, year, month), ""
    except CalendarMissing as e:
        return None, "；".join(e.messages)


def year_figures_or_reason(posting: Posting, year: int) -> tuple[Figures | None, str]:
    try:
        return year_figures(posting, year), ""
    except CalendarMissing as e:
        return None, "；".join(e.messages)


def month_figures_of(postings: list[Posting], year: int, month: int) -> tuple[dict[int, Figures], str]:
    """This month's figures of many postings at once (one query per kind of evidence), or the
    reason there are none."""
    start, end = month_bounds(year, month)
    try:
        return figures_for_postings(postings, start, end, period_word="本月"), ""
    except CalendarMissing as e:
        return {}, "；".join(e.messages)


# --- Inspections ------------------------------------------------------------------------------


def inspections_visible_to(user) -> QuerySet[Inspection]:
    return Inspection.objects.visible_to(user).select_related(
        "posting__cadre", "posting__village", "posting__village__township", "posting__unit", "recorded_by"
    )


def today() -> datetime.date:
    return timezone.localdate()
