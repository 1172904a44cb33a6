"""Work reports and allowances in the browser (issue #13 points 1 and 3): the secretary writes
and submits his half-year 述职 on a 390 px phone, prefilled with his figures; his unit records
that it heard it; the unit draws up its monthly allowance statement from the township's
confirmed month, downloads it as .xlsx and records it paid."""

import datetime
import io
from decimal import Decimal

import chinese_calendar
import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dispatch.models import Campaign, DispatchingUnit
from tenure.allowances import services as allowances
from tenure.models import DiaryEntry
from tenure.months import month_confirm
from tenure.workreports.models import WorkReport, WorkReportHearing
from tests.tenure.office import lanyi_secretary, other_unit  # noqa: F401

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 800}
D = datetime.date


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.django_db(transaction=True)
def test_the_half_year_report_on_a_phone_heard_by_the_unit_and_its_allowance_statement(
    page, live_server, login, lanyi_secretary, lanyi_user, admin_user, unit_user
):
    posting = lanyi_secretary.posting
    days = chinese_calendar.get_workdays(D(2016, 3, 1), D(2016, 3, 31))[:15]
    DiaryEntry.objects.bulk_create(
        DiaryEntry(
            posting=posting,
            date=d,
            content="入户走访",
            duties=["poverty"],
            households_visited=3,
            state="submitted",
            written_by=lanyi_secretary.user,
        )
        for d in days
    )

    def as_user(username):
        page.context.clear_cookies()
        login(username)

    # The secretary, on his phone: the form shows the period's figures, he writes and submits.
    page.set_viewport_size(PHONE)
    as_user("shuji")
    page.goto(f"{live_server.url}/office/reports/new/?year=2016&period=half_year")
    expect(page.get_by_test_id("report-figures")).to_contain_text("15 天")
    expect(page.get_by_test_id("report-diary")).to_contain_text("15 篇")
    assert fits_the_phone(page)
    page.screenshot(path="/tmp/b-report-form-phone.png", full_page=True)
    page.get_by_label("主要工作和成效").fill("走访贫困户45户次，协调修通村道2公里。")
    page.get_by_label("下步打算").fill("发展光伏和小杂粮产业。")
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("report-state")).to_have_text("已提交")
    assert fits_the_phone(page)
    page.screenshot(path="/tmp/b-report-detail-phone.png", full_page=True)
    page.goto(f"{live_server.url}/office/reports/")
    expect(page.get_by_test_id("report-list")).to_contain_text("2016年半年述职")
    assert fits_the_phone(page)
    page.screenshot(path="/tmp/b-report-list-phone.png", full_page=True)
    report = WorkReport.objects.get()
    assert report.state == "submitted" and report.figures["in_village"] == 15

    # His unit records that it heard the report.
    page.set_viewport_size(DESKTOP)
    as_user("guotu")
    page.goto(f"{live_server.url}/office/reports/{report.pk}/")
    form = page.get_by_test_id("hear-form")
    form.get_by_label("听取人").fill("厅党组书记、组织人事处处长")
    form.get_by_label("意见").fill("工作扎实，继续努力。")
    form.get_by_role("button", name="登记听取").click()
    expect(page.get_by_test_id("hearings")).to_contain_text("厅党组书记")
    page.screenshot(path="/tmp/b-report-heard-unit.png", full_page=True)
    assert WorkReportHearing.objects.get().level == "unit"

    # The township confirmed March; the administrator set the rates: the unit's statement.
    month_confirm(posting=posting, year=2016, month=3, by=lanyi_user)
    allowances.floor_set(valid_from=D(2016, 1, 1), living_daily_min=Decimal("50"), basis="伙食补助费标准", by=admin_user)
    allowances.rate_set(
        campaign=Campaign.current(),
        unit_level=DispatchingUnit.Level.PROVINCE,
        valid_from=D(2016, 1, 1),
        living_daily=Decimal("80"),
        transport_daily=Decimal("20"),
        communication_daily=Decimal("10"),
        by=admin_user,
    )
    page.goto(f"{live_server.url}/office/allowances/")
    page.get_by_test_id("prepare").locator("input[type=month]").fill("2016-03")
    page.get_by_test_id("prepare-button").click()
    expect(page.get_by_test_id("statement-total")).to_have_text("1,650.00")  # 15 × (80 + 20 + 10)
    expect(page.get_by_test_id("statement")).to_contain_text("单位负责人（签字）")
    page.screenshot(path="/tmp/b-statement-unit.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_test_id("statement-xlsx").click()
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    assert sheet["A1"].value == "山西省国土资源厅2016年3月第一书记补贴发放表"
    assert sheet.cell(5, 2).value == "张建国" and sheet.cell(5, 15).value == 1650
    page.get_by_test_id("paid-form").get_by_label("发放日期").fill(timezone.localdate().isoformat())
    page.get_by_test_id("paid-button").click()
    expect(page.get_by_test_id("statement-state")).to_have_text("已发放")
    page.goto(f"{live_server.url}/office/allowances/?month=2016-03")
    expect(page.get_by_test_id("statements")).to_contain_text("已发放")
    page.screenshot(path="/tmp/b-allowances-unit.png", full_page=True)
    page.get_by_test_id("year-link").click()
    expect(page.get_by_test_id("year-total")).to_have_text("1,650.00")
    page.screenshot(path="/tmp/b-allowance-year-unit.png", full_page=True)

    # The secretary sees his line, the calculation shown line by line, on his phone.
    page.set_viewport_size(PHONE)
    as_user("shuji")
    page.goto(f"{live_server.url}/office/allowances/?year=2016")
    expect(page.get_by_test_id("allowance-line")).to_contain_text("15天×80.00元")
    assert fits_the_phone(page)
    page.screenshot(path="/tmp/b-allowance-own-phone.png", full_page=True)
