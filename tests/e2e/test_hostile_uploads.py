"""A county clerk uploads hostile and oversized files: each is refused in Chinese on the import
page, and a file of many bad rows shows the first 1,000 errors a page at a time (#14 point 4)."""

import io
import re
import zipfile

from playwright.sync_api import expect

from core.models import ImportBatch
from tests.spreadsheets import csv_bytes, xlsx_bytes

HEADER = ["村代码", "县", "乡镇", "村名称", "是否软弱涣散村", "是否贫困村"]


def declaring_millions_of_rows() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADER, ["140929100201", "岢岚县", "岚漪镇", "西街村", "是", "否"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:F5000000"', content)
            target.writestr(info.filename, content)
    return out.getvalue()


def upload(page, live_server, path):
    page.goto(f"{live_server.url}/villages/import/")
    page.get_by_label("选择文件").set_input_files(path)
    page.get_by_role("button", name="上传并预览").click()


def test_hostile_files_are_refused_and_many_errors_are_paged(page, live_server, login, kelan_user, tmp_path, settings):
    login("kelan")
    hostile = tmp_path / "岢岚县名单.xlsx"
    hostile.write_bytes(declaring_millions_of_rows())
    upload(page, live_server, hostile)
    expect(page.locator("body")).to_contain_text("文件行数过多（5,000,000 行以上，每个文件最多 700,000 行），已拒绝。")
    page.screenshot(path="/tmp/e-refused-rows.png", full_page=True)

    renamed = tmp_path / "旧版名单.xlsx"
    renamed.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)
    upload(page, live_server, renamed)
    expect(page.locator("body")).to_contain_text("这是旧版 Excel（.xls）")
    page.screenshot(path="/tmp/e-refused-xls.png", full_page=True)
    assert not ImportBatch.objects.exists()

    bad = tmp_path / "坏名单.csv"
    bad.write_bytes(csv_bytes([HEADER, *[["1409291002x1", "岢岚县", "岚漪镇", f"村{i}", "是", "否"] for i in range(1200)]]))
    upload(page, live_server, bad)
    expect(page.get_by_test_id("error-count")).to_have_text("1,200")
    expect(page.get_by_test_id("errors-capped")).to_contain_text("只列出前 1,000 处错误，其余 200 处未列出")
    expect(page.get_by_test_id("errors").locator("li")).to_have_count(100)
    page.screenshot(path="/tmp/e-errors-capped.png", full_page=False)
    page.get_by_test_id("errors-pager").get_by_role("link", name="下一页").click()
    expect(page.get_by_test_id("errors-pager")).to_contain_text("错误第 2 / 10 页")
    expect(page.get_by_test_id("errors").locator("li").first).to_contain_text("第102行")

    settings.REQUEST_MAX_BODY_BYTES = 2000
    upload(page, live_server, bad)
    expect(page.get_by_test_id("too-large")).to_contain_text("超过上限 40 MB，系统没有读取也没有保存这个文件")
    page.screenshot(path="/tmp/e-too-large.png", full_page=True)
    assert ImportBatch.objects.count() == 1
