"""Submitting an incomplete county ledger warns: uncovered target villages, secretaries filed but
not assigned, assigned but not in office, listed with links; the county confirms explicitly
(issue #11, point 8)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from reports.models import Submission, SubmissionEvent
from reports.selectors import ledger_gaps
from reports.services import SubmissionRefused, county_submit
from secretaries.services import posting_apply, posting_assign, posting_file, posting_qualify, posting_recommend
from tests.reports.test_submissions import categories, kelan_postings, login, media, target_villages  # noqa: F401
from tests.secretaries.conftest import cadre_for, campaign  # noqa: F401
from villages.models import Village

ACK = "已知悉以上情况，仍然报送"


def filed(unit_user, county_user, campaign, name):
    posting = posting_apply(cadre=cadre_for(unit_user.unit, name=name), campaign=campaign, by=unit_user)
    posting_qualify(posting=posting, by=unit_user)
    posting_recommend(posting=posting, by=unit_user, meeting_date=datetime.date(2015, 7, 1), decision="同意推荐", county=county_user.region)
    return posting_file(posting=posting, by=county_user)


@pytest.fixture
def gappy(kelan_postings, campaign, kelan_user):
    """岢岚县: three in office (kelan_postings), one filed and waiting, one assigned not yet arrived;
    the fixture's five registered-poor villages leave one uncovered."""
    unit_user = kelan_postings["unit_user"]
    waiting = filed(unit_user, kelan_user, campaign, "孙丽华")
    arriving = filed(unit_user, kelan_user, campaign, "周建军")
    arriving = posting_assign(posting=arriving, by=kelan_user, village=kelan_postings["spare_village"])
    return {"filed": waiting, "assigned": arriving}


def test_the_gaps_are_counted_as_the_county_sees_them(gappy, campaign, kelan_user):
    gaps = ledger_gaps(campaign=campaign, county=kelan_user.region, user=kelan_user)
    covered = {p.village_id for p in gappy.values() if p.village_id}
    uncovered = Village.objects.targets().filter(county=kelan_user.region).exclude(postings__state__in=["assigned", "in_office"])
    assert gaps.uncovered_count == uncovered.count() == 1 and not covered & {v.pk for v in gaps.uncovered}
    assert [p.pk for p in gaps.filed] == [gappy["filed"].pk]
    assert [p.pk for p in gaps.assigned] == [gappy["assigned"].pk]
    assert gaps.summary() == "1 个两类村没有第一书记、1 名第一书记已备案未分配到村、1 名第一书记已分配未到岗"


def test_the_service_refuses_without_the_acknowledgement_and_records_it_with(gappy, campaign, kelan_user):
    with pytest.raises(SubmissionRefused, match="本县台账尚不完整：1 个两类村没有第一书记"):
        county_submit(campaign=campaign, by=kelan_user, acknowledge_gaps=False)
    assert not Submission.objects.exists()

    submission = county_submit(campaign=campaign, by=kelan_user, note="请审核", acknowledge_gaps=True)
    event = SubmissionEvent.objects.get(submission=submission)
    assert event.note == "请审核；报送时已知悉：1 个两类村没有第一书记、1 名第一书记已备案未分配到村、1 名第一书记已分配未到岗"


def test_a_complete_ledger_needs_no_acknowledgement(kelan_postings, campaign, kelan_user):
    # Cover the fixture's remaining target villages: nothing is listed then.
    Village.objects.filter(county=kelan_user.region).exclude(postings__state="in_office").update(is_registered_poor=False)
    gaps = ledger_gaps(campaign=campaign, county=kelan_user.region, user=kelan_user)
    assert not gaps.any
    assert county_submit(campaign=campaign, by=kelan_user, acknowledge_gaps=False).state == Submission.State.SUBMITTED


class TestPage:
    def test_the_submit_page_lists_the_gaps_with_links_and_the_checkbox(self, client, gappy, kelan_user):
        page = login(client, kelan_user).get(reverse("submissions:new")).content.decode()
        assert "本县台账尚不完整" in page
        assert reverse("secretaries:detail", args=[gappy["filed"].pk]) in page
        assert reverse("secretaries:detail", args=[gappy["assigned"].pk]) in page
        uncovered = ledger_gaps(campaign=gappy["filed"].campaign, county=kelan_user.region, user=kelan_user).uncovered[0]
        assert reverse("villages:detail", args=[uncovered.code]) in page
        assert ACK in page and 'name="acknowledge"' in page and "required" in page.split('name="acknowledge"')[1].split(">")[0]

    def test_posting_without_the_checkbox_is_refused_with_a_message(self, client, gappy, kelan_user):
        login(client, kelan_user)
        response = client.post(reverse("submissions:new"), {"seen_latest": 0, "note": ""}, follow=True)
        assert "未能报送" in response.content.decode() and "请核对所列情况后勾选" in response.content.decode()
        assert not Submission.objects.exists()
        response = client.post(reverse("submissions:new"), {"seen_latest": 0, "note": "", "acknowledge": "on"}, follow=True)
        assert "已报送岢岚县县级台账" in response.content.decode()
        assert Submission.objects.count() == 1

    def test_without_gaps_there_is_no_checkbox(self, client, kelan_postings, kelan_user):
        Village.objects.filter(county=kelan_user.region).exclude(postings__state="in_office").update(is_registered_poor=False)
        page = login(client, kelan_user).get(reverse("submissions:new")).content.decode()
        assert ACK not in page and "本县台账尚不完整" not in page
        response = client.post(reverse("submissions:new"), {"seen_latest": 0, "note": ""}, follow=True)
        assert "已报送岢岚县县级台账" in response.content.decode()
