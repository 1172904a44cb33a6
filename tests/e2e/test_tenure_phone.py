"""Issue #12's "Done when", in the browser at phone size (390×844), from the account onwards.

The county issues the first password of a secretary whose 履岗任职 opened his account and prints
the 开通通知; the secretary logs in on his phone with it and must set his own password first;
he writes a diary entry and asks for 5 working days' leave; the township cannot approve it (too
long for it), the county approves it; the secretary's month then shows the leave and the diary
day; the township confirms the month and it locks (a diary entry for a day of it is refused)."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tenure.models import DiaryEntry, LeaveRequest, PresenceMonth

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 800}
NEW_PASSWORD = "Sanjing-Kelan-2016"


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.django_db(transaction=True)
def test_from_the_first_password_to_the_locked_month_on_a_phone(
    page, live_server, login, screenshot, secretary_posting, kelan_user, lanyi_user
):
    posting = secretary_posting  # 张建国, in office in 岚漪镇 since 2015-08-10 (履岗任职 by kelan)
    username = posting.account.user.username

    def as_user(name, password=None):
        page.context.clear_cookies()
        login(name, *([password] if password else []))

    # The county: its accounts page lists him, waiting for a first password; it issues one and
    # gets the printable notice, shown once.
    page.set_viewport_size(DESKTOP)
    as_user("kelan")
    page.goto(f"{live_server.url}/office/accounts/")
    row = page.get_by_test_id("accounts").locator(f"tr[data-username='{username}']")
    expect(row).to_contain_text("待发放初始密码")
    screenshot("tenure-accounts-county")
    row.get_by_role("button", name="发放初始密码").click()
    notice = page.get_by_test_id("account-notice")
    expect(notice).to_contain_text("第一书记账号开通通知")
    expect(notice.get_by_test_id("username")).to_have_text(username)
    first_password = notice.get_by_test_id("password").inner_text()
    assert len(first_password) == 12
    screenshot("tenure-account-notice-county")

    # The secretary, on his phone: the first password works once, for setting his own.
    page.set_viewport_size(PHONE)
    as_user(username, first_password)
    expect(page).to_have_url(f"{live_server.url}/password/")
    expect(page.locator(".messages")).to_contain_text("您正在使用初始密码，请先设置您自己的新密码")
    page.goto(f"{live_server.url}/office/me/")
    expect(page).to_have_url(f"{live_server.url}/password/")
    assert fits_the_phone(page)
    screenshot("tenure-first-login-password-phone")
    page.get_by_label("旧密码").fill(first_password)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("新密码确认").fill(NEW_PASSWORD)
    page.get_by_role("button", name="保存新密码").click()
    expect(page.get_by_role("heading", name="密码已修改")).to_be_visible()

    # His home; he writes the diary of Monday 17 October 2016.
    page.goto(f"{live_server.url}/office/me/")
    expect(page.get_by_test_id("posting-facts")).to_contain_text("岢岚县水利局")
    assert fits_the_phone(page)
    screenshot("tenure-phone-home")
    page.get_by_test_id("write-diary").click()
    page.get_by_label("日期").fill("2016-10-17")
    page.get_by_label("推动精准扶贫").check()
    page.get_by_label("走访农户数").fill("3")
    page.get_by_label("工作内容").fill("入户核实贫困户秋收情况，登记需要帮助销售土豆的农户。")
    assert fits_the_phone(page)
    screenshot("tenure-phone-diary-form")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".message.success")).to_contain_text("10月17日的民情日记已提交")
    assert DiaryEntry.objects.get(posting=posting).state == "submitted"

    # He asks for 8–12 October: five working days (Saturday 8 and Sunday 9 were make-up days).
    page.goto(f"{live_server.url}/office/leave/new/")
    page.get_by_label("类别").select_option(label="事假")
    page.get_by_label("开始日期").fill("2016-10-08")
    page.get_by_label("结束日期").fill("2016-10-12")
    page.get_by_label("事由").fill("母亲住院，需陪护")
    assert fits_the_phone(page)
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".message.success")).to_contain_text("共5个工作日，由县委组织部审批")
    expect(page.get_by_test_id("leave-state")).to_have_text("待审批")
    assert fits_the_phone(page)
    screenshot("tenure-phone-leave-asked")
    leave = LeaveRequest.objects.get(posting=posting)

    # The township (on its phone too) may not approve it: five working days are the county's.
    as_user("lanyi")
    page.goto(f"{live_server.url}/office/leave/{leave.pk}/")
    expect(page.get_by_test_id("not-yours")).to_contain_text("应由县委组织部审批，您无权审批")
    expect(page.get_by_role("button", name="批准")).to_have_count(0)
    # Nor by a forged POST: refused, nothing changes.
    forged = Client()
    forged.force_login(lanyi_user)
    assert forged.post(f"/office/leave/{leave.pk}/approve/", {"note": "同意"}).status_code in (302, 403)
    assert LeaveRequest.objects.get(pk=leave.pk).state == "pending"
    screenshot("tenure-phone-leave-township-may-not")

    # The county approves it.
    as_user("kelan")
    page.goto(f"{live_server.url}/office/leave/")
    page.get_by_test_id("to-decide").get_by_role("link").click()
    page.get_by_role("button", name="批准").click()
    expect(page.get_by_test_id("leave-state")).to_have_text("已批准")

    # His October: 5 days of leave and the diary day in the village.
    as_user(username, NEW_PASSWORD)
    page.goto(f"{live_server.url}/office/presence/?year=2016")
    october = page.get_by_test_id("months").locator("tr", has_text="10月")
    expect(october.locator("td").nth(2)).to_have_text("1")
    expect(october.locator("td").nth(4)).to_have_text("5")
    assert fits_the_phone(page)
    screenshot("tenure-phone-october")

    # The township confirms October; it locks.
    as_user("lanyi")
    page.goto(f"{live_server.url}/office/presence/months/?month=2016-10")
    row = page.get_by_test_id(f"row-{posting.pk}")
    row.get_by_role("button", name="确认10月").click()
    expect(page.locator(".message.success")).to_contain_text("该月已锁定")
    expect(page.get_by_test_id(f"row-{posting.pk}").get_by_test_id("state")).to_have_text("已确认")
    assert fits_the_phone(page)
    screenshot("tenure-phone-month-confirmed")
    month = PresenceMonth.objects.get(posting=posting, year=2016, month=10)
    assert month.is_locked and (month.in_village_days, month.leave_days) == (1, 5)

    # Locked: the secretary's diary for another October day is refused, nothing written.
    as_user(username, NEW_PASSWORD)
    page.goto(f"{live_server.url}/office/diary/new/")
    page.get_by_label("日期").fill("2016-10-18")
    page.get_by_label("维护和谐稳定").check()
    page.get_by_label("工作内容").fill("调解邻里纠纷。")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("date-error")).to_contain_text("2016年10月的在岗情况已由乡镇党委确认并锁定")
    assert fits_the_phone(page)
    screenshot("tenure-phone-diary-locked")
    assert DiaryEntry.objects.filter(posting=posting).count() == 1
