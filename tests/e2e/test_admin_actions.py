"""A pipeline step in the admin, in the browser: 岢岚县委组织部 (given admin access) ticks a filed
secretary on the posting changelist, chooses 分配到村, picks a village on the intermediate page
and confirms; the changelist then reports the assignment and offers 附表3 and 附表4."""

import datetime

from playwright.sync_api import expect

from secretaries.models import Posting
from secretaries.services import posting_approve, posting_file, posting_qualify, posting_recommend
from tests.secretaries.conftest import applied, campaign, categories, kelan, kelan_poor_villages  # noqa: F401  (the pipeline's fixtures)


def test_the_county_assigns_a_secretary_on_the_admin_s_intermediate_page(
    page, live_server, login, screenshot, applied, unit_user, poverty_office_user, province_user, kelan_user, kelan, kelan_poor_villages
):
    posting_qualify(posting=applied, by=unit_user)
    posting_recommend(posting=applied, by=unit_user, meeting_date=datetime.date(2015, 7, 1), decision="同意推荐", county=kelan)
    posting_approve(posting=applied, by=poverty_office_user)
    posting_file(posting=applied, by=province_user)
    kelan_user.is_staff = True
    kelan_user.save(update_fields=["is_staff"])
    village = kelan_poor_villages[0]

    login("kelan")
    page.goto(f"{live_server.url}/admin/secretaries/posting/")
    expect(page.locator("#result_list")).to_contain_text("李建国")
    page.locator(f'input[name="_selected_action"][value="{applied.pk}"]').check()
    page.locator('select[name="action"]').select_option(label="分配到村（所选人选）")
    page.locator('button[name="index"]').click()

    # The intermediate page: the selected secretary, the county's uncovered target villages.
    expect(page.locator("#transition-postings")).to_contain_text("李建国")
    expect(page.locator("#transition-postings")).to_contain_text("岢岚县")
    choices = page.locator('select[name="village"] option')
    expect(choices.filter(has_text=village.name).first).to_be_attached()
    page.locator('select[name="village"]').select_option(value=village.code)
    screenshot("admin-assign-intermediate")
    page.locator('#transition-form input[type="submit"]').click()

    expect(page.locator(".messagelist")).to_contain_text("已分配到村 1 人：李建国。")
    expect(page.locator(".object-tools")).to_contain_text("导出附表3 工作台账")
    expect(page.locator(".object-tools")).to_contain_text("导出附表4 情况统计表")
    screenshot("admin-posting-changelist")
    posting = Posting.objects.get(pk=applied.pk)
    assert (posting.state, posting.village) == (Posting.State.ASSIGNED, village)
    assert posting.events.order_by("id").last().actor == kelan_user
