"""The province asks for its 附表3, which is queued as a background job: the offer, the status
page that follows the job's progress by itself (static/js/jobs.js, no inline script), 我的导出,
and the download once the worker has written it.

The worker runs here in the test's own thread (django-tasks-db's worker loop on the live
server's database); tests/core/test_jobs.py runs it as a separate process."""

import io

import openpyxl
import pytest
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect

from core.models import Job
from tests.reports.test_annexes import campaign, ledger, units  # noqa: F401 (fixtures)


@pytest.fixture
def queue_everything(settings, tmp_path):
    settings.JOBS_DIRECT_MAX_ROWS = 0  # the test ledger has 8 rows; a real province's ~10,000
    settings.MEDIA_ROOT = tmp_path / "media"


def run_worker() -> None:
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="e2e",
        excluded_queue_names=[],
    ).run()


def test_the_province_queues_its_ledger_follows_it_and_downloads_it(
    page, live_server, login, province_user, ledger, queue_everything, screenshot
):
    login("shengzzb")
    page.goto(f"{live_server.url}/annexes/3/?region=140000")
    expect(page.get_by_test_id("xlsx-link")).to_have_text("下载 Excel（后台生成）")
    page.get_by_test_id("xlsx-link").click()

    expect(page.get_by_test_id("job-offer")).to_contain_text("共 8 行")
    screenshot("job-offer")
    page.get_by_test_id("job-start").click()

    expect(page.get_by_role("heading")).to_have_text("附表3 选派机关优秀干部到村任第一书记工作台账（山西省）")
    expect(page.get_by_test_id("job-state")).to_have_text("排队中")
    screenshot("job-queued")

    # The worker has written 3 rows: the page's script shows it without a reload.
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(state="running", done=3)
    expect(page.get_by_test_id("job-state")).to_have_text("正在生成")
    expect(page.get_by_test_id("job-count")).to_have_text("3 / 8 行")
    screenshot("job-running")

    page.get_by_role("link", name="我的导出").first.click()
    expect(page.get_by_test_id("job-list")).to_contain_text("正在生成（37%）")
    Job.objects.filter(pk=job.pk).update(state="queued", done=0)  # back to the queue, for the worker
    run_worker()

    page.reload()
    expect(page.get_by_test_id("job-list")).to_contain_text("已完成")
    screenshot("job-list")
    page.get_by_test_id("job-list").get_by_role("link", name="附表3 选派机关优秀干部到村任第一书记工作台账（山西省）").click()
    expect(page.get_by_test_id("job-state")).to_have_text("已完成")
    expect(page.get_by_test_id("job-count")).to_have_text("8 / 8 行")
    screenshot("job-done")

    with page.expect_download() as info:
        page.get_by_test_id("job-download").click()
    download = info.value
    assert download.suggested_filename == "附表3 选派机关优秀干部到村任第一书记工作台账（山西省）.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    assert sheet["A1"].value == "选派机关优秀干部到村任第一书记工作台账"
    assert [sheet.cell(r, 1).value for r in range(5, 13)] == list(range(1, 9))
