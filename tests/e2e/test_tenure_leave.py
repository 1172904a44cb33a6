"""Leave and the monthly confirmation in the browser at phone size (390×844): the secretary asks
for 5 working days' leave, the township may not approve it (too long for it), the county
approves, the secretary's October shows it, the township confirms October and it locks."""

import pytest
from playwright.sync_api import expect

from tenure.models import LeaveRequest, PresenceMonth
from tests.tenure.presence_fixtures import *  # noqa: F403

PHONE = {"width": 390, "height": 844}


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.django_db(transaction=True)
def test_leave_at_phone_size_from_asking_to_the_locked_month(page, live_server, login, screenshot, posting, shuji, lanyi_user, kelan_user):
    page.set_viewport_size(PHONE)

    def as_user(username):
        page.context.clear_cookies()
        login(username)

    # The secretary asks for 8–12 October 2016: Saturday 8 and Sunday 9 were make-up working days.
    as_user("shuji")
    page.goto(f"{live_server.url}/office/leave/")
    page.get_by_test_id("ask-leave").click()
    page.get_by_label("类别").select_option(label="事假")
    page.get_by_label("开始日期").fill("2016-10-08")
    page.get_by_label("结束日期").fill("2016-10-12")
    page.get_by_label("事由").fill("母亲住院，需陪护")
    assert fits_the_phone(page)
    screenshot("tenure-leave-ask-phone")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".message.success")).to_contain_text("共5个工作日，由县委组织部审批")
    expect(page.get_by_test_id("leave-state")).to_have_text("待审批")
    assert fits_the_phone(page)
    screenshot("tenure-leave-detail-secretary-phone")
    leave = LeaveRequest.objects.get()

    # The township sees it but may not approve it: 5 working days are the county's.
    as_user("lanyi")
    page.goto(f"{live_server.url}/office/leave/")
    expect(page.get_by_test_id("to-decide")).to_have_count(0)
    page.get_by_test_id("leave-list").get_by_role("link").first.click()
    expect(page.get_by_test_id("not-yours")).to_contain_text("应由县委组织部审批，您无权审批")
    expect(page.get_by_role("button", name="批准")).to_have_count(0)
    screenshot("tenure-leave-township-not-yours-phone")

    # The county approves it from its list of leave to approve.
    as_user("kelan")
    page.goto(f"{live_server.url}/office/leave/")
    page.get_by_test_id("to-decide").get_by_role("link").click()
    page.get_by_label("意见（可选）").fill("同意，注意安排好村里工作")
    page.get_by_role("button", name="批准").click()
    expect(page.get_by_test_id("leave-state")).to_have_text("已批准")
    expect(page.get_by_test_id("events")).to_contain_text("县委组织部")
    assert LeaveRequest.objects.get(pk=leave.pk).state == "approved"

    # The county records a training day (a notice as the reason) and reads the county's year.
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(f"{live_server.url}/office/absences/new/")
    page.get_by_label("第一书记").select_option(value=str(posting.pk))
    page.get_by_label("类别").select_option(label="参加培训")
    page.get_by_label("开始日期").fill("2016-10-13")
    page.get_by_label("结束日期").fill("2016-10-13")
    page.get_by_label("依据（通知或文件）").fill("岢组通〔2016〕18号 第一书记轮训")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_test_id("absences")).to_contain_text("岢组通〔2016〕18号")
    screenshot("tenure-absences-county")
    page.goto(f"{live_server.url}/office/presence/year/?year=2016")
    expect(page.get_by_test_id(f"row-{posting.pk}")).to_contain_text("本年剩余工作日不足以达到2/3")
    screenshot("tenure-year-county")
    page.set_viewport_size(PHONE)

    # The secretary's October shows the five days of leave and the training day.
    as_user("shuji")
    page.goto(f"{live_server.url}/office/leave/")
    expect(page.get_by_test_id("leave-list")).to_contain_text("已批准")
    assert fits_the_phone(page)
    screenshot("tenure-leave-list-secretary-phone")
    page.goto(f"{live_server.url}/office/presence/?year=2016")
    october = page.get_by_test_id("months").locator("tr", has_text="10月")
    expect(october.locator("td").nth(3)).to_have_text("1")
    expect(october.locator("td").nth(4)).to_have_text("5")
    assert fits_the_phone(page)
    screenshot("tenure-presence-secretary-phone")

    # The township confirms October; it locks.
    as_user("lanyi")
    page.goto(f"{live_server.url}/office/presence/months/?month=2016-10")
    row = page.get_by_test_id(f"row-{posting.pk}")
    expect(row.locator("td").nth(5)).to_have_text("5")
    row.get_by_role("button", name="确认10月").click()
    expect(page.locator(".message.success")).to_contain_text("该月已锁定")
    expect(page.get_by_test_id(f"row-{posting.pk}").get_by_test_id("state")).to_have_text("已确认")
    screenshot("tenure-months-confirmed-phone")
    assert PresenceMonth.objects.get(posting=posting, year=2016, month=10).is_locked

    # Leave in the locked month is refused now.
    as_user("shuji")
    page.goto(f"{live_server.url}/office/leave/new/")
    page.get_by_label("类别").select_option(label="病假")
    page.get_by_label("开始日期").fill("2016-10-24")
    page.get_by_label("结束日期").fill("2016-10-24")
    page.get_by_label("事由").fill("感冒")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("field-error")).to_contain_text("2016年10月的在岗情况已由乡镇党委确认并锁定")
    assert LeaveRequest.objects.count() == 1
