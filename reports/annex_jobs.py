"""附表3 of a large region (a province's ledger runs to ~10,000 rows in Shanxi and to hundreds of
thousands for the nation) as a background job (core.jobs): the annex page's own selection
(region and campaign in the user's scope, from the same query), the same workbook writer."""

from __future__ import annotations

import tempfile
from typing import IO

from core.jobs import JobError, JobKind, JobRequest, Plan, Progress
from dispatch import roles
from reports.annex_views import Selection, _selection
from reports.annex_xlsx import _write_ledger
from reports.annexes import LAYOUTS, ledger_queryset, ledger_rows


def ledger_title(selection: Selection) -> str:
    layout = LAYOUTS["3"]
    return f"{layout.label} {layout.title_for(selection.region)}（{selection.region.name}）"


def _selected(request: JobRequest) -> Selection:
    selection = _selection(request)
    if selection.campaign is None:
        raise JobError("导出失败：没有当前选派批次。")
    return selection


def _plan(request: JobRequest) -> Plan:
    selection = _selected(request)
    total = ledger_queryset(campaign=selection.campaign, region=selection.region, user=request.user).count()
    return Plan(title=ledger_title(selection), total=total)


def _write(request: JobRequest, progress: Progress) -> tuple[str, IO[bytes]]:
    selection = _selected(request)
    campaign, region, user = selection.campaign, selection.region, request.user
    file = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        _write_ledger(
            file, campaign=campaign, region=region, user=user, rows=progress.count(ledger_rows(campaign=campaign, region=region, user=user))
        )
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return f"{ledger_title(selection)}.xlsx", file


LEDGER_JOB = JobKind(name="annex3", label="导出附表3 工作台账", capability=roles.VIEW_ANNEXES, prepare=_plan, write=_write)
