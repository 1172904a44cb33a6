"""The roster's pages beyond the import: the export, and the import history a unit sees."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from core import access_log
from core.import_views import ImportPages
from core.models import ImportBatch
from core.navigation import refusal
from dispatch import roles
from secretaries.models import Cadre
from secretaries.roster_resources import roster_xlsx_tempfile


def roster_export(request):
    roles.require(request.user, roles.EXPORT_ROSTER)
    cadres = Cadre.objects.visible_to(request.user)
    access_log.record(request, what="报名人员名单（Excel）", people=cadres.count())
    return FileResponse(
        roster_xlsx_tempfile(cadres=cadres),
        as_attachment=True,
        filename=f"报名人员名单-{timezone.localdate():%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@dataclass(frozen=True)
class RosterImportPages(ImportPages):
    """ImportPages, except that a unit's HR, who import but do not read everyone's import
    history, see their own unit's roster imports (and files) — never other units'."""

    help_template: str | None = "secretaries/roster_import_help.html"

    def _batches(self, request):
        batches = ImportBatch.objects.visible_to(request.user).filter(kind=self.resource_class.kind)
        if self.history_capability.held_by(request.user):
            return batches
        if self.capability.held_by(request.user) and request.user.unit_id is not None:
            return batches.filter(created_by__unit=request.user.unit_id)
        raise PermissionDenied(refusal(self.history_capability))

    def history(self, request):
        batches = self._batches(request).select_related("created_by")
        page = Paginator(batches, 50).get_page(request.GET.get("page"))
        return render(request, "imports/history.html", self._context(page=page))

    def download(self, request, batch_id: int):
        batch = get_object_or_404(self._batches(request), pk=batch_id)
        if not batch.file:
            raise Http404("该批次没有保存原始文件。")
        # A roster holds ID numbers and phones: who downloaded it is logged.
        access_log.record(request, what=f"报名人员导入原始文件：{batch.file_name}", people=batch.total_rows)
        response = FileResponse(batch.file.open("rb"), content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(True, batch.file_name)
        return response
