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
