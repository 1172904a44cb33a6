"""Login, logout, password change, the home page and the admin."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.mark.django_db
def test_every_page_needs_a_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_with_a_wrong_password_says_so_in_chinese_and_logs_nobody_in(client, kelan_user):
    response = client.post(reverse("login"), {"username": "kelan", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_lands_on_the_home_page_with_role_and_scope(client, kelan_user):
    response = client.post(reverse("login"), {"username": "kelan", "password": PASSWORD}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "岢岚县委组织部" in html
    assert "县委组织部" in html
    assert "山西省忻州市岢岚县" in html
    assert "暂无待办事项" in html


def test_home_counts_what_the_scope_holds(client, xinzhou_user):
    client.force_login(xinzhou_user)
    html = client.get(reverse("home")).content.decode()
    # 忻州市: 15 county-level units, 11 of them national poor counties.
    assert "<dt>县（市、区）</dt><dd>15 个</dd>" in html
    assert "<dt>其中贫困县</dt><dd>11 个</dd>" in html
    assert "<dt>市</dt>" not in html  # nothing above the user's own level


def test_home_names_a_county_s_poverty_lists(client, kelan_user):
    client.force_login(kelan_user)
    html = client.get(reverse("home")).content.decode()
    assert "<dt>贫困县类别</dt><dd>国家扶贫开发工作重点县、集中连片特困地区县</dd>" in html
    assert "<dt>乡（镇）</dt><dd>11 个</dd>" in html


def test_logout_needs_post(client, kelan_user):
    client.force_login(kelan_user)
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change_checks_the_old_password_and_rejects_weak_ones(client, kelan_user):
    client.force_login(kelan_user)
    url = reverse("password_change")
    response = client.post(url, {"old_password": "nope", "new_password1": "Xk8#pq2!vRt", "new_password2": "Xk8#pq2!vRt"})
    assert "您的旧密码不正确" in response.content.decode()
    response = client.post(url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert "密码太短" in response.content.decode() or "密码只包含数字" in response.content.decode()
    kelan_user.refresh_from_db()
    assert kelan_user.check_password(PASSWORD)

    response = client.post(url, {"old_password": PASSWORD, "new_password1": "Xk8#pq2!vRt", "new_password2": "Xk8#pq2!vRt"})
    assert response.status_code == 302
    kelan_user.refresh_from_db()
    assert kelan_user.check_password("Xk8#pq2!vRt")


def test_a_stale_form_gets_a_chinese_page_and_changes_nothing(kelan_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(kelan_user)
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "Xk8#pq2!vRt", "new_password2": "Xk8#pq2!vRt"}
    )
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
    kelan_user.refresh_from_db()
    assert kelan_user.check_password(PASSWORD)


def test_admin_is_for_administrators_only(client, admin_user, kelan_user):
    client.force_login(kelan_user)
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin login

    client.force_login(admin_user)
    assert client.get(reverse("admin:index")).status_code == 200
    response = client.get(reverse("admin:villages_region_changelist"), {"q": "大同县"})
    assert "云州区" in response.content.decode()


def test_admin_creates_a_user_with_role_scope_and_group(client, admin_user, regions):
    from dispatch.models import User

    client.force_login(admin_user)
    url = reverse("admin:dispatch_user_add")
    bad = {
        "username": "wuzhai",
        "password1": "Xk8#pq2!vRt",
        "password2": "Xk8#pq2!vRt",
        "role": "county_org",
        "region": regions["忻州市"].pk,
    }
    response = client.post(url, bad)
    assert "县委组织部用户的管辖区域应为县（市、区）级" in response.content.decode()
    assert not User.objects.filter(username="wuzhai").exists()

    response = client.post(url, {**bad, "region": regions["五寨县"].pk, "full_name": "五寨县委组织部"})
    assert response.status_code == 302
    user = User.objects.get(username="wuzhai")
    assert user.scope_label == "山西省忻州市五寨县"
    assert list(user.groups.values_list("name", flat=True)) == ["县委组织部"]


def test_unknown_pages_answer_404_in_chinese(client, kelan_user, settings):
    settings.DEBUG = False
    client.force_login(kelan_user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_navigation_marks_the_most_specific_entry_and_follows_the_role(client, kelan_user, xinzhou_user):
    client.force_login(kelan_user)
    html = client.get("/villages/import/").content.decode()
    assert '<a href="/villages/import/" class="active" aria-current="page">村名单导入</a>' in html
    assert '<a href="/villages/">村庄</a>' in html

    client.force_login(xinzhou_user)  # a city department does not import village lists
    assert "村名单导入" not in client.get("/villages/").content.decode()


def test_menu_follows_role_and_permissions(client, kelan_user, unit_user, secretary_user):
    client.force_login(kelan_user)
    html = client.get("/").content.decode()
    for label in ("村庄", "派出单位", "名额分配", "覆盖计划", "村名单导入"):
        assert f">{label}</a>" in html

    client.force_login(unit_user)  # a unit has no coverage plan and imports no village list
    html = client.get("/").content.decode()
    assert ">派出单位</a>" in html and ">名额分配</a>" in html and ">报名名单导入</a>" in html
    assert ">覆盖计划</a>" not in html and ">村名单导入</a>" not in html

    client.force_login(secretary_user)
    html = client.get("/").content.decode()
    assert ">名额分配</a>" not in html and ">覆盖计划</a>" not in html and ">派出单位</a>" not in html
