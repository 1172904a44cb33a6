"""The 民情日记's service (tenure.diary): who writes, what is refused, drafts, corrections."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dispatch.models import Role
from secretaries.models import Posting
from tenure.diary import diary_delete_draft, diary_entries_load, diary_save
from tenure.models import DiaryEntry, Duty, PresenceMonth
from tenure.selectors import DiarySearch, diary_entries_visible_to, diary_search, month_summary
from tests.tenure.office import lanyi_secretary, other_unit, sanjing_secretary, sanjing_user, wuzhai_secretary  # noqa: F401

pytestmark = pytest.mark.django_db

DAY = datetime.date(2016, 3, 8)


def write(who, posting, date=DAY, **fields):
    defaults = dict(content="走访贫困户，了解春耕准备。", duties=[Duty.POVERTY], households_visited=3)
    return diary_save(posting=posting, by=who, date=date, **{**defaults, **fields})


def lock(posting, year, month, by):
    PresenceMonth.objects.create(
        posting=posting,
        year=year,
        month=month,
        working_days=21,
        in_village_days=15,
        official_absence_days=0,
        leave_days=0,
        unexplained_days=6,
        confirmed_by=by,
    )


class TestWriting:
    def test_the_secretary_saves_a_draft_then_submits_it(self, lanyi_secretary):
        s = lanyi_secretary
        entry = write(s.user, s.posting, content="", duties=[])
        assert entry.state == DiaryEntry.State.DRAFT and entry.written_by == s.user and entry.submitted_at is None

        entry = write(s.user, s.posting, entry=entry, submit=True, duties=[Duty.SERVICE, Duty.ORGANIZATION], household_names="李二牛")
        entry.refresh_from_db()
        assert entry.state == DiaryEntry.State.SUBMITTED and entry.submitted_at is not None
        # Kept in the notice's order of the five duties.
        assert entry.duties == [Duty.ORGANIZATION, Duty.SERVICE]
        assert entry.household_names == "李二牛"
        assert DiaryEntry.objects.count() == 1

    def test_one_word_is_enough_no_minimum_length(self, lanyi_secretary):
        entry = write(lanyi_secretary.user, lanyi_secretary.posting, content="开会", submit=True)
        assert entry.state == DiaryEntry.State.SUBMITTED

    def test_submitting_needs_some_work_done_and_a_duty(self, lanyi_secretary):
        s = lanyi_secretary
        with pytest.raises(ValidationError) as e:
            write(s.user, s.posting, content="  ", submit=True)
        assert "工作内容" in e.value.message_dict["content"][0]
        with pytest.raises(ValidationError) as e:
            write(s.user, s.posting, duties=[], submit=True)
        assert "职责" in e.value.message_dict["duties"][0]
        assert not DiaryEntry.objects.exists()

    def test_the_township_enters_one_for_its_secretary(self, lanyi_secretary, lanyi_user):
        entry = write(lanyi_user, lanyi_secretary.posting, submit=True)
        assert entry.written_by == lanyi_user and entry.posting == lanyi_secretary.posting

    def test_another_township_or_secretary_cannot_write_his_diary(self, lanyi_secretary, sanjing_secretary, sanjing_user):
        for outsider in (sanjing_user, sanjing_secretary.user):
            with pytest.raises(Posting.DoesNotExist):
                write(outsider, lanyi_secretary.posting)
        assert not DiaryEntry.objects.exists()

    def test_a_county_reads_but_does_not_write(self, lanyi_secretary, kelan_user):
        with pytest.raises(PermissionDenied):
            write(kelan_user, lanyi_secretary.posting)


class TestRefusals:
    def test_a_date_in_the_future(self, lanyi_secretary):
        s = lanyi_secretary
        s.posting.end_date = None
        s.posting.save()
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        with pytest.raises(ValidationError) as e:
            write(s.user, s.posting, date=tomorrow)
        assert "晚于今天" in e.value.message_dict["date"][0]
        assert not DiaryEntry.objects.exists()

    def test_before_taking_office_and_after_the_term(self, lanyi_secretary):
        s = lanyi_secretary
        with pytest.raises(ValidationError) as e:
            write(s.user, s.posting, date=datetime.date(2015, 8, 19))
        assert e.value.message_dict["date"] == ["日期2015年8月19日早于任职时间（到村时间）2015年8月20日。"]
        with pytest.raises(ValidationError) as e:
            write(s.user, s.posting, date=datetime.date(2017, 8, 20))
        assert e.value.message_dict["date"] == ["日期2017年8月20日晚于任期届满日期2017年8月19日。"]
        assert not DiaryEntry.objects.exists()
        # The first and the last day of the term are in it.
        write(s.user, s.posting, date=datetime.date(2015, 8, 20))
        write(s.user, s.posting, date=datetime.date(2017, 8, 19))

    def test_a_second_entry_for_the_same_day(self, lanyi_secretary, lanyi_user):
        s = lanyi_secretary
        write(s.user, s.posting, content="", duties=[])  # even a draft takes the day
        for who in (s.user, lanyi_user):
            with pytest.raises(ValidationError) as e:
                write(who, s.posting, submit=True)
            assert e.value.message_dict["date"] == ["2016年3月8日已有一篇民情日记，每天一篇；请在原来那篇上修改。"]
        assert DiaryEntry.objects.count() == 1

    def test_moving_an_entry_onto_a_day_that_has_one(self, lanyi_secretary):
        s = lanyi_secretary
        write(s.user, s.posting, date=DAY)
        other = write(s.user, s.posting, date=DAY + datetime.timedelta(days=1))
        with pytest.raises(ValidationError):
            write(s.user, s.posting, entry=other, date=DAY)
        other.refresh_from_db()
        assert other.date == DAY + datetime.timedelta(days=1)

    def test_in_a_locked_month(self, lanyi_secretary, lanyi_user):
        s = lanyi_secretary
        entry = write(s.user, s.posting, submit=True)
        lock(s.posting, 2016, 3, lanyi_user)
        with pytest.raises(ValidationError) as e:
            write(s.user, s.posting, date=datetime.date(2016, 3, 9))
        assert "2016年3月的在岗情况已由乡镇党委确认并锁定" in e.value.message_dict["date"][0]
        with pytest.raises(ValidationError):
            write(s.user, s.posting, entry=entry, content="改过")
        # Nor can it be moved out of the locked month.
        with pytest.raises(ValidationError):
            write(s.user, s.posting, entry=entry, date=datetime.date(2016, 4, 1))
        entry.refresh_from_db()
        assert entry.content == "走访贫困户，了解春耕准备。" and entry.date == DAY

    def test_a_negative_household_count(self, lanyi_secretary):
        with pytest.raises(ValidationError) as e:
            write(lanyi_secretary.user, lanyi_secretary.posting, households_visited=-1)
        assert "households_visited" in e.value.message_dict

    def test_a_posting_no_longer_in_office(self, lanyi_secretary):
        s = lanyi_secretary
        Posting.objects.filter(pk=s.posting.pk).update(state=Posting.State.ENDED)
        with pytest.raises(Posting.DoesNotExist):
            write(s.user, s.posting)


class TestCorrections:
    def test_the_writer_corrects_a_submitted_entry_while_the_month_is_open(self, lanyi_secretary):
        s = lanyi_secretary
        entry = write(s.user, s.posting, submit=True)
        entry = write(s.user, s.posting, entry=entry, content="更正：走访5户", households_visited=5)
        entry.refresh_from_db()
        assert entry.state == DiaryEntry.State.SUBMITTED and entry.households_visited == 5

    def test_a_correction_of_a_submitted_entry_still_needs_its_content(self, lanyi_secretary):
        s = lanyi_secretary
        entry = write(s.user, s.posting, submit=True)
        with pytest.raises(ValidationError):
            write(s.user, s.posting, entry=entry, content="")

    def test_only_the_writer_corrects(self, lanyi_secretary, lanyi_user):
        s = lanyi_secretary
        by_township = write(lanyi_user, s.posting, submit=True)
        with pytest.raises(PermissionDenied):
            write(s.user, s.posting, entry=by_township, content="改")
        mine = write(s.user, s.posting, date=DAY + datetime.timedelta(days=1), submit=True)
        with pytest.raises(PermissionDenied):
            write(lanyi_user, s.posting, entry=mine, content="改")

    def test_another_writers_draft_does_not_exist_for_him(self, lanyi_secretary, lanyi_user):
        s = lanyi_secretary
        draft = write(s.user, s.posting, content="未完")
        with pytest.raises(DiaryEntry.DoesNotExist):
            write(lanyi_user, s.posting, entry=draft, content="改")

    def test_a_stale_form_changes_nothing(self, lanyi_secretary):
        s = lanyi_secretary
        entry = write(s.user, s.posting)
        seen = entry.updated_at
        write(s.user, s.posting, entry=entry, content="第二个标签页保存的")
        with pytest.raises(ValidationError) as e:
            write(s.user, s.posting, entry=entry, content="第一个标签页", seen_updated_at=seen)
        assert "已被修改" in e.value.messages[0]
        entry.refresh_from_db()
        assert entry.content == "第二个标签页保存的"

    def test_a_draft_is_thrown_away_a_submitted_entry_is_not(self, lanyi_secretary):
        s = lanyi_secretary
        draft = write(s.user, s.posting)
        diary_delete_draft(entry=draft, by=s.user)
        assert not DiaryEntry.objects.exists()
        submitted = write(s.user, s.posting, submit=True)
        with pytest.raises(ValidationError):
            diary_delete_draft(entry=submitted, by=s.user)
        assert DiaryEntry.objects.count() == 1


class TestReading:
    def test_drafts_are_private_to_their_writer(self, lanyi_secretary, lanyi_user, kelan_user, unit_user):
        s = lanyi_secretary
        draft = write(s.user, s.posting, date=DAY)
        submitted = write(s.user, s.posting, date=DAY + datetime.timedelta(days=1), submit=True)
        assert set(diary_entries_visible_to(s.user)) == {draft, submitted}
        for reader in (lanyi_user, kelan_user, unit_user):
            assert list(diary_entries_visible_to(reader)) == [submitted]

    def test_each_reader_sees_only_its_secretaries(
        self,
        lanyi_secretary,
        sanjing_secretary,
        wuzhai_secretary,
        lanyi_user,
        kelan_user,
        wuzhai_user,
        unit_user,
        xinzhou_user,
        lvliang_user,
    ):
        entries = {
            name: write(s.user, s.posting, submit=True)
            for name, s in (("lanyi", lanyi_secretary), ("sanjing", sanjing_secretary), ("wuzhai", wuzhai_secretary))
        }

        def seen(user):
            return {name for name, e in entries.items() if e in diary_entries_visible_to(user)}

        assert seen(lanyi_secretary.user) == {"lanyi"}
        assert seen(lanyi_user) == {"lanyi"}
        assert seen(kelan_user) == {"lanyi", "sanjing"}
        assert seen(wuzhai_user) == {"wuzhai"}
        assert seen(unit_user) == {"lanyi", "sanjing"}  # 国土资源厅's own
        assert seen(xinzhou_user) == {"lanyi", "sanjing", "wuzhai"}
        assert seen(lvliang_user) == set()

    def test_search_by_text_date_range_and_duty(self, lanyi_secretary, kelan_user):
        s = lanyi_secretary
        a = write(s.user, s.posting, date=datetime.date(2016, 3, 1), content="调解土地纠纷", duties=[Duty.STABILITY], submit=True)
        b = write(
            s.user, s.posting, date=datetime.date(2016, 3, 2), content="帮助申请低保", duties=[Duty.SERVICE, Duty.POVERTY], submit=True
        )
        c = write(s.user, s.posting, date=datetime.date(2016, 4, 2), content="召开党员大会", duties=[Duty.ORGANIZATION], submit=True)

        def found(**search):
            return set(diary_search(kelan_user, DiarySearch(**search)))

        assert found(text="纠纷") == {a}
        assert found(text="张建国") == {a, b, c}  # the secretary's name
        assert found(duty=Duty.POVERTY) == {b}
        assert found(start=datetime.date(2016, 3, 2), end=datetime.date(2016, 3, 31)) == {b}
        assert found(text="低保", duty=Duty.STABILITY) == set()


class TestMonthSummary:
    def test_entries_by_duty_households_and_diary_days(self, lanyi_secretary, lanyi_user):
        s = lanyi_secretary
        write(s.user, s.posting, date=datetime.date(2016, 3, 1), duties=[Duty.POVERTY, Duty.SERVICE], households_visited=4, submit=True)
        write(s.user, s.posting, date=datetime.date(2016, 3, 2), duties=[Duty.POVERTY], households_visited=2, submit=True)
        write(
            lanyi_user,
            s.posting,
            date=datetime.date(2016, 3, 3),
            duties=[Duty.STABILITY],
            in_village=False,
            households_visited=0,
            submit=True,
        )
        write(s.user, s.posting, date=datetime.date(2016, 3, 4), households_visited=9)  # a draft: not counted
        write(s.user, s.posting, date=datetime.date(2016, 4, 1), households_visited=7, submit=True)  # another month

        summary = month_summary(s.posting, 2016, 3)
        assert len(summary.entries) == 3
        assert dict(summary.by_duty) == {"建强基层组织": 0, "推动精准扶贫": 2, "维护和谐稳定": 1, "为民办事服务": 1, "提升治理水平": 0}
        assert summary.households_visited == 6
        assert summary.diary_days == 2  # the day out of the village is an entry, not a day in it
        assert summary.title == "2016年3月第一书记工作小结"


def test_the_township_role_may_write_and_record_but_the_unit_may_only_read():
    from dispatch import roles

    township, unit = roles.ROLE_CAPABILITIES[Role.TOWNSHIP], roles.ROLE_CAPABILITIES[Role.UNIT]
    assert {roles.DIARY_WRITE, roles.DIARY_READ, roles.INSPECTION_RECORD} <= township
    assert roles.DIARY_READ in unit and roles.DIARY_WRITE not in unit and roles.INSPECTION_RECORD not in unit


class TestLoad:
    def rows(self, posting, days, **fields):
        return [
            {"posting": posting, "date": datetime.date(2016, 3, d), "content": "走访", "duties": [Duty.POVERTY], **fields} for d in days
        ]

    def test_many_entries_in_a_constant_number_of_queries(self, lanyi_secretary, django_assert_max_num_queries):
        s = lanyi_secretary
        with django_assert_max_num_queries(8):
            entries = diary_entries_load(rows=self.rows(s.posting, range(1, 29)), by=s.user)
        assert len(entries) == 28 and DiaryEntry.objects.filter(state=DiaryEntry.State.SUBMITTED, written_by=s.user).count() == 28

    def test_every_problem_is_reported_and_nothing_written(self, lanyi_secretary, sanjing_secretary, lanyi_user):
        s = lanyi_secretary
        write(s.user, s.posting, date=datetime.date(2016, 3, 2))
        lock(s.posting, 2016, 4, lanyi_user)
        rows = [
            *self.rows(s.posting, [1, 2, 3, 3]),
            {"posting": s.posting, "date": datetime.date(2016, 4, 1), "content": "x", "duties": [Duty.POVERTY]},
            {"posting": s.posting, "date": datetime.date(2015, 1, 1), "content": "x", "duties": [Duty.POVERTY]},
            {"posting": s.posting, "date": datetime.date(2016, 3, 5), "content": "", "duties": [Duty.POVERTY]},
            {"posting": sanjing_secretary.posting, "date": datetime.date(2016, 3, 6), "content": "x", "duties": [Duty.POVERTY]},
        ]
        with pytest.raises(ValidationError) as e:
            diary_entries_load(rows=rows, by=s.user)
        assert [m.split("：")[0] for m in e.value.messages] == ["第2条", "第4条", "第5条", "第6条", "第7条", "第8条"]
        assert DiaryEntry.objects.count() == 1
