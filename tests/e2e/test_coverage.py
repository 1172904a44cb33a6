"""岢岚县's department opens the coverage plan and reads its 24 provincial secretaries and the
villages it must backfill; the province reads the whole province's plan."""

from playwright.sync_api import expect

from villages.demo import mark_demo_categories
from villages.models import Village

KELAN_PROVINCIAL = 24


def test_county_reads_its_coverage_plan(page, live_server, login, kelan_user, screenshot):
    mark_demo_categories()
    targets = Village.objects.filter(county__code="140929").targets()
    login("kelan")

    page.goto(f"{live_server.url}/coverage/")
    expect(page.get_by_role("heading", name="两类村第一书记覆盖计划")).to_be_visible()
    row = page.get_by_test_id("county-140929")
    expect(row).to_contain_text("岢岚县")
    expect(row.get_by_test_id("targets")).to_have_text(str(targets.count()))
    expect(row.get_by_test_id("poor")).to_have_text(str(targets.filter(is_registered_poor=True).count()))
    expect(row.get_by_test_id("provincial")).to_have_text(str(KELAN_PROVINCIAL))
    expect(row.get_by_test_id("backfill")).to_have_text(str(targets.count() - KELAN_PROVINCIAL))
    # Beside the plan, where it stands: no secretary yet, every target village uncovered.
    expect(row.get_by_test_id("in_office")).to_have_text("0")
    expect(row.get_by_test_id("assigned")).to_have_text("0")
    expect(row.get_by_test_id("uncovered")).to_have_text(str(targets.count()))
    row.get_by_test_id("uncovered").get_by_role("link").click()
    expect(page.get_by_label("第一书记").locator("option:checked")).to_have_text("未覆盖的两类村")
    expect(page.get_by_test_id("result-count")).to_contain_text(str(targets.count()))
    page.go_back()
    expect(page.locator("table.coverage tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("plan-total")).to_contain_text("合计")
    expect(page.get_by_test_id("backfill-note")).to_contain_text("县级兜底")
    expect(page.get_by_label("选派批次").locator("option:checked")).to_contain_text("（当前）")
    screenshot("coverage-county")


def test_province_reads_the_whole_province_plan(page, live_server, login, province_user, screenshot):
    mark_demo_categories()
    login("shengzzb")

    page.goto(f"{live_server.url}/coverage/")
    total = page.get_by_test_id("plan-total")
    expect(total).to_contain_text("全省合计")
    expect(total.get_by_test_id("provincial")).to_have_text("148")
    expect(total.get_by_test_id("targets")).to_have_text(f"{Village.objects.targets().count():,}")
    expect(page.locator("table.coverage tbody tr[data-county]")).to_have_count(121)
    expect(page.locator("tr.subtotal")).to_have_count(11)
    expect(page.get_by_test_id("county-140929").get_by_test_id("provincial")).to_have_text(str(KELAN_PROVINCIAL))

    page.get_by_role("button", name="查看").click()
    expect(page).to_have_url(f"{live_server.url}/coverage/?campaign={page.get_by_label('选派批次').input_value()}")
    expect(total.get_by_test_id("provincial")).to_have_text("148")
    screenshot("coverage-province")
