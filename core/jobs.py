"""Background jobs: exports too long for a page request, run by a worker process.

An app declares a long export as a ``JobKind`` (in its AppConfig.ready(), where it knows the
capability table's entry): ``prepare`` reads the export page's query as the user would send it
and checks it (scope: Http404; bad input: ``JobError``), giving a title and the number of rows;
``write`` writes the file, counting rows on a ``Progress``. Both take a ``JobRequest`` — the
requester and the query — so that the direct download of a small scope and the queued one of
a large scope go through the same code and the same scope rule.

``job_start`` records a ``core.models.Job`` and enqueues ``run_job`` on Django's tasks framework
(the django-tasks backport, database backend). The worker (``manage.py jobs_worker``: the
backend's ``db_worker`` plus a heartbeat and the periodic cleanup) runs it as the requester:
progress, state, a Chinese message when it fails, and the file in the default storage
(MEDIA_ROOT), kept ``JOBS_FILE_LIFETIME``. Everything lives in the database and the media store,
never in a process's memory: any application server shows the status and serves the file.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import IO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections, transaction
from django.http import Http404, QueryDict
from django.utils import timezone
from django_tasks import task

from core.models import Job, WorkerHeartbeat
from core.navigation import Capability

logger = logging.getLogger("core.jobs")

# What the requester reads when a job failed for a reason nobody planned for (the traceback
# goes to the worker's log and to the task's row).
UNEXPECTED = "导出失败：服务器处理时出错。请重新导出；再次失败请联系系统管理员。"
OUT_OF_SCOPE = "导出失败：所选地区、批次或条件已不在您的管理范围内，或已不存在。"
INTERRUPTED = "导出中断：后台服务在生成文件时停止了。请重新导出。"
# A worker whose heartbeat is older than this is taken for dead.
WORKER_STALE = timedelta(seconds=60)
HEARTBEAT_SECONDS = 10
RECONCILE_SECONDS = 60
CLEANUP_SECONDS = 60 * 60
PROGRESS_SECONDS = 1.0


class JobError(Exception):
    """A job that cannot be done, with the Chinese message its requester reads."""


@dataclass(frozen=True)
class JobRequest:
    """What an export reads from a request, for the worker to read again: the requester and
    the export page's query (``GET``), nothing else."""

    user: object
    GET: QueryDict = field(default_factory=QueryDict)
    method: str = "GET"

    @classmethod
    def of(cls, user, query: str) -> JobRequest:
        return cls(user=user, GET=QueryDict(query))


@dataclass(frozen=True)
class Plan:
    """What ``prepare`` found: the job's title (e.g. "附表3 全省第一书记工作台账") and its rows."""

    title: str
    total: int


@dataclass(frozen=True)
class JobKind:
    name: str  # stored on the job, e.g. "annex3"
    label: str  # e.g. "附表3 工作台账"
    capability: Capability  # who may start it (and still download it)
    prepare: Callable[[JobRequest], Plan]
    # Writes the file: (its download name, the file rewound). Calls progress.count() on its rows.
    write: Callable[[JobRequest, Progress], tuple[str, IO[bytes]]]


_kinds: dict[str, JobKind] = {}


def register_job_kind(kind: JobKind) -> None:
    """Declare a long export (called in an AppConfig.ready(), as navigation is)."""
    _kinds[kind.name] = kind


def job_kind(name: str) -> JobKind:
    try:
        return _kinds[name]
    except KeyError:
        raise Http404("没有这种导出。") from None


def queued_export(total: int) -> bool:
    """Whether an export of ``total`` rows runs in the background rather than in the request."""
    return total > settings.JOBS_DIRECT_MAX_ROWS


class Progress:
    """Counts an export's rows as they are written. The count reaches the job's row at most once
    a second (a one-row UPDATE), where the status page, on whatever server, reads it.

    The UPDATE goes through a connection of its own: the export's rows are read through an open
    cursor (``iterator()``), and on SQLite a connection whose read began before another one's
    commit (the worker's heartbeat) cannot write until that read ends — "database is locked" at
    once, without waiting. A second connection has no such read and waits its turn."""

    def __init__(self, job_id: int | None, total: int = 0):
        self.job_id, self.total, self.done = job_id, total, 0
        self._flushed = time.monotonic()
        self._connection = None

    def count(self, rows: Iterable) -> Iterator:
        for row in rows:
            yield row
            self.done += 1
            if self.job_id is not None and time.monotonic() - self._flushed >= PROGRESS_SECONDS:
                self.flush()

    def flush(self) -> None:
        self._flushed = time.monotonic()
        if self._connection is None:
            self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
        table = self._connection.ops.quote_name(Job._meta.db_table)
        with self._connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET done = %s, total = %s WHERE id = %s AND state = %s",
                [self.done, max(self.total, self.done), self.job_id, Job.State.RUNNING],
            )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


# --- writes ------------------------------------------------------------------------------------


def job_start(*, kind: JobKind, query: str, by) -> tuple[Job, bool]:
    """Queue ``kind`` for ``by`` with the export page's ``query``; (the job, whether it is new).
    The same export of the same user still queued or running is returned instead of a second
    one (a double click, a second tab). Raises what ``prepare`` raises (Http404 out of scope,
    JobError for bad input) before anything is written."""
    if not kind.capability.held_by(by):
        raise PermissionDenied(f"您的角色无权{kind.capability.label}。")
    plan = kind.prepare(JobRequest.of(by, query))
    with transaction.atomic():
        # The requester's row is the lock: two POSTs of one user are decided one after the other.
        get_user_model().objects.select_for_update().filter(pk=by.pk).first()
        same = Job.objects.filter(requested_by=by, kind=kind.name, query=query, state__in=[Job.State.QUEUED, Job.State.RUNNING])
        if (existing := same.first()) is not None and not job_reconcile(existing).finished:
            return existing, False
        job = Job.objects.create(requested_by=by, kind=kind.name, title=plan.title[:200], query=query, total=plan.total)
        # The task's row is written in this transaction too: both or neither.
        result = run_job.enqueue(job.pk)
        job.task_id = str(result.id)
        job.save(update_fields=["task_id"])
    return job, True


def _fail(job_id: int, message: str) -> None:
    Job.objects.filter(pk=job_id, state__in=[Job.State.QUEUED, Job.State.RUNNING]).update(
        state=Job.State.FAILED, error=message[:500], finished_at=timezone.now()
    )


@task()
def run_job(job_id: int) -> str:
    """The worker's side of a job: claim it (queued → running, a conditional update, so that a
    job runs once), write the file as its requester, store it, record the outcome."""
    now = timezone.now()
    if not Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(state=Job.State.RUNNING, started_at=now):
        return "skipped"
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    try:
        kind = job_kind(job.kind)
        user = job.requested_by
        if not user.is_active or not kind.capability.held_by(user):
            raise JobError(f"导出失败：您的账号已停用，或您的角色已无权{kind.capability.label}。")
        progress = Progress(job.pk, job.total)
        try:
            file_name, file = kind.write(JobRequest.of(user, job.query), progress)
        finally:
            progress.close()
        with file:
            size = file.seek(0, os.SEEK_END)
            file.seek(0)
            # A random name in the store (never the user's text); the download gives file_name.
            suffix = os.path.splitext(file_name)[1] or ".bin"
            stored = default_storage.save(f"exports/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}", File(file))
        finished = timezone.now()
        Job.objects.filter(pk=job_id, state=Job.State.RUNNING).update(
            state=Job.State.DONE,
            file=stored,
            file_name=file_name[:255],
            file_size=size,
            done=progress.done,
            total=progress.done,
            finished_at=finished,
            expires_at=finished + settings.JOBS_FILE_LIFETIME,
        )
        return Job.State.DONE
    except JobError as error:
        _fail(job_id, str(error))
    except Http404:
        _fail(job_id, OUT_OF_SCOPE)
    except PermissionDenied as error:
        _fail(job_id, f"导出失败：{error}" if str(error) else UNEXPECTED)
    except BaseException:
        # Recorded for the requester, then raised: the task's row keeps the traceback.
        logger.exception("job %s (%s) failed", job_id, job.kind)
        _fail(job_id, UNEXPECTED)
        raise
    return Job.State.FAILED


def job_reconcile(job: Job) -> Job:
    """A job left queued or running although its task ended (a worker stopped mid-task: its
    task row says failed) or its worker is gone (no heartbeat): failed, with a message."""
    if job.finished or not job.task_id:
        return job
    from django_tasks_db.models import DBTaskResult  # the queue's own rows; loaded with the apps

    task = DBTaskResult.objects.filter(pk=job.task_id).values("status", "worker_ids").first()
    stopped = task is None or task["status"] in {"FAILED", "SUCCESSFUL"}
    if not stopped and job.state == Job.State.RUNNING and task["worker_ids"]:
        beat = WorkerHeartbeat.objects.filter(worker_id=task["worker_ids"][-1]).values_list("seen_at", flat=True).first()
        stopped = beat is None or timezone.now() - beat > WORKER_STALE
    if stopped:
        _fail(job.pk, INTERRUPTED)
        job.refresh_from_db()
    return job


def jobs_reconcile() -> int:
    """``job_reconcile`` for every unfinished job (the worker's periodic pass)."""
    failed = 0
    for job in Job.objects.filter(state__in=[Job.State.QUEUED, Job.State.RUNNING]):
        failed += job_reconcile(job).state == Job.State.FAILED
    return failed


def jobs_cleanup(*, now=None) -> int:
    """Delete the files of jobs past their keeping time (the job stays, marked expired), the
    queue's rows of tasks finished that long ago, and heartbeats of workers gone for a day.
    Idempotent, so several workers (and cron) may run it at once. Returns the files deleted."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    deleted = 0
    for job in Job.objects.filter(state=Job.State.DONE, expires_at__lte=now).only("pk", "file"):
        with transaction.atomic():
            if not Job.objects.filter(pk=job.pk, state=Job.State.DONE).update(state=Job.State.EXPIRED, file=""):
                continue  # another worker's pass got there first
        if job.file:
            default_storage.delete(job.file.name)
            deleted += 1
    DBTaskResult.objects.finished().filter(finished_at__lt=now - settings.JOBS_FILE_LIFETIME).delete()
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    return deleted


def worker_beat(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"host": socket.gethostname()[:255], "pid": os.getpid(), "seen_at": timezone.now()}
    )


class Housekeeper(threading.Thread):
    """Runs beside a worker's task loop (a daemon thread of ``jobs_worker``): the heartbeat every
    10 s, the reconcile pass every minute, the cleanup every hour (and once at start). It beats
    while a long task runs; it dies with its process."""

    def __init__(self, worker_id: str):
        super().__init__(name="jobs-housekeeper", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()

    def run(self) -> None:
        last_reconcile = last_cleanup = 0.0
        while not self.stopping.is_set():
            try:
                worker_beat(worker_id=self.worker_id)
                if time.monotonic() - last_reconcile >= RECONCILE_SECONDS:
                    jobs_reconcile()
                    last_reconcile = time.monotonic()
                if time.monotonic() - last_cleanup >= CLEANUP_SECONDS:
                    jobs_cleanup()
                    last_cleanup = time.monotonic()
            except Exception:  # a database hiccup must not kill the heartbeat for good
                logger.exception("jobs housekeeping failed")
            finally:
                close_old_connections()
            self.stopping.wait(HEARTBEAT_SECONDS)
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        connection.close()


# --- /healthz ------------------------------------------------------------------------------------


def queue_health() -> str:
    """core.health's check of the task queue: fails when a job has waited longer than
    JOBS_QUEUE_MAX_WAIT, or when jobs wait and no worker has beaten for a minute."""
    now = timezone.now()
    queued = Job.objects.filter(state=Job.State.QUEUED)
    oldest = queued.order_by("created_at").values_list("created_at", flat=True).first()
    alive = WorkerHeartbeat.objects.filter(seen_at__gte=now - WORKER_STALE).count()
    if oldest is None:
        return "ok"
    waited = int((now - oldest).total_seconds())
    if now - oldest > settings.JOBS_QUEUE_MAX_WAIT:
        raise RuntimeError(f"a job has waited {waited} s for a worker (limit {int(settings.JOBS_QUEUE_MAX_WAIT.total_seconds())} s)")
    if not alive and now - oldest > WORKER_STALE:
        raise RuntimeError(f"{queued.count()} jobs queued and no worker alive")
    return "ok"
