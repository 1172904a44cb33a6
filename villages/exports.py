"""The village list as an .xlsx file, in the layout its import reads back — written while the
page waits for a small list, or by the background worker for a large one (core.jobs): the same
filters, the same scope, the same file."""

from __future__ import annotations

from typing import IO

from django.db.models import QuerySet
from django.utils import timezone

from core.exports import CHUNK_SIZE, list_xlsx_tempfile
from core.jobs import JobError, JobKind, JobRequest, Plan, Progress
from core.navigation import Capability
from villages.columns import VILLAGE_COLUMNS, village_export_row
from villages.filters import VillageFilterSet


def villages_xlsx_tempfile(*, villages: QuerySet, progress: Progress | None = None) -> IO[bytes]:
    """``villages`` (already scoped and filtered) as the village list."""
    rows = (village_export_row(v) for v in villages.select_related("county__parent", "township").iterator(chunk_size=CHUNK_SIZE))
    return list_xlsx_tempfile(columns=VILLAGE_COLUMNS, rows=progress.count(rows) if progress else rows, sheet_name="村名单")


def village_export_filename() -> str:
    return f"村名单-{timezone.localdate():%Y%m%d}.xlsx"


def exported_villages(request) -> QuerySet:
    """The villages the list page's filters select for the user (the export's rows)."""
    filterset = VillageFilterSet(request.GET or None, request=request)
    if filterset.is_bound and not filterset.is_valid():
        raise JobError("筛选条件有误：" + "；".join(filterset.error_lines()))
    return filterset.qs


def _plan(request: JobRequest) -> Plan:
    filtered = any(value for key, value in request.GET.items() if key not in {"o", "page"})
    return Plan(title="村名单（按筛选条件）" if filtered else "村名单", total=exported_villages(request).count())


def _write(request: JobRequest, progress: Progress) -> tuple[str, IO[bytes]]:
    return village_export_filename(), villages_xlsx_tempfile(villages=exported_villages(request), progress=progress)


def village_export_job(capability: Capability) -> JobKind:
    """The village list export as a background job, for those who hold ``capability`` (the
    project's capability table, which this app cannot import, hands it over)."""
    return JobKind(name="villages", label="导出村名单", capability=capability, prepare=_plan, write=_write)
