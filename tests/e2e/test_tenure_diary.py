"""The 民情日记 in the browser at phone size (390×844): the secretary starts an entry, loses the
connection as he submits it, finds what he typed again when he comes back, submits; the township
searches its secretaries' diaries and reads the entry; the county records an inspection that
found him absent, which shows on his page."""

import pytest
from playwright.sync_api import expect

from tenure.models import DiaryEntry
from tests.tenure.office import lanyi_secretary, other_unit, sanjing_secretary, sanjing_user, wuzhai_secretary  # noqa: F401

PHONE = {"width": 390, "height": 844}


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.django_db(transaction=True)
def test_a_diary_entry_from_the_phone_to_the_townships_search(
    page, live_server, login, screenshot, lanyi_secretary, sanjing_secretary, lanyi_user, kelan_user
):
    page.set_viewport_size(PHONE)

    def as_user(username):
        page.context.clear_cookies()
        login(username)

    # The secretary's home: his village, unit, term and presence; a big button to write.
    as_user("shuji")
    page.goto(f"{live_server.url}/office/me/")
    expect(page.get_by_test_id("posting-facts")).to_contain_text("山西省国土资源厅")
    expect(page.get_by_test_id("month-figures")).to_be_visible()
    assert fits_the_phone(page)
    screenshot("tenure-secretary-home-phone")
    page.get_by_test_id("write-diary").click()

    page.get_by_label("日期").fill("2016-03-08")
    page.get_by_label("推动精准扶贫").check()
    page.get_by_label("为民办事服务").check()
    page.get_by_label("走访农户数").fill("4")
    page.get_by_label("走访农户（可选）").fill("李二牛、王秀英")
    page.get_by_label("工作内容").fill("入户了解春耕备耕情况，帮助王秀英家申请农资补贴。")
    assert fits_the_phone(page)
    screenshot("tenure-diary-form-phone")

    # The connection drops as he submits: nothing reaches the server.
    form_url = page.url
    page.context.set_offline(True)
    try:
        page.get_by_role("button", name="提交").click()
        page.wait_for_load_state()
    except Exception:  # noqa: BLE001 — the browser's own offline error page, whatever it says
        pass
    page.context.set_offline(False)
    assert not DiaryEntry.objects.exists()

    # Back on the form, what he typed is there again, and the page says so.
    page.goto(form_url)
    expect(page.locator("[data-draft-notice]")).to_be_visible()
    expect(page.get_by_label("工作内容")).to_have_value("入户了解春耕备耕情况，帮助王秀英家申请农资补贴。")
    expect(page.get_by_label("日期")).to_have_value("2016-03-08")
    expect(page.get_by_label("为民办事服务")).to_be_checked()
    expect(page.get_by_label("走访农户数")).to_have_value("4")
    screenshot("tenure-diary-restored-phone")

    page.get_by_role("button", name="提交").click()
    expect(page.locator(".message.success")).to_contain_text("3月8日的民情日记已提交")
    expect(page.get_by_test_id("diary-detail")).to_contain_text("李二牛、王秀英")
    assert fits_the_phone(page)
    screenshot("tenure-diary-submitted-phone")
    entry = DiaryEntry.objects.get()
    assert entry.state == "submitted" and entry.duties == ["poverty", "service"] and entry.households_visited == 4
    # Saved: the browser's copy is gone, a new form starts empty.
    page.goto(form_url)
    expect(page.locator("[data-draft-notice]")).to_be_hidden()
    expect(page.get_by_label("工作内容")).to_have_value("")

    # A second entry for the same day is refused on the date, nothing written.
    page.get_by_label("日期").fill("2016-03-08")
    page.get_by_label("建强基层组织").check()
    page.get_by_label("工作内容").fill("召开支委会")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("date-error")).to_have_text("2016年3月8日已有一篇民情日记，每天一篇；请在原来那篇上修改。")
    assert fits_the_phone(page)
    screenshot("tenure-diary-refused-phone")
    assert DiaryEntry.objects.count() == 1

    # The township searches its secretaries' diaries and reads the entry.
    as_user("lanyi")
    page.goto(f"{live_server.url}/office/diary/")
    page.get_by_label("关键词").fill("春耕")
    page.get_by_label("职责").select_option(label="为民办事服务")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("diary-count")).to_have_text("共 1 篇")
    expect(page.get_by_test_id("diary-entries")).to_contain_text("张建国")
    assert fits_the_phone(page)
    screenshot("tenure-diary-township-search-phone")
    page.get_by_test_id("diary-entries").get_by_role("link", name="2016年3月8日").click()
    expect(page.get_by_test_id("diary-detail")).to_contain_text("入户了解春耕备耕情况")
    expect(page.get_by_test_id("edit-diary")).to_have_count(0)  # his to correct, not the township's
    screenshot("tenure-diary-township-reads-phone")

    # The county records an inspection that found him absent; it shows on his page.
    as_user("kelan")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/office/inspections/new/")
    page.get_by_label("第一书记（村）").select_option(str(lanyi_secretary.posting.pk))
    page.get_by_label("检查日期").fill("2016-03-09")
    page.get_by_label("检查方式").select_option(label="随机抽查")
    page.get_by_label("检查人员").fill("县委组织部 李明、王芳")
    page.get_by_label("不在岗").check()
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".message.success")).to_contain_text("不在岗")
    page.goto(f"{live_server.url}/office/secretaries/?month=2016-03")
    expect(page.get_by_test_id("secretaries")).to_contain_text("张建国")
    screenshot("tenure-secretaries-county")

    as_user("shuji")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/office/me/")
    expect(page.get_by_test_id("inspections")).to_contain_text("不在岗")
    assert fits_the_phone(page)
    screenshot("tenure-secretary-home-inspection-phone")
    page.goto(f"{live_server.url}/office/inspections/")
    expect(page.get_by_test_id("inspection-list")).to_contain_text("随机抽查")
    assert fits_the_phone(page)
    page.goto(f"{live_server.url}/office/diary/summary/{lanyi_secretary.posting.pk}/?month=2016-03")
    expect(page.get_by_test_id("summary-entries")).to_have_text("1 篇")
    expect(page.get_by_test_id("summary-in-village")).to_have_text("1 天")
    assert fits_the_phone(page)
    screenshot("tenure-diary-summary-phone")
