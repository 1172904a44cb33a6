"""Leave: ask, approve or return by the level the rule table names, cancel, extend, close; every
refusal writes nothing. (The pages' tests are further down.)"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tenure.leave import leave_approve, leave_ask, leave_cancel, leave_close, leave_return, leave_to_decide, leave_visible
from tenure.models import LeaveApprovalRule, LeaveEvent, LeaveRequest, PresenceMonth
from tenure.presence import month_figures
from tests.tenure.presence_fixtures import *  # noqa: F403

D = datetime.date
pytestmark = pytest.mark.django_db


def ask(posting, by, start, end, **kw):
    return leave_ask(
        posting=posting, by=by, kind=kw.pop("kind", "personal"), start_date=start, end_date=end, reason=kw.pop("reason", "家中有事"), **kw
    )


def refused(call, *, match):
    events, requests = LeaveEvent.objects.count(), list(LeaveRequest.objects.values_list("id", "state"))
    with pytest.raises((ValidationError, PermissionDenied)) as raised:
        call()
    assert match in str(raised.value)
    assert LeaveEvent.objects.count() == events and list(LeaveRequest.objects.values_list("id", "state")) == requests


def test_three_working_days_go_to_the_township_and_it_approves(posting, shuji, lanyi_user):
    leave = ask(posting, shuji, D(2016, 3, 7), D(2016, 3, 9))
    assert (leave.working_days, leave.approver_role, leave.inform_unit) == (3, "township", False)
    assert list(leave_to_decide(lanyi_user)) == [leave]
    leave_approve(leave=leave, by=lanyi_user)
    leave.refresh_from_db()
    assert leave.state == "approved"
    assert list(leave.events.values_list("action", "actor_role", "to_state")) == [
        ("ask", "secretary", "pending"),
        ("approve", "township", "approved"),
    ]
    assert month_figures(posting, 2016, 3).leave == 3


def test_five_working_days_go_to_the_county_and_the_township_is_refused(posting, shuji, lanyi_user, kelan_user, unit_user):
    # 2016-10-08 (Saturday) and 10-09 (Sunday) were make-up working days; 10-10..12 are three more.
    leave = ask(posting, shuji, D(2016, 10, 8), D(2016, 10, 12))
    assert (leave.working_days, leave.approver_role, leave.inform_unit) == (5, "county_org", True)
    assert list(leave_to_decide(lanyi_user)) == []
    refused(lambda: leave_approve(leave=leave, by=lanyi_user), match="应由县委组织部审批")
    leave_approve(leave=leave, by=kelan_user)
    assert list(leave_visible(unit_user)) == [leave]  # the unit is informed of it


def test_the_administrator_edits_the_thresholds(posting, shuji):
    LeaveApprovalRule.objects.filter(max_working_days=3).update(max_working_days=5)
    assert ask(posting, shuji, D(2016, 10, 8), D(2016, 10, 12)).approver_role == "township"


def test_approval_out_of_turn_or_out_of_scope_is_refused(posting, shuji, lanyi_user, songjiagou_user):
    leave = ask(posting, shuji, D(2016, 3, 7), D(2016, 3, 7))
    with pytest.raises(LeaveRequest.DoesNotExist):
        leave_approve(leave=leave, by=songjiagou_user)
    leave_return(leave=leave, by=lanyi_user, reason="正值脱贫攻坚检查，请改期")
    refused(lambda: leave_approve(leave=leave, by=lanyi_user), match="已退回，不能再审批")
    refused(lambda: leave_return(leave=leave, by=lanyi_user, reason="x"), match="已退回")


def test_a_return_needs_a_reason(posting, shuji, lanyi_user):
    leave = ask(posting, shuji, D(2016, 3, 7), D(2016, 3, 7))
    refused(lambda: leave_return(leave=leave, by=lanyi_user, reason=" "), match="退回请填写理由")


@pytest.mark.parametrize(
    "start, end, message",
    [
        (D(2016, 10, 1), D(2016, 10, 7), "均为休息日或节假日"),  # 国庆: holidays and a weekend only
        (D(2015, 8, 10), D(2015, 8, 21), "早于到村任职日期"),
        (D(2017, 8, 15), D(2017, 8, 25), "晚于任期届满日期"),
        (D(2016, 3, 9), D(2016, 3, 7), "结束日期早于开始日期"),
        (D(2016, 3, 8), D(2016, 3, 10), "重叠"),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(posting, shuji, start, end, message):
    ask(posting, shuji, D(2016, 3, 7), D(2016, 3, 8))
    refused(lambda: ask(posting, shuji, start, end), match=message)


def test_leave_in_a_confirmed_month_is_refused(posting, shuji, lanyi_user):
    PresenceMonth.objects.create(
        posting=posting,
        year=2016,
        month=3,
        working_days=23,
        in_village_days=23,
        official_absence_days=0,
        leave_days=0,
        unexplained_days=0,
        confirmed_by=lanyi_user,
    )
    refused(lambda: ask(posting, shuji, D(2016, 3, 30), D(2016, 4, 1)), match="2016年3月的在岗情况已由乡镇党委确认并锁定")


def test_only_the_secretary_asks_and_only_for_himself(posting, other_posting, shuji, lanyi_user):
    with pytest.raises(PermissionDenied):
        ask(posting, lanyi_user, D(2016, 3, 7), D(2016, 3, 7))
    with pytest.raises(type(other_posting).DoesNotExist):
        ask(other_posting, shuji, D(2016, 3, 7), D(2016, 3, 7))


def test_cancel_before_it_starts_but_not_after(posting, shuji, lanyi_user):
    pending = ask(posting, shuji, D(2016, 3, 7), D(2016, 3, 7))
    leave_cancel(leave=pending, by=shuji, today=D(2016, 3, 1))
    assert LeaveRequest.objects.get(pk=pending.pk).state == "cancelled"
    approved = ask(posting, shuji, D(2016, 3, 7), D(2016, 3, 8))  # cancelled leave frees its dates
    leave_approve(leave=approved, by=lanyi_user)
    refused(lambda: leave_cancel(leave=approved, by=shuji, today=D(2016, 3, 7)), match="假期已经开始")


def test_an_extension_is_approved_by_the_level_of_the_whole_length(posting, shuji, lanyi_user, kelan_user):
    first = ask(posting, shuji, D(2016, 3, 7), D(2016, 3, 9))  # Mon–Wed: township
    leave_approve(leave=first, by=lanyi_user)
    refused(lambda: ask(posting, shuji, D(2016, 3, 11), D(2016, 3, 11), extends=first), match="3月10日是工作日")
    extension = ask(posting, shuji, D(2016, 3, 10), D(2016, 3, 11), extends=first)
    assert (extension.working_days, extension.approver_role) == (2, "county_org")  # 5 in all
    assert extension.events.get().action == "extend"
    refused(lambda: leave_close(leave=first, by=shuji, returned_on=D(2016, 3, 10), today=D(2016, 3, 20)), match="请在续假申请上销假")
    leave_approve(leave=extension, by=kelan_user)
    assert month_figures(posting, 2016, 3).leave == 5


def test_close_records_the_return_and_the_working_days_taken(posting, shuji, lanyi_user):
    leave = ask(posting, shuji, D(2016, 3, 7), D(2016, 3, 9))
    leave_approve(leave=leave, by=lanyi_user)
    refused(lambda: leave_close(leave=leave, by=shuji, returned_on=D(2016, 3, 14), today=D(2016, 3, 20)), match="超出假期2个工作日")
    refused(lambda: leave_close(leave=leave, by=shuji, returned_on=D(2016, 3, 9), today=D(2016, 3, 8)), match="不能晚于今天")
    leave_close(leave=leave, by=shuji, returned_on=D(2016, 3, 9), today=D(2016, 3, 20))
    leave.refresh_from_db()
    assert (leave.state, leave.returned_on, leave.days_taken) == ("closed", D(2016, 3, 9), 2)
    assert month_figures(posting, 2016, 3).leave == 2
    refused(lambda: leave_close(leave=leave, by=shuji, returned_on=D(2016, 3, 9), today=D(2016, 3, 20)), match="已销假，不能销假")
