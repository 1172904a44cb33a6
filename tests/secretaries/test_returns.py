"""Returns at every review step (issue #11, points 5 and 6): the filing department's 退回单位, the
county's 撤销分配 and 改派 before 履岗任职, and a returned candidate visible to its unit."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from core.navigation import todos_for
from secretaries.models import Posting, PostingEvent
from secretaries.services import (
    TransitionRefused,
    posting_approve,
    posting_assign,
    posting_file,
    posting_file_return,
    posting_qualify,
    posting_reassign,
    posting_recommend,
    posting_take_office,
    posting_unassign,
    uncovered_target_villages,
)

MEETING = datetime.date(2015, 7, 1)

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def act(client, posting, action, **data):
    return client.post(reverse("secretaries:act", args=[posting.pk, action]), {f"{action}-{k}": v for k, v in data.items()})


@pytest.fixture
def approved(applied, unit_user, poverty_office_user, kelan):
    posting_qualify(posting=applied, by=unit_user)
    posting_recommend(posting=applied, by=unit_user, meeting_date=MEETING, decision="同意推荐", county=kelan)
    return posting_approve(posting=applied, by=poverty_office_user)


@pytest.fixture
def assigned(approved, province_user, kelan_user, kelan_poor_villages):
    posting_file(posting=approved, by=province_user)
    return posting_assign(posting=approved, by=kelan_user, village=kelan_poor_villages[0])


def events(posting):
    return PostingEvent.objects.filter(posting=posting).count()


class TestFilingDepartmentReturns:
    def test_returns_to_the_unit_with_the_reason(self, approved, province_user):
        posting = posting_file_return(posting=approved, by=province_user, reason="任职经历材料不全")
        assert posting.state == Posting.State.QUALIFIED
        event = posting.events.order_by("pk").last()
        assert (event.action, event.actor_role, event.from_state, event.to_state, event.note) == (
            "file_return",
            "provincial_org",
            "approved",
            "qualified",
            "任职经历材料不全",
        )

    def test_a_city_returns_its_city_unit_s_candidate_after_the_recommendation(self, xinzhou_user, regions, campaign):
        from dispatch.models import DispatchingUnit, Role
        from secretaries.services import posting_apply
        from tests.factories import UserFactory
        from tests.secretaries.conftest import cadre_for

        unit = DispatchingUnit.objects.create(name="忻州市农业局", level="city", kind="party_government", region=regions["忻州市"])
        hr = UserFactory(username="xz_nyj", role=Role.UNIT, unit=unit)
        posting = posting_apply(cadre=cadre_for(unit), campaign=campaign, by=hr)
        posting_qualify(posting=posting, by=hr)
        posting_recommend(posting=posting, by=hr, meeting_date=MEETING, decision="同意", county=regions["岢岚县"])
        assert posting_file_return(posting=posting, by=xinzhou_user, reason="请补充考察材料").state == Posting.State.QUALIFIED

    def test_refused_without_a_reason_by_another_role_or_in_another_state(self, approved, province_user, poverty_office_user):
        before = events(approved)
        with pytest.raises(TransitionRefused, match="请填写退回的理由"):
            posting_file_return(posting=approved, by=province_user, reason="  ")
        with pytest.raises(TransitionRefused, match="不能对山西省国土资源厅的人选进行“退回单位”"):
            posting_file_return(posting=approved, by=poverty_office_user, reason="x")
        posting_file(posting=approved, by=province_user)
        with pytest.raises(TransitionRefused, match="当前为“审核备案”，不能退回单位"):
            posting_file_return(posting=approved, by=province_user, reason="x")
        approved.refresh_from_db()
        assert approved.state == Posting.State.FILED and events(approved) == before + 1  # the filing only

    def test_the_review_page_offers_it_beside_filing(self, client, approved, province_user):
        client.force_login(province_user)
        page = client.get(reverse("secretaries:detail", args=[approved.pk])).content.decode()
        assert 'data-action="file"' in page and 'data-action="file_return"' in page
        response = act(client, approved, "file_return", reason="")
        assert response.status_code == 400
        approved.refresh_from_db()
        assert approved.state == Posting.State.APPROVED
        response = act(client, approved, "file_return", reason="请补充考察材料")
        assert response.status_code == 302 and messages_of(response) == ["李建国：已退回单位。"]


class TestTheUnitSeesTheReturn:
    def test_its_todo_counts_returned_candidates_on_their_own_line_with_the_reason(self, approved, province_user, unit_user):
        posting_file_return(posting=approved, by=province_user, reason="任职经历材料不全")
        todos = {t.label: t for t in todos_for(unit_user)}
        line = next(t for label, t in todos.items() if label.startswith("被退回的人选"))
        assert line.count == 1
        assert "李建国" in line.label and "省委组织部退回" in line.label and "任职经历材料不全" in line.label
        assert "待组织推荐的人选" not in todos  # the returned one is not counted twice
        # The line's link lists exactly the returned candidate.
        listed = unit_user_client_list(line.url, unit_user)
        assert listed == [approved.pk]

    def test_recommended_again_it_leaves_the_line(self, approved, province_user, unit_user, kelan):
        posting_file_return(posting=approved, by=province_user, reason="任职经历材料不全")
        posting_recommend(posting=approved, by=unit_user, meeting_date=MEETING, decision="再次推荐", county=kelan)
        assert not [t for t in todos_for(unit_user) if t.label.startswith("被退回的人选")]

    def test_the_posting_page_shows_the_latest_reason_at_the_top(self, client, approved, province_user, poverty_office_user, unit_user):
        posting_file_return(posting=approved, by=province_user, reason="任职经历材料不全")
        client.force_login(unit_user)
        page = client.get(reverse("secretaries:detail", args=[approved.pk])).content.decode()
        notice = page.index('data-testid="return-notice"')
        assert notice < page.index('data-testid="cadre"')  # above the facts, not only in the timeline
        assert "已被省委组织部退回" in page[notice : notice + 300] and "任职经历材料不全" in page[notice : notice + 400]


def unit_user_client_list(url, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return [p.pk for p in client.get(url).context["page"].object_list]


class TestUnassign:
    def test_back_to_filed_the_village_uncovered_and_an_event(self, assigned, kelan_user, kelan, kelan_poor_villages):
        village = kelan_poor_villages[0]
        posting = posting_unassign(posting=assigned, by=kelan_user, reason="本人身体原因暂缓到村")
        assert (posting.state, posting.village) == (Posting.State.FILED, None)
        assert village in uncovered_target_villages(county=kelan)
        event = posting.events.order_by("pk").last()
        assert (event.action, event.from_state, event.to_state) == ("unassign", "assigned", "filed")
        assert event.note == f"撤销分配（原派驻{village.name}）：本人身体原因暂缓到村"
        # Filed again: it can be assigned anew.
        assert posting_assign(posting=posting, by=kelan_user, village=kelan_poor_villages[1]).state == Posting.State.ASSIGNED

    def test_refused_without_a_reason_and_after_taking_office(self, assigned, kelan_user):
        before = events(assigned)
        with pytest.raises(TransitionRefused, match="请填写撤销分配的理由"):
            posting_unassign(posting=assigned, by=kelan_user, reason="")
        posting_take_office(posting=assigned, by=kelan_user, start_date=datetime.date(2015, 8, 10), party_relation_transferred=True)
        with pytest.raises(TransitionRefused, match="当前为“履岗任职”，不能撤销分配"):
            posting_unassign(posting=assigned, by=kelan_user, reason="x")
        assigned.refresh_from_db()
        assert assigned.state == Posting.State.IN_OFFICE and assigned.village_id and events(assigned) == before + 1

    def test_another_county_gets_404_and_nothing_changes(self, client, assigned, wuzhai_user):
        client.force_login(wuzhai_user)
        before = events(assigned)
        assert act(client, assigned, "unassign", reason="x").status_code == 404
        with pytest.raises(Posting.DoesNotExist):
            posting_unassign(posting=assigned, by=wuzhai_user, reason="x")
        assigned.refresh_from_db()
        assert assigned.state == Posting.State.ASSIGNED and events(assigned) == before

    def test_the_page_asks_for_the_reason(self, client, assigned, kelan_user):
        client.force_login(kelan_user)
        response = act(client, assigned, "unassign", reason="")
        assert response.status_code == 400
        assert "未能撤销分配：请按表单中的提示修改后重新提交。" in messages_of(response)
        response = act(client, assigned, "unassign", reason="村两委换届，暂缓")
        assert response.status_code == 302 and messages_of(response) == ["李建国：已撤销分配。"]


class TestReassign:
    def test_to_another_village_by_the_assignment_rule_with_an_event(self, assigned, kelan_user, kelan, kelan_poor_villages):
        first, second = kelan_poor_villages[:2]
        posting = posting_reassign(posting=assigned, by=kelan_user, village=second, change_reason="与该村书记同乡，需回避")
        assert (posting.state, posting.village) == (Posting.State.ASSIGNED, second)
        assert first in uncovered_target_villages(county=kelan) and second not in uncovered_target_villages(county=kelan)
        event = posting.events.order_by("pk").last()
        assert (event.action, event.from_state, event.to_state) == ("reassign", "assigned", "assigned")
        assert event.note == f"改派：{first.name} → {second.name}；理由：与该村书记同乡，需回避"

    def test_a_full_quota_does_not_stop_a_move_within_the_county(self, assigned, kelan_user, kelan_poor_villages, campaign, unit_user):
        from dispatch.models import QuotaAllocation

        QuotaAllocation.objects.filter(campaign=campaign, unit=unit_user.unit, county__name="岢岚县").update(count=1)
        posting = posting_reassign(posting=assigned, by=kelan_user, village=kelan_poor_villages[1], change_reason="回避")
        assert posting.village == kelan_poor_villages[1]

    def test_refusals_change_nothing(
        self, assigned, kelan_user, kelan_poor_villages, kelan_weak_only_village, regions, county_unit_user, campaign, kelan
    ):
        from secretaries.services import posting_apply
        from tests.secretaries.conftest import cadre_for

        other = posting_apply(cadre=cadre_for(county_unit_user.unit, name="王红"), campaign=campaign, by=county_unit_user)
        posting_qualify(posting=other, by=county_unit_user)
        posting_recommend(posting=other, by=county_unit_user, meeting_date=MEETING, decision="同意", county=kelan)
        posting_file(posting=other, by=kelan_user)
        posting_assign(posting=other, by=kelan_user, village=kelan_poor_villages[1])
        before = events(assigned)
        cases = [
            ({"village": kelan_poor_villages[2], "change_reason": ""}, "请填写改派的理由"),
            ({"village": kelan_poor_villages[0], "change_reason": "x"}, "已分配到"),
            ({"village": kelan_poor_villages[1], "change_reason": "x"}, "已有分配或在任的第一书记"),
            ({"village": kelan_weak_only_village, "change_reason": "x"}, "派往非贫困村须填写理由"),
        ]
        from villages.models import Village

        wuzhai_village = Village.objects.filter(county__name="五寨县").first()
        cases.append(({"village": wuzhai_village, "change_reason": "x"}, "只能分配到本县的村"))
        for arguments, message in cases:
            with pytest.raises(TransitionRefused, match=message):
                posting_reassign(posting=assigned, by=kelan_user, **arguments)
        assigned.refresh_from_db()
        assert assigned.village == kelan_poor_villages[0] and events(assigned) == before

    def test_the_page_offers_the_uncovered_villages_and_names_a_covered_one(self, client, assigned, kelan_user, kelan_poor_villages):
        client.force_login(kelan_user)
        page = client.get(reverse("secretaries:detail", args=[assigned.pk])).content.decode()
        assert 'data-action="reassign"' in page and 'data-action="unassign"' in page
        assert f'value="{kelan_poor_villages[1].code}"' in page
        # A covered village (its own) is not offered; sent anyway, the rule says why.
        response = act(client, assigned, "reassign", village=kelan_poor_villages[0].code, change_reason="x")
        assert response.status_code == 400 and "已分配到" in response.content.decode()
        response = act(client, assigned, "reassign", village=kelan_poor_villages[1].code, change_reason="回避")
        assert response.status_code == 302
        assigned.refresh_from_db()
        assert assigned.village == kelan_poor_villages[1]


class TestAdminActions:
    def test_the_county_s_staff_account_is_offered_reassign_and_unassign(self, client, kelan_user, assigned):
        kelan_user.is_staff = True
        kelan_user.save(update_fields=["is_staff"])
        kelan_user.user_permissions.add(Permission.objects.get(codename="view_posting"))
        client.force_login(kelan_user)
        changelist = reverse("admin:secretaries_posting_changelist")
        form = client.get(changelist).context["action_form"]
        offered = [value for value, _ in form.fields["action"].choices if value]
        assert {"reassign_selected", "unassign_selected"} <= set(offered)
        # 改派 asks for the village among the county's uncovered ones and the reason first.
        asked = client.post(changelist, {"action": "reassign_selected", "_selected_action": [assigned.pk], "index": "0"})
        assert asked.status_code == 200
        assert "改派到村" in asked.content.decode() and "改派理由" in asked.content.decode()
        response = client.post(
            changelist,
            {"action": "unassign_selected", "_selected_action": [assigned.pk], "index": "0", "apply": "1", "reason": "暂缓到村"},
        )
        assert response.status_code == 302
        assigned.refresh_from_db()
        assert assigned.state == Posting.State.FILED
