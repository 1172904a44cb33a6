"""The allowance pages: the unit's monthly statements (draw up, read, download, record paid),
the lines of the county's (township's, city's, province's) secretaries by month, the
secretary's own lines, and a year's total per secretary (page and .xlsx). Views parse, call
one service, and render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dispatch import roles
from dispatch.models import DispatchingUnit
from tenure import selectors as tenure_selectors
from tenure.allowances import exports, selectors, services
from tenure.allowances.forms import PaidForm, PrepareForm
from tenure.allowances.models import AllowanceRate, AllowanceStatement
from tenure.forms import MonthForm, YearForm

NOT_FOUND = "没有这份发放表，或不在您的管辖范围内。"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request) -> int:
    form = YearForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["year"]:
        return form.cleaned_data["year"]
    return tenure_selectors.today().year


def allowance_index(request, prepare_form: PrepareForm | None = None, status: int = 200):
    roles.require(request.user, roles.ALLOWANCE_VIEW)
    user = request.user
    own = tenure_selectors.own_posting(user)
    today = tenure_selectors.today()
    month_form = MonthForm(request.GET or None)
    year, month = month_form.year_month(today)
    context = {"own": own, "year": year, "month": month, "can_pay": roles.can(user, roles.ALLOWANCE_PAY)}
    if own is not None:
        lines = list(selectors.lines_visible_to(user).order_by("-year", "-month", "-id"))
        # His year: the one asked for, else the latest with a line.
        year = _year(request) if request.GET.get("year") else (lines[0].year if lines else today.year)
        context.update(lines=lines, year=year, rows=selectors.year_totals(user, year))
        return render(request, "tenure/allowances/own.html", context, status=status)
    context["statements"] = selectors.statements_visible_to(user)[:36]
    context["lines"] = selectors.lines_visible_to(user).filter(year=year, month=month).order_by("posting__village__code", "id")
    context["waiting"] = selectors.months_waiting_for_confirmation(user, year)
    context["prepare_form"] = prepare_form or PrepareForm(initial={"month": f"{today.year}-{today.month:02d}"})
    context["rates"] = AllowanceRate.objects.select_related("campaign").order_by("campaign", "unit_level", "-valid_from")[:30]
    return render(request, "tenure/allowances/index.html", context, status=status)


@require_POST
def statement_prepare(request):
    roles.require(request.user, roles.ALLOWANCE_PAY)
    form = PrepareForm(request.POST)
    unit = request.user.unit
    if unit is None:
        raise Http404("您的账号没有所属派出单位。")
    if form.is_valid():
        year, month = form.year_month(tenure_selectors.today())
        try:
            statement = services.statement_prepare(unit=unit, year=year, month=month, by=request.user)
        except DispatchingUnit.DoesNotExist:
            raise Http404(NOT_FOUND) from None
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"{statement.title}已编制，请核对后登记发放。")
            return redirect("tenure:statement_detail", pk=statement.pk)
    return allowance_index(request, prepare_form=form, status=400)


def _statement_or_404(request, pk: int) -> AllowanceStatement:
    roles.require(request.user, roles.ALLOWANCE_VIEW)
    return get_object_or_404(selectors.statements_visible_to(request.user), pk=pk)


def statement_detail(request, pk: int, paid_form: PaidForm | None = None, status: int = 200):
    statement = _statement_or_404(request, pk)
    lines = selectors.statement_lines(statement, request.user)
    return render(
        request,
        "tenure/allowances/statement.html",
        {
            "statement": statement,
            "lines": lines,
            "total": selectors.total(lines),
            "can_pay": roles.can(request.user, roles.ALLOWANCE_PAY) and not statement.is_paid and request.user.unit_id == statement.unit_id,
            "paid_form": paid_form or PaidForm(initial={"paid_on": tenure_selectors.today()}),
            "events": statement.events.select_related("actor"),
        },
        status=status,
    )


@require_POST
def statement_paid(request, pk: int):
    roles.require(request.user, roles.ALLOWANCE_PAY)
    statement = _statement_or_404(request, pk)
    form = PaidForm(request.POST)
    if form.is_valid():
        try:
            services.statement_mark_paid(statement=statement, by=request.user, paid_on=form.cleaned_data["paid_on"])
        except AllowanceStatement.DoesNotExist:
            raise Http404(NOT_FOUND) from None
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                for name, errors in e.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, e)
        else:
            messages.success(request, f"{statement.title}已登记发放。")
            return redirect("tenure:statement_detail", pk=statement.pk)
    return statement_detail(request, pk, paid_form=form, status=400)


def statement_xlsx(request, pk: int):
    statement = _statement_or_404(request, pk)
    lines = selectors.statement_lines(statement, request.user)
    return FileResponse(
        exports.statement_xlsx_tempfile(statement, lines),
        as_attachment=True,
        filename=f"补贴发放表-{statement.unit.name}-{statement.year}年{statement.month:02d}月.xlsx",
        content_type=XLSX,
    )


def year_page(request):
    roles.require(request.user, roles.ALLOWANCE_VIEW)
    year = _year(request)
    rows = selectors.year_totals(request.user, year)
    return render(
        request,
        "tenure/allowances/year.html",
        {
            "year": year,
            "rows": rows,
            "months": range(1, 13),
            "total": sum((r.amount for r in rows), selectors.total([])),
            "own": tenure_selectors.own_posting(request.user),
        },
    )


def year_xlsx(request):
    roles.require(request.user, roles.ALLOWANCE_VIEW)
    year = _year(request)
    rows = selectors.year_totals(request.user, year)
    return FileResponse(
        exports.year_xlsx_tempfile(year, rows, scope_label=request.user.scope_label),
        as_attachment=True,
        filename=f"补贴年度汇总-{year}年.xlsx",
        content_type=XLSX,
    )
