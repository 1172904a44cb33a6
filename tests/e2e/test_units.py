"""The province imports a list of dispatching units: two bad rows, fixed, imported, found."""

from playwright.sync_api import expect

from dispatch.models import DispatchingUnit
from tests.spreadsheets import xlsx_bytes

HEADER = ["序号", "单位名称", "单位层级", "单位性质", "所在区划", "涉农单位"]
GOOD = [
    [1, "山西省林业厅", "省直", "党政机关", "", "√"],
    [2, "忻州市农业委员会", "市直", "党政机关", "忻州市", "√"],
    [3, "岢岚县人民医院", "县直", "事业单位", "忻州市岢岚县", ""],
    [4, "山西省国土资源厅", "省直", "党政机关", "山西省", "√"],  # known: 涉农 否 → 是
]


def write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes([HEADER, *rows], title="2015年派出单位名单"))
    return path


def test_province_fixes_two_bad_rows_then_imports_and_finds_the_unit(page, live_server, login, province_user, screenshot, tmp_path):
    bad = [list(r) for r in GOOD]
    bad[1][4] = "城区"  # row 4: a county name where the city is wanted
    bad[2][3] = "医院"  # row 5: not one of the five kinds
    login("shengzzb")
    page.goto(f"{live_server.url}/units/")
    page.get_by_test_id("import").click()

    page.get_by_label("选择文件").set_input_files(write(tmp_path, "派出单位.xlsx", bad))
    page.get_by_role("button", name="上传并预览").click()

    errors = page.get_by_test_id("errors")
    expect(errors.locator("li")).to_have_count(2)
    expect(errors).to_contain_text("第4行 所在区划：“城区”不是市：市级单位应填所在市，如“忻州市”。")
    expect(errors).to_contain_text("第5行 单位性质：无法识别“医院”")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    assert not DispatchingUnit.objects.filter(name="山西省林业厅").exists()

    page.goto(f"{live_server.url}/units/import/")
    page.get_by_label("选择文件").set_input_files(write(tmp_path, "派出单位-修改后.xlsx", GOOD))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_test_id("created")).to_have_text("3")
    expect(page.get_by_test_id("updated")).to_have_text("1")
    expect(page.get_by_test_id("changes")).to_contain_text("涉农单位：否 → 是")
    screenshot("units-import-preview")
    page.get_by_role("button", name="确认导入").click()

    expect(page.locator(".message.success")).to_contain_text("导入完成：新增 3 个单位，修改 1 个单位，0 个未变。")
    assert DispatchingUnit.objects.get(name="岢岚县人民医院").region.name == "岢岚县"

    page.goto(f"{live_server.url}/units/?q=林业")
    expect(page.locator("table")).to_contain_text("山西省林业厅")
    page.goto(f"{live_server.url}/units/?city=140900")
    expect(page.get_by_test_id("result-count")).to_contain_text("2")
    screenshot("units-list")
    page.get_by_role("link", name="岢岚县人民医院").click()
    expect(page.get_by_test_id("unit-facts")).to_contain_text("山西省忻州市岢岚县")
    screenshot("units-detail")
