"""The province opens 忻州's quotas, changes one of 岢岚's, saves, and exports 附表2; edits two
far-apart cells of the whole province's grid; keeps typed values across leaving the page and a
colleague's save."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from dispatch.models import Campaign, QuotaAllocation
from dispatch.quota_services import QuotaCell, quotas_set
from tests.e2e.conftest import ARTIFACTS
from tests.factories import DispatchingUnitFactory
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


@pytest.fixture
def province_grid(province_user):
    """附表2 as large as the demo's (5,000+ cells in the province's default view): the notice's rows
    and one generated provincial unit with a quota in each of the 58 poor counties."""
    counties = list(Region.objects.filter(level=Region.Level.COUNTY).poor_counties().order_by("code"))
    units = DispatchingUnitFactory.create_batch(len(counties))
    quotas_set(campaign=Campaign.current(), cells=[QuotaCell(u, c, 2) for u, c in zip(units, counties, strict=True)], by=None)
    return counties, units


def test_the_province_saves_two_far_apart_cells_of_the_whole_grid(page, live_server, login, province_grid):
    counties, units = province_grid
    login("shengzzb")
    page.goto(f"{live_server.url}/quotas/")
    inputs = page.locator("input[data-cell]")
    assert inputs.count() > 4000
    bar = page.get_by_test_id("quota-bar")
    expect(bar).to_contain_text("未修改")

    first = page.locator('tr[data-county="岢岚县"]').get_by_label("岢岚县 山西省统计局")
    first.fill("9")
    last = inputs.last  # the last county's row, the last unit's column
    last_label = last.get_attribute("aria-label")
    last.fill("3")
    expect(bar).to_contain_text("已修改 2 处（尚未保存）")

    # Scrolled to the far corner, the unit names and the county column are still in view, and the
    # save bar is on screen without scrolling the page to the bottom.
    box = page.locator(".quota-scroll").bounding_box()
    header = page.locator("thead th.unit").last.bounding_box()
    county = page.locator(f'tr[data-county="{last_label.split()[0]}"] th.county').bounding_box()
    assert abs(header["y"] - box["y"]) < 3 and abs(county["x"] - box["x"]) < 3
    viewport = page.viewport_size
    bar_box = bar.bounding_box()
    assert 0 <= bar_box["y"] and bar_box["y"] + bar_box["height"] <= viewport["height"]
    # A cell brought into view as the browser does on Tab is clear of the sticky bar.
    last.evaluate("e => e.scrollIntoView({block: 'nearest', inline: 'nearest'})")
    cell = last.bounding_box()
    assert cell["y"] + cell["height"] <= bar.bounding_box()["y"]
    # The window as the user sees it (a full-page shot would stretch the grid's box).
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "quota-grid-province-edited.png"))

    page.get_by_role("button", name="保存").click()
    # The page of 5,000+ cells (about 1 MB) may still be arriving when its message shows.
    expect(page.get_by_text("已保存 2 处修改。")).to_be_visible(timeout=30_000)
    page.wait_for_load_state("load", timeout=60_000)
    expect(bar).to_contain_text("未修改")
    assert QuotaAllocation.objects.get(county__name="岢岚县", unit__name="山西省统计局").count == 9
    county_name, unit_name = last_label.split(" ", 1)
    assert QuotaAllocation.objects.get(county__name=county_name, county__level="county", unit__name=unit_name).count == 3


def test_typed_values_survive_leaving_the_page_and_a_colleague_s_save(page, live_server, login, province_user, screenshot):
    login("shengzzb")
    url = f"{live_server.url}/quotas/?city=140900"
    page.goto(url)
    kelan = page.locator('tr[data-county="岢岚县"]')
    kelan.get_by_label("岢岚县 山西省统计局").fill("7")
    kelan.get_by_label("岢岚县 山西省国土资源厅").fill("4")

    # Away and back before saving: the typed values are still there (sessionStorage).
    page.goto(f"{live_server.url}/villages/")
    page.goto(url)
    expect(page.get_by_text("已恢复您离开本页前未保存的 2 处修改。")).to_be_visible()
    expect(kelan.get_by_label("岢岚县 山西省统计局")).to_have_value("7")

    # Meanwhile a colleague changes one of the two cells: the save is refused for that cell only,
    # which shows what is there now, and the other typed value stays to be saved again.
    QuotaAllocation.objects.filter(county__name="岢岚县", unit__name="山西省国土资源厅").update(count=6)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("quota-errors")).to_contain_text("岢岚县·山西省国土资源厅：页面打开后已被他人改为 6（您填写的“4”未保存）")
    expect(kelan.get_by_label("岢岚县 山西省国土资源厅")).to_have_value("6")
    expect(kelan.get_by_label("岢岚县 山西省统计局")).to_have_value("7")
    expect(page.get_by_test_id("quota-bar")).to_contain_text("已修改 1 处")
    screenshot("quota-grid-stale-refused")

    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存 1 处修改。")).to_be_visible()
    assert QuotaAllocation.objects.get(county__name="岢岚县", unit__name="山西省统计局").count == 7
    assert QuotaAllocation.objects.get(county__name="岢岚县", unit__name="山西省国土资源厅").count == 6
