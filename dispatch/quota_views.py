"""The 附表2 pages: the counties × units matrix (read by everyone in scope, edited by the
province), its .xlsx export in the printed layout, and the import (ImportPages)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from core.import_views import ImportPages
from dispatch import roles
from dispatch.annex2 import annex2_quotas, annex2_workbook
from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation
from dispatch.quota_resources import QuotaResource
from dispatch.quota_services import Cell, QuotaRefused, quota_matrix_save
from dispatch.selectors import chosen_campaign
from villages.models import Region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class QuotaImportPages(ImportPages):
    """The generic import pages, telling the user which campaign the file goes into."""

    def _context(self, **extra) -> dict:
        return super()._context(campaign=Campaign.current(), **extra)


def _int_list(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


def _selection(request):
    """The campaign, the chosen city (or None) and the counties of the page, all in scope. The
    city is chosen by its division code (``?city=140900``), as on the village and unit lists."""
    user = request.user
    roles.require(user, roles.VIEW_QUOTAS)
    campaign, _ = chosen_campaign(request)
    cities = Region.objects.visible_to(user).filter(level=Region.Level.CITY).order_by("code")
    city = None
    if request.GET.get("city"):
        city = cities.filter(code=request.GET["city"]).first()
        if city is None:
            raise Http404("没有这个市，或不在您的管辖范围内。")
    counties = Region.objects.visible_to(user).filter(level=Region.Level.COUNTY)
    if city is not None:
        counties = counties.filter(parent=city)
    quotas = QuotaAllocation.objects.visible_to(user).filter(campaign=campaign, county__in=counties)
    if city is None:
        # Without a city, the counties that have quotas; with one, all its counties.
        counties = counties.filter(pk__in=quotas.values("county"))
    return campaign, cities, city, counties.order_by("code"), quotas


def _matrix(counties, quotas, extra_units, overrides=None) -> dict:
    quotas = annex2_quotas(quotas)
    units: dict[int, DispatchingUnit] = {}
    for quota in quotas:
        units.setdefault(quota.unit_id, quota.unit)
    for unit in extra_units:
        units.setdefault(unit.pk, unit)
    counts = {(q.county_id, q.unit_id): q.count for q in quotas}
    overrides = overrides or {}
    rows = []
    column_totals = dict.fromkeys(units, 0)
    for county in counties:
        cells = []
        for unit_id in units:
            count = counts.get((county.pk, unit_id), 0)
            column_totals[unit_id] += count
            cells.append(
                {
                    "name": f"c-{county.pk}-{unit_id}",
                    "original_name": f"o-{county.pk}-{unit_id}",
                    "count": count,
                    "original": count,
                    "text": overrides.get((county.pk, unit_id), str(count) if count else ""),
                    "unit": units[unit_id],
                }
            )
        rows.append({"county": county, "cells": cells, "total": sum(c["count"] for c in cells)})
    return {
        "units": [{"unit": u, "total": column_totals[pk]} for pk, u in units.items()],
        "rows": rows,
        "total": sum(column_totals.values()),
    }


def _render(request, *, status=200, errors=(), overrides=None, originals=None):
    user = request.user
    campaign, cities, city, counties, quotas = _selection(request)
    can_edit = roles.can(user, roles.EDIT_QUOTAS) and campaign is not None and campaign.is_current and campaign.is_open
    added = []
    addable = DispatchingUnit.objects.none()
    if can_edit:
        added = list(DispatchingUnit.objects.filter(pk__in=_int_list(request.GET.getlist("add"))))
        addable = DispatchingUnit.objects.filter(level__in=[DispatchingUnit.Level.PROVINCE, DispatchingUnit.Level.CENTRAL])
        addable = addable.exclude(pk__in=quotas.values("unit")).exclude(pk__in=[u.pk for u in added]).order_by("name")
    matrix = _matrix(counties, quotas, added, overrides)
    if originals:
        for row in matrix["rows"]:
            for cell in row["cells"]:
                cell["original"] = originals.get(cell["original_name"], cell["count"])
    context = {
        "campaign": campaign,
        "campaigns": Campaign.objects.visible_to(user),
        "cities": cities,
        "city": city,
        "matrix": matrix,
        "can_edit": can_edit,
        "can_import": roles.can(user, roles.EDIT_QUOTAS),
        "added": added,
        "addable": addable,
        "errors": list(errors),
    }
    return render(request, "dispatch/quota_matrix.html", context, status=status)


def quota_matrix(request):
    if request.method == "POST":
        return _save(request)
    return _render(request)


def _save(request):
    roles.require(request.user, roles.EDIT_QUOTAS)
    campaign, _, _, counties, _ = _selection(request)
    if campaign is None:
        raise Http404("没有当前选派批次。")
    if not (campaign.is_current and campaign.is_open):
        raise PermissionDenied("只能修改当前进行中批次的名额。")
    # Every posted cell must be a county of this page (in scope) and an existing unit.
    keys = []
    for name in request.POST:
        parts = name.split("-")
        if len(parts) == 3 and parts[0] == "c" and parts[1].isdigit() and parts[2].isdigit():
            keys.append((int(parts[1]), int(parts[2])))
    county_by_id = {c.pk: c for c in Region.objects.visible_to(request.user).filter(level=Region.Level.COUNTY, pk__in={k[0] for k in keys})}
    unit_by_id = DispatchingUnit.objects.in_bulk({k[1] for k in keys})
    cells = []
    for county_id, unit_id in keys:
        if county_id not in county_by_id or unit_id not in unit_by_id:
            raise Http404("表格中有不存在或不在您管辖范围内的县或单位。")
        original = request.POST.get(f"o-{county_id}-{unit_id}", "")
        cells.append(
            Cell(
                county=county_by_id[county_id],
                unit=unit_by_id[unit_id],
                original=int(original) if original.isdigit() else 0,
                text=request.POST[f"c-{county_id}-{unit_id}"],
            )
        )
    try:
        changed = quota_matrix_save(campaign=campaign, cells=cells, by=request.user)
    except QuotaRefused as refused:
        stale = any("已被他人改为" in m for m in refused.messages)
        if stale:
            # Show what is there now; the user re-enters the changes they still want.
            return _render(
                request,
                status=409,
                errors=["保存未完成，没有写入任何数据：以下单元格在页面打开后被他人修改，请核对后重新填写。", *refused.messages],
            )
        overrides = {(c.county.pk, c.unit.pk): c.text for c in cells}
        originals = {f"o-{c.county.pk}-{c.unit.pk}": c.original for c in cells}
        return _render(
            request, status=400, errors=["保存未完成，没有写入任何数据：", *refused.messages], overrides=overrides, originals=originals
        )
    messages.success(request, f"已保存 {changed} 处修改。" if changed else "没有修改。")
    query = request.GET.urlencode()
    return redirect(f"{request.path}?{query}" if query else request.path)


def quota_export(request):
    campaign, _, city, _, quotas = _selection(request)
    data = annex2_workbook(annex2_quotas(quotas), campaign_name=campaign.name if campaign else "")
    name = f"附表2 名额分配表{'（' + city.name + '）' if city else ''}.xlsx"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


quota_import = QuotaImportPages(
    resource_class=QuotaResource,
    capability=roles.EDIT_QUOTAS,
    history_capability=roles.VIEW_IMPORT_HISTORY,
    namespace="quotas",
    title="导入名额分配表（附表2）",
    item="条名额",
    key_label="县·单位",
    help_template="dispatch/quota_import_help.html",
    export=("quotas:export", "导出名额分配表（附表2）", roles.VIEW_QUOTAS),
)
