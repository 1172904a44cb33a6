"""The province chooses a city on /villages/ and its counties load into the next select (from
villages:regions, by static/js/region-select.js), then a county and its townships."""

import re

from playwright.sync_api import expect

from villages.models import Region, Village


def test_province_chooses_a_city_then_a_county_and_the_selects_fill_on_demand(page, live_server, login, province_user, screenshot):
    login("shengzzb")
    page.goto(f"{live_server.url}/villages/")
    county = page.get_by_label("县（市、区）")
    township = page.get_by_label("乡（镇）")
    # Before a city is chosen the county and township selects offer nothing but 全部.
    expect(county.locator("option")).to_have_count(1)
    expect(township.locator("option")).to_have_count(1)

    page.get_by_label("市", exact=True).select_option(label="忻州市")
    xinzhou_counties = Region.objects.filter(parent__code="140900").count()
    expect(county.locator("option")).to_have_count(1 + xinzhou_counties)
    county.select_option(label="岢岚县")
    expect(township.locator("option")).to_have_count(1 + Region.objects.filter(parent__code="140929").count())
    page.set_viewport_size({"width": 1366, "height": 800})
    screenshot("g-villages-city-county")
    page.screenshot(path="/tmp/g-villages-city-county.png", full_page=True)

    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"city=140900&county=140929"))
    expect(page.get_by_test_id("result-count")).to_contain_text(f"共 {Village.objects.filter(code__startswith='140929').count()} 个村")
    # The page itself offers the chosen city's counties and the county's townships (no script needed).
    expect(county.locator("option")).to_have_count(1 + xinzhou_counties)
    expect(county).to_have_value("140929")

    # Choosing another city empties the county's townships until a county is chosen.
    page.get_by_label("市", exact=True).select_option(label="吕梁市")
    expect(county.locator("option")).to_have_count(1 + Region.objects.filter(parent__code="141100").count())
    expect(township.locator("option")).to_have_count(1)
