"""岢岚县's department opens its 附表1, 附表3 and 附表4, sees the check figures and downloads the
ledger as a workbook; the province picks a county of its own."""

import io

import openpyxl
from playwright.sync_api import expect

from tests.reports.test_annexes import campaign, ledger, units  # noqa: F401 (fixtures)


def test_county_opens_the_three_annexes_and_downloads_its_ledger(page, live_server, login, kelan_user, ledger, screenshot):  # noqa: F811
    login("kelan")
    page.get_by_role("link", name="台账统计").click()
    expect(page.get_by_role("heading", name="台账与统计表")).to_be_visible()
    expect(page.get_by_test_id("annex-scope")).to_contain_text("山西省忻州市岢岚县")
    expect(page.get_by_test_id("annex-list").locator("tbody tr")).to_have_count(3)
    screenshot("annexes-index-county")

    page.get_by_role("link", name="岢岚县“两类村”汇总统计情况表").click()
    expect(page.get_by_test_id("annex-title")).to_have_text("岢岚县“两类村”汇总统计情况表")
    row = page.locator('tr.item[data-code="140929"]')
    expect(row.locator("td").nth(4)).to_have_text("3")  # 党组织软弱涣散村
    expect(row.locator("td").nth(7)).to_have_text("6")  # 两类村合计（去重）
    expect(page.get_by_test_id("checks")).to_contain_text(
        "✓ 合计：两类村合计（去重）6 = 党组织软弱涣散村 3 + 建档立卡贫困村 5 − 两类兼有 2"
    )
    screenshot("annex1-county")

    page.get_by_role("link", name="台账与统计表").click()
    page.get_by_role("link", name="选派机关优秀干部到村任第一书记情况统计表").click()
    total = page.locator("tr.total")
    expect(total.locator("td").nth(0)).to_have_text("合计")
    expect(total.locator("td").nth(1)).to_have_text("5")
    # The university's village is in neither category: the page says so before anyone reports it.
    expect(page.get_by_test_id("check-warning")).to_contain_text("核对未通过")
    expect(page.get_by_test_id("reference-date")).to_contain_text("2015年8月15日")
    screenshot("annex4-county")

    page.get_by_role("link", name="台账与统计表").click()
    page.get_by_role("link", name="选派机关优秀干部到村任第一书记工作台账").click()
    table = page.get_by_test_id("annex-table")
    expect(table.locator("tbody tr")).to_have_count(5)
    expect(table).to_contain_text("王秀英")
    expect(table).not_to_contain_text("陈刚")
    expect(page.get_by_test_id("annex-stamp")).to_contain_text("填报单位（盖章）：岢岚县委组织部")
    expect(page.get_by_test_id("annex-footer")).to_contain_text("审核人（部长签字）")
    screenshot("annex3-county")
    page.emulate_media(media="print")
    screenshot("annex3-county-print")
    page.emulate_media(media="screen")

    with page.expect_download() as info:
        page.get_by_test_id("xlsx-link").click()
    download = info.value
    assert download.suggested_filename.endswith("（岢岚县）.xlsx") and download.suggested_filename.startswith("附表3")
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    assert sheet["A1"].value == "选派机关优秀干部到村任第一书记工作台账"
    assert sorted(sheet.cell(r, 9).value for r in range(5, 10)) == sorted(["王秀英", "赵国强", "孙立平", "周文斌", "钱明"])


def test_province_picks_a_county(page, live_server, login, province_user, ledger, screenshot):  # noqa: F811
    login("shengzzb")
    page.goto(f"{live_server.url}/annexes/4/")
    expect(page.locator("tr.item").last).to_contain_text("省直单位")
    screenshot("annex4-province")
    page.get_by_label("范围").select_option(label="　忻州市 · 岢岚县")
    page.get_by_role("button", name="查看").click()
    expect(page).to_have_url(f"{live_server.url}/annexes/4/?region=140929&campaign={page.get_by_label('选派批次').input_value()}")
    expect(page.get_by_test_id("annex-title")).to_have_text("选派机关优秀干部到村任第一书记情况统计表")
    expect(page.locator("tr.total td").nth(1)).to_have_text("5")
