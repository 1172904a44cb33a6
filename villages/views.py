"""The village registry pages: the list (and its export), one village, the county summary.

Everything starts from ``Village.objects.visible_to(request.user)``; a village outside the
user's scope answers 404 like one that does not exist.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core.filters import PAGE_SIZE, sort_links
from villages.exports import villages_xlsx_tempfile
from villages.filters import VillageFilterSet
from villages.models import Village
from villages.selectors import county_category_summary

EXPORT_PERMISSION = "villages.export_village"


def village_list(request):
    filterset = VillageFilterSet(request.GET or None, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "villages/village_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "error_lines": filterset.error_lines() if filterset.is_bound else [],
            "page": page,
            "sort": sort_links(request, ("code", "name", "county"), "code"),
            "can_export": request.user.has_perm(EXPORT_PERMISSION),
        },
    )


def village_export(request):
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied("您的角色无权导出村名单。")
    filterset = VillageFilterSet(request.GET or None, request=request)
    if filterset.is_bound and not filterset.is_valid():
        # The list page shows what is wrong with the filters; export nothing meanwhile.
        return redirect(f"{reverse('villages:list')}?{request.GET.urlencode()}")
    file = villages_xlsx_tempfile(villages=filterset.qs)
    filename = f"村名单-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(
        file,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def village_detail(request, code: str):
    village = get_object_or_404(
        Village.objects.visible_to(request.user).select_related("township__parent__parent__parent", "county__parent"),
        code=code,
    )
    changes = village.category_changes.select_related("changed_by", "import_batch")
    return render(request, "villages/village_detail.html", {"village": village, "changes": changes})


def county_summary(request):
    summary = county_category_summary(user=request.user)
    return render(
        request,
        "villages/county_summary.html",
        {
            "summary": summary,
            "show_subtotals": len(summary["cities"]) > 1,
            "total_label": "全省合计" if request.user.scope.everything else "合计",
        },
    )
