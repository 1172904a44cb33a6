"""The township's monthly confirmation and the presence pages (township months, county year,
a secretary's year, official absences), with their scope."""

import datetime

import chinese_calendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tenure.absences import absence_record
from tenure.models import CalendarYear, DiaryEntry, OfficialAbsence, PresenceMonth, PresenceMonthEvent
from tenure.months import month_confirm, month_reopen, months_waiting
from tests.tenure.presence_fixtures import *  # noqa: F403

D = datetime.date
pytestmark = pytest.mark.django_db


def diary_days(posting, days, *, by):
    DiaryEntry.objects.bulk_create(DiaryEntry(posting=posting, date=d, content="走访", state="submitted", written_by=by) for d in days)


def client_for(client, user):
    client.force_login(user)
    return client


# --- services -------------------------------------------------------------------------------


def test_confirm_stores_the_figures_locks_and_refuses_twice(posting, lanyi_user):
    diary_days(posting, chinese_calendar.get_workdays(D(2016, 3, 1), D(2016, 3, 10)), by=lanyi_user)
    month = month_confirm(posting=posting, year=2016, month=3, by=lanyi_user)
    assert (month.state, month.working_days, month.in_village_days, month.unexplained_days) == ("confirmed", 23, 8, 15)
    event = month.events.get()
    assert (event.action, event.to_state, event.figures["in_village"]) == ("confirm", "confirmed", 8)
    with pytest.raises(ValidationError, match="已确认，不能重复确认"):
        month_confirm(posting=posting, year=2016, month=3, by=lanyi_user)
    assert PresenceMonthEvent.objects.count() == 1
    # Locked: evidence of March can no longer be written.
    with pytest.raises(ValidationError, match="已由乡镇党委确认并锁定"):
        absence_record(
            posting=posting, by=lanyi_user, kind="training", start_date=D(2016, 3, 21), end_date=D(2016, 3, 22), reason="培训通知"
        )


def test_reopen_needs_a_reason_then_confirm_again(posting, lanyi_user, kelan_user):
    month = month_confirm(posting=posting, year=2016, month=3, by=lanyi_user)
    with pytest.raises(ValidationError, match="理由"):
        month_reopen(month=month, by=lanyi_user, reason="")
    month_reopen(month=month, by=kelan_user, reason="漏记3月21日培训")
    absence_record(posting=posting, by=lanyi_user, kind="training", start_date=D(2016, 3, 21), end_date=D(2016, 3, 22), reason="培训通知")
    again = month_confirm(posting=posting, year=2016, month=3, by=lanyi_user)
    assert again.pk == month.pk and again.official_absence_days == 2
    assert list(again.events.values_list("action", "from_state", "to_state")) == [
        ("confirm", "", "confirmed"),
        ("reopen", "confirmed", "reopened"),
        ("confirm", "reopened", "confirmed"),
    ]
    assert again.events.get(action="reopen").note == "漏记3月21日培训"


def test_confirm_is_refused_before_the_month_ends_out_of_term_out_of_scope_and_for_the_county(
    posting, lanyi_user, songjiagou_user, kelan_user
):
    with pytest.raises(ValidationError, match="尚未结束"):
        month_confirm(posting=posting, year=2016, month=3, by=lanyi_user, today=D(2016, 3, 31))
    with pytest.raises(ValidationError, match="不在任期内"):
        month_confirm(posting=posting, year=2015, month=7, by=lanyi_user)
    with pytest.raises(type(posting).DoesNotExist):
        month_confirm(posting=posting, year=2016, month=3, by=songjiagou_user)
    with pytest.raises(PermissionDenied):
        month_confirm(posting=posting, year=2016, month=3, by=kelan_user)
    assert not PresenceMonth.objects.exists()


def test_a_month_without_calendar_data_cannot_be_confirmed(posting, lanyi_user):
    posting.end_date = D(2028, 1, 1)
    posting.save()
    with pytest.raises(ValidationError, match="2027年的工作日历尚无数据"):
        month_confirm(posting=posting, year=2027, month=3, by=lanyi_user, today=D(2027, 5, 1))


def test_months_waiting_counts_last_month_unconfirmed(posting, lanyi_user):
    assert months_waiting(lanyi_user, today=D(2016, 4, 5)) == [(posting, 2016, 3)]
    month_confirm(posting=posting, year=2016, month=3, by=lanyi_user, today=D(2016, 4, 5))
    assert months_waiting(lanyi_user, today=D(2016, 4, 5)) == []


def test_official_absence_is_recorded_within_the_term_and_not_twice(posting, kelan_user, wuzhai_user):
    absence_record(
        posting=posting, by=kelan_user, kind="meeting", start_date=D(2016, 5, 4), end_date=D(2016, 5, 4), reason="县委扶贫工作会议通知"
    )
    with pytest.raises(ValidationError, match="重叠"):
        absence_record(posting=posting, by=kelan_user, kind="training", start_date=D(2016, 5, 3), end_date=D(2016, 5, 5), reason="x")
    with pytest.raises(ValidationError, match="早于到村任职日期"):
        absence_record(posting=posting, by=kelan_user, kind="training", start_date=D(2015, 8, 1), end_date=D(2015, 8, 2), reason="x")
    with pytest.raises(type(posting).DoesNotExist):
        absence_record(posting=posting, by=wuzhai_user, kind="training", start_date=D(2016, 6, 1), end_date=D(2016, 6, 1), reason="x")
    assert OfficialAbsence.objects.count() == 1


# --- pages ----------------------------------------------------------------------------------


def test_township_months_page_lists_its_secretaries_and_confirms(client, posting, other_posting, lanyi_user):
    c = client_for(client, lanyi_user)
    page = c.get("/office/presence/months/?month=2016-03")
    assert page.status_code == 200
    assert posting.cadre.name in page.text and other_posting.cadre.name not in page.text
    assert "待确认 1 位" in page.text
    response = c.post("/office/presence/months/confirm/", {"posting": posting.pk, "year": 2016, "month": 3}, follow=True)
    assert "该月已锁定" in response.text and PresenceMonth.objects.get().is_locked
    twice = c.post("/office/presence/months/confirm/", {"posting": posting.pk, "year": 2016, "month": 3}, follow=True)
    assert "不能重复确认" in twice.text and PresenceMonthEvent.objects.count() == 1


def test_confirming_another_townships_secretary_is_404(client, other_posting, lanyi_user):
    c = client_for(client, lanyi_user)
    assert c.post("/office/presence/months/confirm/", {"posting": other_posting.pk, "year": 2016, "month": 3}).status_code == 404
    assert c.get("/office/presence/months/confirm/").status_code == 405
    assert not PresenceMonth.objects.exists()


def test_reopen_page_action_needs_a_reason(client, posting, lanyi_user, songjiagou_user):
    month = month_confirm(posting=posting, year=2016, month=3, by=lanyi_user)
    c = client_for(client, lanyi_user)
    assert "请填写理由" in c.post(f"/office/presence/months/{month.pk}/reopen/", {"reason": ""}, follow=True).text
    c.post(f"/office/presence/months/{month.pk}/reopen/", {"reason": "更正"})
    assert PresenceMonth.objects.get().state == "reopened"
    c.logout()
    other = client_for(client, songjiagou_user)
    assert other.post(f"/office/presence/months/{month.pk}/reopen/", {"reason": "x"}).status_code == 404


def test_county_year_page_lists_those_below_two_thirds_first(client, posting, other_posting, wuzhai_posting, kelan_user, lanyi_user):
    diary_days(other_posting, chinese_calendar.get_workdays(D(2016, 1, 1), D(2016, 12, 31))[:167], by=lanyi_user)
    diary_days(posting, chinese_calendar.get_workdays(D(2016, 1, 1), D(2016, 12, 31))[:166], by=lanyi_user)
    page = client_for(client, kelan_user).get("/office/presence/year/?year=2016")
    assert page.status_code == 200
    text = page.text
    assert wuzhai_posting.cadre.name not in text
    assert text.index(posting.cadre.name) < text.index(other_posting.cadre.name)  # 166 before 167
    assert "未达到2/3的 1 位" in text


def test_county_year_page_for_a_year_without_calendar(client, posting, kelan_user, admin_user):
    c = client_for(client, kelan_user)
    assert "2027年的工作日历尚无数据" in c.get("/office/presence/year/?year=2027").text
    CalendarYear.objects.create(year=2027, complete=True)
    assert "尚无数据" not in c.get("/office/presence/year/?year=2027").text


def test_the_year_page_is_the_countys_not_the_townships_or_units(client, lanyi_user, unit_user, shuji):
    for user in (lanyi_user, unit_user, shuji):
        client.force_login(user)
        assert client.get("/office/presence/year/").status_code == 403


def test_a_secretarys_presence_page_is_his_his_township_his_county_and_his_unit(
    client, posting, other_posting, shuji, lanyi_user, kelan_user, unit_user, songjiagou_user, wuzhai_user
):
    url = f"/office/presence/{posting.pk}/?year=2016"
    for user in (shuji, lanyi_user, kelan_user, unit_user):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200 and "250" in page.text, user
    for user in (songjiagou_user, wuzhai_user):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(shuji)
    assert client.get(f"/office/presence/{other_posting.pk}/").status_code == 404
    assert client.get("/office/presence/?year=2016").url == url


def test_absence_pages(client, posting, other_posting, lanyi_user, shuji):
    c = client_for(client, lanyi_user)
    form = c.get("/office/absences/new/")
    assert posting.cadre.name in form.text and other_posting.cadre.name not in form.text
    data = {"posting": posting.pk, "kind": "training", "start_date": "2016-06-01", "end_date": "2016-06-03", "reason": "忻组字〔2016〕12号"}
    assert c.post("/office/absences/new/", data).status_code == 302
    again = c.post("/office/absences/new/", data)
    assert "重叠" in again.text and OfficialAbsence.objects.count() == 1
    assert c.post("/office/absences/new/", {**data, "posting": other_posting.pk}).status_code == 200  # not a choice
    assert OfficialAbsence.objects.count() == 1
    client.force_login(shuji)
    assert client.get("/office/absences/new/").status_code == 403


def test_the_absence_list_shows_only_what_the_scope_covers(client, posting, other_posting, kelan_user, lanyi_user, unit_user, shuji):
    absence_record(posting=posting, by=kelan_user, kind="meeting", start_date=D(2016, 5, 4), end_date=D(2016, 5, 4), reason="会议通知甲")
    absence_record(
        posting=other_posting, by=kelan_user, kind="meeting", start_date=D(2016, 5, 4), end_date=D(2016, 5, 4), reason="会议通知乙"
    )
    for user, sees in ((kelan_user, {"甲", "乙"}), (lanyi_user, {"甲"}), (unit_user, {"甲"}), (shuji, {"甲"})):
        client.force_login(user)
        text = client.get("/office/absences/").text
        assert {mark for mark in ("甲", "乙") if f"会议通知{mark}" in text} == sees, user


def test_the_year_pages_open_on_the_last_year_served_when_the_terms_have_ended(client, posting, kelan_user):
    """A campaign whose two years are over (the 2015 demo, read in a later year) opens on the last
    year its secretaries served, not on an empty current year."""
    assert posting.end_date.year < timezone.localdate().year
    c = client_for(client, kelan_user)
    assert f"{posting.end_date.year}年第一书记在岗情况" in c.get("/office/presence/year/").text
    assert f"{posting.end_date.year}年在岗情况" in c.get(f"/office/presence/{posting.pk}/").text


# --- the overview by county of a province or a city (year and month pages) --------------------


def confirm_months(posting, months, *, by, year=2016):
    for month in months:
        month_confirm(posting=posting, year=year, month=month, by=by)


DAY_FIELDS = ("in_village_days", "official_absence_days", "leave_days", "unexplained_days")


def county_line(page, code):
    return next(c for city in page.context["overview"]["cities"] for c in city["counties"] if c.code == code)


def test_the_province_sees_the_year_by_county_not_every_secretary(
    client, posting, other_posting, wuzhai_posting, province_user, lanyi_user, songjiagou_user, kelan_user
):
    confirm_months(posting, [3, 4, 5], by=lanyi_user)
    confirm_months(other_posting, [3], by=songjiagou_user)
    month_reopen(month=PresenceMonth.objects.get(posting=posting, month=5), by=kelan_user, reason="更正")  # no longer confirmed
    page = client_for(client, province_user).get("/office/presence/year/?year=2016")
    assert page.status_code == 200
    text = page.text
    assert 'data-testid="county-overview"' in text and 'data-testid="year-rows"' not in text
    assert not any(p.cadre.name in text for p in (posting, other_posting, wuzhai_posting))
    kelan, wuzhai = county_line(page, "140929"), county_line(page, "140928")
    # Two secretaries in office all 2016 in 岢岚县: 24 months due, 3 confirmed (a reopened one is not).
    assert (kelan.secretaries, kelan.confirmed, kelan.due, kelan.waiting, kelan.percent) == (2, 3, 24, 21, "12.5%")
    assert (wuzhai.secretaries, wuzhai.confirmed, wuzhai.due) == (1, 0, 12)
    assert county_line(page, "141102").secretaries == 0  # every county of the province is listed (离石区)
    total = page.context["overview"]["total"]
    assert (total.secretaries, total.confirmed, total.due, page.context["overview"]["total_label"]) == (3, 3, 36, "全省合计")
    assert 'href="?year=2016&amp;county=140929"' in text
    assert "忻州市" in text  # the province's counties are grouped by city
    # 2015: the terms began on 20 August, so August to December are due.
    assert county_line(client.get("/office/presence/year/?year=2015"), "140929").due == 10


def test_months_due_stop_at_the_last_month_ended(posting, wuzhai_posting, province_user):
    from tenure.presence import tenure_postings
    from tenure.selectors import in_office_during, presence_by_county

    wuzhai_posting.start_date = D(2016, 5, 10)
    wuzhai_posting.save()
    postings = in_office_during(tenure_postings(province_user), D(2016, 1, 1), D(2016, 12, 31))
    overview = presence_by_county(province_user, postings, first=D(2016, 1, 1), last=D(2016, 12, 31), today=D(2016, 4, 15))
    lines = {c.code: c for city in overview["cities"] for c in city["counties"]}
    # 15 April: January to March have ended; a term that starts in May has none due yet.
    assert (lines["140929"].due, lines["140928"].secretaries, lines["140928"].due) == (3, 1, 0)
    on_first = presence_by_county(province_user, postings, first=D(2016, 1, 1), last=D(2016, 12, 31), today=D(2016, 1, 1))
    assert on_first["total"].due == 0


def test_a_county_of_the_overview_shows_its_list(client, posting, other_posting, wuzhai_posting, province_user, lanyi_user):
    diary_days(posting, chinese_calendar.get_workdays(D(2016, 1, 1), D(2016, 12, 31))[:167], by=lanyi_user)
    page = client_for(client, province_user).get("/office/presence/year/?year=2016&county=140929")
    assert page.status_code == 200
    text = page.text
    assert "2016年岢岚县第一书记在岗情况" in text and 'data-testid="county-overview"' not in text
    assert posting.cadre.name in text and other_posting.cadre.name in text and wuzhai_posting.cadre.name not in text
    assert text.index(other_posting.cadre.name) < text.index(posting.cadre.name)  # below 2/3 first
    assert "共 2 位第一书记，未达到2/3的 1 位" in text
    assert 'href="?year=2016"' in text and 'name="county" value="140929"' in text  # back, and the year form keeps the county


def test_a_city_sees_its_counties_and_no_other_citys(client, posting, wuzhai_posting, xinzhou_user, lvliang_user, province_user):
    page = client_for(client, xinzhou_user).get("/office/presence/year/?year=2016")
    codes = {c.code for city in page.context["overview"]["cities"] for c in city["counties"]}
    assert {"140929", "140928"} <= codes and all(code.startswith("1409") for code in codes)
    assert page.context["overview"]["total"].secretaries == 2 and page.context["overview"]["total_label"] == "合计"
    assert 'data-testid="city-' not in page.text  # one city: no city column or subtotal
    client.force_login(lvliang_user)
    for url in ("/office/presence/year/?year=2016&county=140929", "/office/presence/months/?month=2016-03&county=140929"):
        response = client.get(url)
        assert response.status_code == 404 and posting.cadre.name not in response.text
    client.force_login(province_user)
    for code in ("140929100", "140900", "14", "abc"):  # a township, a city, the province, nonsense
        assert client.get(f"/office/presence/year/?year=2016&county={code}").status_code == 404


def test_the_overviews_queries_do_not_grow_with_counties_and_postings(client, posting, wuzhai_posting, province_user, provincial_unit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.tenure.presence_fixtures import posting_in_office
    from villages.models import Region, Village

    c = client_for(client, province_user)
    urls = ("/office/presence/year/?year=2016", "/office/presence/months/?month=2016-03")

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert c.get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    added = []
    for county in Region.objects.filter(level="county", code__startswith="1401").order_by("code")[:5]:
        for village in Village.objects.filter(county=county).order_by("code")[:3]:
            added.append(posting_in_office(village, provincial_unit, name="新增"))
        PresenceMonth.objects.create(
            posting=added[-1], year=2016, month=3, confirmed_by=province_user, working_days=23, **dict.fromkeys(DAY_FIELDS, 0)
        )
    assert len(added) == 15
    after = counts()
    assert after == before, (before, after)
    page = c.get(urls[0])
    assert page.context["overview"]["total"].secretaries == 17


def test_the_province_sees_the_month_by_county(client, posting, other_posting, wuzhai_posting, province_user, lanyi_user):
    confirm_months(posting, [3], by=lanyi_user)
    c = client_for(client, province_user)
    page = c.get("/office/presence/months/?month=2016-03")
    assert page.status_code == 200
    assert 'data-testid="county-overview"' in page.text and 'data-testid="month-rows"' not in page.text
    assert posting.cadre.name not in page.text
    kelan = county_line(page, "140929")
    assert (kelan.secretaries, kelan.confirmed, kelan.due, kelan.waiting) == (2, 1, 2, 1)
    assert 'href="?month=2016-03&amp;county=140929"' in page.text
    one = c.get("/office/presence/months/?month=2016-03&county=140929")
    assert posting.cadre.name in one.text and other_posting.cadre.name in one.text and wuzhai_posting.cadre.name not in one.text
    assert "月度在岗确认 · 岢岚县 · 2016年3月" in one.text and "确认3月" not in one.text  # the province reads, does not confirm


def test_the_county_and_township_pages_are_unchanged(client, posting, other_posting, wuzhai_posting, kelan_user, lanyi_user):
    c = client_for(client, kelan_user)
    page = c.get("/office/presence/year/?year=2016")
    assert 'data-testid="year-rows"' in page.text and 'data-testid="county-overview"' not in page.text
    assert 'data-testid="back-to-overview"' not in page.text and "2016年第一书记在岗情况" in page.text
    assert posting.cadre.name in page.text and other_posting.cadre.name in page.text
    assert c.get("/office/presence/year/?year=2016&county=140929").status_code == 200  # its own county, if given
    assert c.get("/office/presence/year/?year=2016&county=140928").status_code == 404
    client.force_login(lanyi_user)
    months = client.get("/office/presence/months/?month=2016-03")
    assert 'data-testid="month-rows"' in months.text and "确认3月" in months.text
