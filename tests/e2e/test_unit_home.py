"""A dispatching unit's HR opens the home page and reads its own quotas and candidates, then
opens its roster import page, which offers the template and the roster export."""

from playwright.sync_api import expect

from tests.reports.test_dashboards import data  # noqa: F401 (fixtures)
from tests.secretaries.conftest import cadre_for, campaign, categories, county_unit, county_unit_user, kelan  # noqa: F401 (fixtures)


def test_the_unit_reads_its_own_figures_and_finds_the_roster_template(page, live_server, login, unit_user, data, screenshot):
    login("guotu")
    quotas = page.get_by_test_id("unit-quotas")
    row = quotas.locator("tr[data-county='140929']")
    expect(row).to_contain_text("岢岚县")
    expect(row.get_by_test_id("quota")).to_have_text("5")
    expect(row.get_by_test_id("used")).to_have_text("3")
    expect(row.get_by_test_id("left")).to_have_text("2")
    expect(page.get_by_test_id("unit-pipeline")).to_contain_text("本单位人选（共 4 人）")
    expect(page.locator("main")).not_to_contain_text("其中贫困县")
    screenshot("home-unit")

    page.get_by_test_id("unit-pipeline").get_by_role("link", name="履岗任职").click()
    expect(page.locator("table tbody tr")).to_have_count(1)

    page.goto(f"{live_server.url}/roster/import/")
    expect(page.get_by_test_id("export-link")).to_have_attribute("href", "/roster/export/")
    with page.expect_download() as download:
        page.get_by_test_id("template-link").click()
    assert download.value.suggested_filename.endswith("模板.xlsx")
    screenshot("roster-import-upload")
