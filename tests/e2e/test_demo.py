"""The demo in the browser, loaded once (a load is half a minute or more) for two walks:

1. 岢岚县's ledger county → 忻州市 → province, with one return and a resubmission whose changes the
   city sees on the page; then the province's dashboard, 附表4 and 附表3 over the whole demo.
2. Every page of the county and of the secretary on a phone (390×844, issue #11 point 3): the
pages of the user's menu as the navigation registry gives it (so that pages registered later,
the secretary's own, are covered without editing this test), the detail pages one click away
from them (a village, a posting, a submission…) and the login page fit the screen's width;
the menu folds behind "☰ 菜单"; the county's 分配到此村 button is on screen."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from core.navigation import nav_for
from dispatch.demo import DEMO_PASSWORD
from dispatch.models import Campaign, User
from reports.models import Submission
from secretaries.models import Posting
from secretaries.services import posting_assign, posting_end_term, posting_recall, posting_take_office, uncovered_target_villages
from tests.e2e.conftest import ARTIFACTS
from tests.reports.test_submissions import PDF
from tests.tenure.term_helpers import term_review_completed

PHONE = {"width": 390, "height": 844}
# An object's page: /villages/140929100200/, /postings/52/, /submissions/3/, /tenure/diary/7/ …
DETAIL = re.compile(r"^/[a-z-]+(?:/[a-z-]+)*/\d+/$")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def demo(reference_data, media, kelan_user, xinzhou_user, province_user):
    """The demo data set, its kelan, xinzhou and shengzzb being the tests' users (password of
    tests.factories); loaded once for both walks below, a load being half a minute or more."""
    call_command("load_demo", "--quiet-accounts")
    return Campaign.objects.get(is_current=True)


def test_the_demo_in_the_browser_the_ledger_goes_to_the_province_then_every_phone_page_fits(
    page, live_server, login, screenshot, tmp_path, demo, kelan_user
):
    ledger_to_the_province_with_one_return(page, live_server, login, screenshot, tmp_path, kelan_user)
    # 岢岚县 now has submissions to open from its phone.
    page.context.clear_cookies()
    every_page_of_the_county_and_the_secretary_fits_a_phone(page, live_server, login, screenshot, kelan_user)


def menu_urls(username: str) -> list[str]:
    """The user's menu: the registered entries it is shown, then the password page of the bar's right."""
    user = User.objects.get(username=username)
    return [item["url"] for item in nav_for(user, "/")] + [reverse("password_change")]


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def slug(path: str) -> str:
    return path.strip("/").replace("/", "-") or "home"


def visit_all(page, live_server, screenshot, username: str) -> tuple[list[str], list[str]]:
    """Open every menu page and the first object page of each kind linked from them; returns the
    pages visited and those wider than the phone."""
    visited, too_wide, details = [], [], {}
    for url in menu_urls(username):
        response = page.goto(f"{live_server.url}{url}")
        assert response.ok, f"{url} answered {response.status}"
        visited.append(url)
        if page_width(page) > PHONE["width"]:
            too_wide.append(f"{url}: {page_width(page)} px")
        screenshot(f"phone-{username}-{slug(url)}")
        for href in page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))"):
            if href and DETAIL.match(href):
                details.setdefault(re.sub(r"\d+/$", "", href), href)
    for url in details.values():
        response = page.goto(f"{live_server.url}{url}")
        assert response.ok, f"{url} answered {response.status}"
        visited.append(url)
        if page_width(page) > PHONE["width"]:
            too_wide.append(f"{url}: {page_width(page)} px")
        screenshot(f"phone-{username}-{slug(url)}")
    return visited, too_wide


def every_page_of_the_county_and_the_secretary_fits_a_phone(page, live_server, login, screenshot, kelan_user):
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/login/")
    assert page_width(page) <= PHONE["width"]
    screenshot("phone-login")

    # The county: its menu folds behind one button, and opens on a tap.
    login("kelan")
    toggle = page.get_by_role("button", name="☰ 菜单")
    expect(toggle).to_be_visible()
    menu_link = page.locator("nav.mainnav").get_by_role("link", name="选派人选")
    expect(menu_link).to_be_hidden()
    toggle.click()
    expect(menu_link).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    screenshot("phone-kelan-menu-open")

    visited, too_wide = visit_all(page, live_server, screenshot, "kelan")
    # The county's pages include an object page of each kind its lists link to.
    assert any(u.startswith("/villages/1409") for u in visited)
    assert any(re.match(r"^/postings/\d+/$", u) for u in visited)
    assert any(re.match(r"^/submissions/\d+/$", u) for u in visited)

    # 分配到村 from a filed secretary's page: the first village's button is on screen.
    filed = Posting.objects.filter(county=kelan_user.region, state=Posting.State.FILED).order_by("pk").first()
    page.goto(f"{live_server.url}/postings/{filed.pk}/")
    page.get_by_test_id("assign-link").click()
    button = page.locator("button", has_text="分配到此村").first
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"]
    if page_width(page) > PHONE["width"]:
        too_wide.append(f"{page.url}: {page_width(page)} px")
    screenshot("phone-kelan-assign")

    # The secretary.
    page.context.clear_cookies()
    login("shuji", DEMO_PASSWORD)  # the demo's secretary in office (岚漪镇)
    expect(page.get_by_role("button", name="☰ 菜单")).to_be_visible()
    secretary_visited, secretary_too_wide = visit_all(page, live_server, screenshot, "shuji")
    assert any(u.startswith("/villages/1409") for u in secretary_visited)

    assert too_wide + secretary_too_wide == []


def ledger_to_the_province_with_one_return(page, live_server, login, screenshot, tmp_path, kelan_user):
    """岢岚县's ledger county → 忻州市 → province, with one return and a resubmission whose changes
    the city sees on the page (the demo has 忻州市's other county ledgers accepted already)."""
    kelan = kelan_user.region
    in_office = list(Posting.objects.filter(county=kelan, state=Posting.State.IN_OFFICE).select_related("cadre", "village").order_by("pk"))
    # The two whose postings change below: not shuji, who logs in on the phone afterwards.
    wang, liu = [p for p in in_office if not p.account.user.username == "shuji"][:2]

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
    # The city's whole ledger is below: too tall for a full-page picture (it timed out on a busy
    # machine), so the top of the page.
    page.screenshot(path=str(ARTIFACTS / "submission-province-accepted.png"))
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

    # The province's ledger on screen, two hundred rows a page, read from the database a page at a time.
    page.goto(f"{live_server.url}/annexes/3/")
    expect(page.get_by_test_id("ledger-range")).to_contain_text("共 9,395 条，本页为第 1–200 条")
    page.get_by_role("link", name="下一页").click()
    expect(page.get_by_test_id("ledger-range")).to_contain_text("本页为第 201–400 条")
    expect(page.locator("tbody tr").first.locator("td").first).to_have_text("201")
    # Two hundred rows are too tall for a full-page picture: the top, and the pager at the bottom.
    page.screenshot(path=str(ARTIFACTS / "demo-annex3-province-page2-top.png"))
    page.get_by_role("navigation", name="分页").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "demo-annex3-province-page2-pager.png"))


def _label(posting: Posting) -> str:
    return f"{posting.cadre.name}（{posting.village.name}）"
