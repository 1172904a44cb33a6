"""The inspections' pages: the list (each reader its own secretaries'; absences found first to
the eye) and the county's or township's record of one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from core.params import id_or_404
from dispatch import roles
from secretaries.models import Posting
from tenure import selectors
from tenure.diary_forms import InspectionForm
from tenure.inspections import inspection_record

PAGE_SIZE = 50


def inspection_list(request):
    roles.require(request.user, roles.INSPECTION_VIEW)
    inspections = selectors.inspections_visible_to(request.user)
    absent_only = request.GET.get("absent") == "1"
    if absent_only:
        inspections = inspections.filter(found_present=False)
    if request.GET.get("posting"):
        inspections = inspections.filter(posting_id=id_or_404(request.GET["posting"], "没有这位第一书记。"))
    page = Paginator(inspections, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tenure/inspections/list.html",
        {
            "page": page,
            "absent_only": absent_only,
            "own": selectors.own_posting(request.user),
            "can_record": roles.can(request.user, roles.INSPECTION_RECORD),
        },
    )


def inspection_new(request):
    roles.require(request.user, roles.INSPECTION_RECORD)
    postings = selectors.postings_in_office(request.user)
    if request.method == "POST":
        form = InspectionForm(request.POST, postings=postings)
        if form.is_valid():
            data = form.cleaned_data
            try:
                inspection = inspection_record(
                    posting=data["posting"],
                    by=request.user,
                    date=data["date"],
                    kind=data["kind"],
                    inspectors=data["inspectors"],
                    found_present=data["found_present"],
                    remarks=data["remarks"],
                )
            except Posting.DoesNotExist:
                raise Http404("没有这位在任的第一书记，或不在您的管辖范围内。") from None
            except ValidationError as e:
                form.attach(e)
            else:
                result = "在岗" if inspection.found_present else "不在岗"
                messages.success(
                    request,
                    f"已登记：{inspection.posting.cadre.name} {inspection.date:%Y年%m月%d日} {inspection.get_kind_display()}，{result}。",
                )
                return redirect("tenure:inspection_list")
        status = 400
    else:
        form = InspectionForm(initial={"date": selectors.today(), "posting": request.GET.get("posting")}, postings=postings)
        status = 200
    return render(request, "tenure/inspections/form.html", {"form": form}, status=status)
