"""Pages of presence: a secretary's year by month, the township's monthly confirmation, the
county's year against 2/3, official absences. Views parse, check the capability, call one
service or selector, render or redirect; out of scope is 404."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dispatch import roles
from secretaries.models import Posting
from tenure.absences import absence_record
from tenure.calendar import CalendarMissing, calendar_for, year_status
from tenure.forms import AbsenceForm, MonthConfirmForm, MonthForm, ReasonForm, YearForm
from tenure.models import OfficialAbsence, PresenceMonth
from tenure.months import month_confirm, month_reopen
from tenure.presence import figures_for_postings, month_bounds, tenure_postings, year_and_months
from tenure.selectors import county_of_scope, in_office_during, presence_by_county, spans_counties
from villages.models import Region


def _posting_or_404(user, pk) -> Posting:
    try:
        return tenure_postings(user).select_related("cadre", "village", "unit").get(pk=pk)
    except Posting.DoesNotExist:
        raise Http404("没有这位第一书记，或不在您的管辖范围内。") from None


def add_errors(form, error: ValidationError) -> None:
    """A service's refusal onto the form: a field's message on that field, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _year(request, postings=None) -> int:
    """The year asked for; by default this year or, when none of ``postings`` served in it (a
    campaign whose terms have ended), the last year one of them did."""
    form = YearForm(request.GET)
    if form.is_valid() and form.cleaned_data.get("year"):
        return form.cleaned_data["year"]
    today = timezone.localdate()
    if postings is not None and not postings.filter(start_date__year__lte=today.year).exclude(end_date__year__lt=today.year).exists():
        last = postings.exclude(start_date=None).aggregate(last=Max("end_date"))["last"]
        if last is not None and last.year < today.year:
            return last.year
    return today.year


def _county_choice(request) -> tuple[Region | None, bool]:
    """(the county chosen, whether the scope spans several counties) for a page that lists every
    secretary of the scope with his figures.

    ``?county=<code>`` narrows the list to one county of the user's scope (404 for any other
    code). Without it, a scope of several counties (province, city) gets the overview by county
    instead of the list: working out thousands of secretaries' figures on one page is what a
    province's page must not do. A county's or a township's scope is one county: its list."""
    spans = spans_counties(request.user)
    code = request.GET.get("county", "").strip()
    if not code:
        return None, spans
    county = county_of_scope(request.user, code)
    if county is None:
        raise Http404("没有这个县（市、区），或不在您的管辖范围内。")
    return county, spans


def _in_county(postings, county: Region | None):
    return postings if county is None else postings.filter(village__county=county)


def presence_detail(request, posting_id: int):
    """One secretary's year against 2/3, month by month, with each month's confirmation."""
    roles.require(request.user, roles.VIEW_PRESENCE)
    posting = _posting_or_404(request.user, posting_id)
    year = _year(request, type(posting).objects.filter(pk=posting.pk))
    context = {"posting": posting, "year": year, "calendar_status": year_status(year)}
    try:
        context["figures"], months = year_and_months(posting, year)
    except CalendarMissing as missing:
        context["missing"] = missing.messages[0]
        return render(request, "tenure/presence/detail.html", context)
    stored = {(m.year, m.month): m for m in PresenceMonth.objects.filter(posting=posting, year=year)}
    context["months"] = [(f, stored.get((year, f.period_start.month))) for f in months if f.working_days]
    context["official_absences"] = OfficialAbsence.objects.filter(posting=posting, start_date__year=year)
    return render(request, "tenure/presence/detail.html", context)


def my_presence(request):
    """The secretary's own presence page (his account's posting)."""
    account = getattr(request.user, "secretary_account", None)
    if account is None:
        raise Http404("您没有第一书记账号。")
    return redirect(f"{reverse('tenure:presence_detail', args=[account.posting_id])}?{request.GET.urlencode()}")


def months_page(request):
    """The township's page: its secretaries with a month's figures, confirmed or waiting. A
    province or a city first sees the overview by county (_county_choice), as on the year page."""
    roles.require(request.user, roles.VIEW_PRESENCE)
    county, spans = _county_choice(request)
    today = timezone.localdate()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    picker = MonthForm(request.GET)
    year, month = picker.year_month(last_month)
    first, last = month_bounds(year, month)
    in_office = in_office_during(_in_county(tenure_postings(request.user), county), first, last)
    context = {
        "picker": picker,
        "year": year,
        "month": month,
        "month_value": f"{year}-{month:02d}",
        "ended": last < today,
        "county": county,
        "may_choose_county": spans,
        "overview_query": f"month={year}-{month:02d}",
    }
    if spans and county is None:
        context["overview"] = presence_by_county(request.user, in_office, first=first, last=last, today=today)
        return render(request, "tenure/presence/months.html", context)
    postings = list(in_office.select_related("cadre", "village", "unit").order_by("village__code"))
    try:
        figures = figures_for_postings(postings, first, last, period_word="本月")
    except CalendarMissing as missing:
        context["missing"] = missing.messages[0]
        return render(request, "tenure/presence/months.html", context)
    stored = {m.posting_id: m for m in PresenceMonth.objects.filter(posting__in=[p.id for p in postings], year=year, month=month)}
    rows = [(p, figures[p.id], stored.get(p.id)) for p in postings]
    context.update(
        rows=rows,
        waiting=sum(1 for _, _, m in rows if not (m and m.is_locked)),
        may_confirm=roles.can(request.user, roles.CONFIRM_PRESENCE_MONTH),
        may_reopen=roles.can(request.user, roles.REOPEN_PRESENCE_MONTH),
    )
    return render(request, "tenure/presence/months.html", context)


@require_POST
def month_confirm_view(request):
    roles.require(request.user, roles.CONFIRM_PRESENCE_MONTH)
    form = MonthConfirmForm(request.POST)
    if not form.is_valid():
        raise Http404("参数不正确。")
    data = form.cleaned_data
    posting = _posting_or_404(request.user, data["posting"])
    try:
        month_confirm(posting=posting, year=data["year"], month=data["month"], by=request.user)
        messages.success(request, f"已确认{posting.cadre.name}{data['year']}年{data['month']}月的在岗情况，该月已锁定。")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{reverse('tenure:months')}?month={data['year']}-{data['month']:02d}")


@require_POST
def month_reopen_view(request, pk: int):
    roles.require(request.user, roles.REOPEN_PRESENCE_MONTH)
    try:
        month = PresenceMonth.objects.visible_to(request.user).select_related("posting__cadre").get(pk=pk)
    except PresenceMonth.DoesNotExist:
        raise Http404("没有这个月份的确认记录，或不在您的管辖范围内。") from None
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("重新打开请填写理由。")
        month_reopen(month=month, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"已重新打开{month.posting.cadre.name}{month.year}年{month.month}月，更正后请重新确认。")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{reverse('tenure:months')}?month={month.year}-{month.month:02d}")


def year_page(request):
    """The county's page: every secretary's year against 2/3, those below it first. A province
    or a city first sees the overview by county (_county_choice), then one county's list."""
    roles.require(request.user, roles.VIEW_COUNTY_PRESENCE)
    county, spans = _county_choice(request)
    scoped = _in_county(tenure_postings(request.user), county)
    year = _year(request, scoped)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    in_office = in_office_during(scoped, first, last)
    context = {
        "year": year,
        "calendar_status": year_status(year),
        "county": county,
        "may_choose_county": spans,
        "overview_query": f"year={year}",
    }
    if spans and county is None:
        context["overview"] = presence_by_county(request.user, in_office, first=first, last=last)
        return render(request, "tenure/presence/year.html", context)
    postings = list(in_office.select_related("cadre", "village__township", "unit").order_by("village__code"))
    try:
        calendar = calendar_for(first, last)
        figures = figures_for_postings(postings, first, last, calendar=calendar)
    except CalendarMissing as missing:
        context["missing"] = missing.messages[0]
        return render(request, "tenure/presence/year.html", context)
    rows = sorted(((p, figures[p.id]) for p in postings), key=lambda row: row[1].meets)  # stable: by village within
    context.update(rows=rows, below=sum(1 for _, f in rows if not f.meets), year_working_days=calendar.count(first, last))
    return render(request, "tenure/presence/year.html", context)


def absence_list(request):
    roles.require(request.user, roles.VIEW_PRESENCE)
    absences = OfficialAbsence.objects.visible_to(request.user).select_related("posting__cadre", "posting__village", "recorded_by")[:200]
    return render(
        request,
        "tenure/presence/absences.html",
        {"absences": absences, "may_record": roles.can(request.user, roles.RECORD_OFFICIAL_ABSENCE)},
    )


def absence_new(request):
    roles.require(request.user, roles.RECORD_OFFICIAL_ABSENCE)
    postings = (
        tenure_postings(request.user).filter(state=Posting.State.IN_OFFICE).select_related("cadre", "village").order_by("village__code")
    )
    form = AbsenceForm(request.POST or None, postings=postings, initial={"posting": request.GET.get("posting")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            absence = absence_record(
                posting=data["posting"],
                by=request.user,
                kind=data["kind"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                reason=data["reason"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"已登记{absence.posting.cadre.name}的{absence.get_kind_display()}。")
            return redirect("tenure:absences")
    return render(request, "tenure/presence/absence_new.html", {"form": form})
