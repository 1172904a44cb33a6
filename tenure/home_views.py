"""The homes of the time in office: the secretary's own page (his village, unit, term, this
month's and this year's presence against 2/3, his diary, his inspections), the list of
secretaries that the township, the unit and the county see with this month's presence and what
waits for them, and one secretary's page for them."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from core.navigation import todos_for
from dispatch import roles
from secretaries.models import Posting
from tenure import selectors
from tenure.care.selectors import care_summary
from tenure.models import DiaryEntry, Inspection
from tenure.teams.selectors import active_members, active_team_of_posting

PAGE_SIZE = 50


def _reference_day(posting: Posting) -> datetime.date:
    """The day the page speaks of: today; for a term already over, the last day of it with a
    diary entry (else its last day), so that the page shows the term's last records, not an
    empty month after it."""
    today = selectors.today()
    if posting.end_date is None or posting.end_date >= today:
        return today
    last_entry = DiaryEntry.objects.filter(posting=posting, state=DiaryEntry.State.SUBMITTED).aggregate(last=Max("date"))["last"]
    return min(last_entry or posting.end_date, posting.end_date)


def _posting_page(request, posting: Posting, *, own: bool):
    day = _reference_day(posting)
    month, month_missing = selectors.month_figures_or_reason(posting, day.year, day.month)
    year, year_missing = selectors.year_figures_or_reason(posting, day.year)
    entries = selectors.diary_entries_visible_to(request.user).filter(posting=posting)
    today = selectors.today()
    days_left = (posting.end_date - today).days if posting.end_date and posting.end_date >= today else None
    team = active_team_of_posting(posting)
    return render(
        request,
        "tenure/home/secretary.html",
        {
            "posting": posting,
            "own": own,
            "day": day,
            "days_left": days_left,
            "month": month,
            "month_missing": month_missing,
            "year": year,
            "year_missing": year_missing,
            "drafts": entries.filter(state=DiaryEntry.State.DRAFT, written_by=request.user).order_by("-date")[:10],
            "recent": entries.filter(state=DiaryEntry.State.SUBMITTED).order_by("-date")[:5],
            "inspections": selectors.inspections_visible_to(request.user).filter(posting=posting).order_by("-date")[:10],
            "can_write": roles.can(request.user, roles.DIARY_WRITE) and posting.state == Posting.State.IN_OFFICE,
            "month_param": f"{day:%Y-%m}",
            # Training, insurance and health checks (§五.3, §五.6), and the team he leads (§六.2).
            "care": care_summary(posting, day),
            "team": team,
            "team_members": list(active_members(team)) if team else [],
        },
    )


def my_office(request):
    """The secretary's home (/office/me/), built for a 390 px phone first."""
    roles.require(request.user, roles.OWN_OFFICE)
    posting = selectors.own_posting(request.user)
    if posting is None:
        # The menu offers this page to every 第一书记 account; one not (or no longer) tied to a
        # posting gets a sentence saying whom to ask, not an error page.
        return render(request, "tenure/home/no_posting.html")
    posting = get_object_or_404(selectors.postings_seen(request.user), pk=posting.pk)
    return _posting_page(request, posting, own=True)


def secretary_detail(request, posting_id: int):
    """One secretary's page for those who manage or sent him (township, county, unit)."""
    roles.require(request.user, roles.SECRETARIES_IN_OFFICE)
    posting = get_object_or_404(selectors.postings_seen(request.user), pk=posting_id)
    return _posting_page(request, posting, own=False)


def _month_of_list(request, postings) -> tuple[int, int]:
    """?month=YYYY-MM; by default this month, or, if every term in the list is over (a past
    campaign's secretaries), the last month with a diary entry within them."""
    value = request.GET.get("month")
    if value:
        try:
            day = datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise Http404("月份格式不对，应为“2016-03”。") from None
        return day.year, day.month
    today = selectors.today()
    latest_end = postings.aggregate(latest=Max("end_date"))["latest"]
    day = today
    if latest_end and latest_end < today:
        last_entry = DiaryEntry.objects.filter(posting__in=postings, state=DiaryEntry.State.SUBMITTED).aggregate(last=Max("date"))["last"]
        day = min(last_entry or latest_end, latest_end)
    return day.year, day.month


def secretary_list(request):
    """The secretaries in office the user manages (township, county) or sent (unit), with the
    month's presence from tenure.presence (one query per kind of evidence for the page)."""
    roles.require(request.user, roles.SECRETARIES_IN_OFFICE)
    postings = selectors.postings_in_office(request.user)
    year, month = _month_of_list(request, postings)
    first, last = selectors.month_bounds(year, month)
    page = Paginator(postings, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    figures, missing = selectors.month_figures_of(rows, year, month)
    ids = [p.pk for p in rows]
    diary = {
        r["posting_id"]: r
        for r in DiaryEntry.objects.filter(posting_id__in=ids, state=DiaryEntry.State.SUBMITTED)
        .values("posting_id")
        .annotate(month_entries=Count("id", filter=Q(date__range=(first, last))), last_date=Max("date"))
    }
    absences = dict(
        Inspection.objects.filter(posting_id__in=ids, found_present=False, date__range=(first, last))
        .values("posting_id")
        .annotate(n=Count("id"))
        .values_list("posting_id", "n")
    )
    lines = [
        {
            "posting": p,
            "figures": figures.get(p.pk),
            "month_entries": diary.get(p.pk, {}).get("month_entries", 0),
            "last_date": diary.get(p.pk, {}).get("last_date"),
            "absences": absences.get(p.pk, 0),
        }
        for p in rows
    ]
    return render(
        request,
        "tenure/home/secretaries.html",
        {
            "page": page,
            "lines": lines,
            "year": year,
            "month": month,
            "month_param": f"{year}-{month:02d}",
            "first": first,
            "last": last,
            "missing": missing,
            "todos": todos_for(request.user),
            "can_write": roles.can(request.user, roles.DIARY_WRITE),
            "can_record": roles.can(request.user, roles.INSPECTION_RECORD),
        },
    )
