"""Assessments and the end of the term in the browser: the county reads a secretary's year on the
assessment form (prefilled from his records) and gives its annual opinion; the unit acknowledges
it; the secretary reads it on his phone; the county's 待办 shows the terms ending and overdue and
its 任期管理 page lists them."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tenure.assessments.models import Assessment
from tenure.models import DiaryEntry, Duty
from tests.tenure.office import first_village, lanyi_secretary, other_unit, put_in_office  # noqa: F401
from villages.models import Region

PHONE = {"width": 390, "height": 844}


def shot(page, name):
    page.screenshot(path=f"/tmp/a-{name}.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_the_annual_opinion_from_the_form_to_the_unit_and_the_county_s_end_of_term_todo(
    page, live_server, login, lanyi_secretary, kelan_user, unit_user, provincial_unit
):
    posting = lanyi_secretary.posting
    for day in (datetime.date(2016, 3, 1), datetime.date(2016, 3, 2), datetime.date(2016, 3, 3)):
        DiaryEntry.objects.create(
            posting=posting,
            date=day,
            duties=[Duty.POVERTY, Duty.SERVICE],
            households_visited=4,
            content="走访",
            state=DiaryEntry.State.SUBMITTED,
            written_by=lanyi_secretary.user,
        )
    # Two more of 岢岚县's secretaries: one whose term ends in 20 days, one 10 days overdue.
    today = timezone.localdate()
    kelan_townships = Region.objects.filter(level="township", code__startswith="140929").order_by("code")
    townships = list(kelan_townships.values_list("code", flat=True)[1:3])
    for code, name, days in ((townships[0], "李文华", 20), (townships[1], "赵国庆", -10)):
        end = today + datetime.timedelta(days=days)
        start = end - datetime.timedelta(days=730)
        put_in_office(unit=provincial_unit, village=first_village(code), username=f"s{code}", name=name, start=start, end=end)

    def as_user(username):
        page.context.clear_cookies()
        login(username)

    # The county: the form reads his 2016 from the records and prefills the opinion.
    as_user("kelan")
    page.goto(f"{live_server.url}/office/assessments/new/")
    page.get_by_label("第一书记").select_option(label=f"张建国（{posting.village.township.name}{posting.village.name}）")
    page.get_by_label("考核类别").select_option(label="年终考核")
    page.get_by_label("考核期开始").fill("2016-01-01")
    page.get_by_label("考核期结束").fill("2016-12-31")
    page.get_by_role("button", name="读取考核依据").click()
    evidence = page.get_by_test_id("evidence")
    expect(evidence).to_contain_text("民情日记 3 篇，走访农户 12 户")
    expect(page.get_by_test_id("in-village")).to_have_text("3")
    expect(page.get_by_test_id("reason-needed")).to_contain_text("未达到应在岗工作日的2/3")
    assert "在村3天" in page.get_by_label("考核意见").input_value()
    shot(page, "assessment-form")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "assessment-form-phone")
    page.set_viewport_size({"width": 1366, "height": 800})

    # 称职 without the reason a year below 2/3 needs: refused beside the field, nothing written.
    form = page.get_by_test_id("assessment-form")
    form.get_by_label("称职", exact=True).check()
    form.get_by_role("button", name="登记").click()
    expect(page.get_by_test_id("field-error")).to_contain_text("须说明理由")
    assert not Assessment.objects.exists()
    form = page.get_by_test_id("assessment-form")
    form.get_by_label("称职", exact=True).check()
    form.get_by_label("说明理由").fill("下半年抽调县脱贫攻坚指挥部，在村时间不足")
    form.get_by_role("button", name="登记").click()
    expect(page.locator(".message.success")).to_contain_text("已登记张建国的年终考核：称职")
    expect(page.get_by_test_id("acknowledged")).to_contain_text("待确认")
    shot(page, "assessment-detail")

    # The unit sees it in its 待办 and acknowledges it.
    as_user("guotu")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="待确认的县委组织部考核意见和期满考察").click()
    page.get_by_role("link", name="年终考核").click()
    page.get_by_role("button", name="确认县委组织部考核意见").click()
    expect(page.get_by_test_id("acknowledged")).to_contain_text("确认")
    assert Assessment.objects.get().acknowledged_by == unit_user

    # The secretary reads it on his phone.
    as_user("shuji")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/office/assessments/")
    expect(page.get_by_test_id("assessment-list")).to_contain_text("称职")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "assessments-secretary-phone")
    page.set_viewport_size({"width": 1366, "height": 800})

    # The county's 待办: a term ending within 60 days, one overdue (and 张建国's, long over).
    as_user("kelan")
    page.goto(f"{live_server.url}/")
    todos = page.locator("ul.todos")
    expect(todos).to_contain_text("任期将在60天内届满的第一书记")
    expect(todos).to_contain_text("任期已届满、待办理期满免职或留任的第一书记")
    shot(page, "county-home-todos")
    page.get_by_role("link", name="任期将在60天内届满的第一书记").click()
    expect(page.get_by_test_id("term-due")).to_contain_text("李文华")
    expect(page.get_by_test_id("term-overdue")).to_contain_text("赵国庆")
    shot(page, "county-term-page")
