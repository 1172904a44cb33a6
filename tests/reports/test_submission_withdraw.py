"""A county takes back a ledger submission its city has not decided yet (issue #11, point 5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.models import Submission, SubmissionEvent
from reports.selectors import county_statuses, submission_todos
from reports.services import (
    SubmissionRefused,
    city_accept,
    city_return,
    city_submit,
    county_submit,
    province_accept,
    submission_withdraw,
)
from tests.reports.test_submissions import (  # noqa: F401  (the submissions' fixtures)
    accepted,
    categories,
    kelan_postings,
    login,
    media,
    scan,
    submitted,
)
from tests.secretaries.conftest import cadre_for, campaign  # noqa: F401

State = Submission.State


def withdraw_events():
    return SubmissionEvent.objects.filter(action=SubmissionEvent.Action.WITHDRAW)


def test_the_county_withdraws_a_pending_submission_and_may_submit_again(submitted, kelan_user, xinzhou_user, campaign):
    submission_withdraw(submission=submitted, by=kelan_user, reason="漏报一名第一书记的任职时间")

    submitted.refresh_from_db()
    assert submitted.state == State.WITHDRAWN
    event = withdraw_events().get()
    assert (event.actor, event.from_state, event.to_state) == (kelan_user, State.SUBMITTED, State.WITHDRAWN)
    assert event.note == "漏报一名第一书记的任职时间"
    # The city no longer sees it as waiting; the county is missing again.
    kelan = next(s for s in county_statuses(campaign=campaign, city=xinzhou_user.region) if s.region == kelan_user.region)
    assert kelan.is_missing and kelan.label == "已撤回，逾期未重报"  # the 2015 campaign's deadline is past
    city_todos = {t.label: t.count for t in submission_todos(xinzhou_user)}
    assert city_todos["待接收的县级台账"] == 0
    assert [t.label for t in submission_todos(kelan_user)] == ["本县台账已撤回，逾期未重新报送（期限2015年7月5日）"]

    again = county_submit(campaign=campaign, by=kelan_user)
    assert again.previous == submitted and again.state == State.SUBMITTED


def test_the_city_cannot_decide_a_withdrawn_submission(submitted, kelan_user, xinzhou_user):
    submission_withdraw(submission=submitted, by=kelan_user, reason="需要修改")
    with pytest.raises(SubmissionRefused, match="当前为“已撤回”，不能接收"):
        city_accept(submission=submitted, by=xinzhou_user, expected_state=State.SUBMITTED)
    assert Submission.objects.get(pk=submitted.pk).state == State.WITHDRAWN


@pytest.mark.parametrize(
    "decide, message",
    [
        (lambda s, city: city_accept(submission=s, by=city), "市委组织部已接收这份县级台账，不能撤回；如需修改，须由市委组织部退回。"),
        (lambda s, city: city_return(submission=s, by=city, reason="缺页"), "市委组织部已退回这份县级台账，无需撤回"),
    ],
    ids=["accepted", "returned"],
)
def test_once_the_city_has_decided_the_withdrawal_is_refused_and_nothing_is_written(submitted, kelan_user, xinzhou_user, decide, message):
    decide(submitted, xinzhou_user)
    state = Submission.objects.get(pk=submitted.pk).state
    with pytest.raises(SubmissionRefused, match=message):
        submission_withdraw(submission=submitted, by=kelan_user, reason="想修改")
    assert Submission.objects.get(pk=submitted.pk).state == state
    assert not withdraw_events().exists()


def test_only_the_submitting_county_withdraws(submitted, xinzhou_user, wuzhai_user, province_user):
    with pytest.raises(SubmissionRefused, match="只有岢岚县的报送单位本身可以撤回"):
        submission_withdraw(submission=submitted, by=xinzhou_user, reason="x")
    with pytest.raises(Submission.DoesNotExist):
        submission_withdraw(submission=submitted, by=wuzhai_user, reason="x")
    with pytest.raises(SubmissionRefused, match="只有岢岚县"):
        submission_withdraw(submission=submitted, by=province_user, reason="x")
    assert not withdraw_events().exists()


def test_a_city_withdraws_its_compiled_ledger_before_the_province_decides(accepted, campaign, xinzhou_user, province_user):
    city = city_submit(campaign=campaign, by=xinzhou_user, signer="张部长", scan=scan())
    submission_withdraw(submission=city, by=xinzhou_user, reason="补充扫描件")
    assert Submission.objects.get(pk=city.pk).state == State.WITHDRAWN
    # The county's accepted ledger is no longer held by an open city submission: it may be returned.
    city_return(submission=accepted, by=xinzhou_user, reason="请更正")
    with pytest.raises(SubmissionRefused, match="当前为“已撤回”，不能接收"):
        province_accept(submission=city, by=province_user)


def test_a_reason_is_required(submitted, kelan_user):
    with pytest.raises(SubmissionRefused, match="撤回理由"):
        submission_withdraw(submission=submitted, by=kelan_user, reason="  ")
    assert Submission.objects.get(pk=submitted.pk).state == State.SUBMITTED


class TestPage:
    def url(self, submission):
        return reverse("submissions:withdraw", args=[submission.pk])

    def test_the_county_s_page_offers_withdrawal_and_the_city_s_does_not(self, client, submitted, kelan_user, xinzhou_user):
        page = login(client, kelan_user).get(reverse("submissions:detail", args=[submitted.pk])).content.decode()
        assert "撤回报送" in page
        client.logout()
        page = login(client, xinzhou_user).get(reverse("submissions:detail", args=[submitted.pk])).content.decode()
        assert "撤回报送" not in page and "接收" in page

    def test_post_withdraws_once_and_a_second_click_gets_a_message(self, client, submitted, kelan_user):
        login(client, kelan_user)
        form = {"withdraw-expected_state": "submitted", "withdraw-reason": "台账有误"}
        assert client.get(self.url(submitted)).status_code == 405
        response = client.post(self.url(submitted), form, follow=True)
        assert "已撤回岢岚县的县级台账" in response.content.decode()
        assert "撤回此报送：台账有误" in response.content.decode()
        response = client.post(self.url(submitted), form, follow=True)
        assert "未能撤回：该报送当前为“已撤回”，不能撤回" in response.content.decode()
        assert withdraw_events().count() == 1

    def test_out_of_scope_is_404(self, client, submitted, wuzhai_user):
        login(client, wuzhai_user)
        response = client.post(self.url(submitted), {"withdraw-expected_state": "submitted", "withdraw-reason": "x"})
        assert response.status_code == 404
        assert not withdraw_events().exists()

    def test_after_acceptance_the_page_refuses_with_a_message(self, client, accepted, kelan_user):
        login(client, kelan_user)
        response = client.post(self.url(accepted), {"withdraw-expected_state": "submitted", "withdraw-reason": "x"}, follow=True)
        assert "未能撤回：市委组织部已接收这份县级台账，不能撤回" in response.content.decode()
        assert Submission.objects.get(pk=accepted.pk).state == State.ACCEPTED
