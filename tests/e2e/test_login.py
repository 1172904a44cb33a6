"""A county user logs in and sees the home page with their scope; a wrong password is refused."""

from playwright.sync_api import expect


def test_county_user_logs_in_and_sees_role_and_scope(page, live_server, login, kelan_user, screenshot):
    login("kelan")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_test_id("who")).to_contain_text("岢岚县委组织部")
    expect(page.get_by_test_id("who")).to_contain_text("县委组织部")
    expect(page.get_by_test_id("who")).to_contain_text("山西省忻州市岢岚县")
    expect(page.get_by_test_id("scope")).to_have_text("山西省忻州市岢岚县")
    expect(page.get_by_text("乡（镇）")).to_be_visible()
    expect(page.get_by_test_id("no-todos")).to_have_text("暂无待办事项。")
    # The stylesheet is served from our own static files.
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor") == "rgb(168, 32, 26)"
    screenshot("home-county")

    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(f"{live_server.url}/login/")


def test_wrong_password_shows_a_chinese_error(page, live_server, login, kelan_user, screenshot):
    login("kelan", "not-the-password")

    expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的用户名和密码")
    expect(page).to_have_url(f"{live_server.url}/login/")
    screenshot("login-wrong-password")


def test_a_page_asked_for_before_login_opens_after_it(page, live_server, kelan_user):
    page.goto(f"{live_server.url}/password/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/password/")
    page.get_by_label("用户名").fill("kelan")
    page.get_by_label("密码").fill("test-password-2015")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/password/")
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()


def test_city_user_changes_password_in_the_browser(page, live_server, login, xinzhou_user, screenshot):
    login("xinzhou")
    page.get_by_role("link", name="修改密码").click()
    page.get_by_label("旧密码").fill("test-password-2015")
    page.get_by_label("新密码", exact=True).fill("Xk8#pq2!vRt")
    page.get_by_label("新密码确认").fill("Xk8#pq2!vRt")
    screenshot("password-change")
    page.get_by_role("button", name="保存新密码").click()
    expect(page.get_by_role("heading", name="密码已修改")).to_be_visible()
    xinzhou_user.refresh_from_db()
    assert xinzhou_user.check_password("Xk8#pq2!vRt")


def test_five_wrong_passwords_lock_the_account_from_this_computer(page, live_server, login, kelan_user, screenshot):
    for _ in range(5):
        login("kelan", "not-the-password")
    login("kelan")

    expect(page.get_by_role("heading", name="登录已暂时锁定")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("连续 5 次密码错误")
    expect(page.get_by_role("alert")).to_contain_text("后再试")
    screenshot("login-locked")
