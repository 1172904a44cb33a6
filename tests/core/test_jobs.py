"""Background jobs (core.jobs): a long export is offered as a job, queued by a POST, run by a
real worker process (`manage.py jobs_worker`, a subprocess on the test database), and its file
served to its requester only, until it expires.

The worker test writes its rows for real (transactional) so that the worker's own connection
sees them; on SQLite the test database is copied to a file the subprocess can open.
"""

from __future__ import annotations

import datetime
import io
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import health as health_module
from core import jobs
from core.jobs import INTERRUPTED, OUT_OF_SCOPE, job_reconcile, jobs_cleanup, queue_health, run_job, worker_beat
from core.models import Job, WorkerHeartbeat
from tests.reports.test_annexes import campaign, ledger, units  # noqa: F401 (fixtures)
from villages.models import Village

ROOT = Path(__file__).resolve().parents[2]
PROVINCE_LEDGER = "/annexes/3/xlsx/?region=140000"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def queue_everything(settings):
    """Every export is a background job (the province's real ledger is ~10,000 rows; these
    tests' ledger has 8)."""
    settings.JOBS_DIRECT_MAX_ROWS = 0


def start(client, kind: str, query: str):
    return client.post("/exports/start/", {"kind": kind, "query": query})


# --- offer, start, refusals (no worker) -----------------------------------------------------------


@pytest.mark.django_db
def test_a_small_ledger_downloads_at_once_and_a_large_one_is_offered_as_a_job(client, province_user, ledger, settings, media):
    client.force_login(province_user)
    direct = client.get(PROVINCE_LEDGER)
    assert direct.status_code == 200 and direct["Content-Disposition"].startswith("attachment")

    settings.JOBS_DIRECT_MAX_ROWS = 5
    offered = client.get(PROVINCE_LEDGER)
    assert offered.status_code == 200
    text = offered.content.decode()
    assert "共 8 行" in text and "开始导出" in text and 'name="query" value="region=140000"' in text
    page = client.get("/annexes/3/?region=140000").content.decode()
    assert "下载 Excel（后台生成）" in page
    assert not Job.objects.exists()  # an offer writes nothing


@pytest.mark.django_db
def test_starting_a_job_queues_it_once_and_a_second_post_is_refused(client, province_user, ledger, queue_everything, media):
    client.force_login(province_user)

    response = start(client, "annex3", "region=140000")

    (job,) = Job.objects.all()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    assert (job.state, job.total, job.requested_by, job.kind) == ("queued", 8, province_user, "annex3")
    assert job.title == "附表3 选派机关优秀干部到村任第一书记工作台账（山西省）"
    assert DBTaskResult.objects.filter(pk=job.task_id, status="READY").exists()

    again = start(client, "annex3", "region=140000")
    assert again["Location"] == f"/exports/{job.pk}/"
    assert Job.objects.count() == 1 and DBTaskResult.objects.count() == 1
    assert "同样的导出已在进行中" in client.get(again["Location"]).content.decode()


@pytest.mark.django_db
def test_a_role_without_the_export_gets_403_and_nothing_is_queued(client, lanyi_user, ledger, queue_everything):
    client.force_login(lanyi_user)  # 乡镇党委: no 台账统计

    assert start(client, "annex3", "region=140000").status_code == 403
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_a_region_outside_the_scope_gets_404_and_nothing_is_queued(client, lvliang_user, ledger, queue_everything):
    client.force_login(lvliang_user)

    assert start(client, "annex3", "region=140900").status_code == 404  # 忻州市, not 吕梁's
    assert start(client, "no-such-kind", "").status_code == 404
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_start_answers_only_post_and_the_pages_only_get(client, province_user):
    client.force_login(province_user)
    job = Job.objects.create(requested_by=province_user, kind="annex3", title="附表3")
    assert client.get("/exports/start/").status_code == 405
    for url in ("/exports/", f"/exports/{job.pk}/", f"/exports/{job.pk}/status/", f"/exports/{job.pk}/file/"):
        assert client.post(url).status_code == 405


@pytest.mark.django_db
def test_a_village_list_with_a_wrong_filter_is_refused_with_its_reason(client, kelan_user, queue_everything):
    client.force_login(kelan_user)

    response = start(client, "villages", "category=nonsense")

    assert response.status_code == 302 and response["Location"] == "/exports/"
    assert "筛选条件有误：类别" in client.get("/exports/").content.decode()
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_the_village_list_of_a_county_is_offered_as_a_job_above_the_threshold(client, kelan_user, settings):
    client.force_login(kelan_user)
    assert client.get("/villages/export/").status_code == 200  # 岢岚县: a file at once
    assert client.get("/villages/export/")["Content-Disposition"].startswith("attachment")

    settings.JOBS_DIRECT_MAX_ROWS = 10
    response = client.get("/villages/export/?category=none")
    assert "开始导出" in response.content.decode() and "村名单" in response.content.decode()
    assert "导出 Excel（后台生成）" in client.get("/villages/").content.decode()


@pytest.mark.django_db
def test_someone_elses_job_is_404_on_every_page(client, province_user, admin_user, ledger, queue_everything):
    client.force_login(province_user)
    start(client, "annex3", "region=140000")
    job = Job.objects.get()

    client.force_login(admin_user)  # sees the whole province, but the job is not his
    for url in (f"/exports/{job.pk}/", f"/exports/{job.pk}/status/", f"/exports/{job.pk}/file/"):
        assert client.get(url).status_code == 404
    assert "还没有后台导出" in client.get("/exports/").content.decode()


@pytest.mark.django_db
def test_the_status_of_a_queued_job_for_the_page_script(client, province_user, ledger, queue_everything):
    client.force_login(province_user)
    start(client, "annex3", "region=140000")
    job = Job.objects.get()

    status = client.get(f"/exports/{job.pk}/status/").json()
    page = client.get(f"/exports/{job.pk}/").content.decode()

    assert status == {
        "state": "queued",
        "state_label": "排队中",
        "done": 0,
        "total": 8,
        "percent": 0,
        "finished": False,
        "error": "",
        "download": "",
    }
    assert "排队中" in page and "文件在后台生成" in page and "js/jobs.js" in page and 'http-equiv="refresh"' in page


# --- the worker's periodic work and the health check --------------------------------------------


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_marked_failed(province_user):
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="core.jobs.run_job",
        queue_name="default",
        backend_name="default",
        run_after=timezone.now(),
        status="RUNNING",
        worker_ids=["gone"],
    )
    job = Job.objects.create(requested_by=province_user, kind="annex3", title="附表3", state="running", task_id=str(task.pk))
    WorkerHeartbeat.objects.create(worker_id="gone", host="h", pid=1, seen_at=timezone.now() - datetime.timedelta(minutes=5))

    job = job_reconcile(job)

    assert (job.state, job.error) == ("failed", INTERRUPTED)


@pytest.mark.django_db
def test_the_same_export_is_queued_again_when_the_earlier_one_was_orphaned(client, province_user, ledger, queue_everything):
    client.force_login(province_user)
    start(client, "annex3", "region=140000")
    orphan = Job.objects.get()
    DBTaskResult.objects.filter(pk=orphan.task_id).update(status="RUNNING", worker_ids=["gone"])
    Job.objects.filter(pk=orphan.pk).update(state="running")  # its worker never beat: dead

    response = start(client, "annex3", "region=140000")

    orphan.refresh_from_db()
    fresh = Job.objects.exclude(pk=orphan.pk).get()
    assert (orphan.state, orphan.error) == ("failed", INTERRUPTED)
    assert fresh.state == "queued" and response["Location"] == f"/exports/{fresh.pk}/"


@pytest.mark.django_db
def test_the_health_url_fails_when_a_job_waits_too_long_for_a_worker(client, province_user, settings):
    assert queue_health() == "ok"
    job = Job.objects.create(requested_by=province_user, kind="annex3", title="附表3")
    worker_beat(worker_id="w1")
    assert client.get("/healthz").status_code == 200

    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - datetime.timedelta(minutes=2))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["tasks"]["error"] == "1 jobs queued and no worker alive"

    worker_beat(worker_id="w1")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=6))
    assert "waited 360 s for a worker (limit 300 s)" in client.get("/healthz").json()["checks"]["tasks"]["error"]
    assert health_module.CHECKS["tasks"] is queue_health


@pytest.mark.django_db
def test_the_cleanup_deletes_expired_files_and_keeps_the_rest(client, province_user, media):
    now = timezone.now()
    old = Job.objects.create(
        requested_by=province_user, kind="annex3", title="附表3", state="done", expires_at=now - datetime.timedelta(minutes=1)
    )
    fresh = Job.objects.create(
        requested_by=province_user, kind="annex3", title="附表3", state="done", expires_at=now + datetime.timedelta(days=1)
    )
    old.file.save("old.xlsx", ContentFile(b"old"))
    fresh.file.save("fresh.xlsx", ContentFile(b"fresh"))
    old_name, fresh_name = old.file.name, fresh.file.name

    call_command("jobs_cleanup", stdout=io.StringIO())

    old.refresh_from_db()
    assert old.state == "expired" and not old.file and not default_storage.exists(old_name)
    assert default_storage.exists(fresh_name)
    client.force_login(province_user)
    assert client.get(f"/exports/{old.pk}/file/").status_code == 404
    assert "已超过保留期限" in client.get(f"/exports/{old.pk}/").content.decode()


# --- a real worker --------------------------------------------------------------------------------


@pytest.fixture
def worker_database(django_db_blocker, tmp_path):
    """The DATABASE_URL a worker subprocess opens: the test database itself on PostgreSQL; on
    SQLite a file the default connection is switched to for the test (the in-memory test
    database is invisible to another process)."""
    conn = connections["default"]
    if conn.vendor == "postgresql":
        conf = conn.settings_dict
        yield f"postgres://{conf['USER']}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"
        return
    with django_db_blocker.unblock():
        conn.ensure_connection()
        memory_name = conn.settings_dict["NAME"]
        keeper = sqlite3.connect(memory_name, uri=True)  # keeps the in-memory database alive
        path = tmp_path / "db.sqlite3"
        target = sqlite3.connect(path)
        conn.connection.backup(target)
        target.close()
        conn.settings_dict["NAME"] = str(path)
        # Not conn.close(): Django ignores it for an in-memory database.
        conn.connection.close()
        conn.connection = None
        yield f"sqlite:///{path}"
        conn.close()
        conn.settings_dict["NAME"] = memory_name
        conn.ensure_connection()
        keeper.close()


def run_worker(database_url: str, media_root: Path) -> str:
    """`manage.py jobs_worker --batch`: runs every queued job, then exits."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dispatch.settings",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "jobs_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_exports_the_ledger_and_reports_a_failure_in_chinese(
    worker_database, client, province_user, xinzhou_user, lvliang_user, ledger, queue_everything, media
):
    client.force_login(province_user)
    start(client, "annex3", "region=140000")
    ledger_job = Job.objects.get(requested_by=province_user)
    # 忻州's ledger, queued; then its account is moved to 吕梁市 before the worker gets to it.
    client.force_login(xinzhou_user)
    start(client, "annex3", "region=140900")
    moved_job = Job.objects.get(requested_by=xinzhou_user)
    type(xinzhou_user).objects.filter(pk=xinzhou_user.pk).update(region=lvliang_user.region)

    log = run_worker(worker_database, media)

    ledger_job.refresh_from_db()
    assert (ledger_job.state, ledger_job.done, ledger_job.total, ledger_job.error) == ("done", 8, 8, ""), log
    assert ledger_job.expires_at - ledger_job.finished_at == datetime.timedelta(days=7)
    assert ledger_job.file_name == "附表3 选派机关优秀干部到村任第一书记工作台账（山西省）.xlsx"
    assert default_storage.exists(ledger_job.file.name) and ledger_job.file.name.startswith("exports/")
    assert DBTaskResult.objects.get(pk=ledger_job.task_id).status == "SUCCESSFUL"

    # The requester downloads it (from this process: the file is in the media store, the job in the database).
    client.force_login(province_user)
    page = client.get(f"/exports/{ledger_job.pk}/").content.decode()
    assert "已完成" in page and "下载 附表3" in page and "http-equiv" not in page
    response = client.get(f"/exports/{ledger_job.pk}/file/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A1"].value == "选派机关优秀干部到村任第一书记工作台账"
    names = [sheet.cell(r, 9).value for r in range(5, 13)]
    assert all(names) and {"王秀英", "赵国强"} <= set(names)
    assert sheet.cell(13, 9).value in (None, "")  # 8 rows, then the footer's blank row

    # Anyone else: 404, whatever his scope.
    client.force_login(lvliang_user)
    assert client.get(f"/exports/{ledger_job.pk}/file/").status_code == 404

    # The job whose region left its requester's scope failed, and says why in Chinese.
    moved_job.refresh_from_db()
    assert (moved_job.state, moved_job.error, moved_job.file.name) == ("failed", OUT_OF_SCOPE, "")
    client.force_login(xinzhou_user)
    page = client.get(f"/exports/{moved_job.pk}/").content.decode()
    assert "失败" in page and OUT_OF_SCOPE in page
    assert client.get(f"/exports/{moved_job.pk}/file/").status_code == 404

    # Kept for the configured time, then the cleanup deletes the file.
    stored = ledger_job.file.name
    jobs_cleanup(now=ledger_job.expires_at + datetime.timedelta(seconds=1))
    ledger_job.refresh_from_db()
    assert ledger_job.state == "expired" and not default_storage.exists(stored)
    client.force_login(province_user)
    assert client.get(f"/exports/{ledger_job.pk}/file/").status_code == 404
    assert not WorkerHeartbeat.objects.exists()  # the worker took its heartbeat with it


@pytest.mark.django_db
def test_the_village_list_job_writes_the_filtered_list_of_the_requesters_scope(client, kelan_user, media, settings):
    settings.JOBS_DIRECT_MAX_ROWS = 10
    client.force_login(kelan_user)
    start(client, "villages", "township=140929100")
    job = Job.objects.get()

    assert run_job.call(job.pk) == "done"  # the task's function, as the worker calls it

    job.refresh_from_db()
    expected = Village.objects.filter(township__code="140929100").count()
    assert (job.state, job.done, job.total, job.title) == ("done", expected, expected, "村名单（按筛选条件）")
    sheet = openpyxl.load_workbook(job.file.open("rb")).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(codes) == expected and all(code.startswith("140929100") for code in codes)


@pytest.mark.django_db(transaction=True)
def test_progress_is_recorded_while_the_heartbeat_commits_beside_the_export(worker_database, province_user, media, monkeypatch):
    """On SQLite the export reads its rows through an open cursor; a progress UPDATE on that
    connection after the heartbeat's commit was refused at once ("database is locked") and the
    worker died mid-job. Heartbeat and progress as often as they come, in this process."""
    monkeypatch.setattr(jobs, "HEARTBEAT_SECONDS", 0.02)
    monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 0.005)
    job, _ = jobs.job_start(kind=jobs.job_kind("villages"), query="city=140900", by=province_user)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("jobs_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0", verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)

    job.refresh_from_db()
    assert (job.state, job.done) == ("done", Village.objects.filter(county__parent__code="140900").count())
