"""The 述职 pages: the secretary writes and submits his report on his phone; the unit and the
county read their secretaries' reports and record that they heard them. Views parse, call one
service, and render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.params import parse_id
from dispatch import roles
from secretaries.models import Posting
from tenure import selectors as tenure_selectors
from tenure.workreports import selectors, services
from tenure.workreports.forms import HearingForm, ReportForm
from tenure.workreports.models import WorkReport, WorkReportHearing

NOT_FOUND = "没有这份述职报告，或不在您的管辖范围内。"
PAGE_SIZE = 30


def _report_or_404(request, pk: int) -> WorkReport:
    return get_object_or_404(selectors.reports_visible_to(request.user), pk=pk)


def report_list(request):
    roles.require(request.user, roles.WORKREPORT_READ)
    own = tenure_selectors.own_posting(request.user)
    reports = selectors.reports_visible_to(request.user)
    state = request.GET.get("state")
    if state in WorkReport.State.values:
        reports = reports.filter(state=state)
    year = parse_id(request.GET.get("year"))
    if year:
        reports = reports.filter(year=year)
    page = Paginator(reports.order_by("-year", "-period", "posting__village__code"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tenure/workreports/list.html",
        {
            "page": page,
            "own": own,
            "open_periods": selectors.periods_open(own) if own and roles.can(request.user, roles.WORKREPORT_WRITE) else [],
            "year": year,
        },
    )


def _form_page(request, *, form, report, posting, year, period, status=200):
    figures = selectors.figures_of(report) if report else selectors.report_figures(posting, year, period)
    return render(
        request,
        "tenure/workreports/form.html",
        {
            "form": form,
            "report": report,
            "title": report.title if report else f"{year}年{WorkReport.Period(period).label}",
            "figures": figures,
            "year": year,
            "period": period,
        },
        status=status,
    )


def _save(request, *, report: WorkReport | None, posting: Posting, year: int, period: str):
    form = ReportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.report_save(
                posting=posting,
                by=request.user,
                year=year,
                period=period,
                achievements=data["achievements"],
                problems=data["problems"],
                plans=data["plans"],
                submit=request.POST.get("action") == "submit",
                report=report,
            )
        except (Posting.DoesNotExist, WorkReport.DoesNotExist):
            raise Http404(NOT_FOUND) from None
        except ValidationError as e:
            form.attach(e)
        else:
            if saved.state == WorkReport.State.SUBMITTED:
                messages.success(request, f"{saved.title}已提交，派出单位和县委组织部可以查阅。")
            else:
                messages.success(request, f"{saved.title}已存为草稿，仅您本人可见。")
            return redirect("tenure:report_detail", pk=saved.pk)
    return _form_page(request, form=form, report=report, posting=posting, year=year, period=period, status=400)


def report_new(request):
    roles.require(request.user, roles.WORKREPORT_WRITE)
    posting = tenure_selectors.own_posting(request.user)
    if posting is None:
        raise Http404("您没有在任的选派记录。")
    year = parse_id(request.GET.get("year") or request.POST.get("year"))
    period = request.GET.get("period") or request.POST.get("period")
    if year is None or year > 9999 or period not in WorkReport.Period.values:
        raise Http404("述职年度或类别不对。")
    if request.method == "POST":
        return _save(request, report=None, posting=posting, year=year, period=period)
    return _form_page(request, form=ReportForm(), report=None, posting=posting, year=year, period=period)


def report_edit(request, pk: int):
    roles.require(request.user, roles.WORKREPORT_WRITE)
    report = _report_or_404(request, pk)
    if report.state != WorkReport.State.DRAFT:
        messages.error(request, f"{report.title}已提交，不能再修改。")
        return redirect("tenure:report_detail", pk=report.pk)
    if request.method == "POST":
        return _save(request, report=report, posting=report.posting, year=report.year, period=report.period)
    form = ReportForm(initial={"achievements": report.achievements, "problems": report.problems, "plans": report.plans})
    return _form_page(request, form=form, report=report, posting=report.posting, year=report.year, period=report.period)


def report_detail(request, pk: int, hearing_form: HearingForm | None = None, status: int = 200):
    roles.require(request.user, roles.WORKREPORT_READ)
    report = _report_or_404(request, pk)
    level = services.HEARING_LEVEL.get(request.user.role)
    can_hear = (
        roles.can(request.user, roles.WORKREPORT_HEAR)
        and level is not None
        and report.state == WorkReport.State.SUBMITTED
        and not any(h.level == level for h in report.hearings.all())
    )
    return render(
        request,
        "tenure/workreports/detail.html",
        {
            "report": report,
            "figures": selectors.figures_of(report),
            "own": tenure_selectors.own_posting(request.user),
            "can_edit": report.state == WorkReport.State.DRAFT and report.written_by_id == request.user.pk,
            "can_hear": can_hear,
            "hearing_level": WorkReportHearing.Level(level).label if level else "",
            "hearing_form": hearing_form or HearingForm(initial={"heard_on": tenure_selectors.today()}),
            "events": report.events.select_related("actor"),
        },
        status=status,
    )


@require_POST
def report_hear(request, pk: int):
    roles.require(request.user, roles.WORKREPORT_HEAR)
    report = _report_or_404(request, pk)
    form = HearingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.report_hear(
                report=report, by=request.user, heard_on=data["heard_on"], listeners=data["listeners"], remarks=data["remarks"]
            )
        except WorkReport.DoesNotExist:
            raise Http404(NOT_FOUND) from None
        except ValidationError as e:
            form.attach(e)
        else:
            messages.success(request, f"已登记听取{report.posting.cadre.name}的{report.title}。")
            return redirect("tenure:report_detail", pk=report.pk)
    return report_detail(request, pk, hearing_form=form, status=400)
