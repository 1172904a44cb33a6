"""The error pages as a browser shows them on a server with DEBUG off: Chinese, the site's layout."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

SUBMIT_FORM = """([action, fields]) => {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = action;
  for (const [name, value] of fields) {
    const input = document.createElement('input');
    input.type = 'hidden'; input.name = name; input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}"""


def post_form(page, action: str, fields: list[list[str]]):
    with page.expect_navigation():
        page.evaluate(SUBMIT_FORM, [action, fields])


def csrf_token(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")


def test_error_pages_in_the_browser(page, live_server, login, screenshot, province_user, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.test_error_pages"  # the project's URLs and a view with a bug
    login("shengzzb")

    response = page.goto(f"{live_server.url}/villages/999999999/")
    assert response.status == 404
    assert page.get_by_role("heading", name="页面不存在").is_visible()
    assert page.get_by_role("navigation", name="主导航").is_visible()
    screenshot("error-404")

    # The whole-province grid posted at once: too many fields for Django, the Chinese 400.
    page.goto(f"{live_server.url}/quotas/")
    fields = [["csrfmiddlewaretoken", csrf_token(page)]] + [[f"cell-{i}", "1"] for i in range(1500)]
    post_form(page, f"{live_server.url}/quotas/", fields)
    assert page.get_by_role("heading", name="请求无法处理").is_visible()
    screenshot("error-400")

    # A form whose CSRF token is gone (another tab logged out and in again).
    post_form(page, f"{live_server.url}/quotas/", [["note", "x"]])
    assert page.get_by_role("heading", name="页面已过期").is_visible()
    screenshot("error-403-csrf")

    response = page.goto(f"{live_server.url}/broken/")
    assert response.status == 500
    assert page.get_by_role("heading", name="系统出现错误").is_visible()
    assert page.locator(".topbar").is_visible()
    screenshot("error-500")

    assert page.request.get(f"{live_server.url}/favicon.ico").status == 200
