"""Error pages in Chinese with the site's layout, as a production server (DEBUG off) shows them,
and the site's icon."""

import pytest
from django.test import Client
from django.urls import include, path

pytestmark = pytest.mark.django_db

LAYOUT = ('<link rel="stylesheet" href="/static/css/app.css">', 'class="topbar"', "第一书记选派管理系统", 'class="footer"')


def broken(request):
    raise RuntimeError("a bug")


# The project's URLs, plus a view with a bug (for the 500 page).
urlpatterns = [path("broken/", broken), path("", include("dispatch.urls"))]


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


def page_of(response) -> str:
    text = response.content.decode()
    for piece in LAYOUT:
        assert piece in text, piece
    return text


def test_404_for_a_signed_in_user_has_the_menu(client, kelan_user):
    client.force_login(kelan_user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = page_of(response)
    assert "页面不存在" in text and "不在您的管辖范围内" in text
    assert 'aria-label="主导航"' in text


def test_404_for_a_visitor(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in page_of(response)


def test_403_names_what_the_role_may_not_do(client, unit_user):
    client.force_login(unit_user)
    response = client.get("/submissions/")
    assert response.status_code == 403
    text = page_of(response)
    assert "无权操作" in text and "您的角色无权查看报送。" in text


def test_a_form_without_its_csrf_token_answers_the_chinese_expired_page(kelan_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(kelan_user)
    response = browser.post("/submissions/new/", {"seen_latest": 0})
    assert response.status_code == 403
    text = page_of(response)
    assert "页面已过期" in text and "没有保存任何内容" in text
    assert "CSRF" not in text


def test_too_many_fields_answers_the_chinese_400(province_user):
    # A whole-province grid posted at once: more fields than Django reads (TooManyFieldsSent),
    # found when the CSRF check reads the form.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(province_user)
    browser.cookies["csrftoken"] = "a" * 32  # the browser has its CSRF cookie; the form's token is read from the body
    response = browser.post("/quotas/", {f"cell-{i}": "1" for i in range(1500)})
    assert response.status_code == 400
    text = page_of(response)
    assert "请求无法处理" in text and "没有保存任何内容" in text
    assert "Bad Request" not in text


def test_a_too_large_request_body_answers_the_chinese_400(province_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(province_user)
    browser.cookies["csrftoken"] = "a" * 32  # the browser has its CSRF cookie; the form's token is read from the body
    response = browser.post("/quotas/", {"note": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 400
    assert "请求无法处理" in page_of(response)


def test_500_is_chinese_with_the_layout_and_needs_no_context(kelan_user):
    browser = Client(raise_request_exception=False)
    browser.force_login(kelan_user)
    response = browser.get("/broken/")
    assert response.status_code == 500
    text = page_of(response)
    assert "系统出现错误" in text and "已保存的数据不受影响" in text
    assert "{%" not in text and "{{" not in text


def test_favicon_is_served_to_anyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_every_page_names_the_icon(client, kelan_user):
    client.force_login(kelan_user)
    assert '<link rel="icon" href="/favicon.ico">' in client.get("/").content.decode()
