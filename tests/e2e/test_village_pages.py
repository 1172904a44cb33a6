"""A county department finds its registered-poor villages, opens one, then the county summary;
the province looks at the whole province's summary."""

import re

from playwright.sync_api import expect

from villages.demo import mark_demo_categories
from villages.models import Village


def test_county_filters_its_poor_villages_opens_one_and_the_summary(page, live_server, login, kelan_user, screenshot):
    mark_demo_categories()
    kelan = Village.objects.filter(county__code="140929")
    poor = kelan.filter(is_registered_poor=True)
    login("kelan")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="村庄").click()
    expect(page).to_have_url(f"{live_server.url}/villages/")
    expect(page.get_by_test_id("result-count")).to_have_text("共 104 个村，每页 50 个")
    screenshot("villages-list")

    page.get_by_label("类别").select_option(label="建档立卡贫困村")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"category=poor"))
    expect(page.get_by_test_id("result-count")).to_contain_text(f"共 {poor.count():,} 个村")
    rows = page.locator("table.villages tbody tr")
    expect(rows).to_have_count(min(poor.count(), 50))
    expect(page.locator("table.villages tbody")).not_to_contain_text("非两类村")
    screenshot("villages-list-poor")

    village = poor.order_by("code").first()
    page.get_by_role("link", name=village.name, exact=True).first.click()
    expect(page).to_have_url(f"{live_server.url}/villages/{village.code}/")
    expect(page.get_by_role("heading", name=village.name)).to_be_visible()
    expect(page.get_by_test_id("region-chain")).to_have_text(f"山西省忻州市岢岚县{village.township.name}")
    expect(page.get_by_test_id("village-categories")).to_contain_text("建档立卡贫困村")
    expect(page.get_by_test_id("category-history")).to_contain_text("演示数据")
    screenshot("village-detail")

    page.get_by_role("link", name="村庄名单").click()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="两类村汇总").click()
    total = page.get_by_test_id("summary-total")
    expect(total).to_contain_text("合计")
    expect(total).to_contain_text(f"{kelan.count():,}")
    expect(total).to_contain_text(f"{poor.count():,}")
    expect(page.get_by_test_id("check-line")).to_contain_text("✓ 相符")
    screenshot("villages-summary-county")


def test_province_sees_the_whole_province_summary(page, live_server, login, province_user, screenshot):
    mark_demo_categories()
    login("shengzzb")

    page.goto(f"{live_server.url}/villages/summary/")
    total = page.get_by_test_id("summary-total")
    expect(total).to_contain_text("全省合计")
    for figure in ("21,895", "2,697", "7,993", "794", "9,896"):
        expect(total).to_contain_text(figure)
    expect(page.locator("tr.subtotal")).to_have_count(11)
    screenshot("villages-summary-province")

    page.goto(f"{live_server.url}/villages/?city=140900&category=target&o=county")
    expect(page.get_by_test_id("result-count")).to_contain_text("个村")
    expect(page.get_by_role("link", name="导出 Excel")).to_be_visible()
    screenshot("villages-list-province")
