"""Reads for the pages of the 民情日记, the inspections and the secretaries' own, township's and
unit's pages. Every read starts from a scoped query (core.scope): the secretary sees himself, the
township its villages' secretaries, the county (city, province) theirs, the unit its own people.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import ExtractMonth, Greatest
from django.utils import timezone

from core.scope import Scope, ScopedQuerySet
from secretaries.models import Posting
from tenure.calendar import ONE_DAY
from tenure.models import DiaryEntry, Duty, Inspection, PresenceMonth
from tenure.presence import CalendarMissing, Figures, figures_for_postings, month_bounds, month_figures, tenure_postings, year_figures
from villages.models import Region, scope_total_label


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


# --- Presence by county: the overview of a province or a city ---------------------------------


def in_office_during(postings: QuerySet[Posting], first: datetime.date, last: datetime.date) -> QuerySet[Posting]:
    """Those of ``postings`` whose term overlaps first..last: the secretaries of a year's or a
    month's page."""
    return postings.filter(start_date__lte=last).exclude(end_date__lt=first)


def spans_counties(user) -> bool:
    """Whether the user's scope of the time in office covers more than one county: the province
    (and the administrator) and a city, whose pages of every secretary start with the overview by
    county. A county, a township, a unit (its own people) and a secretary see their list."""
    scope = Scope.of(user)
    if scope.unit_id is not None or scope.posting_id is not None:
        return False
    if scope.everything:
        return True
    return scope.region_prefix is not None and len(scope.region_prefix) < Region.PREFIX_LENGTH[Region.Level.COUNTY]


def county_of_scope(user, code: str) -> Region | None:
    """The county with this code if the user's scope covers it (None otherwise, or when the
    code is not a county's): what ?county=<code> may choose."""
    return Region.objects.visible_to(user).counties().filter(code=code).first()


def _months_due(first: datetime.date, last: datetime.date, today: datetime.date):
    """An expression over a posting: how many months of first..last (whole months of one year)
    the township can confirm by today — months that have ended (the last day before today, as
    tenure.months.month_confirm asks) and that his term overlaps."""
    last_ended = today.replace(day=1) - ONE_DAY
    end = min(last, last_ended)
    if end < first:
        return Value(0)
    int_field = IntegerField()
    from_month = Case(When(start_date__lt=first, then=Value(first.month)), default=ExtractMonth("start_date"), output_field=int_field)
    to_month = Case(
        When(Q(end_date__isnull=True) | Q(end_date__gt=end), then=Value(end.month)),
        default=ExtractMonth("end_date"),
        output_field=int_field,
    )
    # A term that starts after the last ended month has none due (to < from).
    return Greatest(to_month - from_month + Value(1), Value(0), output_field=int_field)


@dataclass
class CountyPresence:
    """One county's line of the overview: its secretaries in office in the period and the
    township's confirmed months (tenure.months) against the months that could be confirmed."""

    code: str
    name: str
    secretaries: int = 0
    confirmed: int = 0
    due: int = 0

    @property
    def waiting(self) -> int:
        return max(0, self.due - self.confirmed)

    @property
    def percent(self) -> str:
        return f"{min(self.confirmed, self.due) / self.due * 100:.1f}%" if self.due else "—"

    def add(self, other: CountyPresence) -> None:
        self.secretaries += other.secretaries
        self.confirmed += other.confirmed
        self.due += other.due


def presence_by_county(user, postings: QuerySet[Posting], *, first: datetime.date, last: datetime.date, today=None) -> dict:
    """Per county of the user's scope, grouped by city: the secretaries of ``postings`` (in office
    in first..last, whole months of one year) serving there, the PresenceMonth rows confirmed
    (locked) for their months of the period, and the months due by today. Three queries (the
    counties, the postings grouped by county, the months grouped by county) whatever the number
    of counties and postings; no one's presence is worked out here.

    Returns ``{"cities": [{"code", "name", "counties": [CountyPresence, …], "subtotal"}, …],
    "show_cities": more than one city, "total": CountyPresence, "total_label": 全省合计 or 合计}``.
    """
    today = today or timezone.localdate()
    counties = list(Region.objects.visible_to(user).counties().select_related("parent").order_by("code"))
    by_posting = (
        postings.order_by()
        .values("village__county_id")
        .annotate(secretaries=Count("pk"), due=Sum(_months_due(first, last, today)))
        .values_list("village__county_id", "secretaries", "due")
    )
    numbers = {county_id: (secretaries, due or 0) for county_id, secretaries, due in by_posting}
    confirmed = dict(
        PresenceMonth.objects.filter(
            posting__in=postings.order_by().values("pk"),
            state=PresenceMonth.State.CONFIRMED,
            year=first.year,
            month__range=(first.month, last.month),
        )
        .order_by()
        .values("posting__village__county_id")
        .annotate(n=Count("pk"))
        .values_list("posting__village__county_id", "n")
    )
    cities: dict[str, dict] = {}
    total = CountyPresence(code="", name=scope_total_label(Scope.of(user)))
    for county in counties:
        secretaries, due = numbers.get(county.pk, (0, 0))
        line = CountyPresence(
            code=county.code, name=county.name, secretaries=secretaries, confirmed=confirmed.get(county.pk, 0), due=int(due)
        )
        city = cities.setdefault(
            county.parent.code,
            {"code": county.parent.code, "name": county.parent.name, "counties": [], "subtotal": CountyPresence("", "小计")},
        )
        city["counties"].append(line)
        city["subtotal"].add(line)
        total.add(line)
    return {"cities": list(cities.values()), "show_cities": len(cities) > 1, "total": total, "total_label": total.name}


# --- Inspections ------------------------------------------------------------------------------


def inspections_visible_to(user) -> QuerySet[Inspection]:
    return Inspection.objects.visible_to(user).select_related(
        "posting__cadre", "posting__village", "posting__village__township", "posting__unit", "recorded_by"
    )


def today() -> datetime.date:
    return timezone.localdate()
