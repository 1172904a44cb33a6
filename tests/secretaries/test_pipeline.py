"""The six steps of notice §三, one service per transition, each writing one event."""

import datetime

import pytest
from django.utils import timezone

from dispatch.models import QuotaAllocation
from secretaries.models import Posting, PostingEvent
from secretaries.services import (
    TransitionRefused,
    posting_apply,
    posting_approve,
    posting_assign,
    posting_end_term,
    posting_extend,
    posting_file,
    posting_qualify,
    posting_recall,
    posting_recommend,
    posting_reject,
    posting_return,
    posting_take_office,
    posting_withdraw,
    postings_perform,
    uncovered_target_villages,
)
from secretaries.transitions import allowed_actions, eligibility_failures
from tests.secretaries.conftest import cadre_for
from tests.tenure.term_helpers import extension_consented, term_review_completed

MEETING = datetime.date(2015, 7, 1)


def states(posting):
    return [(e.from_state, e.to_state, e.actor_role) for e in posting.events.order_by("id")]


def to_filed(posting, unit_user, poverty_office_user, province_user, kelan):
    posting_qualify(posting=posting, by=unit_user)
    posting_recommend(posting=posting, by=unit_user, meeting_date=MEETING, decision="同意推荐", county=kelan)
    posting_approve(posting=posting, by=poverty_office_user)
    return posting_file(posting=posting, by=province_user)


def test_a_provincial_candidate_goes_through_every_step(
    applied, unit_user, poverty_office_user, province_user, kelan_user, kelan, kelan_poor_villages
):
    village = kelan_poor_villages[0]
    to_filed(applied, unit_user, poverty_office_user, province_user, kelan)
    posting_assign(posting=applied, by=kelan_user, village=village)
    posting_take_office(posting=applied, by=kelan_user, start_date=datetime.date(2015, 8, 10), party_relation_transferred=True)
    term_review_completed(applied)
    posting = posting_end_term(posting=applied, by=kelan_user, end_date=datetime.date(2017, 8, 10))

    assert posting.state == Posting.State.ENDED
    assert (posting.village, posting.county, posting.start_date) == (village, kelan, datetime.date(2015, 8, 10))
    assert states(posting) == [
        ("", "applied", "unit"),
        ("applied", "qualified", "unit"),
        ("qualified", "recommended", "unit"),
        ("recommended", "approved", "poverty_office"),
        ("approved", "filed", "provincial_org"),
        ("filed", "assigned", "county_org"),
        ("assigned", "in_office", "county_org"),
        ("in_office", "ended", "county_org"),
    ]


def test_a_county_unit_s_candidate_is_filed_by_the_county_without_the_poverty_office(
    county_unit_user, kelan_user, kelan, campaign, kelan_weak_only_village
):
    posting = posting_apply(cadre=cadre_for(county_unit_user.unit), campaign=campaign, by=county_unit_user)
    posting_qualify(posting=posting, by=county_unit_user)
    posting_recommend(posting=posting, by=county_unit_user, meeting_date=MEETING, decision="同意", county=kelan)
    posting_file(posting=posting, by=kelan_user)
    posting = posting_assign(posting=posting, by=kelan_user, village=kelan_weak_only_village)  # county cadres need no reason
    assert posting.state == Posting.State.ASSIGNED
    assert [e.to_state for e in posting.events.all()] == ["applied", "qualified", "recommended", "filed", "assigned"]


@pytest.mark.parametrize(
    "actor, action",
    [
        ("kelan_user", "qualify"),
        ("province_user", "qualify"),
        ("poverty_office_user", "recommend"),
        ("unit_user", "approve"),
        ("province_user", "approve"),
        ("kelan_user", "file"),
        ("poverty_office_user", "file"),
    ],
)
def test_each_action_by_a_wrong_role_is_refused_and_writes_nothing(request, applied, unit_user, kelan, actor, action):
    user = request.getfixturevalue(actor)
    if action in ("approve", "file"):
        posting_qualify(posting=applied, by=unit_user)
        posting_recommend(posting=applied, by=unit_user, meeting_date=MEETING, decision="同意", county=kelan)
    if action == "recommend":
        posting_qualify(posting=applied, by=unit_user)
    before = PostingEvent.objects.count()
    calls = {
        "qualify": lambda: posting_qualify(posting=applied, by=user),
        "recommend": lambda: posting_recommend(posting=applied, by=user, meeting_date=MEETING, decision="同意", county=kelan),
        "approve": lambda: posting_approve(posting=applied, by=user),
        "file": lambda: posting_file(posting=applied, by=user),
    }
    with pytest.raises((TransitionRefused, Posting.DoesNotExist)):
        calls[action]()
    assert PostingEvent.objects.count() == before


def test_the_province_cannot_file_a_provincial_candidate_before_the_poverty_office_approves(applied, unit_user, province_user, kelan):
    posting_qualify(posting=applied, by=unit_user)
    posting_recommend(posting=applied, by=unit_user, meeting_date=MEETING, decision="同意", county=kelan)
    with pytest.raises(TransitionRefused, match="当前为“组织推荐”，不能审核备案"):
        posting_file(posting=applied, by=province_user)


def test_eligibility_failures_each_give_their_reason(unit_user, campaign):
    started = timezone.localdate() - datetime.timedelta(days=400)
    cadre = cadre_for(unit_user.unit, political_status="probationary", work_start_date=started, fit_for_duty=False, is_township_cadre=True)
    posting = posting_apply(cadre=cadre, campaign=campaign, by=unit_user)
    with pytest.raises(TransitionRefused) as refused:
        posting_qualify(posting=posting, by=unit_user)
    assert refused.value.reasons == [
        "须为中共正式党员，该干部为中共预备党员",
        f"须有两年以上工作经历，该干部 {started.year}年{started.month}月 参加工作",
        "须具有正常履行职责的身体条件",
        "乡镇干部不应作为选派人选",
    ]
    later = eligibility_failures(cadre, on=started + datetime.timedelta(days=800))
    assert not any("工作经历" in f for f in later)  # two years on, the work rule passes
    posting_reject(posting=posting, by=unit_user, reason="预备党员，不符合条件")
    assert posting.events.last().note == "预备党员，不符合条件"


def test_a_second_application_in_the_campaign_names_the_first_unit(applied, unit_user, campaign):
    with pytest.raises(TransitionRefused, match="已由山西省国土资源厅在本批次报名"):
        posting_apply(cadre=applied.cadre, campaign=campaign, by=unit_user)


def test_return_sends_the_candidate_back_with_the_reason(applied, unit_user, poverty_office_user, kelan):
    posting_qualify(posting=applied, by=unit_user)
    posting_recommend(posting=applied, by=unit_user, meeting_date=MEETING, decision="同意", county=kelan)
    with pytest.raises(TransitionRefused, match="请填写退回的理由"):
        posting_return(posting=applied, by=poverty_office_user, reason=" ")
    posting = posting_return(posting=applied, by=poverty_office_user, reason="请补充农村工作经历材料")
    assert posting.state == Posting.State.QUALIFIED
    assert posting.events.last().note == "请补充农村工作经历材料"


def test_a_provincial_unit_recommends_only_into_its_quota_counties(applied, unit_user, regions):
    posting_qualify(posting=applied, by=unit_user)
    with pytest.raises(TransitionRefused, match="在五寨县没有名额"):
        posting_recommend(posting=applied, by=unit_user, meeting_date=MEETING, decision="同意", county=regions["五寨县"])


class TestAssignment:
    @pytest.fixture
    def filed(self, applied, unit_user, poverty_office_user, province_user, kelan):
        return to_filed(applied, unit_user, poverty_office_user, province_user, kelan)

    def test_only_the_receiving_county_assigns(self, filed, wuzhai_user, kelan_poor_villages):
        with pytest.raises(Posting.DoesNotExist):
            posting_assign(posting=filed, by=wuzhai_user, village=kelan_poor_villages[0])

    def test_not_a_target_village(self, filed, kelan_user, categories):
        from villages.models import Village

        plain = Village.objects.filter(county__name="岢岚县", is_weak_organization=False, is_registered_poor=False).first()
        with pytest.raises(TransitionRefused, match="不是两类村"):
            posting_assign(posting=filed, by=kelan_user, village=plain)

    def test_a_non_poor_village_needs_a_reason_for_a_provincial_cadre(self, filed, kelan_user, kelan_weak_only_village):
        with pytest.raises(TransitionRefused, match="派往非贫困村须填写理由"):
            posting_assign(posting=filed, by=kelan_user, village=kelan_weak_only_village)
        posting = posting_assign(posting=filed, by=kelan_user, village=kelan_weak_only_village, reason="该村党组织软弱涣散，需省直单位帮扶")
        assert posting.assignment_reason == "该村党组织软弱涣散，需省直单位帮扶"

    def test_a_village_with_a_secretary_is_refused(
        self, filed, kelan_user, unit_user, poverty_office_user, province_user, kelan, campaign, kelan_poor_villages
    ):
        posting_assign(posting=filed, by=kelan_user, village=kelan_poor_villages[0])
        second = to_filed(
            posting_apply(cadre=cadre_for(unit_user.unit), campaign=campaign, by=unit_user),
            unit_user,
            poverty_office_user,
            province_user,
            kelan,
        )
        with pytest.raises(TransitionRefused, match="已有分配或在任的第一书记"):
            posting_assign(posting=second, by=kelan_user, village=kelan_poor_villages[0])

    def test_never_over_the_quota(
        self, filed, kelan_user, unit_user, poverty_office_user, province_user, kelan, campaign, kelan_poor_villages
    ):
        second = to_filed(
            posting_apply(cadre=cadre_for(unit_user.unit), campaign=campaign, by=unit_user),
            unit_user,
            poverty_office_user,
            province_user,
            kelan,
        )
        # The province lowers the quota after both were filed (recommending is refused past it).
        QuotaAllocation.objects.filter(campaign=campaign, unit=unit_user.unit, county=kelan).update(count=1)
        posting_assign(posting=filed, by=kelan_user, village=kelan_poor_villages[0])
        with pytest.raises(TransitionRefused, match="在岢岚县的 1 个名额已用完"):
            posting_assign(posting=second, by=kelan_user, village=kelan_poor_villages[1])

    def test_a_batch_checks_each_posting_against_those_before_it(
        self, filed, kelan_user, unit_user, poverty_office_user, province_user, kelan, campaign, kelan_poor_villages
    ):
        others = [
            to_filed(
                posting_apply(cadre=cadre_for(unit_user.unit), campaign=campaign, by=unit_user),
                unit_user,
                poverty_office_user,
                province_user,
                kelan,
            )
            for _ in range(3)
        ]
        third = others.pop()
        # Lowered after all four were filed (recommending past the quota is refused).
        QuotaAllocation.objects.filter(campaign=campaign, unit=unit_user.unit, county=kelan).update(count=2)
        first, second = kelan_poor_villages[:2]
        result = postings_perform(
            action="assign",
            items=[(filed.pk, {"village": first}), (others[0].pk, {"village": first}), (others[1].pk, {"village": second})],
            by=kelan_user,
        )
        # The second wants the village the first just took; the third still finds one of the two
        # quota places free: each is judged on what the batch did before it.
        assert [p.pk for p in result.done] == [filed.pk, others[1].pk]
        assert "已有分配或在任的第一书记" in str(result.refused[others[0].pk])
        assert Posting.objects.get(pk=others[0].pk).state == Posting.State.FILED
        assert PostingEvent.objects.filter(action="assign").count() == 2
        over = postings_perform(
            action="assign",
            items=[(others[0].pk, {"village": kelan_poor_villages[2]}), (third.pk, {"village": kelan_poor_villages[3]})],
            by=kelan_user,
        )
        assert over.done == [] and all("2 个名额已用完" in str(e) for e in over.refused.values())

    def test_a_batch_that_breaks_a_constraint_writes_nothing(
        self, filed, kelan_user, unit_user, campaign, kelan_poor_villages, monkeypatch
    ):
        # Another transaction assigned the village after this batch read its facts: the partial
        # unique constraint refuses the UPDATE, and the batch leaves no change and no event.
        from secretaries import services

        village = kelan_poor_villages[0]
        rival = posting_apply(cadre=cadre_for(unit_user.unit), campaign=campaign, by=unit_user)
        Posting.objects.filter(pk=rival.pk).update(state=Posting.State.ASSIGNED, village=village, county=village.county)
        monkeypatch.setattr(services.Facts, "village_taken", lambda self, village: False)
        events = PostingEvent.objects.count()
        with pytest.raises(TransitionRefused, match="已有分配或在任的第一书记"):
            postings_perform(action="assign", items=[(filed.pk, {"village": village})], by=kelan_user)
        assert Posting.objects.get(pk=filed.pk).state == Posting.State.FILED
        assert PostingEvent.objects.count() == events

    def test_in_office_extend_and_recall_free_the_village(self, filed, kelan_user, kelan, kelan_poor_villages):
        village = kelan_poor_villages[0]
        posting_assign(posting=filed, by=kelan_user, village=village)
        assert village not in uncovered_target_villages(county=kelan)
        posting = posting_take_office(posting=filed, by=kelan_user, start_date=datetime.date(2015, 8, 10), party_relation_transferred=True)
        assert posting.end_date == datetime.date(2017, 8, 10)  # the campaign's two-year term
        with pytest.raises(TransitionRefused, match="须经派出单位同意"):
            posting_extend(posting=posting, by=kelan_user, new_end_date=datetime.date(2018, 8, 10), unit_consent=False)
        extension_consented(posting, datetime.date(2018, 8, 10))
        posting = posting_extend(posting=posting, by=kelan_user, new_end_date=datetime.date(2018, 8, 10), unit_consent=True)
        assert (posting.state, posting.end_date) == (Posting.State.IN_OFFICE, datetime.date(2018, 8, 10))
        posting_recall(posting=posting, by=kelan_user, reason_code=Posting.RecallReason.INCAPABLE, reason="工作不在状态，予以调整")
        assert village in uncovered_target_villages(county=kelan)


def test_withdraw_before_office_and_the_buttons_offered(applied, unit_user, kelan_user):
    assert allowed_actions(posting=applied, user=unit_user) == ["qualify", "reject", "withdraw"]
    assert allowed_actions(posting=applied, user=kelan_user) == []
    posting = posting_withdraw(posting=applied, by=unit_user, reason="本人因家庭原因申请撤回")
    assert posting.state == Posting.State.WITHDRAWN
    assert allowed_actions(posting=posting, user=unit_user) == []


def test_events_are_never_edited_or_deleted(applied):
    event = applied.events.get()
    event.note = "改写"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        PostingEvent.objects.all().update(note="x")
    with pytest.raises(PermissionError):
        PostingEvent.objects.all().delete()
    assert PostingEvent.objects.get().note == ""


def test_a_double_click_produces_one_transition(applied, unit_user):
    posting_qualify(posting=applied, by=unit_user)
    with pytest.raises(TransitionRefused, match="当前为“资格审查通过”，不能资格审查通过（可能已被他人处理"):
        posting_qualify(posting=applied, by=unit_user)
    assert applied.events.count() == 2


def test_the_admin_shows_postings_and_their_timeline_read_only(client, admin_user, applied):
    client.force_login(admin_user)
    html = client.get(f"/admin/secretaries/posting/{applied.pk}/change/").content.decode()
    assert "李建国" in html and "个人报名" in html
    assert client.post(f"/admin/secretaries/posting/{applied.pk}/change/", {"state": "in_office"}).status_code == 403
    assert client.post(f"/admin/secretaries/postingevent/{applied.events.get().pk}/delete/", {"post": "yes"}).status_code == 403
    applied.refresh_from_db()
    assert applied.state == Posting.State.APPLIED and applied.events.count() == 1
