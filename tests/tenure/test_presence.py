"""Presence from evidence against the official 2016 calendar (250 working days, 2/3 = 167)."""

import datetime

import chinese_calendar
import pytest

from tenure.calendar import CalendarMissing
from tenure.models import DiaryEntry, Inspection, LeaveRequest, OfficialAbsence, PresenceRecord
from tenure.presence import figures_for_postings, month_figures, tenure_postings, year_and_months, year_figures
from tests.tenure.presence_fixtures import *  # noqa: F403

D = datetime.date
# The official 2016 working days, straight from the package (the calendar's own tests check it).
WORKING_2016 = chinese_calendar.get_workdays(D(2016, 1, 1), D(2016, 12, 31))


def diary_days(posting, days, *, by, state=DiaryEntry.State.SUBMITTED, in_village=True):
    DiaryEntry.objects.bulk_create(
        DiaryEntry(posting=posting, date=d, in_village=in_village, content="走访农户", state=state, written_by=by) for d in days
    )


def test_a_whole_2016_at_exactly_167_days_meets_two_thirds(posting, lanyi_user):
    diary_days(posting, WORKING_2016[:167], by=lanyi_user)
    figures = year_figures(posting, 2016)
    assert (figures.working_days, figures.required, figures.in_village) == (250, 167, 167)
    assert figures.unexplained == 83 and figures.meets
    assert figures.forecast_text == "已达到2/3"


def test_a_whole_2016_at_166_days_is_a_day_below(posting, lanyi_user):
    diary_days(posting, WORKING_2016[:166], by=lanyi_user)
    figures = year_figures(posting, 2016)
    assert figures.in_village == 166 and figures.shortfall == 1 and not figures.meets
    assert figures.forecast_text == "本年剩余工作日不足以达到2/3"


def test_forecast_in_the_middle_of_the_year(posting, lanyi_user):
    # By 30 June 2016 he was in the village on every working day of the first half (123).
    first_half = [d for d in WORKING_2016 if d <= D(2016, 6, 30)]
    diary_days(posting, first_half, by=lanyi_user)
    figures = year_figures(posting, 2016, today=D(2016, 6, 30))
    assert figures.in_village == len(first_half) and figures.remaining == 250 - len(first_half)
    assert figures.forecast_text == f"还需在村{167 - len(first_half)}天（截至12月31日）"


def test_weekend_entries_drafts_and_days_out_of_the_village_do_not_count(posting, lanyi_user):
    diary_days(posting, [D(2016, 3, 5)], by=lanyi_user)  # a Saturday
    diary_days(posting, [D(2016, 3, 7)], by=lanyi_user, state=DiaryEntry.State.DRAFT)
    diary_days(posting, [D(2016, 3, 8)], by=lanyi_user, in_village=False)
    figures = month_figures(posting, 2016, 3)
    assert figures.working_days == 23 and figures.in_village == 0 and figures.unexplained == 23


def test_each_kind_of_evidence_and_conflicts(posting, lanyi_user, kelan_user):
    # March 2016: 23 working days.
    PresenceRecord.objects.create(posting=posting, date=D(2016, 3, 1), kind="township", recorded_by=lanyi_user)
    PresenceRecord.objects.create(posting=posting, date=D(2016, 3, 2), kind="check_in", recorded_by=lanyi_user)
    Inspection.objects.create(
        posting=posting, date=D(2016, 3, 3), kind="random", inspectors="县委组织部", found_present=True, recorded_by=kelan_user
    )
    # Found absent although his diary says he was there: unexplained.
    diary_days(posting, [D(2016, 3, 4)], by=lanyi_user)
    Inspection.objects.create(
        posting=posting, date=D(2016, 3, 4), kind="unannounced", inspectors="县委组织部", found_present=False, recorded_by=kelan_user
    )
    # Training 7–9 March (3 days); found absent on the 8th, covered by the training.
    OfficialAbsence.objects.create(
        posting=posting,
        kind="training",
        start_date=D(2016, 3, 7),
        end_date=D(2016, 3, 9),
        reason="忻组字〔2016〕5号",
        recorded_by=kelan_user,
    )
    Inspection.objects.create(
        posting=posting, date=D(2016, 3, 8), kind="patrol", inspectors="乡党委", found_present=False, recorded_by=lanyi_user
    )
    # Leave 14–18 March, closed: back on the 17th (14, 15, 16 = 3 days); a diary on the 14th wins.
    LeaveRequest.objects.create(
        posting=posting,
        kind="personal",
        start_date=D(2016, 3, 14),
        end_date=D(2016, 3, 18),
        reason="家事",
        state="closed",
        returned_on=D(2016, 3, 17),
        days_taken=3,
        requested_by=lanyi_user,
    )
    diary_days(posting, [D(2016, 3, 14)], by=lanyi_user)
    # Pending and returned leave count for nothing.
    LeaveRequest.objects.create(
        posting=posting,
        kind="sick",
        start_date=D(2016, 3, 21),
        end_date=D(2016, 3, 21),
        reason="病",
        state="pending",
        requested_by=lanyi_user,
    )
    figures = month_figures(posting, 2016, 3)
    assert figures.in_village == 4  # 1, 2, 3, 14
    assert figures.official_absence == 3
    assert figures.leave == 2  # 15, 16
    assert figures.absent_found == 1
    assert figures.unexplained == 23 - 4 - 3 - 2
    assert figures.in_village + figures.official_absence + figures.leave + figures.unexplained == figures.elapsed == 23


def test_a_year_served_in_part_counts_only_the_part_served(posting, lanyi_user):
    posting.start_date, posting.end_date = D(2016, 8, 1), D(2018, 7, 31)
    posting.save()
    figures = year_figures(posting, 2016)
    served = [d for d in WORKING_2016 if d >= D(2016, 8, 1)]
    assert figures.working_days == len(served) and figures.required == -(-2 * len(served) // 3)
    assert month_figures(posting, 2016, 7).working_days == 0
    ended = year_figures(posting, 2018, today=D(2019, 1, 1))
    assert ended.served_end == D(2018, 7, 31)


def test_a_year_without_calendar_data_raises_the_chinese_message(posting):
    with pytest.raises(CalendarMissing):
        year_figures(posting, 2027)


def test_many_postings_take_one_query_per_kind_of_evidence(
    posting, other_posting, wuzhai_posting, lanyi_user, django_assert_max_num_queries
):
    for p in (posting, other_posting, wuzhai_posting):
        diary_days(p, WORKING_2016[:10], by=lanyi_user)
    postings = [posting, other_posting, wuzhai_posting]
    # calendar (2) + diary + presence records + inspections + official absences + leave
    with django_assert_max_num_queries(7):
        figures = figures_for_postings(postings, D(2016, 1, 1), D(2016, 12, 31))
    assert [figures[p.id].in_village for p in postings] == [10, 10, 10]


def test_the_postings_a_township_sees_are_its_villages(posting, other_posting, wuzhai_posting, lanyi_user, kelan_user, unit_user, shuji):
    assert list(tenure_postings(lanyi_user)) == [posting]
    assert set(tenure_postings(kelan_user)) == {posting, other_posting}
    assert list(tenure_postings(unit_user)) == [posting]
    assert list(tenure_postings(shuji)) == [posting]


def test_the_months_add_up_to_the_year_read_once(posting, lanyi_user, django_assert_max_num_queries):
    diary_days(posting, [d for d in WORKING_2016[::2] if d.month != 5 and d.month != 6], by=lanyi_user)
    OfficialAbsence.objects.create(
        posting=posting, kind="training", start_date=D(2016, 5, 30), end_date=D(2016, 6, 3), reason="培训", recorded_by=lanyi_user
    )
    with django_assert_max_num_queries(7):
        whole, months = year_and_months(posting, 2016)
    assert whole == year_figures(posting, 2016)
    for field in ("working_days", "in_village", "official_absence", "leave", "unexplained"):
        assert sum(getattr(m, field) for m in months) == getattr(whole, field), field
    assert months[4].official_absence == 2 and months[5].official_absence == 3  # 30, 31 May; 1–3 June
