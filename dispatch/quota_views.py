"""The 附表2 pages: the counties × units matrix (read by everyone in scope, edited by the
province), its .xlsx export in the printed layout, and the import (ImportPages)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from core.import_views import ImportPages
from core.params import MAX_ID, parse_id, parse_ids
from dispatch import roles
from dispatch.annex2 import annex2_quotas, annex2_workbook
from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation
from dispatch.quota_resources import QuotaResource
from dispatch.quota_services import Cell, QuotaRefused, QuotaStale, parse_count, quota_matrix_save
from dispatch.selectors import chosen_campaign
from villages.models import Region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class QuotaImportPages(ImportPages):
    """The generic import pages, telling the user which campaign the file goes into."""

    def _context(self, **extra) -> dict:
        return super()._context(campaign=Campaign.current(), **extra)


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
    counties = Region.objects.visible_to(user).filter(level=Region.Level.COUNTY).select_related("parent")
    if city is not None:
        counties = counties.filter(parent=city)
    quotas = QuotaAllocation.objects.visible_to(user).filter(campaign=campaign, county__in=counties)
    if city is None:
        # Without a city, the counties that have quotas; with one, all its counties.
        counties = counties.filter(pk__in=quotas.values("county"))
    return campaign, cities, city, counties.order_by("code"), quotas


# A refused save comes back with what the user typed: per (county id, unit id), the value the
# page had shown when it was loaded (``original``) and the text typed over it.
Typed = dict[tuple[int, int], tuple[int, str]]


def _fits_one_post(cells: int) -> bool:
    """Whether a form posting every cell (its value and the value shown, two fields a cell) stays
    under Django's DATA_UPLOAD_MAX_NUMBER_FIELDS. The whole province's grid does not (5,742
    cells): there the inputs carry no name, and the page's script posts the changed cells only."""
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    return limit is None or 2 * cells + 10 <= limit


def _matrix(counties, quotas, extra_units, typed: Typed | None = None, cell_errors: dict | None = None) -> dict:
    """The grid: one row per county, grouped by city with the city's subtotals, one column per
    unit (those with quotas here, then the added ones), totals of what is saved."""
    quotas = annex2_quotas(quotas)
    units: dict[int, DispatchingUnit] = {}
    for quota in quotas:
        units.setdefault(quota.unit_id, quota.unit)
    for unit in extra_units:
        units.setdefault(unit.pk, unit)
    counts = {(q.county_id, q.unit_id): q.count for q in quotas}
    typed = typed or {}
    cell_errors = cell_errors or {}
    named = _fits_one_post(len(counties) * len(units))
    groups: list[dict] = []
    column_totals = dict.fromkeys(units, 0)
    for county in counties:
        if not groups or groups[-1]["city"] != county.parent:
            groups.append({"city": county.parent, "rows": [], "totals": dict.fromkeys(units, 0)})
        group = groups[-1]
        cells = []
        for unit_id in units:
            key = (county.pk, unit_id)
            count = counts.get(key, 0)
            column_totals[unit_id] += count
            group["totals"][unit_id] += count
            original, text = typed.get(key, (count, str(count) if count else ""))
            cells.append(
                {
                    "key": f"{county.pk}-{unit_id}",
                    "count": count,
                    "original": original,
                    "text": text,
                    "changed": parse_count(text) != original,
                    "error": cell_errors.get(key, ""),
                    "unit": units[unit_id],
                }
            )
        group["rows"].append({"county": county, "cells": cells, "total": sum(c["count"] for c in cells)})
    for group in groups:
        group["subtotals"] = list(group["totals"].values())
        group["total"] = sum(group["subtotals"])
    return {
        "units": [{"unit": u, "total": column_totals[pk]} for pk, u in units.items()],
        "groups": groups,
        "rows": [row for group in groups for row in group["rows"]],
        "total": sum(column_totals.values()),
        "named": named,
    }


def _render(request, *, status=200, errors=(), typed: Typed | None = None, cell_errors: dict | None = None):
    user = request.user
    campaign, cities, city, counties, quotas = _selection(request)
    can_edit = roles.can(user, roles.EDIT_QUOTAS) and campaign is not None and campaign.is_current and campaign.is_open
    added = []
    addable = DispatchingUnit.objects.none()
    if can_edit:
        added = list(DispatchingUnit.objects.filter(pk__in=parse_ids(request.GET.getlist("add"))))
        addable = DispatchingUnit.objects.filter(level__in=[DispatchingUnit.Level.PROVINCE, DispatchingUnit.Level.CENTRAL])
        addable = addable.exclude(pk__in=quotas.values("unit")).exclude(pk__in=[u.pk for u in added]).order_by("name")
    if typed:
        # A refused save may have typed into a column added by "增加一列单位": keep it on the page.
        missing = {unit_id for _, unit_id in typed} - set(quotas.values_list("unit", flat=True)) - {u.pk for u in added}
        added += list(DispatchingUnit.objects.filter(pk__in=missing).order_by("name"))
    matrix = _matrix(counties, quotas, added, typed, cell_errors)
    context = {
        "campaign": campaign,
        "campaigns": Campaign.objects.visible_to(user),
        "cities": cities,
        "city": city,
        "matrix": matrix,
        "grouped": city is None and len(matrix["groups"]) > 1,
        "can_edit": can_edit,
        "can_import": roles.can(user, roles.EDIT_QUOTAS),
        "added": added,
        "addable": addable,
        "errors": list(errors),
        "changed_count": sum(1 for row in matrix["rows"] for c in row["cells"] if c["changed"]),
    }
    return render(request, "dispatch/quota_matrix.html", context, status=status)


def quota_matrix(request):
    if request.method == "POST":
        return _save(request)
    return _render(request)


class _Unreadable(ValueError):
    pass


def _posted(request) -> list[tuple[int, int, int, str]]:
    """The cells a save posted, as (county id, unit id, value shown, text typed).

    The page's script posts only the changed cells, as one JSON list in the field ``changes``
    ([{"county": id, "unit": id, "original": n, "text": "…"}, …]); without the script, a grid
    small enough (one city) posts every cell as ``c-<county>-<unit>`` with its shown value in
    ``o-<county>-<unit>``."""
    raw = request.POST.get("changes", "")
    cells: dict[tuple[int, int], tuple[int, str]] = {}
    if raw.strip():
        try:
            items = json.loads(raw)
            if not isinstance(items, list):
                raise _Unreadable
            for item in items:
                county, unit, original, text = item["county"], item["unit"], item["original"], item["text"]
                if not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_ID for v in (county, unit, original)):
                    raise _Unreadable
                if not isinstance(text, str):
                    raise _Unreadable
                cells[(county, unit)] = (original, text)
        except (ValueError, TypeError, KeyError) as error:
            raise _Unreadable from error
    else:
        for name in request.POST:
            parts = name.split("-")
            if len(parts) == 3 and parts[0] == "c" and parse_id(parts[1]) and parse_id(parts[2]):
                shown = request.POST.get(f"o-{parts[1]}-{parts[2]}", "")
                cells[(int(parts[1]), int(parts[2]))] = (parse_id(shown) or 0, request.POST[name])
    return [(county, unit, original, text) for (county, unit), (original, text) in cells.items()]


def _save(request):
    roles.require(request.user, roles.EDIT_QUOTAS)
    campaign, _, _, counties, _ = _selection(request)
    if campaign is None:
        raise Http404("没有当前选派批次。")
    if not (campaign.is_current and campaign.is_open):
        raise PermissionDenied("只能修改当前进行中批次的名额。")
    try:
        posted = _posted(request)
    except _Unreadable:
        return _render(request, status=400, errors=["保存未完成，没有写入任何数据：提交的修改无法读取，请重新填写后保存。"])
    # Every posted cell must be a county in scope and an existing unit.
    county_by_id = {
        c.pk: c for c in Region.objects.visible_to(request.user).filter(level=Region.Level.COUNTY, pk__in={p[0] for p in posted})
    }
    unit_by_id = DispatchingUnit.objects.in_bulk({p[1] for p in posted})
    if any(county not in county_by_id or unit not in unit_by_id for county, unit, _, _ in posted):
        raise Http404("表格中有不存在或不在您管辖范围内的县或单位。")
    cells = [Cell(county=county_by_id[c], unit=unit_by_id[u], original=original, text=text) for c, u, original, text in posted]
    try:
        changed = quota_matrix_save(campaign=campaign, cells=cells, by=request.user)
    except QuotaRefused as refused:
        typed = {(c.county.pk, c.unit.pk): (c.original, c.text) for c in cells}
        cell_errors = {(cells[i].county.pk, cells[i].unit.pk): message for i, message in refused.errors.items()}
        if isinstance(refused, QuotaStale):
            # Those cells show what is there now; every other typed value stays on the page.
            for key in cell_errors:
                typed.pop(key, None)
            lead = (
                "保存未完成，没有写入任何数据：以下单元格在页面打开后被他人修改，表中已显示现在的人数，请核对；"
                "您的其他修改仍保留在表中，核对后请再次保存。"
            )
            return _render(request, status=409, errors=[lead, *refused.messages], typed=typed, cell_errors=cell_errors)
        lead = "保存未完成，没有写入任何数据：请改正标红的单元格后再次保存，您填写的其他数字仍保留在表中。"
        return _render(request, status=400, errors=[lead, *refused.messages], typed=typed, cell_errors=cell_errors)
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
