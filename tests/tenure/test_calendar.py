"""The working-day calendar: the package's official years, the administrator's rows, and a year
without data."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from tenure.calendar import CalendarMissing, calendar_confirm_by_package, calendar_for, working_days_between, year_status
from tenure.models import CalendarDay, CalendarYear

D = datetime.date
pytestmark = pytest.mark.django_db


def test_2016_has_the_official_250_working_days_with_its_holidays_and_make_up_days():
    cal = calendar_for(D(2016, 1, 1), D(2016, 12, 31))
    assert cal.count(D(2016, 1, 1), D(2016, 12, 31)) == 250
    # 春节: make-up working Saturday 2016-02-06; 国庆: 10-03..07 off, Sunday 10-09 worked.
    assert cal.is_working_day(D(2016, 2, 6))
    assert cal.is_working_day(D(2016, 10, 9))
    assert not any(cal.is_working_day(D(2016, 10, d)) for d in range(3, 8))
    assert not cal.is_working_day(D(2016, 2, 8))  # 春节 Monday
    assert working_days_between(D(2016, 10, 1), D(2016, 10, 31)) == 18  # 21 weekdays − 5 holidays + 2 make-up days


def test_a_year_the_package_lacks_says_so_in_chinese_instead_of_crashing():
    with pytest.raises(CalendarMissing) as raised:
        calendar_for(D(2027, 1, 1), D(2027, 12, 31))
    assert "2027年的工作日历尚无数据" in raised.value.messages[0]
    assert year_status(2027) == "尚无数据"


def test_an_incomplete_entered_year_is_still_missing():
    CalendarYear.objects.create(year=2027, complete=False)
    with pytest.raises(CalendarMissing):
        working_days_between(D(2027, 1, 1), D(2027, 1, 31))


def test_an_entered_year_counts_weekdays_with_the_entered_holidays_and_make_up_days():
    CalendarYear.objects.create(year=2027, complete=True, note="国办发明电〔2026〕X号")
    # 2027-01-01 is a Friday (元旦), 2027-01-09 a Saturday made a working day.
    CalendarDay.objects.create(date=D(2027, 1, 1), is_working_day=False, name="元旦")
    CalendarDay.objects.create(date=D(2027, 1, 9), is_working_day=True, name="调休上班")
    cal = calendar_for(D(2027, 1, 1), D(2027, 1, 31))
    assert not cal.is_working_day(D(2027, 1, 1))
    assert cal.is_working_day(D(2027, 1, 9))
    assert not cal.is_working_day(D(2027, 1, 10))  # an ordinary Sunday
    # January 2027 has 21 weekdays: less 元旦, plus the Saturday.
    assert cal.count(D(2027, 1, 1), D(2027, 1, 31)) == 21
    assert year_status(2027) == "手工录入（待数据包确认）"


def test_an_entered_row_corrects_the_package_in_a_year_it_covers():
    CalendarDay.objects.create(date=D(2016, 10, 10), is_working_day=False, name="地方调整")
    assert not calendar_for(D(2016, 10, 10), D(2016, 10, 10)).is_working_day(D(2016, 10, 10))
    assert working_days_between(D(2016, 1, 1), D(2016, 12, 31)) == 249


def test_confirming_marks_only_rows_the_package_covers_and_agrees_with():
    agree = CalendarDay.objects.create(date=D(2016, 10, 9), is_working_day=True, name="调休上班")
    disagree = CalendarDay.objects.create(date=D(2016, 10, 10), is_working_day=False, name="地方调整")
    uncovered = CalendarDay.objects.create(date=D(2027, 1, 1), is_working_day=False, name="元旦")
    result = calendar_confirm_by_package()
    assert result.confirmed == [agree.date] and result.disagreeing == [disagree.date] and result.uncovered == [uncovered.date]
    assert set(CalendarDay.objects.filter(confirmed_by_package=True).values_list("date", flat=True)) == {agree.date}


def test_the_confirm_calendar_command_reports_what_it_did():
    CalendarDay.objects.create(date=D(2016, 10, 9), is_working_day=True, name="调休上班")
    CalendarDay.objects.create(date=D(2016, 10, 10), is_working_day=False, name="地方调整")
    out = StringIO()
    call_command("confirm_calendar", stdout=out)
    assert "确认 1 天" in out.getvalue() and "2016-10-10" in out.getvalue()
    assert CalendarDay.objects.get(date=D(2016, 10, 9)).confirmed_by_package


def test_the_administrator_enters_a_year_and_its_days_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/tenure/calendaryear/").status_code == 200
    response = client.post("/admin/tenure/calendaryear/add/", {"year": 2027, "complete": "on", "note": "国办发明电〔2026〕X号"})
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).entered_by == admin_user
    client.post("/admin/tenure/calendarday/add/", {"date": "2027-01-01", "is_working_day": "", "name": "元旦"})
    day = CalendarDay.objects.get(date=D(2027, 1, 1))
    assert (day.is_working_day, day.entered_by, day.confirmed_by_package) == (False, admin_user, False)
    listing = client.get("/admin/tenure/calendarday/")
    assert "手工录入（数据包未覆盖该年）" in listing.text
    assert "手工录入（待数据包确认）" in client.get("/admin/tenure/calendaryear/").text


def test_the_admin_action_confirms_days_the_package_agrees_with(client, admin_user):
    row = CalendarDay.objects.create(date=D(2016, 10, 9), is_working_day=True, name="调休上班")
    client.force_login(admin_user)
    response = client.post("/admin/tenure/calendarday/", {"action": "confirm_by_package", "_selected_action": [row.pk]}, follow=True)
    assert "已确认 1 天" in response.text
    assert CalendarDay.objects.get(pk=row.pk).confirmed_by_package


def test_the_calendar_admin_is_the_administrators(client, kelan_user):
    kelan_user.is_staff = True
    kelan_user.save()
    client.force_login(kelan_user)
    assert client.get("/admin/tenure/calendaryear/").status_code == 403
