"""The dispatching-unit pages: the list (and its export) and one unit.

Everything starts from ``DispatchingUnit.objects.visible_to(request.user)``; a unit outside the
user's scope answers 404 like one that does not exist. The import pages are ImportPages
(dispatch/unit_urls.py).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core.filters import sort_links
from dispatch import roles
from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation, User
from dispatch.unit_filters import PAGE_SIZE, DispatchingUnitFilterSet
from dispatch.unit_resources import units_xlsx_tempfile


def unit_list(request):
    roles.require(request.user, roles.VIEW_UNITS)
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
            "can_export": roles.can(request.user, roles.EXPORT_UNITS),
            "can_import": roles.can(request.user, roles.IMPORT_UNITS),
        },
    )


def unit_export(request):
    roles.require(request.user, roles.EXPORT_UNITS)
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
    roles.require(request.user, roles.VIEW_UNITS)
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
