"""The 附表2 quota checked when a unit recommends (issue #11 point 7), the village's secretary and
the search by village (point 9), and the pages that help the clerk (point 12): 下一位, bulk
分配到村, one applicant without a spreadsheet."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dispatch.models import QuotaAllocation
from secretaries.models import Cadre, Posting, PostingEvent
from secretaries.selectors import quota_use
from secretaries.services import (
    TransitionRefused,
    posting_apply,
    posting_approve,
    posting_assign,
    posting_end_term,
    posting_file,
    posting_qualify,
    posting_recommend,
    posting_take_office,
)
from tests.secretaries.conftest import cadre_for
from tests.tenure.term_helpers import term_review_completed

MEETING = datetime.date(2015, 7, 1)

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def qualified(unit_user, campaign, name="李建国"):
    posting = posting_apply(cadre=cadre_for(unit_user.unit, name=name), campaign=campaign, by=unit_user)
    return posting_qualify(posting=posting, by=unit_user)


@pytest.fixture
def quota_of_two(campaign, unit_user, kelan):
    QuotaAllocation.objects.filter(campaign=campaign, unit=unit_user.unit, county=kelan).update(count=2)


class TestQuota:
    def test_recommending_past_the_quota_is_refused_naming_quota_and_use(self, quota_of_two, unit_user, campaign, kelan):
        for name in ("甲", "乙"):
            posting = qualified(unit_user, campaign, name)
            posting_recommend(posting=posting, by=unit_user, meeting_date=MEETING, decision="同意", county=kelan)
        third = qualified(unit_user, campaign, "丙")
        with pytest.raises(TransitionRefused) as refused:
            posting_recommend(posting=third, by=unit_user, meeting_date=MEETING, decision="同意", county=kelan)
        assert str(refused.value) == ("山西省国土资源厅在岢岚县的附表2名额为 2 人，已推荐、备案、分配或在任 2 人，名额已满，不能再推荐。")
        third.refresh_from_db()
        assert third.state == Posting.State.QUALIFIED and not PostingEvent.objects.filter(posting=third, action="recommend").exists()

    def test_use_counts_recommended_approved_filed_assigned_and_in_office_not_the_ended(
        self, unit_user, poverty_office_user, province_user, kelan_user, campaign, kelan, kelan_poor_villages
    ):
        postings = [qualified(unit_user, campaign, str(i)) for i in range(4)]
        for p in postings:
            posting_recommend(posting=p, by=unit_user, meeting_date=MEETING, decision="同意", county=kelan)
        for p in postings[1:]:
            posting_approve(posting=p, by=poverty_office_user)
        for p in postings[2:]:
            posting_file(posting=p, by=province_user)
        posting_assign(posting=postings[3], by=kelan_user, village=kelan_poor_villages[0])
        key = (unit_user.unit_id, kelan.pk)
        assert quota_use(campaign_id=campaign.pk)[key] == 4
        posting_take_office(posting=postings[3], by=kelan_user, start_date=datetime.date(2015, 8, 1), party_relation_transferred=True)
        assert quota_use(campaign_id=campaign.pk)[key] == 4
        term_review_completed(postings[3])
        posting_end_term(posting=postings[3], by=kelan_user, end_date=datetime.date(2017, 8, 1))
        assert quota_use(campaign_id=campaign.pk)[key] == 3

    def test_the_form_shows_quota_and_use_for_each_county(self, client, quota_of_two, unit_user, campaign, kelan):
        posting_recommend(posting=qualified(unit_user, campaign, "甲"), by=unit_user, meeting_date=MEETING, decision="同意", county=kelan)
        second = qualified(unit_user, campaign, "乙")
        client.force_login(unit_user)
        page = client.get(reverse("secretaries:detail", args=[second.pk])).content.decode()
        assert "岢岚县（名额 2，已用 1）" in page
        posting_recommend(posting=second, by=unit_user, meeting_date=MEETING, decision="同意", county=kelan)
        third = qualified(unit_user, campaign, "丙")
        page = client.get(reverse("secretaries:detail", args=[third.pk])).content.decode()
        assert "岢岚县（名额 2，已用 2，已满）" in page
        # And the list's bulk recommend offers the unit's counties the same way.
        listed = client.get(reverse("secretaries:list")).content.decode()
        assert "岢岚县（名额 2，已用 2，已满）" in listed

    def test_bulk_recommend_does_those_within_the_quota_and_refuses_the_rest(self, client, quota_of_two, unit_user, campaign, kelan):
        postings = [qualified(unit_user, campaign, name) for name in ("张A", "张B", "张C")]  # done by name
        client.force_login(unit_user)
        response = client.post(
            reverse("secretaries:bulk"),
            {
                "action": "recommend",
                "ids": [p.pk for p in postings],
                "meeting_date": "2015-07-01",
                "decision": "同意",
                "county": kelan.code,
            },
        )
        assert response.status_code == 302
        shown = messages_of(response)
        assert shown[0] == "“组织推荐”已完成 2 人。"
        assert shown[1] == "张C：山西省国土资源厅在岢岚县的附表2名额为 2 人，已推荐、备案、分配或在任 2 人，名额已满，不能再推荐。"
        assert Posting.objects.filter(pk__in=[p.pk for p in postings], state=Posting.State.RECOMMENDED).count() == 2

    def test_the_review_pages_show_the_unit_s_quota_and_use_in_that_county(
        self, client, quota_of_two, unit_user, poverty_office_user, province_user, campaign, kelan
    ):
        posting = qualified(unit_user, campaign)
        posting_recommend(posting=posting, by=unit_user, meeting_date=MEETING, decision="同意", county=kelan)
        client.force_login(poverty_office_user)
        page = client.get(reverse("secretaries:detail", args=[posting.pk])).content.decode()
        assert "山西省国土资源厅在岢岚县：名额 2 人，已用 1 人" in page
        posting_approve(posting=posting, by=poverty_office_user)
        client.force_login(province_user)
        page = client.get(reverse("secretaries:detail", args=[posting.pk])).content.decode()
        assert "山西省国土资源厅在岢岚县：名额 2 人，已用 1 人" in page and 'data-action="file"' in page


class TestVillageSecretary:
    @pytest.fixture
    def lanyi_village(self, kelan_poor_villages, lanyi_user):
        """A registered-poor village of 岚漪镇, the township of the township user."""
        return next(v for v in kelan_poor_villages if v.township_id == lanyi_user.region_id)

    @pytest.fixture
    def in_office(self, unit_user, poverty_office_user, province_user, kelan_user, campaign, kelan, lanyi_village):
        posting = qualified(unit_user, campaign)
        posting_recommend(posting=posting, by=unit_user, meeting_date=MEETING, decision="同意", county=kelan)
        posting_approve(posting=posting, by=poverty_office_user)
        posting_file(posting=posting, by=province_user)
        posting_assign(posting=posting, by=kelan_user, village=lanyi_village)
        return posting_take_office(posting=posting, by=kelan_user, start_date=datetime.date(2015, 8, 1), party_relation_transferred=True)

    def test_the_village_page_names_its_secretary_and_earlier_ones_with_links_for_who_may_see_them(
        self, client, in_office, kelan_user, lanyi_user, lanyi_village
    ):
        village = lanyi_village
        url = reverse("villages:detail", args=[village.code])
        client.force_login(kelan_user)
        page = client.get(url).content.decode()
        link = reverse("secretaries:detail", args=[in_office.pk])
        assert f'<a href="{link}">李建国</a>（山西省国土资源厅，履岗任职' in page
        term_review_completed(in_office)
        posting_end_term(posting=in_office, by=kelan_user, end_date=datetime.date(2017, 8, 1))
        page = client.get(url).content.decode()
        assert 'data-testid="no-secretary"' in page and 'data-testid="earlier-secretaries"' in page and link in page
        # A township sees its villages' secretaries' postings too (Posting's scope by the
        # village, tenure): the name with its link, read only.
        client.force_login(lanyi_user)
        page = client.get(url).content.decode()
        assert "李建国" in page and link in page
        assert client.get(link).status_code == 200

    def test_the_list_has_a_secretary_column_in_a_constant_number_of_queries(
        self, client, in_office, kelan_user, unit_user, campaign, kelan, kelan_poor_villages, province_user, poverty_office_user
    ):
        client.force_login(kelan_user)
        url = reverse("villages:list") + "?county=" + kelan.code

        def queries():
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            return len(captured), response.content.decode()

        one, page = queries()
        assert f'<a href="{reverse("secretaries:detail", args=[in_office.pk])}">李建国</a>' in page
        second = qualified(unit_user, campaign, "王红")
        posting_recommend(posting=second, by=unit_user, meeting_date=MEETING, decision="同意", county=kelan)
        posting_approve(posting=second, by=poverty_office_user)
        posting_file(posting=second, by=province_user)
        posting_assign(posting=second, by=kelan_user, village=next(v for v in kelan_poor_villages if v != in_office.village))
        two, page = queries()
        assert "王红" in page and "（已分配）" in page
        assert two == one

    def test_the_posting_list_finds_a_posting_by_village_name(self, client, in_office, kelan_user, lanyi_village):
        client.force_login(kelan_user)
        response = client.get(reverse("secretaries:list"), {"q": lanyi_village.name})
        assert [p.pk for p in response.context["page"].object_list] == [in_office.pk]


class TestNextInTheList:
    def test_the_next_posting_of_the_filtered_sorted_list_keeps_the_filter(self, client, unit_user, poverty_office_user, campaign, kelan):
        postings = [qualified(unit_user, campaign, name) for name in ("张C", "张A", "张B")]
        for p in postings:
            posting_recommend(posting=p, by=unit_user, meeting_date=MEETING, decision="同意", county=kelan)
        qualified(unit_user, campaign, "张D")  # not in the filtered list
        client.force_login(poverty_office_user)
        query = "state=recommended&o=name"
        shown = query.replace("&", "&amp;")
        first = reverse("secretaries:detail", args=[postings[1].pk])  # 张A
        page = client.get(f"{first}?{query}").content.decode()
        assert f'href="{reverse("secretaries:detail", args=[postings[2].pk])}?{shown}" rel="next"' in page  # 张B
        # Approving 张A takes it out of the filter: back on its page, 下一位 is the first still waiting.
        response = client.post(f"{reverse('secretaries:act', args=[postings[1].pk, 'approve'])}?{query}", {"approve-note": ""})
        assert response.status_code == 302 and response.url == f"{first}?{query}"
        page = client.get(response.url).content.decode()
        assert f'href="{reverse("secretaries:detail", args=[postings[2].pk])}?{shown}" rel="next"' in page
        last = client.get(f"{reverse('secretaries:detail', args=[postings[0].pk])}?{query}").content.decode()  # 张C, the last
        assert 'rel="next"' not in last


class TestBulkAssign:
    @pytest.fixture
    def filed(self, county_unit_user, kelan_user, campaign, kelan):
        postings = []
        for name in ("张A", "张B", "张C"):  # listed by name
            p = posting_apply(cadre=cadre_for(county_unit_user.unit, name=name), campaign=campaign, by=county_unit_user)
            posting_qualify(posting=p, by=county_unit_user)
            posting_recommend(posting=p, by=county_unit_user, meeting_date=MEETING, decision="同意", county=kelan)
            postings.append(posting_file(posting=p, by=kelan_user))
        return postings

    def test_row_by_row_each_by_the_assignment_rule(self, client, filed, kelan_user, kelan_poor_villages):
        client.force_login(kelan_user)
        url = reverse("secretaries:bulk_assign")
        page = client.get(url)
        assert [r["posting"].pk for r in page.context["rows"]] == [p.pk for p in filed]
        first, second, third = filed
        response = client.post(
            url,
            {
                f"village_{first.pk}": kelan_poor_villages[0].code,
                f"village_{second.pk}": kelan_poor_villages[0].code,  # the same village: refused, named by its row
                f"village_{third.pk}": "",
            },
        )
        assert response.status_code == 400
        shown = messages_of(response)
        assert shown[0] == f"已分配到村 1 人：张A → {kelan_poor_villages[0].name}。"
        assert shown[1] == f"未能分配：第2行 张B：{kelan_poor_villages[0].name}已有分配或在任的第一书记。"
        states = dict(Posting.objects.filter(pk__in=[p.pk for p in filed]).values_list("cadre__name", "state"))
        assert states == {"张A": "assigned", "张B": "filed", "张C": "filed"}
        # The refused row keeps its choice for correction; the done row has left the form.
        rows = {r["posting"].pk: r for r in response.context["rows"]}
        assert first.pk not in rows and rows[second.pk]["entered"]["village"] == kelan_poor_villages[0].code

    def test_nothing_chosen_a_unit_and_another_role(self, client, filed, kelan_user, unit_user, province_user):
        client.force_login(kelan_user)
        response = client.post(reverse("secretaries:bulk_assign"), {})
        assert messages_of(response) == ["未分配：请至少为一人选择村。"]
        client.force_login(unit_user)
        assert client.get(reverse("secretaries:bulk_assign")).status_code == 403
        client.force_login(province_user)
        assert client.get(reverse("secretaries:bulk_assign")).status_code == 403


class TestAddApplicant:
    def data(self, **changes):
        base = {
            "name": "赵晓东",
            "id_number": cadre_for.__globals__["make_id_number"]("140105", datetime.date(1985, 3, 2), 77, "M"),
            "ethnicity": "汉族",
            "education": "bachelor",
            "political_status": "member",
            "party_join_date": "2008-07-01",
            "work_start_date": "2007-08-01",
            "position": "主任科员",
            "rank": "section",
            "source": "young",
            "phone": "13800000000",
            "fit_for_duty": "on",
        }
        return {**base, **changes}

    def test_one_applicant_registered_and_applied_with_one_event(self, client, unit_user, campaign):
        client.force_login(unit_user)
        response = client.post(reverse("secretaries:add"), self.data())
        assert response.status_code == 302
        posting = Posting.objects.get(cadre__name="赵晓东")
        assert response.url == reverse("secretaries:detail", args=[posting.pk])
        assert (posting.state, posting.unit, posting.campaign) == (Posting.State.APPLIED, unit_user.unit, campaign)
        assert (posting.cadre.sex, posting.cadre.birth_date) == ("M", datetime.date(1985, 3, 2))  # from the 身份证号
        assert list(posting.events.values_list("action", flat=True)) == ["apply"]

    def test_the_roster_s_rules_refuse_and_nothing_is_written(self, client, unit_user, campaign):
        client.force_login(unit_user)
        bad = self.data(id_number="140105198503020000")
        response = client.post(reverse("secretaries:add"), bad)
        assert response.status_code == 400 and not Cadre.objects.filter(name="赵晓东").exists()
        assert "未能登记报名：请按表单中的提示修改后重新提交。" in messages_of(response)
        client.post(reverse("secretaries:add"), self.data())
        again = client.post(reverse("secretaries:add"), self.data(name="赵晓东二"))
        assert again.status_code == 400 and ("已登记" in again.content.decode() or "已存在" in again.content.decode())
        assert Cadre.objects.filter(name__startswith="赵晓东").count() == 1

    def test_only_a_unit_s_hr(self, client, kelan_user):
        client.force_login(kelan_user)
        assert client.get(reverse("secretaries:add")).status_code == 403
