"""岢岚县's ledger county → 忻州市 → province in the browser, with one return and a
resubmission whose changes the city sees on the page."""

import datetime

import pytest
from playwright.sync_api import expect

from reports.models import Submission
from secretaries.services import posting_end_term, posting_recall
from tests.reports.test_submissions import PDF, county_unit_user, in_office, target_villages
from tests.secretaries.conftest import campaign  # noqa: F401  (the pipeline's fixture)
from villages.models import Village


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def kelan_in_office(reference_data, campaign, kelan_user):
    ids = list(Village.objects.filter(county__name="岢岚县").order_by("code").values_list("pk", flat=True)[:5])
    Village.objects.filter(pk__in=ids).update(is_registered_poor=True)
    unit_user = county_unit_user(kelan_user.region, "kelan_nyj")
    villages = target_villages("岢岚县", 4)
    postings = [in_office(unit_user, kelan_user, v, name=n, campaign=campaign) for v, n in zip(villages, ["王志刚", "刘玉兰", "陈晓东"])]
    return unit_user, postings, villages[3]


def test_kelan_ledger_goes_to_the_province_with_one_return(
    page, live_server, login, screenshot, media, tmp_path, campaign, kelan_in_office, kelan_user, xinzhou_user, province_user
):
    unit_user, (wang, liu, chen), spare_village = kelan_in_office

    def as_user(username):
        page.context.clear_cookies()
        login(username)

    # 岢岚县委组织部 submits its ledger of three secretaries.
    as_user("kelan")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="报送").click()
    expect(page.get_by_test_id("own-state")).to_contain_text("逾期未报送")
    page.get_by_test_id("submit-link").click()
    expect(page.get_by_test_id("row-count")).to_have_text("3")
    page.get_by_label("报送说明").fill("岢岚县第一书记工作台账，请审核。")
    screenshot("submission-county-new")
    page.get_by_role("button", name="报送").click()
    expect(page.locator(".message.success")).to_contain_text("已报送岢岚县县级台账（3 条台账记录）")
    expect(page.get_by_test_id("state")).to_have_text("已报送待接收")
    expect(page.get_by_test_id("no-actions")).to_be_visible()

    # 忻州市委组织部 finds it in its 待办 and returns it.
    as_user("xinzhou")
    page.get_by_role("link", name="待接收的县级台账").click()
    row = page.locator("tr[data-region=岢岚县]")
    expect(row).to_contain_text("已报送待接收（逾期报送）")
    screenshot("submission-city-overview")
    row.get_by_role("link", name="查看并处理").click()
    page.get_by_label("退回理由").fill("刘玉兰已期满，请更新台账后重报。")
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_test_id("state")).to_have_text("已退回")

    # The county changes its postings: one recalled, one term ended, one new secretary.
    posting_recall(posting=wang, by=kelan_user, reason="工作调整")
    posting_end_term(posting=liu, by=kelan_user, end_date=datetime.date(2016, 3, 1))
    in_office(unit_user, kelan_user, spare_village, name="孙丽", campaign=campaign)

    # 岢岚县 sees the reason, the changes since, and resubmits.
    as_user("kelan")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="报送").click()
    expect(page.get_by_test_id("own-return-reason")).to_have_text("刘玉兰已期满，请更新台账后重报。")
    page.get_by_test_id("submit-link").click()
    expect(page.get_by_test_id("preview-diff")).to_contain_text("新增：孙丽")
    expect(page.get_by_test_id("preview-diff")).to_contain_text("移除：王志刚")
    screenshot("submission-county-resubmit")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("state")).to_have_text("已报送待接收")

    # The city sees the diff against the returned submission and accepts.
    as_user("xinzhou")
    resubmitted = Submission.objects.get(region=kelan_user.region, state="submitted")
    page.goto(f"{live_server.url}/submissions/{resubmitted.pk}/")
    diff = page.get_by_test_id("diff")
    expect(diff.get_by_test_id("diff-added")).to_contain_text(f"孙丽（{spare_village.name}）")
    expect(diff.get_by_test_id("diff-removed")).to_contain_text(f"王志刚（{wang.village.name}）")
    expect(diff.get_by_test_id("diff-changed")).to_contain_text("刘玉兰")
    expect(diff.get_by_test_id("diff-changed")).to_contain_text("备注 （空） → 期满免职")
    expect(page.get_by_test_id("previous-link")).to_be_visible()
    screenshot("submission-diff")
    page.get_by_role("button", name="接收").click()
    expect(page.get_by_test_id("state")).to_have_text("已接收")

    # The county's ledger is locked now, and its page says why.
    as_user("kelan")
    page.goto(f"{live_server.url}/submissions/")
    expect(page.get_by_test_id("lock-reason")).to_contain_text("已被接收；如需修改，须由上级（市委组织部）退回")
    expect(page.get_by_test_id("submit-link")).to_have_count(0)

    # 忻州市 signs and submits its compiled ledger with the scan of the stamped paper copy.
    as_user("xinzhou")
    page.goto(f"{live_server.url}/submissions/new/")
    expect(page.get_by_test_id("row-count")).to_have_text("3")
    expect(page.get_by_test_id("pending-counties")).to_have_count(0)
    page.get_by_label("审核人（部长签字）").fill("张明远")
    scan = tmp_path / "忻州市台账签字盖章.pdf"
    scan.write_bytes(PDF)
    page.get_by_label("签字盖章扫描件").set_input_files(str(scan))
    screenshot("submission-city-new")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("signer")).to_have_text("张明远")
    expect(page.get_by_test_id("download-scan")).to_be_visible()

    # 省委组织部 finds it in its 待办 and accepts.
    as_user("shengzzb")
    page.get_by_role("link", name="待接收的市级汇总台账").click()
    row = page.locator("tr[data-region=忻州市]")
    expect(row).to_contain_text("已报送待接收")
    screenshot("submission-province-overview")
    row.get_by_role("link", name="查看并处理").click()
    with page.expect_download() as download:
        page.get_by_test_id("download-ledger").click()
    assert download.value.suggested_filename.endswith("附表3工作台账.xlsx")
    page.get_by_role("button", name="接收").click()
    expect(page.get_by_test_id("state")).to_have_text("已接收")
    screenshot("submission-province-accepted")
    city = Submission.objects.get(level="city")
    assert (city.state, city.row_count, city.signer) == ("accepted", 3, "张明远")
    assert list(city.events.values_list("action", flat=True)) == ["submit", "accept"]
