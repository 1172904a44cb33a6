"""A county clerk imports a village list: three bad rows, fixed, imported, found in the list."""

from playwright.sync_api import expect

from tests.spreadsheets import xlsx_bytes
from villages.models import Village

HEADER = ["序号", "村代码", "县", "乡镇", "村名称", "是否软弱涣散村", "是否贫困村"]
GOOD = [
    [1, "140929100201", "岢岚县", "岚漪镇", "西街村", "√", ""],
    [2, "140929100202", "岢岚县", "岚漪镇", "坪后沟村", "", "√"],
    [3, "140929100204", "岢岚县", "岚漪镇", "乔家湾村", "√", "√"],
    [4, "140929101200", "岢岚县", "三井镇", "三井村", "", "√"],
]


def write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes([HEADER, *rows], title="岢岚县“两类村”名单（2015年）"))
    return path


def test_county_fixes_three_bad_rows_then_imports_and_finds_the_villages(page, live_server, login, kelan_user, screenshot, tmp_path):
    bad = [list(r) for r in GOOD]
    bad[0][1] = "14092910020"  # row 3: 11 digits
    bad[1][2] = "五寨县"  # row 4: county disagrees with the code
    bad[3][6] = "有"  # row 6: not a yes/no value
    login("kelan")
    page.goto(f"{live_server.url}/villages/import/")
    screenshot("import-upload")

    page.get_by_label("选择文件").set_input_files(write(tmp_path, "岢岚县名单.xlsx", bad))
    page.get_by_role("button", name="上传并预览").click()

    errors = page.get_by_test_id("errors")
    expect(errors.locator("li")).to_have_count(3)
    expect(errors).to_contain_text("第3行 村代码：“14092910020”不是12位数字。")
    expect(errors).to_contain_text("第4行 县：“五寨县”与统计用区划代码不符")
    expect(errors).to_contain_text("第6行 是否贫困村：无法识别“有”")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    screenshot("import-preview-errors")
    assert not Village.objects.targets().exists()

    page.goto(f"{live_server.url}/villages/import/")
    page.get_by_label("选择文件").set_input_files(write(tmp_path, "岢岚县名单-修改后.xlsx", GOOD))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_test_id("updated")).to_have_text("4")
    expect(page.get_by_test_id("changes")).to_contain_text("建档立卡贫困村：否 → 是")
    screenshot("import-preview-ok")
    confirm = page.get_by_role("button", name="确认导入")
    confirm.dblclick()  # an impatient double click imports once

    expect(page.locator(".message.success")).to_contain_text("导入完成：新增 0 个村，修改 4 个村，0 个未变。")
    screenshot("import-history")
    assert Village.objects.targets().count() == 4
    assert Village.objects.get(code="140929100204").category_changes.count() == 2

    page.goto(f"{live_server.url}/villages/?q=乔家湾")
    expect(page.locator("table")).to_contain_text("乔家湾村")
    expect(page.locator("table")).to_contain_text("两类兼有")
    screenshot("import-found-in-list")


def test_the_upload_page_offers_a_template_and_takes_a_county_list_without_a_county_column(
    page, live_server, login, kelan_user, screenshot, tmp_path
):
    login("kelan")
    page.goto(f"{live_server.url}/villages/import/")
    with page.expect_download() as download:
        page.get_by_test_id("template-link").click()
    assert download.value.suggested_filename == "导入村名单模板.xlsx"
    expect(page.get_by_test_id("export-link")).to_have_attribute("href", "/villages/export/")
    screenshot("import-upload-template")

    # The clerk's own list: a title naming the county, 12-digit codes, no county column.
    path = tmp_path / "岢岚县两类村名单.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [["序号", "村代码", "乡镇", "村名称", "是否软弱涣散村"], [1, "140929100201", "岚漪镇", "西街村", "√"]],
            title="岢岚县“两类村”名单（2015年）",
        )
    )
    page.get_by_label("选择文件").set_input_files(path)
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_test_id("updated")).to_have_text("1")
    expect(page.get_by_test_id("error-count")).to_have_text("0")
    screenshot("import-preview-no-county-column")
