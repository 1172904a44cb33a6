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
