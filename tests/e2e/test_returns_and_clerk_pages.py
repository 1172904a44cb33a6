"""Issue #11 in the browser: returns at the filing department and the county (point 5), the returned
candidate as its unit sees it (point 6), and the pages that help the clerk (point 12): 下一位,
bulk 分配到村, one applicant without a spreadsheet."""

import datetime

from playwright.sync_api import expect

from secretaries.idcard import make_id_number
from secretaries.models import Posting
from secretaries.services import (
    posting_apply,
    posting_approve,
    posting_assign,
    posting_file,
    posting_qualify,
    posting_recommend,
)
from tests.secretaries.conftest import (  # noqa: F401  (the pipeline's fixtures)
    applied,
    cadre_for,
    campaign,
    categories,
    county_unit,
    county_unit_user,
    kelan,
    kelan_poor_villages,
)

MEETING = datetime.date(2015, 7, 1)


def approved_candidate(posting, unit_user, poverty_office_user, kelan):
    posting_qualify(posting=posting, by=unit_user)
    posting_recommend(posting=posting, by=unit_user, meeting_date=MEETING, decision="同意推荐", county=kelan)
    return posting_approve(posting=posting, by=poverty_office_user)


def test_the_filing_department_returns_a_candidate_and_the_unit_sees_why(
    page, live_server, login, screenshot, applied, unit_user, poverty_office_user, province_user, kelan
):
    approved_candidate(applied, unit_user, poverty_office_user, kelan)
    detail = f"{live_server.url}/postings/{applied.pk}/"
    login("shengzzb")
    page.goto(detail)
    expect(page.get_by_test_id("quota")).to_contain_text("山西省国土资源厅在岢岚县：名额 5 人，已用 1 人")
    form = page.locator("form[data-action=file_return]")
    form.get_by_role("button", name="退回单位").click()  # no reason: the browser asks for it, nothing is sent
    assert form.get_by_label("理由").evaluate("el => el.validity.valueMissing")
    assert Posting.objects.get(pk=applied.pk).state == Posting.State.APPROVED
    form = page.locator("form[data-action=file_return]")
    form.get_by_label("理由").fill("缺少党委（党组）研究的会议纪要，请补充后重新推荐")
    form.get_by_role("button", name="退回单位").click()
    expect(page.get_by_test_id("state")).to_have_text("资格审查通过")
    screenshot("file-return-done")

    page.context.clear_cookies()
    login("guotu")
    todo = page.locator(".todos li", has_text="被退回的人选")
    expect(todo).to_contain_text("李建国")
    expect(todo).to_contain_text("缺少党委（党组）研究的会议纪要")
    screenshot("unit-todo-returned")
    todo.get_by_role("link").click()
    expect(page.get_by_test_id("result-count")).to_contain_text("共 1 人")
    page.get_by_role("link", name="李建国").click()
    notice = page.get_by_test_id("return-notice")
    expect(notice).to_contain_text("已被省委组织部退回")
    expect(notice).to_contain_text("缺少党委（党组）研究的会议纪要")
    assert notice.bounding_box()["y"] < page.get_by_test_id("cadre").bounding_box()["y"]  # at the top
    screenshot("posting-return-notice")


def test_the_county_moves_and_takes_back_an_assigned_secretary(
    page, live_server, login, screenshot, applied, unit_user, poverty_office_user, province_user, kelan_user, kelan, kelan_poor_villages
):
    approved_candidate(applied, unit_user, poverty_office_user, kelan)
    posting_file(posting=applied, by=province_user)
    posting_assign(posting=applied, by=kelan_user, village=kelan_poor_villages[0])
    other = kelan_poor_villages[1]
    detail = f"{live_server.url}/postings/{applied.pk}/"
    login("kelan")
    page.goto(detail)
    reassign = page.locator("form[data-action=reassign]")
    reassign.get_by_label("改派到村").select_option(value=other.code)
    reassign.get_by_label("改派理由").fill("与原村党支部书记系近亲属，需回避")
    reassign.get_by_role("button", name="改派").click()
    expect(page.locator(".message.success")).to_contain_text("已改派")
    expect(page.get_by_test_id("posting")).to_contain_text(other.name)
    expect(page.get_by_test_id("timeline")).to_contain_text(f"改派：{kelan_poor_villages[0].name} → {other.name}")

    unassign = page.locator("form[data-action=unassign]")
    unassign.get_by_role("button", name="撤销分配").click()  # no reason: the browser asks for it
    assert unassign.get_by_label("理由").evaluate("el => el.validity.valueMissing")
    assert Posting.objects.get(pk=applied.pk).state == Posting.State.ASSIGNED
    unassign = page.locator("form[data-action=unassign]")
    unassign.get_by_label("理由").fill("本人因病暂缓到村")
    unassign.get_by_role("button", name="撤销分配").click()
    expect(page.get_by_test_id("state")).to_have_text("审核备案")
    expect(page.get_by_test_id("return-notice")).to_contain_text("已被县委组织部撤销分配")
    expect(page.get_by_test_id("assign-link")).to_be_visible()  # to be assigned anew
    screenshot("posting-unassigned")


def test_bulk_assignment_row_by_row(
    page, live_server, login, screenshot, county_unit_user, kelan_user, campaign, kelan, kelan_poor_villages
):
    for name in ("张A", "张B", "张C"):
        p = posting_apply(cadre=cadre_for(county_unit_user.unit, name=name), campaign=campaign, by=county_unit_user)
        posting_qualify(posting=p, by=county_unit_user)
        posting_recommend(posting=p, by=county_unit_user, meeting_date=MEETING, decision="同意", county=kelan)
        posting_file(posting=p, by=kelan_user)
    login("kelan")
    page.goto(f"{live_server.url}/postings/")
    page.get_by_test_id("bulk-assign-link").click()
    expect(page.get_by_test_id("result-count")).to_contain_text("待分配 3 人")
    first, second = kelan_poor_villages[:2]
    page.get_by_label("张A分配到村").select_option(value=first.code)
    page.get_by_label("张B分配到村").select_option(value=first.code)  # the same village: refused on its row
    page.get_by_label("张C分配到村").select_option(value=second.code)
    screenshot("bulk-assign-form")
    page.get_by_test_id("bulk-assign-submit").click()
    expect(page.locator(".message.success")).to_contain_text("已分配到村 2 人")
    expect(page.locator(".message.error")).to_contain_text(f"第2行 张B：{first.name}已有分配或在任的第一书记")
    expect(page.get_by_test_id("row-error")).to_contain_text("第2行 张B")
    expect(page.get_by_test_id("result-count")).to_contain_text("待分配 1 人")
    screenshot("bulk-assign-result")
    states = dict(Posting.objects.filter(campaign=campaign).values_list("cadre__name", "state"))
    assert states == {"张A": "assigned", "张B": "filed", "张C": "assigned"}


def test_next_in_the_filtered_list_and_one_applicant_without_a_spreadsheet(page, live_server, login, screenshot, unit_user, campaign):
    for name in ("张B", "张A"):
        posting_apply(cadre=cadre_for(unit_user.unit, name=name), campaign=campaign, by=unit_user)
    login("guotu")
    page.goto(f"{live_server.url}/postings/?state=applied&o=name")
    page.get_by_role("link", name="张A").click()
    expect(page.get_by_test_id("next-posting")).to_have_text("下一位：张B ›")
    screenshot("posting-next-link")
    page.get_by_test_id("next-posting").click()
    expect(page.locator("h1")).to_contain_text("张B")
    expect(page.get_by_test_id("back-to-list")).to_have_attribute("href", "/postings/?state=applied&o=name")

    page.goto(f"{live_server.url}/postings/")
    page.get_by_test_id("add-applicant").click()
    form = page.get_by_test_id("applicant-form")
    form.get_by_label("姓名").fill("赵晓东")
    number = make_id_number("140105", datetime.date(1985, 3, 2), 77, "M")
    form.get_by_label("公民身份证号").fill(number[:-1] + ("0" if number[-1] != "0" else "1"))  # a wrong check character
    form.get_by_label("学历").select_option(label="大学本科")
    form.get_by_label("政治面貌").select_option(label="中共党员")
    form.get_by_label("参加工作时间").fill("2007-08-01")
    form.get_by_label("职级").select_option(label="科级")
    form.get_by_label("干部类别").select_option(label="优秀年轻干部")
    form.get_by_role("button", name="登记报名").click()
    expect(page.get_by_test_id("field-error").first).to_be_visible()
    screenshot("applicant-refused")
    page.get_by_label("公民身份证号").fill(number)
    page.get_by_role("button", name="登记报名").click()
    expect(page.locator(".message.success")).to_contain_text("赵晓东：已登记报名")
    expect(page.get_by_test_id("state")).to_have_text("个人报名")
    expect(page.get_by_test_id("cadre")).to_contain_text("1985年3月2日")
    screenshot("applicant-added")


def test_the_village_names_its_secretary_and_the_list_has_the_column(
    page, live_server, login, screenshot, applied, unit_user, poverty_office_user, province_user, kelan_user, kelan, kelan_poor_villages
):
    approved_candidate(applied, unit_user, poverty_office_user, kelan)
    posting_file(posting=applied, by=province_user)
    village = kelan_poor_villages[0]
    posting_assign(posting=applied, by=kelan_user, village=village)
    login("kelan")
    page.goto(f"{live_server.url}/villages/?q={village.code}")
    row = page.locator("table.villages tbody tr").first
    expect(row.get_by_test_id("secretary")).to_contain_text("李建国 （已分配）")
    screenshot("village-list-secretary")
    row.get_by_role("link", name=village.name).click()
    expect(page.get_by_test_id("current-secretary")).to_contain_text("李建国（山西省国土资源厅，已分配到村）")
    screenshot("village-detail-secretary")
    page.get_by_test_id("current-secretary").get_by_role("link", name="李建国").click()
    expect(page.get_by_test_id("posting")).to_contain_text(village.name)
    # And the candidate list finds the posting by the village's name.
    page.goto(f"{live_server.url}/postings/")
    page.get_by_label("姓名、身份证号或村名").fill(village.name)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("result-count")).to_contain_text("共 1 人")
