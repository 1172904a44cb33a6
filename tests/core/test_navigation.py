"""The menu's rows: a county holds some 25 entries, so the time in office has a row of its own,
under its label, after the selection and dispatch's (core.navigation NAV_GROUPS)."""

import re

import pytest

from core.navigation import nav_for

pytestmark = pytest.mark.django_db


def test_the_time_in_office_is_the_menu_s_second_row_under_its_label(client, kelan_user):
    items = nav_for(kelan_user, "/")
    groups = [i["group"] for i in items]
    first_tenure = groups.index("驻村管理")
    assert set(groups[:first_tenure]) == {""} and set(groups[first_tenure:]) == {"驻村管理"}
    labels = [i["label"] for i in items]
    assert {"村庄", "选派人选", "报送"} <= set(labels[:first_tenure])
    assert {"民情日记", "请假", "考核", "驻村补贴"} <= set(labels[first_tenure:])

    client.force_login(kelan_user)
    menu = client.get("/").content.decode()
    menu = menu[menu.index('id="mainnav-items"') : menu.index('class="mainnav-right"')]
    # One break and one label, and every entry of the row after it.
    assert menu.count('class="nav-break"') == 1 and menu.count('<li class="nav-group">驻村管理</li>') == 1
    after = menu[menu.index("nav-group") :]
    assert all(f">{label}</a>" in after for label in labels[first_tenure:])
    assert not any(f">{label}</a>" in after for label in labels[:first_tenure])


def test_a_menu_without_the_time_in_office_has_one_row(client, poverty_office_user):
    client.force_login(poverty_office_user)
    menu = client.get("/").content.decode()
    assert not re.search(r'class="nav-(break|group)"', menu)
