"""A county's ledger submission in the browser, on the tests' own small data: the gaps are listed
and confirmed, and the county withdraws before the city decides. The demo's ledger going county →
忻州市 → province with a return is in test_demo.py, which loads the demo once for two walks."""

import pytest
from playwright.sync_api import expect

from reports.models import Submission
from reports.services import city_accept
from tests.reports.test_submission_gaps import gappy  # noqa: F401  (the gaps' fixtures)
from tests.reports.test_submissions import categories, kelan_postings  # noqa: F401
from tests.secretaries.conftest import cadre_for, campaign  # noqa: F401


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_county_is_warned_of_gaps_submits_then_withdraws_before_the_city_decides(
    page, live_server, login, screenshot, media, gappy, kelan_user, xinzhou_user
):
    def as_user(username):
        page.context.clear_cookies()
        login(username)

    # The submit page lists what the ledger leaves out, each with a link, and wants a tick.
    as_user("kelan")
    page.goto(f"{live_server.url}/submissions/new/")
    gaps = page.get_by_test_id("gaps")
    expect(page.get_by_test_id("gaps-summary")).to_contain_text(
        "1 个两类村没有第一书记、1 名第一书记已备案未分配到村、1 名第一书记已分配未到岗"
    )
    expect(gaps.get_by_test_id("gaps-filed").get_by_role("link", name="孙丽华")).to_have_attribute(
        "href", f"/postings/{gappy['filed'].pk}/"
    )
    expect(gaps.get_by_test_id("gaps-assigned").get_by_role("link", name="周建军")).to_be_visible()
    expect(gaps.get_by_test_id("gaps-uncovered").locator("a")).to_have_count(1)
    screenshot("submission-county-gaps")
    acknowledge = page.get_by_label("已知悉以上情况，仍然报送")
    expect(acknowledge).to_have_attribute("required", "")
    page.get_by_role("button", name="报送").click()  # the browser stops it: the tick is required
    assert not Submission.objects.exists()
    acknowledge.check()
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("state")).to_have_text("已报送待接收")
    expect(page.get_by_test_id("history")).to_contain_text("报送时已知悉：1 个两类村没有第一书记")

    # The county takes it back before the city decides.
    page.get_by_label("撤回理由").fill("周建军到岗后一并报送")
    screenshot("submission-county-withdraw")
    page.get_by_role("button", name="撤回报送").click()
    expect(page.locator(".message.success")).to_contain_text("已撤回岢岚县的县级台账")
    expect(page.get_by_test_id("state")).to_have_text("已撤回")
    expect(page.get_by_test_id("withdrawal")).to_contain_text("周建军到岗后一并报送")
    expect(page.get_by_test_id("resubmit-link")).to_be_visible()
    screenshot("submission-county-withdrawn")

    # The city no longer has it waiting and cannot decide it.
    as_user("xinzhou")
    page.goto(f"{live_server.url}/submissions/")
    row = page.locator("tr[data-region=岢岚县]")
    expect(row).to_contain_text("已撤回")
    expect(row.get_by_role("link", name="查看并处理")).to_have_count(0)
    row.get_by_role("link", name="查看").click()
    expect(page.get_by_test_id("no-actions")).to_be_visible()
    screenshot("submission-city-sees-withdrawn")

    # Once the city has accepted a new submission, withdrawing it is refused with a message.
    as_user("kelan")
    page.goto(f"{live_server.url}/submissions/new/")
    page.get_by_label("已知悉以上情况，仍然报送").check()
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("state")).to_have_text("已报送待接收")
    resubmitted = Submission.objects.get(state="submitted")
    city_accept(submission=resubmitted, by=xinzhou_user)  # in another office, while the page is open
    page.get_by_label("撤回理由").fill("再改一处")
    page.get_by_role("button", name="撤回报送").click()
    expect(page.locator(".message.error")).to_contain_text("未能撤回：市委组织部已接收这份县级台账，不能撤回")
    expect(page.get_by_test_id("state")).to_have_text("已接收")
    assert Submission.objects.get(pk=resubmitted.pk).state == "accepted"
