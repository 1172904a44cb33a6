"""The pages of background jobs (core.jobs): the offer to queue a long export, its start
(POST), its status page (polled by static/js/jobs.js; without JavaScript the page reloads
itself), the download, and 我的导出. A job is its requester's alone: anyone else, whatever his
role or scope, gets 404."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.jobs import JobError, JobKind, Plan, job_kind, job_reconcile, job_start
from core.models import Job
from core.navigation import require
from core.params import id_or_404

# How often the status page asks for news (JavaScript) or reloads itself (without it).
POLL_SECONDS = 2


def offer(request, kind: JobKind, plan: Plan):
    """The page an export link leads to when its scope is too large to write while the page
    waits: what it is, how many rows, and the button that queues it (state changes on POST)."""
    return render(
        request,
        "jobs/offer.html",
        {
            "kind": kind,
            "plan": plan,
            "query": request.GET.urlencode(),
            "back": request.META.get("HTTP_REFERER", ""),
            "direct_max": settings.JOBS_DIRECT_MAX_ROWS,
            "lifetime_days": _lifetime_days(),
        },
    )


def _own(request, pk) -> Job:
    return get_object_or_404(Job.objects.visible_to(request.user), pk=id_or_404(pk, "没有这个导出。"))


def _available(job: Job) -> bool:
    return job.state == Job.State.DONE and bool(job.file) and job.expires_at is not None and job.expires_at > timezone.now()


@require_POST
def start(request):
    kind = job_kind(request.POST.get("kind", ""))
    require(request.user, kind.capability)
    query = request.POST.get("query", "")[:2000]
    try:
        job, created = job_start(kind=kind, query=query, by=request.user)
    except JobError as error:
        messages.error(request, str(error))
        return redirect("jobs:list")
    if not created:
        messages.warning(request, "同样的导出已在进行中，没有重复提交。")
    return redirect("jobs:detail", pk=job.pk)


@require_GET
def job_list(request):
    jobs = Job.objects.visible_to(request.user)
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    for job in page.object_list:
        job.available = _available(job)
    return render(request, "jobs/list.html", {"page": page, "lifetime_days": _lifetime_days()})


@require_GET
@never_cache
def detail(request, pk):
    job = job_reconcile(_own(request, pk))
    return render(
        request,
        "jobs/detail.html",
        {"job": job, "available": _available(job), "poll_seconds": POLL_SECONDS, "lifetime_days": _lifetime_days()},
    )


@require_GET
@never_cache
def status(request, pk):
    """The status page's figures, for static/js/jobs.js."""
    job = job_reconcile(_own(request, pk))
    return JsonResponse(
        {
            "state": job.state,
            "state_label": job.get_state_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "finished": job.finished,
            "error": job.error,
            "download": reverse("jobs:download", args=[job.pk]) if _available(job) else "",
        }
    )


@require_GET
def download(request, pk):
    job = _own(request, pk)
    if not _available(job):
        raise Http404("该导出没有可下载的文件（未完成、失败或已过期）。")
    # Still allowed to export this? A role taken away since is refused its earlier files too.
    require(request.user, job_kind(job.kind).capability)
    content_type = mimetypes.guess_type(job.file_name)[0] or "application/octet-stream"
    response = FileResponse(job.file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, job.file_name)
    return response


def _lifetime_days() -> int:
    return settings.JOBS_FILE_LIFETIME.days
