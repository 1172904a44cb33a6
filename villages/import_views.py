"""The village-list import pages: upload → preview → confirm, and the import history.

Views stay thin: the checks and writes are VillageResource's (villages/resources.py) and the
two-stage engine's (villages/importing.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from villages.columns import VILLAGE_COLUMNS, display_value
from villages.forms import ImportUploadForm
from villages.importing import FileRefused, ImportConflict, ImportRefused, RowError
from villages.models import ImportBatch
from villages.resources import VillageResource

CHANGES_PER_PAGE = 100


def _own_preview(request, batch_id: int) -> ImportBatch:
    # Only the uploader sees and confirms a preview; anyone else gets 404, like out of scope.
    return get_object_or_404(
        ImportBatch.objects.visible_to(request.user).filter(kind=VillageResource.kind, created_by=request.user), pk=batch_id
    )


@permission_required("villages.import_village", raise_exception=True)
def upload(request):
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    refused = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            batch = VillageResource().preview(data=upload_file.read(), file_name=upload_file.name, user=request.user)
        except FileRefused as e:
            refused = str(e)
        else:
            return redirect("villages:import_preview", batch_id=batch.pk)
    return render(
        request,
        "villages/import_upload.html",
        {"form": form, "refused": refused, "columns": VILLAGE_COLUMNS},
        status=400 if refused or form.errors else 200,
    )


def _preview_context(request, batch: ImportBatch, conflicts: list[RowError] | None = None) -> dict:
    page = Paginator(batch.rows.order_by("row_number"), CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    headers = {c.key: c.header for c in VILLAGE_COLUMNS}
    changes = [
        {
            "row": r.row_number,
            "action": r.get_action_display(),
            "code": r.key,
            "name": r.values.get("name", ""),
            "fields": [
                {"label": headers.get(f, f), "old": display_value(old), "new": display_value(new)} for f, (old, new) in r.diff.items()
            ],
        }
        for r in page.object_list
    ]
    return {
        "batch": batch,
        "errors": [RowError(*e) for e in batch.errors],
        "conflicts": conflicts or [],
        "changes": changes,
        "page": page,
        "can_confirm": batch.status == ImportBatch.Status.PREVIEWED and not batch.errors and (batch.created_count or batch.updated_count),
    }


@permission_required("villages.import_village", raise_exception=True)
def preview(request, batch_id: int):
    batch = _own_preview(request, batch_id)
    return render(request, "villages/import_preview.html", _preview_context(request, batch))


@require_POST
@permission_required("villages.import_village", raise_exception=True)
def confirm(request, batch_id: int):
    batch = _own_preview(request, batch_id)
    try:
        VillageResource().confirm(batch=batch, user=request.user)
    except ImportRefused as e:
        messages.error(request, str(e))
        return redirect("villages:import_preview", batch_id=batch.pk)
    except ImportConflict as e:
        batch.refresh_from_db()
        messages.error(request, "导入未完成，没有写入任何数据：以下行在预览后发生了变化。")
        return render(request, "villages/import_preview.html", _preview_context(request, batch, e.errors), status=409)
    messages.success(
        request, f"导入完成：新增 {batch.created_count} 个村，修改 {batch.updated_count} 个村，{batch.unchanged_count} 个未变。"
    )
    return redirect(reverse("villages:import_history"))


@permission_required("villages.view_importbatch", raise_exception=True)
def history(request):
    batches = ImportBatch.objects.visible_to(request.user).filter(kind=VillageResource.kind).select_related("created_by", "region")
    page = Paginator(batches, 50).get_page(request.GET.get("page"))
    return render(request, "villages/import_history.html", {"page": page})


@permission_required("villages.view_importbatch", raise_exception=True)
def download(request, batch_id: int):
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=batch_id)
    if not batch.file:
        raise Http404("该批次没有保存原始文件。")
    response = FileResponse(batch.file.open("rb"), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, batch.file_name)
    return response
