"""The province opens 忻州's quotas, changes one of 岢岚's, saves, and exports 附表2."""

import io

import openpyxl
from playwright.sync_api import expect

from dispatch.models import QuotaAllocation
from villages.models import Region


def test_province_edits_a_quota_in_the_matrix_and_exports_annex2(page, live_server, login, province_user, screenshot):
    xinzhou = Region.objects.get(code="140900")
    login("shengzzb")

    page.goto(f"{live_server.url}/quotas/?city={xinzhou.code}")
    kelan = page.locator('tr[data-county="岢岚县"]')
    expect(kelan.get_by_test_id("row-total")).to_have_text("24")
    expect(page.get_by_label("市", exact=True)).to_have_value(xinzhou.code)
    screenshot("quota-matrix")

    kelan.get_by_label("岢岚县 山西省统计局").fill("9")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_text("已保存 1 处修改。")).to_be_visible()
    expect(page.locator('tr[data-county="岢岚县"]').get_by_test_id("row-total")).to_have_text("27")
    expect(page.get_by_test_id("grand-total")).to_have_text("79")
    assert QuotaAllocation.objects.get(county__name="岢岚县", unit__name="山西省统计局").count == 9
    screenshot("quota-matrix-saved")

    with page.expect_download() as download:
        page.get_by_test_id("quota-export").click()
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    # 神池 2 units (rows 3–4), 五寨 5 (5–9), 岢岚 4 (10–13); the 合计 row's label spans A:C.
    assert {"A1:D1", "A3:A4", "B3:B4", "A5:A9", "B5:B9", "A10:A13", "B10:B13", f"A{sheet.max_row}:C{sheet.max_row}"} <= merged
    assert [sheet.cell(r, 4).value for r in range(10, 14)] == [5, 5, 9, 8]
    assert sheet.cell(sheet.max_row, 4).value == 79
