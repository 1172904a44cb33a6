"""Every page of the county and of the secretary on a phone (390×844, issue #11 point 3): the
pages of the user's menu as the navigation registry gives it (so that pages registered later,
the secretary's own, are covered without editing this test), the detail pages one click away
from them (a village, a posting, a submission…) and the login page fit the screen's width;
the menu folds behind "☰ 菜单"; the county's 分配到此村 button is on screen."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from core.navigation import nav_for
from dispatch.demo import DEMO_PASSWORD
from dispatch.models import Campaign, User
from reports.services import county_submit
from secretaries.models import Posting

PHONE = {"width": 390, "height": 844}
# An object's page: /villages/140929100200/, /postings/52/, /submissions/3/, /tenure/diary/7/ …
DETAIL = re.compile(r"^/[a-z-]+(?:/[a-z-]+)*/\d+/$")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def demo(reference_data, media, kelan_user, xinzhou_user, province_user):
    """The demo data set, with 岢岚县's ledger submitted so that the county has a submission to open."""
    call_command("load_demo", "--quiet-accounts")
    campaign = Campaign.objects.get(is_current=True)
    county_submit(campaign=campaign, by=kelan_user)
    return campaign


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


def test_every_page_of_the_county_and_the_secretary_fits_a_phone(page, live_server, login, screenshot, demo, kelan_user):
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
