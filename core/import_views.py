"""The pages of a two-stage import: upload → preview → confirm, the history and the original
files. ``ImportPages`` serves them for any resource built on core.importing.TwoStageImport
(the village list here; units and 附表2 quotas in dispatch); views stay thin, the checks and
writes are the resource's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from core.columns import display_value
from core.forms import ImportUploadForm
from core.importing import FileRefused, ImportConflict, ImportRefused, RowError, template_xlsx
from core.models import ImportBatch
from core.navigation import Capability, require
from core.spreadsheets import too_large

CHANGES_PER_PAGE = 100
ERRORS_PER_PAGE = 100


@dataclass(frozen=True)
class ImportPages:
    resource_class: type
    # What the user must hold (core.navigation.Capability: the project's capability table
    # defines them): ``capability`` to upload and confirm, ``history_capability`` to read the
    # history and download the original files.
    capability: Capability
    history_capability: Capability
    namespace: str  # URL namespace of the including urls.py, e.g. "villages"
    prefix: str = "import"  # URL names: import, import_preview, import_confirm, import_history, import_download
    title: str = "导入"
    item: str = "条"  # counts in the success message: 新增 3 个村
    key_label: str = "代码"
    help_template: str | None = None  # file requirements shown on the upload page
    # A list whose export this import reads back (URL name, link text, the capability it needs),
    # offered on the upload page to those who hold it: start from what the system already holds.
    export: tuple[str, str, Capability] | None = None

    # --- urls ------------------------------------------------------------------------------
    def name(self, page: str = "") -> str:
        return f"{self.namespace}:{self.prefix}{'_' + page if page else ''}"

    def urlpatterns(self) -> list:
        return [
            path("", self.upload, name=self.prefix),
            path("history/", self.history, name=f"{self.prefix}_history"),
            path("template/", self.template, name=f"{self.prefix}_template"),
            path("<int:batch_id>/", self.preview, name=f"{self.prefix}_preview"),
            path("<int:batch_id>/confirm/", require_POST(self.confirm), name=f"{self.prefix}_confirm"),
            path("<int:batch_id>/file/", self.download, name=f"{self.prefix}_download"),
        ]

    def _context(self, **extra) -> dict:
        urls = {"upload": self.name(), **{p: self.name(p) for p in ("preview", "confirm", "history", "download", "template")}}
        return {"pages": self, "urls": urls, **extra}

    def _require(self, request, capability: Capability) -> None:
        require(request.user, capability)

    def _own_preview(self, request, batch_id: int) -> ImportBatch:
        # Only the uploader sees and confirms a preview; anyone else gets 404, like out of scope.
        batches = ImportBatch.objects.visible_to(request.user).filter(kind=self.resource_class.kind, created_by=request.user)
        return get_object_or_404(batches, pk=batch_id)

    # --- views -----------------------------------------------------------------------------
    def upload(self, request):
        self._require(request, self.capability)
        form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
        refused = None
        if request.method == "POST" and form.is_valid():
            upload_file = form.cleaned_data["file"]
            try:
                # The body's size was checked from its Content-Length (core.uploads); the file's
                # own size is checked before it is copied out of the upload.
                if upload_file.size > settings.IMPORT_MAX_UPLOAD_BYTES:
                    raise too_large(upload_file.size)
                batch = self.resource_class().preview(data=upload_file.read(), file_name=upload_file.name, user=request.user)
            except FileRefused as e:
                refused = str(e)
            else:
                return redirect(self.name("preview"), batch_id=batch.pk)
        export = self.export if self.export is not None and self.export[2].held_by(request.user) else None
        context = self._context(form=form, refused=refused, columns=self.resource_class.columns, export=export)
        return render(request, "imports/upload.html", context, status=400 if refused or form.errors else 200)

    def _preview_context(self, request, batch: ImportBatch, conflicts: list[RowError] | None = None) -> dict:
        page = Paginator(batch.rows.order_by("row_number"), CHANGES_PER_PAGE).get_page(request.GET.get("page"))
        headers = {c.key: c.header for c in self.resource_class.columns}
        changes = [
            {
                "row": r.row_number,
                "action": r.get_action_display(),
                "key": r.key,
                "name": r.values.get("name", ""),
                "fields": [
                    {"label": headers.get(f, f), "old": display_value(old), "new": display_value(new)} for f, (old, new) in r.diff.items()
                ],
            }
            for r in page.object_list
        ]
        can_confirm = batch.status == ImportBatch.Status.PREVIEWED and not batch.errors and (batch.created_count or batch.updated_count)
        # The stored errors (at most settings.IMPORT_MAX_ERRORS) a page at a time, with the total.
        error_page = Paginator(batch.errors, ERRORS_PER_PAGE).get_page(request.GET.get("errors_page"))
        error_total = max(batch.error_count, len(batch.errors))
        return self._context(
            batch=batch,
            errors=[RowError(*e) for e in error_page.object_list],
            error_page=error_page,
            error_total=error_total,
            errors_stored=len(batch.errors),
            errors_unlisted=error_total - len(batch.errors),
            conflicts=(conflicts or [])[: settings.IMPORT_MAX_ERRORS],
            changes=changes,
            page=page,
            can_confirm=can_confirm,
        )

    def preview(self, request, batch_id: int):
        self._require(request, self.capability)
        batch = self._own_preview(request, batch_id)
        return render(request, "imports/preview.html", self._preview_context(request, batch))

    def confirm(self, request, batch_id: int):
        self._require(request, self.capability)
        batch = self._own_preview(request, batch_id)
        try:
            self.resource_class().confirm(batch=batch, user=request.user)
        except ImportRefused as e:
            messages.error(request, str(e))
            return redirect(self.name("preview"), batch_id=batch.pk)
        except ImportConflict as e:
            batch.refresh_from_db()
            messages.error(request, "导入未完成，没有写入任何数据：以下行在预览后发生了变化。")
            return render(request, "imports/preview.html", self._preview_context(request, batch, e.errors), status=409)
        messages.success(
            request,
            f"导入完成：新增 {batch.created_count:,} {self.item}，修改 {batch.updated_count:,} {self.item}，"
            f"{batch.unchanged_count:,} 个未变。",
        )
        return redirect(reverse(self.name("history")))

    def template(self, request):
        """An empty file for this import: its header row and one example row, .xlsx."""
        self._require(request, self.capability)
        data = template_xlsx(self.resource_class.columns)
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = content_disposition_header(True, f"{self.title}模板.xlsx")
        return response

    def history(self, request):
        self._require(request, self.history_capability)
        batches = ImportBatch.objects.visible_to(request.user).filter(kind=self.resource_class.kind).select_related("created_by")
        page = Paginator(batches, 50).get_page(request.GET.get("page"))
        return render(request, "imports/history.html", self._context(page=page))

    def download(self, request, batch_id: int):
        self._require(request, self.history_capability)
        batch = get_object_or_404(ImportBatch.objects.visible_to(request.user).filter(kind=self.resource_class.kind), pk=batch_id)
        if not batch.file:
            raise Http404("该批次没有保存原始文件。")
        response = FileResponse(batch.file.open("rb"), content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(True, batch.file_name)
        return response
