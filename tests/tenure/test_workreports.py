"""The secretary's 述职 reports (issue #13 point 1): prefilled with the period's figures from
tenure.presence, draft → submitted with the figures frozen, one per posting and period, heard
once by the unit and once by the county; every refusal writes nothing."""

import datetime

import chinese_calendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tenure.models import DiaryEntry, Inspection, LeaveRequest
from tenure.workreports import services
from tenure.workreports.models import WorkReport, WorkReportEvent, WorkReportHearing
from tenure.workreports.selectors import report_figures
from tests.tenure.presence_fixtures import *  # noqa: F403

D = datetime.date
pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def diary_days(posting, days, *, by, duties=("poverty",), households=2):
    DiaryEntry.objects.bulk_create(
        DiaryEntry(
            posting=posting, date=d, content="走访", state="submitted", written_by=by, duties=list(duties), households_visited=households
        )
        for d in days
    )


@pytest.fixture
def first_half(posting, shuji):
    """王志刚's first half of 2016: 80 diary days (in the village), 5 working days of approved leave
    in May, one inspection that found him absent in June."""
    days = chinese_calendar.get_workdays(D(2016, 1, 4), D(2016, 5, 31))[:80]
    diary_days(posting, days, by=shuji)
    LeaveRequest.objects.create(
        posting=posting,
        kind="personal",
        start_date=D(2016, 6, 13),
        end_date=D(2016, 6, 17),
        reason="家事",
        working_days=5,
        state="approved",
        requested_by=shuji,
    )
    Inspection.objects.create(
        posting=posting, date=D(2016, 6, 20), kind="random", inspectors="县委组织部", found_present=False, recorded_by=shuji
    )
    return days


def write(posting, shuji, *, submit=False, **kwargs):
    return services.report_save(
        posting=posting, by=shuji, year=2016, period="half_year", achievements="修通了村里的路", submit=submit, **kwargs
    )


def test_the_figures_of_the_period_come_from_presence_diaries_and_inspections(posting, first_half):
    figures = report_figures(posting, 2016, "half_year")
    # 2016-01-01 … 06-30 has 123 working days (the official 2016 calendar); 2/3 of it is 82.
    assert figures["working_days"] == 123 and figures["required"] == 82
    assert (figures["in_village"], figures["leave"], figures["official_absence"]) == (80, 5, 0)
    assert figures["unexplained"] == 123 - 80 - 5 and figures["absent_found"] == 1
    assert figures["diary_entries"] == 80 and figures["households_visited"] == 160
    assert ["推动精准扶贫", 80] in figures["by_duty"] and ["建强基层组织", 0] in figures["by_duty"]
    assert (figures["inspections"], figures["inspections_absent"]) == (1, 1)
    assert figures["meets"] is False


def test_a_draft_then_submitted_freezes_its_figures(posting, shuji, first_half):
    report = write(posting, shuji)
    assert report.state == "draft" and report.figures == {}
    report = write(posting, shuji, report=report, submit=True, problems="资金不足", plans="发展产业")
    assert report.state == "submitted" and report.figures["in_village"] == 80 and report.submitted_at
    # Evidence written later does not change what he reported.
    diary_days(posting, [D(2016, 6, 1), D(2016, 6, 2)], by=shuji)
    report.refresh_from_db()
    assert report.figures["in_village"] == 80
    assert report_figures(posting, 2016, "half_year")["in_village"] == 82
    assert list(report.events.values_list("action", "from_state", "to_state")) == [
        ("create", "", "draft"),
        ("submit", "draft", "submitted"),
    ]


def test_one_report_per_posting_and_period_and_a_submitted_one_is_final(posting, shuji):
    report = write(posting, shuji, submit=True)
    with pytest.raises(ValidationError, match="已经有一份"):
        write(posting, shuji)
    with pytest.raises(ValidationError, match="已提交，不能再修改"):
        write(posting, shuji, report=report)
    assert WorkReport.objects.count() == 1 and WorkReportEvent.objects.count() == 2


def test_refusals_write_nothing(posting, shuji, lanyi_user):
    with pytest.raises(ValidationError, match="6月1日起才能填写"):
        write(posting, shuji, today=D(2016, 5, 31))
    with pytest.raises(ValidationError, match="不在您的任期内"):
        services.report_save(posting=posting, by=shuji, year=2014, period="annual", achievements="x")
    with pytest.raises(ValidationError, match="主要工作和成效"):
        services.report_save(posting=posting, by=shuji, year=2016, period="annual", achievements="  ")
    with pytest.raises(PermissionDenied):
        write(posting, lanyi_user)
    assert not WorkReport.objects.exists() and not WorkReportEvent.objects.exists()


def test_the_unit_and_the_county_each_hear_it_once(posting, shuji, unit_user, kelan_user, wuzhai_user, lanyi_user):
    draft = write(posting, shuji)
    with pytest.raises(ValidationError, match="尚未提交"):
        services.report_hear(report=draft, by=unit_user, heard_on=TODAY, listeners="处长")
    report = write(posting, shuji, report=draft, submit=True)
    services.report_hear(report=report, by=unit_user, heard_on=TODAY, listeners="厅党组书记、组织人事处处长", remarks="工作扎实")
    with pytest.raises(ValidationError, match="不能重复登记"):
        services.report_hear(report=report, by=unit_user, heard_on=TODAY, listeners="处长")
    services.report_hear(report=report, by=kelan_user, heard_on=TODAY, listeners="县委组织部部长")
    with pytest.raises(WorkReport.DoesNotExist):
        services.report_hear(report=report, by=wuzhai_user, heard_on=TODAY, listeners="x")
    with pytest.raises(PermissionDenied):
        services.report_hear(report=report, by=lanyi_user, heard_on=TODAY, listeners="x")
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.report_hear(report=report, by=kelan_user, heard_on=TODAY + datetime.timedelta(days=1), listeners="x")
    assert sorted(WorkReportHearing.objects.values_list("level", flat=True)) == ["county", "unit"]
    assert list(report.events.values_list("action", flat=True)) == ["create", "submit", "heard_unit", "heard_county"]


# --- pages -------------------------------------------------------------------------------------


def test_the_secretary_writes_and_submits_on_his_pages(client, posting, shuji, first_half):
    client.force_login(shuji)
    url = reverse("tenure:report_new") + "?year=2016&period=half_year"
    page = client.get(url)
    assert page.status_code == 200 and "80 天" in page.content.decode() and "2/3 为 82 天" in page.content.decode()
    response = client.post(reverse("tenure:report_new"), {"year": "2016", "period": "half_year", "achievements": "修路", "action": "draft"})
    report = WorkReport.objects.get()
    assert response.status_code == 302 and report.state == "draft"
    # Double POST of a new report: refused with a message, no second row.
    again = client.post(reverse("tenure:report_new"), {"year": "2016", "period": "half_year", "achievements": "修路", "action": "draft"})
    assert again.status_code == 400 and "已经有一份" in again.content.decode()
    assert client.post(reverse("tenure:report_edit", args=[report.pk]), {"achievements": "修路架桥", "action": "submit"}).status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted" and report.achievements == "修路架桥"
    assert client.get(reverse("tenure:report_new") + "?year=²&period=half_year").status_code == 404
    assert WorkReport.objects.count() == 1


def test_a_draft_is_his_own_and_a_submitted_report_is_read_in_scope(
    client, posting, shuji, unit_user, kelan_user, wuzhai_user, other_posting
):
    report = write(posting, shuji)
    detail = reverse("tenure:report_detail", args=[report.pk])
    client.force_login(unit_user)
    assert client.get(detail).status_code == 404
    write(posting, shuji, report=report, submit=True)
    for user, status in ((unit_user, 200), (kelan_user, 200), (wuzhai_user, 404)):
        client.force_login(user)
        assert client.get(detail).status_code == status
    client.force_login(wuzhai_user)
    assert "王志刚" not in client.get(reverse("tenure:report_list")).content.decode()
    client.force_login(kelan_user)
    assert "王志刚" in client.get(reverse("tenure:report_list")).content.decode()


def test_hearing_through_the_page_allowed_forbidden_out_of_scope_wrong_method(client, posting, shuji, unit_user, lanyi_user, wuzhai_user):
    report = write(posting, shuji, submit=True)
    url = reverse("tenure:report_hear", args=[report.pk])
    data = {"heard_on": TODAY.isoformat(), "listeners": "组织人事处处长", "remarks": "好"}
    client.force_login(lanyi_user)
    assert client.post(url, data).status_code == 403
    client.force_login(wuzhai_user)
    assert client.post(url, data).status_code == 404
    client.force_login(unit_user)
    assert client.get(url).status_code == 405
    bad = client.post(url, {"heard_on": "", "listeners": ""})
    assert bad.status_code == 400 and "请填写听取日期" in bad.content.decode()
    assert not WorkReportHearing.objects.exists() and report.events.count() == 2
    assert client.post(url, data).status_code == 302
    twice = client.post(url, data)
    assert twice.status_code == 400 and "不能重复登记" in twice.content.decode()
    assert WorkReportHearing.objects.count() == 1 and report.events.count() == 3


def test_the_unit_and_county_todo_counts_reports_not_yet_heard_at_their_level(posting, shuji, unit_user, kelan_user, wuzhai_user):
    from core.navigation import todos_for

    def waiting(user):
        return {t.label: t.count for t in todos_for(user)}.get("待登记听取的述职报告", 0)

    report = write(posting, shuji)
    assert waiting(unit_user) == 0  # a draft waits for nobody
    write(posting, shuji, report=report, submit=True)
    assert (waiting(unit_user), waiting(kelan_user), waiting(wuzhai_user)) == (1, 1, 0)
    services.report_hear(report=report, by=unit_user, heard_on=TODAY, listeners="处长")
    assert (waiting(unit_user), waiting(kelan_user)) == (0, 1)
