"""The province's presence pages in the browser (desktop): the year's overview by county, then
one county's list of secretaries against 2/3, and back; the month's confirmation likewise."""

import pytest
from playwright.sync_api import expect

from tenure.months import month_confirm
from tests.tenure.presence_fixtures import *  # noqa: F403


@pytest.mark.django_db(transaction=True)
def test_the_province_opens_the_overview_then_a_county(
    page, live_server, login, screenshot, posting, other_posting, wuzhai_posting, province_user, lanyi_user
):
    for month in (3, 4):
        month_confirm(posting=posting, year=2016, month=month, by=lanyi_user)
    login("shengzzb")
    page.goto(f"{live_server.url}/office/presence/year/?year=2016")
    overview = page.get_by_test_id("county-overview")
    kelan = overview.get_by_test_id("county-140929")
    expect(kelan.locator("td").nth(1)).to_have_text("2")  # secretaries in office
    expect(kelan.locator("td").nth(2)).to_have_text("2")  # months confirmed
    expect(kelan.locator("td").nth(3)).to_have_text("24")  # months due
    expect(page.get_by_test_id("year-rows")).to_have_count(0)
    expect(page.get_by_test_id("overview-total")).to_contain_text("全省合计")
    screenshot("tenure-year-province-overview")

    kelan.get_by_role("link", name="岢岚县").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2016年岢岚县第一书记在岗情况")
    rows = page.get_by_test_id("year-rows")
    expect(rows.get_by_test_id(f"row-{posting.pk}")).to_be_visible()
    expect(rows.get_by_test_id(f"row-{other_posting.pk}")).to_be_visible()
    expect(rows).not_to_contain_text(wuzhai_posting.cadre.name)
    expect(page.get_by_test_id("below-count")).to_contain_text("共 2 位第一书记")
    screenshot("tenure-year-province-county")

    page.get_by_test_id("back-to-overview").click()
    expect(page.get_by_test_id("county-overview")).to_be_visible()

    # The month's confirmation page starts the same way: March 2016 by county.
    page.goto(f"{live_server.url}/office/presence/months/?month=2016-03")
    expect(page.get_by_test_id("county-overview").get_by_test_id("county-140929").locator("td").nth(2)).to_have_text("1")
    screenshot("tenure-months-province-overview")
    page.get_by_role("link", name="岢岚县").click()
    expect(page.get_by_test_id("month-rows").get_by_test_id(f"row-{posting.pk}").get_by_test_id("state")).to_have_text("已确认")
    screenshot("tenure-months-province-county")
