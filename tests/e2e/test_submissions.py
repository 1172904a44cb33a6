"""The demo's 岢岚县 ledger county → 忻州市 → province in the browser, with one return and a
resubmission whose changes the city sees on the page. The demo (`load_demo`) has 忻州市's other
county ledgers accepted already, so the city can compile once 岢岚县's is in."""

import datetime
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from dispatch.models import Campaign
from reports.models import Submission
from reports.services import city_accept
from secretaries.models import Posting
from secretaries.services import posting_assign, posting_end_term, posting_recall, posting_take_office, uncovered_target_villages
from tests.e2e.conftest import ARTIFACTS
from tests.reports.test_submission_gaps import gappy  # noqa: F401  (the gaps' fixtures)
from tests.reports.test_submissions import PDF, categories, kelan_postings  # noqa: F401
from tests.secretaries.conftest import cadre_for, campaign  # noqa: F401
from tests.tenure.term_helpers import term_review_completed


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def demo(reference_data, media, kelan_user, xinzhou_user, province_user):
    """The demo data set, its kelan, xinzhou and shengzzb being the tests' users (password of
    tests.factories)."""
    call_command("load_demo", "--quiet-accounts")
    return Campaign.objects.get(is_current=True)


def _label(posting: Posting) -> str:
    return f"{posting.cadre.name}（{posting.village.name}）"


def test_the_demo_kelan_ledger_goes_to_the_province_with_one_return(page, live_server, login, screenshot, tmp_path, demo, kelan_user):
    kelan = kelan_user.region
    in_office = list(Posting.objects.filter(county=kelan, state=Posting.State.IN_OFFICE).select_related("cadre", "village").order_by("pk"))
    wang, liu = in_office[0], in_office[1]

    def as_user(username):
        page.context.clear_cookies()
        login(username)

    # 岢岚县委组织部 submits its ledger of the demo's secretaries in office.
    as_user("kelan")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="报送").click()
    expect(page.get_by_test_id("own-state")).to_contain_text("逾期未报送")
    page.get_by_test_id("submit-link").click()
    expect(page.get_by_test_id("row-count")).to_have_text(str(len(in_office)))
    page.get_by_label("报送说明").fill("岢岚县第一书记工作台账，请审核。")
    # The demo leaves 岢岚县 villages uncovered and secretaries waiting: listed, confirmed.
    expect(page.get_by_test_id("gaps-summary")).to_contain_text("个两类村没有第一书记")
    page.get_by_label("已知悉以上情况，仍然报送").check()
    screenshot("submission-county-new")
    page.get_by_role("button", name="报送").click()
    expect(page.locator(".message.success")).to_contain_text(f"已报送岢岚县县级台账（{len(in_office)} 条台账记录）")
    expect(page.get_by_test_id("state")).to_have_text("已报送待接收")
    expect(page.get_by_role("button", name="撤回报送")).to_be_visible()

    # 忻州市委组织部 finds it in its 待办 and returns it.
    as_user("xinzhou")
    page.get_by_role("link", name="待接收的县级台账").click()
    row = page.locator("tr[data-region=岢岚县]")
    expect(row).to_contain_text("已报送待接收（逾期报送）")
    screenshot("submission-city-overview")
    row.get_by_role("link", name="查看并处理").click()
    page.get_by_label("退回理由").fill(f"{liu.cadre.name}已期满，请更新台账后重报。")
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_test_id("state")).to_have_text("已退回")

    # The county changes its postings: one recalled, one term ended, and one of the secretaries
    # waiting for 岢岚县 assigned to an uncovered village and in office.
    posting_recall(posting=wang, by=kelan_user, reason_code="work_needs", reason="工作调整")
    term_review_completed(liu)
    posting_end_term(posting=liu, by=kelan_user, end_date=datetime.date(2016, 3, 1))
    waiting = Posting.objects.filter(county=kelan, state=Posting.State.FILED, unit__level="county").first()
    village = uncovered_target_villages(county=kelan).order_by("code").first()
    posting_assign(posting=waiting, by=kelan_user, village=village)
    sun = posting_take_office(posting=waiting, by=kelan_user, start_date=datetime.date(2015, 8, 12), party_relation_transferred=True)

    # 岢岚县 sees the reason, the changes since, and resubmits.
    as_user("kelan")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="报送").click()
    expect(page.get_by_test_id("own-return-reason")).to_have_text(f"{liu.cadre.name}已期满，请更新台账后重报。")
    page.get_by_test_id("submit-link").click()
    expect(page.get_by_test_id("preview-diff")).to_contain_text(f"新增：{sun.cadre.name}")
    expect(page.get_by_test_id("preview-diff")).to_contain_text(f"移除：{wang.cadre.name}")
    screenshot("submission-county-resubmit")
    page.get_by_label("已知悉以上情况，仍然报送").check()
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("state")).to_have_text("已报送待接收")

    # The city sees the diff against the returned submission and accepts.
    as_user("xinzhou")
    resubmitted = Submission.objects.get(region=kelan_user.region, state="submitted")
    page.goto(f"{live_server.url}/submissions/{resubmitted.pk}/")
    diff = page.get_by_test_id("diff")
    expect(diff.get_by_test_id("diff-added")).to_contain_text(_label(sun))
    expect(diff.get_by_test_id("diff-removed")).to_contain_text(_label(wang))
    expect(diff.get_by_test_id("diff-changed")).to_contain_text(_label(liu))
    expect(diff.get_by_test_id("diff-changed")).to_contain_text("备注 （空） → 期满免职")
    expect(page.get_by_test_id("previous-link")).to_be_visible()
    screenshot("submission-diff")
    page.get_by_role("button", name="接收").click()
    expect(page.get_by_test_id("state")).to_have_text("已接收")

    # The county's ledger is locked now, and its page says why.
    as_user("kelan")
    page.goto(f"{live_server.url}/submissions/")
    expect(page.get_by_test_id("lock-reason")).to_contain_text("已被接收；如需修改，须由上级（市委组织部）退回")
    expect(page.get_by_test_id("submit-link")).to_have_count(0)

    # 忻州市 signs and submits its compiled ledger with the scan of the stamped paper copy.
    as_user("xinzhou")
    page.goto(f"{live_server.url}/submissions/new/")
    xinzhou_rows = Posting.objects.filter(county__parent=kelan.parent, state__in=["assigned", "in_office", "ended"]).count()
    expect(page.get_by_test_id("row-count")).to_have_text(f"{xinzhou_rows:,}")
    expect(page.get_by_test_id("pending-counties")).to_have_count(0)
    page.get_by_label("审核人（部长签字）").fill("张明远")
    scan = tmp_path / "忻州市台账签字盖章.pdf"
    scan.write_bytes(PDF)
    page.get_by_label("签字盖章扫描件").set_input_files(str(scan))
    screenshot("submission-city-new")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("signer")).to_have_text("张明远")
    expect(page.get_by_test_id("download-scan")).to_be_visible()

    # 省委组织部 finds it in its 待办 and accepts.
    as_user("shengzzb")
    page.get_by_role("link", name="待接收的市级汇总台账").click()
    row = page.locator("tr[data-region=忻州市]")
    expect(row).to_contain_text("已报送待接收")
    screenshot("submission-province-overview")
    row.get_by_role("link", name="查看并处理").click()
    with page.expect_download() as download:
        page.get_by_test_id("download-ledger").click()
    assert download.value.suggested_filename.endswith("附表3工作台账.xlsx")
    page.get_by_role("button", name="接收").click()
    expect(page.get_by_test_id("state")).to_have_text("已接收")
    screenshot("submission-province-accepted")
    city = Submission.objects.get(level="city")
    assert (city.state, city.row_count, city.signer) == ("accepted", xinzhou_rows, "张明远")
    assert list(city.events.values_list("action", flat=True)) == ["submit", "accept"]

    # The province's dashboard and 附表4 over the whole demo campaign: 9,395 sent (one recalled and
    # one new in 岢岚县 above), of whom one has ended the term.
    page.goto(f"{live_server.url}/dashboard/")
    total = page.get_by_test_id("coverage-total")
    expect(total.get_by_test_id("targets")).to_have_text("9,896")
    expect(total.get_by_test_id("in_office")).to_have_text("9,394")
    # 9,394 in office beside a few dozen at each earlier step: a logarithmic axis, said so.
    expect(page.get_by_test_id("pipeline-log-note")).to_be_visible()
    expect(page.get_by_test_id("chart-pipeline").locator("svg text", has_text=re.compile(r"^1,?000$")).first).to_be_attached()
    screenshot("demo-dashboard-province")
    page.goto(f"{live_server.url}/annexes/4/")
    expect(page.locator("tr.total").last).to_contain_text("9,395")
    screenshot("demo-annex4-province")

    # The province's ledger on screen, a thousand rows a page.
    page.goto(f"{live_server.url}/annexes/3/")
    expect(page.get_by_test_id("ledger-range")).to_contain_text("共 9,395 条，本页为第 1–1,000 条")
    page.get_by_role("link", name="下一页").click()
    expect(page.get_by_test_id("ledger-range")).to_contain_text("本页为第 1,001–2,000 条")
    expect(page.locator("tbody tr").first.locator("td").first).to_have_text("1001")
    # A thousand rows are too tall for a full-page picture: the top, and the pager at the bottom.
    page.screenshot(path=str(ARTIFACTS / "demo-annex3-province-page2-top.png"))
    page.get_by_role("navigation", name="分页").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "demo-annex3-province-page2-pager.png"))


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
