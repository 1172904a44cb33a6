"""The province and 岢岚县's department open 统计图表: ECharts (served from our static files) draws
each chart, the tables under them show the figures, and a figure's link opens the filtered list."""

import re

from playwright.sync_api import expect

from reports.services import county_submit
from tests.reports.test_dashboards import data, media, targets  # noqa: F401 (fixtures)
from tests.secretaries.conftest import campaign, categories, county_unit, county_unit_user, kelan  # noqa: F401 (fixtures)

CHARTS = ("chart-coverage", "chart-pipeline", "chart-quota", "chart-submissions")


def expect_charts_drawn(page):
    for chart in CHARTS:
        # ECharts draws into the div: with the SVG renderer, an <svg> with the bars' text in it.
        expect(page.get_by_test_id(chart).locator("svg")).to_have_count(1)
    expect(page.get_by_test_id("chart-coverage").locator("svg text", has_text="在任").first).to_be_attached()


def test_the_province_reads_the_dashboard_and_opens_a_city_s_uncovered_villages(page, live_server, login, province_user, data, screenshot):
    blocked = []
    page.on("request", lambda r: blocked.append(r.url) if not r.url.startswith(live_server.url) else None)
    login("shengzzb")
    page.get_by_role("link", name="统计图表").click()
    expect(page.get_by_role("heading", name="统计图表", exact=True)).to_be_visible()
    expect_charts_drawn(page)
    expect(page.get_by_test_id("chart-coverage").locator("svg text", has_text="忻州市")).to_have_count(1)

    xinzhou = page.get_by_test_id("coverage-140900")
    expect(xinzhou.get_by_test_id("in_office")).to_have_text("3")
    expect(xinzhou.get_by_test_id("assigned")).to_have_text("1")
    uncovered = targets("1409") - 4
    expect(xinzhou.get_by_test_id("uncovered")).to_have_text(f"{uncovered:,}")
    expect(page.get_by_test_id("pipeline-in_office").get_by_test_id("count")).to_have_text("3")
    expect(page.get_by_test_id("quota-total").get_by_test_id("quota")).to_have_text("148")
    # The quota chart: the 15 units furthest from their quota; the table below has them all.
    expect(page.get_by_test_id("quota-order")).to_contain_text("图中为缺额最多的前 15 个单位")
    rows = page.get_by_test_id("quota-table").locator("tbody tr")
    assert rows.count() > 15
    shortfalls = [int(t) for t in rows.locator("[data-testid=missing]").all_inner_texts()]
    assert shortfalls == sorted(shortfalls, reverse=True)
    first = rows.first.locator("th").inner_text()
    expect(page.get_by_test_id("chart-quota").locator("svg text", has_text=first).first).to_be_attached()
    expect(page.get_by_test_id("submission-140900").get_by_test_id("status")).to_have_text("逾期未报送")
    assert blocked == []  # nothing from outside the site: no CDN
    screenshot("dashboard-province")

    xinzhou.get_by_test_id("uncovered").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/villages/\?city=140900&category=target&coverage=uncovered$"))
    expect(page.get_by_test_id("result-count")).to_contain_text(f"共 {uncovered:,} 个村")
    expect(page.get_by_label("第一书记").locator("option:checked")).to_have_text("未覆盖的两类村")
    screenshot("dashboard-province-uncovered-list")


def test_the_county_reads_its_townships_and_opens_the_secretaries_in_office(
    page, live_server, login, kelan_user, campaign, data, media, screenshot
):
    county_submit(campaign=campaign, by=kelan_user)
    login("kelan")
    page.goto(f"{live_server.url}/dashboard/")
    expect_charts_drawn(page)
    expect(page.get_by_test_id("region-path")).to_have_text("岢岚县")
    expect(page.get_by_test_id("coverage-total").get_by_test_id("in_office")).to_have_text("2")
    expect(page.get_by_test_id("coverage-total").get_by_test_id("targets")).to_have_text(f"{targets('140929'):,}")
    expect(page.get_by_test_id("pipeline-total")).to_contain_text("5")
    expect(page.get_by_test_id("quota-total").get_by_test_id("quota")).to_have_text("24")
    expect(page.get_by_test_id("coverage-section")).not_to_contain_text("五寨")
    expect(page.get_by_test_id("submission-140929").get_by_test_id("status")).to_have_text("逾期报送")
    expect(page.get_by_test_id("submission-counts").get_by_test_id("late")).to_have_text("1")
    screenshot("dashboard-county")

    page.get_by_test_id("pipeline-in_office").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/postings/\?campaign=\d+&state=in_office$"))
    expect(page.locator("table tbody tr")).to_have_count(2)
    screenshot("dashboard-county-in-office-list")
