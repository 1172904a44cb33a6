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


# --- pages ----------------------------------------------------------------------------------


def test_the_secretary_asks_on_the_page_and_sees_where_it_stands(client, posting, shuji):
    client.force_login(shuji)
    assert client.get("/office/leave/new/").status_code == 200
    data = {"kind": "personal", "start_date": "2016-10-08", "end_date": "2016-10-12", "reason": "家中老人住院"}
    response = client.post("/office/leave/new/", data, follow=True)
    assert "共5个工作日，由县委组织部审批" in response.text
    assert client.post("/office/leave/new/", data).status_code == 200  # overlaps: the form again
    assert "重叠" in client.post("/office/leave/new/", data).text and LeaveRequest.objects.count() == 1
    holidays = client.post("/office/leave/new/", {**data, "start_date": "2016-10-01", "end_date": "2016-10-07"})
    assert "均为休息日或节假日" in holidays.text
    listing = client.get("/office/leave/")
    assert "待审批" in listing.text and "10月8日" in listing.text


def test_the_township_sees_the_long_leave_but_may_not_approve_it(client, posting, shuji, lanyi_user, kelan_user):
    leave = ask(posting, shuji, D(2016, 10, 8), D(2016, 10, 12))
    client.force_login(lanyi_user)
    detail = client.get(f"/office/leave/{leave.pk}/")
    assert "应由县委组织部审批，您无权审批" in detail.text and 'data-testid="approve-form"' not in detail.text
    assert client.post(f"/office/leave/{leave.pk}/approve/").status_code == 403
    assert LeaveRequest.objects.get().state == "pending" and LeaveEvent.objects.count() == 1
    client.force_login(kelan_user)
    assert leave.posting.cadre.name in client.get("/office/leave/").text  # in 待您审批
    assert 'data-testid="approve-form"' in client.get(f"/office/leave/{leave.pk}/").text
    client.post(f"/office/leave/{leave.pk}/approve/", {"note": "同意"})
    assert LeaveRequest.objects.get().state == "approved"
    again = client.post(f"/office/leave/{leave.pk}/approve/", follow=True)
    assert "已批准，不能再审批" in again.text and LeaveEvent.objects.count() == 2


def test_leave_pages_out_of_scope_are_404(client, posting, other_posting, shuji, songjiagou_user, wuzhai_user, kelan_user):
    leave = ask(posting, shuji, D(2016, 3, 7), D(2016, 3, 7))
    for user in (songjiagou_user, wuzhai_user):
        client.force_login(user)
        assert client.get(f"/office/leave/{leave.pk}/").status_code == 404
        assert client.post(f"/office/leave/{leave.pk}/return/", {"reason": "x"}).status_code == 404
        assert leave.posting.cadre.name not in client.get("/office/leave/").text
    other_user = account_for(other_posting, "lishuji")  # noqa: F405
    client.force_login(other_user)
    assert client.get(f"/office/leave/{leave.pk}/").status_code == 404
    assert client.post(f"/office/leave/{leave.pk}/cancel/").status_code == 404
    assert LeaveRequest.objects.get().state == "pending" and LeaveEvent.objects.count() == 1
    client.force_login(kelan_user)
    assert client.get(f"/office/leave/{leave.pk}/approve/").status_code == 405


def test_the_unit_sees_only_the_leave_it_is_informed_of(client, posting, shuji, unit_user):
    short = ask(posting, shuji, D(2016, 3, 7), D(2016, 3, 7))
    long = ask(posting, shuji, D(2016, 10, 8), D(2016, 10, 12))
    client.force_login(unit_user)
    assert client.get(f"/office/leave/{long.pk}/").status_code == 200
    assert client.get(f"/office/leave/{short.pk}/").status_code == 404
    assert client.get("/office/leave/new/").status_code == 403


def test_close_and_return_on_the_pages(client, posting, shuji, lanyi_user):
    leave = ask(posting, shuji, D(2016, 3, 7), D(2016, 3, 9))
    client.force_login(lanyi_user)
    assert "退回请填写理由" in client.post(f"/office/leave/{leave.pk}/return/", {"reason": ""}, follow=True).text
    client.post(f"/office/leave/{leave.pk}/approve/")
    client.force_login(shuji)
    response = client.post(f"/office/leave/{leave.pk}/close/", {"returned_on": "2016-03-09"}, follow=True)
    assert "已销假" in response.text and LeaveRequest.objects.get().days_taken == 2


def test_todos_of_the_township_and_county(client, posting, shuji, lanyi_user, kelan_user):
    ask(posting, shuji, D(2016, 3, 7), D(2016, 3, 7))
    ask(posting, shuji, D(2016, 10, 8), D(2016, 10, 12))
    from core.navigation import todos_for

    assert [(t.label, t.count) for t in todos_for(kelan_user) if "请假" in t.label] == [("待审批的请假", 1)]
    township = {t.label: t.count for t in todos_for(lanyi_user)}
    assert township["待审批的请假"] == 1
    assert not any(label.startswith("待确认") for label in township)  # his term ended in 2017
    posting.end_date = datetime.date.today() + datetime.timedelta(days=400)
    posting.save()
    assert any(label.startswith("待确认") for label in (t.label for t in todos_for(lanyi_user)))  # last month, not yet confirmed


@pytest.mark.django_db
def test_an_emptied_rule_table_falls_back_to_the_preset():
    from tenure.leave import rule_for

    LeaveApprovalRule.objects.all().delete()
    assert rule_for(3).approver_role == "township"
    assert rule_for(4).approver_role == "county_org" and rule_for(4).inform_unit
    assert LeaveApprovalRule.objects.count() == 2
