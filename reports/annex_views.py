"""The annex pages (附表1 两类村汇总, 附表3 工作台账, 附表4 情况统计表): an index for the user's
region, one printable page per annex and its .xlsx download.

Which region: the user's own by default; ``?region=<code>`` picks a city or county inside the
user's scope (anything else answers 404, like a region that does not exist). Which campaign:
the current one; ``?campaign=<id>`` an earlier one. The figures come from reports.annexes,
the workbook from reports.annex_xlsx.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode

from core import access_log
from core.job_views import offer
from core.jobs import Plan, job_kind, queued_export
from dispatch import roles
from dispatch.models import Campaign
from dispatch.selectors import chosen_campaign
from reports.annex_xlsx import write_xlsx
from reports.annexes import (
    LAYOUTS,
    Layout,
    department_name,
    ledger_queryset,
    ledger_rows,
    reference_date,
    statistics_table,
    summary_table,
)
from villages.models import Region, deployment_province_code

LEDGER_PAGE_SIZE = 200  # 附表3 rows per screen page: a county's ledger fits on one; the .xlsx holds them all
REGION_LEVELS = (Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY)
ANNEX_NOTES = {
    "1": "按县（市、区）统计行政村、党组织软弱涣散村、建档立卡贫困村及已选派第一书记的村数。",
    "3": "每名第一书记一行：派驻村、个人情况、派出单位及任职时间，县级填报、市级汇总、报省。",
    "4": "按派出单位层级、派驻村类型、性别、年龄、学历、职级、干部来源统计选派人数。",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Selection:
    campaign: Campaign | None
    campaigns: list[Campaign]
    region: Region
    root: Region  # the user's own region: the province, a city or a county
    regions: list[Region]  # the cities and counties below it the user may pick (none for a county)

    def query(self, **extra) -> str:
        params = {"region": self.region.code}
        if self.campaign is not None and not self.campaign.is_current:
            params["campaign"] = self.campaign.pk
        return urlencode({**params, **extra})


def _selection(request) -> Selection:
    user = request.user
    roles.require(user, roles.VIEW_ANNEXES)
    campaign, campaigns = chosen_campaign(request)
    in_scope = Region.objects.visible_to(user).filter(level__in=REGION_LEVELS)
    if user.region is not None and user.region.level in REGION_LEVELS:
        root = get_object_or_404(in_scope, pk=user.region_id)
    else:
        root = get_object_or_404(in_scope, level=Region.Level.PROVINCE, code=deployment_province_code())
    code = request.GET.get("region")
    region = get_object_or_404(in_scope, code=code) if code else root
    choices = list(
        in_scope.filter(level__in=[Region.Level.CITY, Region.Level.COUNTY]).exclude(pk=root.pk).select_related("parent").order_by("code")
    )
    return Selection(campaign, campaigns, region, root, choices)


def _layout(annex: str) -> Layout:
    if annex not in LAYOUTS:
        raise Http404("没有这个附表。")
    return LAYOUTS[annex]


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else ("" if value is None else str(value))


def _cells(layout: Layout, values: dict, label: str = "") -> list[dict]:
    """One table row as the template prints it: ``[{"text", "align", "colspan"}, …]``."""
    cells = []
    columns = layout.columns
    if label:
        cells.append({"text": label, "align": "center", "colspan": layout.label_span})
        columns = columns[layout.label_span :]
    for column in columns:
        value = values.get(column.key, "")
        # Figures with thousands separators; a 序号 or a phone number as written.
        cells.append(
            {"text": _number(value) if column.numeric else ("" if value is None else str(value)), "align": column.align, "colspan": 1}
        )
    return cells


def _ledger_lines(layout: Layout, rows):
    for values in rows:
        yield {"kind": "item", "cells": _cells(layout, values), "id": values["posting_id"]}


def index(request):
    selection = _selection(request)
    annexes = [
        {
            "number": n,
            "label": layout.label,
            "title": layout.title_for(selection.region),
            "note": ANNEX_NOTES[n],
            "url": f"{reverse('annexes:annex', args=[n])}?{selection.query()}",
            "xlsx": f"{reverse('annexes:xlsx', args=[n])}?{selection.query()}",
        }
        for n, layout in LAYOUTS.items()
    ]
    return render(request, "reports/annex_index.html", {"selection": selection, "annexes": annexes})


def annex_page(request, annex: str):
    layout = _layout(annex)
    selection = _selection(request)
    campaign, region = selection.campaign, selection.region
    context = {
        "selection": selection,
        "layout": layout,
        "annex": annex,
        "title": layout.title_for(region),
        "department": department_name(region),
        "stamp_line": layout.stamp_line.format(unit=department_name(region)),
        "header_rows": layout.header_rows(),
        "lines": [],
        "checks": [],
        "failed_checks": [],
        "xlsx_url": f"{reverse('annexes:xlsx', args=[annex])}?{selection.query()}",
        "index_url": f"{reverse('annexes:index')}?{selection.query()}",
    }
    if campaign is not None:
        if annex == "3":
            # On screen a page of rows at a time (the province's ledger is over 9,000 rows); the
            # serial numbers run on, and the .xlsx holds them all.
            total = ledger_queryset(campaign=campaign, region=region, user=request.user).count()
            page = Paginator(range(total), LEDGER_PAGE_SIZE).get_page(request.GET.get("page"))
            first = page.start_index() - 1 if total else 0
            rows = ledger_rows(campaign=campaign, region=region, user=request.user, offset=first, limit=LEDGER_PAGE_SIZE)
            context.update(lines=_ledger_lines(layout, rows), page=page, total=total, export_queued=queued_export(total))
            if total and roles.can(request.user, roles.SEE_PHONES):
                access_log.record(request, what="工作台账（附表3）", people=page.end_index() - page.start_index() + 1)
        else:
            table = (summary_table if annex == "1" else statistics_table)(campaign=campaign, region=region, user=request.user)
            context["lines"] = [{"kind": row.kind, "cells": _cells(layout, row.values, row.label), "code": row.code} for row in table.rows]
            context.update(checks=table.checks, failed_checks=table.failed_checks, notes=table.notes)
            if annex == "4":
                context["reference_date"] = reference_date(campaign)
    return render(request, "reports/annex_page.html", context)


def annex_xlsx(request, annex: str):
    layout = _layout(annex)
    selection = _selection(request)
    if selection.campaign is None:
        raise Http404("没有当前选派批次。")
    if annex == "3":
        total = ledger_queryset(campaign=selection.campaign, region=selection.region, user=request.user).count()
        if queued_export(total):
            # Too many rows to write while the page waits (reports.annex_jobs): offered as a job.
            return offer(request, job_kind("annex3"), Plan(title=f"{layout.label} {layout.title_for(selection.region)}", total=total))
    # A temporary file, not memory: the province's ledger is written row by row and sent in chunks.
    file = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        write_xlsx(annex, campaign=selection.campaign, region=selection.region, user=request.user, out=file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    name = f"{layout.label} {layout.title_for(selection.region)}（{selection.region.name}）.xlsx"
    if annex == "3" and roles.can(request.user, roles.SEE_PHONES):
        people = ledger_queryset(campaign=selection.campaign, region=selection.region, user=request.user).count()
        access_log.record(request, what=f"工作台账（附表3）Excel：{selection.region.name}", people=people)
    return FileResponse(file, as_attachment=True, filename=name, content_type=XLSX)
