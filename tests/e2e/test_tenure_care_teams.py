"""Care and work teams in the browser: the county sees who lacks what and records a secretary's
任职培训; it forms a 驻村工作组 of three for a 重点难点村, which then shows on the village page;
the secretary sees his training and his team on his phone (390 px)."""

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from secretaries.idcard import make_id_number
from tenure.care.models import Training
from tenure.teams.models import WorkTeam
from tests.tenure.office import lanyi_secretary, other_unit, sanjing_secretary, sanjing_user, wuzhai_secretary  # noqa: F401
from villages.models import Village

PHONE = {"width": 390, "height": 844}
SHOTS = Path("/tmp")


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"c-{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_care_and_a_work_team_from_the_county_to_the_secretarys_phone(
    page, live_server, login, lanyi_secretary, sanjing_secretary, kelan_user
):
    Village.objects.filter(pk=lanyi_secretary.posting.village_id).update(is_key_difficult=True)
    village = Village.objects.get(pk=lanyi_secretary.posting.village_id)

    # Who lacks what, on a day of 2016: both secretaries lack everything.
    login("kelan")
    page.goto(f"{live_server.url}/office/care/?day=2016-06-01")
    expect(page.get_by_test_id("care-list")).to_contain_text("张建国")
    expect(page.get_by_test_id("care-row")).to_have_count(2)
    expect(page.get_by_test_id("lack-counts")).to_contain_text("未参加任职培训 2")
    shot(page, "care-list")

    # The county records 张建国's 任职培训.
    page.get_by_test_id("record-training").click()
    page.get_by_label("第一书记（村）").select_option(str(lanyi_secretary.posting.pk))
    page.get_by_label("培训名称").fill("2015年岢岚县第一书记任职培训班")
    page.get_by_label("开始日期").fill("2015-08-24")
    page.get_by_label("结束日期").fill("2015-08-26")
    page.get_by_label("学时").fill("24")
    shot(page, "training-form")
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".message.success")).to_contain_text("任职培训")
    assert Training.objects.filter(posting=lanyi_secretary.posting).count() == 1
    page.goto(f"{live_server.url}/office/care/?day=2016-06-01&lack=training")
    expect(page.get_by_test_id("care-row")).to_have_count(1)
    expect(page.get_by_test_id("care-list")).to_contain_text("王志强")

    # A work team of three for the 重点难点村.
    page.goto(f"{live_server.url}/office/teams/")
    expect(page.get_by_test_id("villages-without-team")).to_contain_text(village.name)
    page.get_by_test_id("villages-without-team").get_by_role("link", name=village.name).click()
    page.get_by_label("组建日期").fill("2016-03-01")
    people = [("李文华", "岢岚县农业委员会", "county"), ("周建平", "忻州市扶贫开发办公室", "city"), ("孙丽", "岚漪镇人民政府", "township")]
    for i, (name, unit, level) in enumerate(people, start=1):
        member = page.get_by_test_id(f"member-{i}")
        member.get_by_label("姓名").fill(name)
        member.get_by_label("身份证号").fill(make_id_number("140929", datetime.date(1982, i, 3), i, "M"))
        member.get_by_label("工作单位").fill(unit)
        member.get_by_label("单位层级").select_option(level)
    shot(page, "team-form")
    page.get_by_role("button", name="组建").click()
    expect(page.locator(".message.success")).to_contain_text("3名成员")
    expect(page.get_by_test_id("member")).to_have_count(3)
    shot(page, "team-detail")
    assert WorkTeam.objects.get().leader == lanyi_secretary.posting

    page.goto(f"{live_server.url}/villages/{village.code}/")
    expect(page.get_by_test_id("village-team")).to_contain_text("周建平（忻州市扶贫开发办公室，市级部门）")
    shot(page, "village-team")

    # The secretary on his phone: his training and his team, no sideways scroll.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    login("shuji")
    page.goto(f"{live_server.url}/office/me/")
    expect(page.get_by_test_id("care")).to_contain_text("已参加任职培训")
    expect(page.get_by_test_id("insurance-status")).to_contain_text("没有有效的意外伤害保险")
    expect(page.get_by_test_id("my-team")).to_contain_text("孙丽")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "secretary-phone")
