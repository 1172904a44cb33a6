"""The dispatching-unit pages: the list (and its export) and one unit.

Everything starts from ``DispatchingUnit.objects.visible_to(request.user)``; a unit outside the
user's scope answers 404 like one that does not exist. The import pages are ImportPages
(dispatch/unit_urls.py).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core.filters import sort_links
from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation, User
from dispatch.unit_filters import PAGE_SIZE, DispatchingUnitFilterSet
from dispatch.unit_resources import units_xlsx_tempfile

VIEW_PERMISSION = "dispatch.view_dispatchingunit"
EXPORT_PERMISSION = "dispatch.export_dispatchingunit"
IMPORT_PERMISSION = "dispatch.import_dispatchingunit"


def _require_view(request) -> None:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied("您的角色无权查看派出单位。")


def unit_list(request):
    _require_view(request)
    filterset = DispatchingUnitFilterSet(request.GET or None, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "dispatch/unit_list.html",
        {
            "form": filterset.form,
            "error_lines": filterset.error_lines() if filterset.is_bound else [],
            "page": page,
            "sort": sort_links(request, ("level", "name", "region"), "level"),
            "can_export": request.user.has_perm(EXPORT_PERMISSION),
            "can_import": request.user.has_perm(IMPORT_PERMISSION),
        },
    )


def unit_export(request):
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied("您的角色无权导出派出单位。")
    filterset = DispatchingUnitFilterSet(request.GET or None, request=request)
    if filterset.is_bound and not filterset.is_valid():
        # The list page shows what is wrong with the filters; export nothing meanwhile.
        return redirect(f"{reverse('units:list')}?{request.GET.urlencode()}")
    return FileResponse(
        units_xlsx_tempfile(units=filterset.qs),
        as_attachment=True,
        filename=f"派出单位-{timezone.localdate():%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def unit_detail(request, pk: int):
    _require_view(request)
    unit = get_object_or_404(DispatchingUnit.objects.visible_to(request.user).select_related("region__parent"), pk=pk)
    campaign = Campaign.current()
    quotas = (
        QuotaAllocation.objects.visible_to(request.user).filter(unit=unit, campaign=campaign).select_related("county__parent")
        if campaign
        else QuotaAllocation.objects.none()
    )
    users = User.objects.visible_to(request.user).filter(unit=unit).order_by("username")
    return render(
        request,
        "dispatch/unit_detail.html",
        {"unit": unit, "campaign": campaign, "quotas": quotas, "quota_total": sum(q.count for q in quotas), "users": users},
    )
