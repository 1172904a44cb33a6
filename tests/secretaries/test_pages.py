"""The pipeline's pages: scoped list and detail, one POST view per action, bulk actions, 待办."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.navigation import todos_for
from dispatch.models import DispatchingUnit
from secretaries.models import Posting, PostingEvent
from secretaries.services import posting_apply, posting_approve, posting_file, posting_qualify, posting_recommend
from tests.secretaries.conftest import cadre_for
from tests.tenure.term_helpers import extension_consented, term_review_completed

MEETING = datetime.date(2015, 7, 1)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def act(client, posting, action, **data):
    return client.post(reverse("secretaries:act", args=[posting.pk, action]), {f"{action}-{k}": v for k, v in data.items()})


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def recommended(applied, unit_user, kelan):
    posting_qualify(posting=applied, by=unit_user)
    return posting_recommend(posting=applied, by=unit_user, meeting_date=MEETING, decision="同意推荐", county=kelan)


@pytest.fixture
def wuzhai_unit_posting(regions, campaign):
    from tests.factories import UserFactory

    unit = DispatchingUnit.objects.create(name="五寨县农业农村局", level="county", kind="party_government", region=regions["五寨县"])
    user = UserFactory(username="wuzhai_nyj", role="unit", unit=unit)
    posting = posting_apply(cadre=cadre_for(unit, name="王五寨"), campaign=campaign, by=user)
    posting_qualify(posting=posting, by=user)
    return posting_recommend(posting=posting, by=user, meeting_date=MEETING, decision="同意", county=regions["五寨县"])


@pytest.fixture
def kelan_unit_posting(county_unit_user, campaign, kelan):
    posting = posting_apply(cadre=cadre_for(county_unit_user.unit, name="赵岢岚"), campaign=campaign, by=county_unit_user)
    posting_qualify(posting=posting, by=county_unit_user)
    return posting_recommend(posting=posting, by=county_unit_user, meeting_date=MEETING, decision="同意", county=kelan)


class TestList:
    def test_a_county_never_sees_another_county_s_postings(self, as_user, wuzhai_user, kelan_unit_posting, wuzhai_unit_posting):
        page = as_user(wuzhai_user).get(reverse("secretaries:list")).content.decode()
        assert "王五寨" in page and "赵岢岚" not in page

    def test_a_unit_sees_only_its_own(self, as_user, unit_user, applied, kelan_unit_posting):
        page = as_user(unit_user).get(reverse("secretaries:list")).content.decode()
        assert "李建国" in page and "赵岢岚" not in page

    def test_filters_search_and_priority(self, as_user, province_user, unit_user, campaign, kelan_unit_posting):
        posting_apply(cadre=cadre_for(unit_user.unit, name="孙农经", has_rural_experience=True), campaign=campaign, by=unit_user)
        client = as_user(province_user)
        page = client.get(reverse("secretaries:list"), {"priority": "rural"}).content.decode()
        assert "孙农经" in page and "赵岢岚" not in page and "有农村工作经验" in page
        page = client.get(reverse("secretaries:list"), {"q": "赵", "unit_level": "county", "o": "-name"}).content.decode()
        assert "赵岢岚" in page and "孙农经" not in page

    def test_a_county_outside_the_scope_is_an_invalid_filter(self, as_user, kelan_user, regions):
        response = as_user(kelan_user).get(reverse("secretaries:list"), {"county": regions["五寨县"].code})
        assert "筛选条件有误" in response.content.decode()


class TestDetail:
    def test_out_of_scope_is_404(self, as_user, wuzhai_user, kelan_unit_posting):
        assert as_user(wuzhai_user).get(reverse("secretaries:detail", args=[kelan_unit_posting.pk])).status_code == 404

    def test_shows_only_the_allowed_actions_and_the_timeline(self, as_user, unit_user, applied):
        page = as_user(unit_user).get(reverse("secretaries:detail", args=[applied.pk])).content.decode()
        assert 'data-action="qualify"' in page and 'data-action="reject"' in page and 'data-action="withdraw"' in page
        assert 'data-action="approve"' not in page
        assert "个人报名" in page and "派出单位" in page
        assert applied.cadre.id_number in page

    def test_the_poverty_office_sees_a_masked_id_number(self, as_user, poverty_office_user, recommended):
        page = as_user(poverty_office_user).get(reverse("secretaries:detail", args=[recommended.pk])).content.decode()
        number = recommended.cadre.id_number
        assert number not in page and f"{number[:4]}************{number[-2:]}" in page
        assert 'data-action="approve"' in page and 'data-action="return"' in page


class TestActionViews:
    def test_allowed(self, as_user, unit_user, applied):
        response = act(as_user(unit_user), applied, "qualify")
        assert response.status_code == 302
        applied.refresh_from_db()
        assert applied.state == Posting.State.QUALIFIED

    def test_recommend_with_its_fields(self, as_user, unit_user, applied, kelan):
        client = as_user(unit_user)
        act(client, applied, "qualify")
        act(client, applied, "recommend", meeting_date="2015-07-01", decision="同意推荐", county=kelan.code)
        applied.refresh_from_db()
        assert (applied.state, applied.county) == (Posting.State.RECOMMENDED, kelan)

    def test_recommend_outside_the_quota_counties_is_an_invalid_choice(self, as_user, unit_user, applied, regions):
        client = as_user(unit_user)
        act(client, applied, "qualify")
        response = act(client, applied, "recommend", meeting_date="2015-07-01", decision="同意", county=regions["五寨县"].code)
        assert response.status_code == 400
        assert field_errors(response, "recommend") == "county：只能选择本单位可以派往的县：省直单位为其名额所在县，市、县单位为本市、本县。"
        applied.refresh_from_db()
        assert applied.state == Posting.State.QUALIFIED

    def test_forbidden_role_gets_a_message_and_no_event(self, as_user, province_user, applied):
        before = PostingEvent.objects.count()
        response = act(as_user(province_user), applied, "qualify")
        assert response.status_code == 302
        assert "不能对山西省国土资源厅的人选进行“资格审查通过”" in messages_of(response)[0]
        assert PostingEvent.objects.count() == before

    def test_out_of_scope_is_404_and_writes_nothing(self, as_user, wuzhai_user, kelan_unit_posting):
        before = PostingEvent.objects.count()
        assert act(as_user(wuzhai_user), kelan_unit_posting, "file").status_code == 404
        assert PostingEvent.objects.count() == before

    def test_get_is_405(self, as_user, unit_user, applied):
        assert as_user(unit_user).get(reverse("secretaries:act", args=[applied.pk, "qualify"])).status_code == 405

    def test_stale_page_is_refused_with_a_message(self, as_user, unit_user, applied):
        posting_qualify(posting=applied, by=unit_user)  # done meanwhile, in another tab
        before = PostingEvent.objects.count()
        response = act(as_user(unit_user), applied, "qualify")
        assert "可能已被他人处理" in messages_of(response)[0]
        assert PostingEvent.objects.count() == before

    def test_a_reason_is_required(self, as_user, unit_user, applied):
        response = act(as_user(unit_user), applied, "reject", reason="")
        assert response.status_code == 400 and field_errors(response, "reject") == "reason：这个字段是必填项。"
        applied.refresh_from_db()
        assert applied.state == Posting.State.APPLIED

    def test_an_unknown_action_is_404(self, as_user, unit_user, applied):
        assert act(as_user(unit_user), applied, "promote").status_code == 404

    def test_take_office_end_term_and_extend(self, as_user, kelan_user, kelan_unit_posting, kelan_weak_only_village):
        posting_file(posting=kelan_unit_posting, by=kelan_user)
        client = as_user(kelan_user)
        client.post(reverse("secretaries:assign", args=[kelan_unit_posting.pk]), {"village": kelan_weak_only_village.code})
        act(client, kelan_unit_posting, "take_office", start_date="2015-08-10", party_relation_transferred="on")
        kelan_unit_posting.refresh_from_db()
        assert kelan_unit_posting.end_date == datetime.date(2017, 8, 10) and kelan_unit_posting.party_relation_transferred
        response = act(client, kelan_unit_posting, "extend", new_end_date="2018-08-10")
        assert "继续留任须经派出单位同意" in field_errors(response, "extend")
        extension_consented(kelan_unit_posting, datetime.date(2018, 8, 10))
        act(client, kelan_unit_posting, "extend", new_end_date="2018-08-10", unit_consent="on")
        term_review_completed(kelan_unit_posting)
        act(client, kelan_unit_posting, "end_term", end_date="2018-08-10")
        kelan_unit_posting.refresh_from_db()
        assert kelan_unit_posting.state == Posting.State.ENDED
        assert [e.action for e in kelan_unit_posting.events.all()][-4:] == ["assign", "take_office", "extend", "end_term"]


def action_form(response, action):
    return next(item["form"] for item in response.context["action_forms"] if item["name"] == action)


def field_errors(response, action) -> str:
    """Every error the re-displayed form of ``action`` carries, field by field, as one text."""
    form = action_form(response, action)
    return "；".join(f"{name}：{e}" for name, errors in form.errors.items() for e in errors)


class TestRefusedFormsAreShownAgain:
    """A refused action shows the page again: the form with what the user typed, the reason
    beside the field it concerns (or above the form), and nothing written."""

    def test_a_future_meeting_date_beside_its_field_with_the_input_kept(self, as_user, unit_user, applied, kelan):
        client = as_user(unit_user)
        act(client, applied, "qualify")
        before = PostingEvent.objects.count()
        future = datetime.date.today() + datetime.timedelta(days=3)
        response = act(
            client, applied, "recommend", meeting_date=future.isoformat(), decision="同意推荐（会议纪要第7号）", county=kelan.code
        )
        assert response.status_code == 400
        assert field_errors(response, "recommend") == "meeting_date：党委（党组）研究日期不能晚于今天。"
        page = response.content.decode()
        form = page[page.index('data-action="recommend"') :]
        form = form[: form.index("</form>")]
        assert f'value="{future.isoformat()}"' in form and 'value="同意推荐（会议纪要第7号）"' in form
        assert f'<option value="{kelan.code}" selected>' in form
        assert '<span class="field-error" data-testid="field-error">党委（党组）研究日期不能晚于今天。</span>' in form
        assert messages_of(response)[-1] == "未能组织推荐：请按表单中的提示修改后重新提交。"
        assert PostingEvent.objects.count() == before
        applied.refresh_from_db()
        assert applied.state == Posting.State.QUALIFIED

    def test_a_refusal_naming_no_field_goes_above_the_form(self, as_user, kelan_user, kelan_unit_posting, kelan_weak_only_village):
        posting_file(posting=kelan_unit_posting, by=kelan_user)
        client = as_user(kelan_user)
        client.post(reverse("secretaries:assign", args=[kelan_unit_posting.pk]), {"village": kelan_weak_only_village.code})
        act(client, kelan_unit_posting, "take_office", start_date="2015-08-10")
        response = act(client, kelan_unit_posting, "extend", new_end_date="2018-08-10", note="村里挽留")
        page = response.content.decode()
        form = page[page.index('data-action="extend"') :]
        form = form[: form.index("</form>")]
        assert '<div class="form-errors" role="alert" data-testid="form-errors"><p>继续留任须经派出单位同意。</p></div>' in form
        assert 'value="2018-08-10"' in form and 'value="村里挽留"' in form
        # The other actions' forms stay empty.
        other = page[page.index('data-action="end_term"') :]
        assert "form-errors" not in other[: other.index("</form>")]

    def test_an_action_no_longer_offered_is_a_message_and_a_redirect(self, as_user, unit_user, applied, kelan):
        client = as_user(unit_user)
        act(client, applied, "qualify")
        response = act(client, applied, "qualify")
        assert response.status_code == 302 and "可能已被他人处理" in messages_of(response)[-1]

    def test_a_refused_assignment_keeps_the_reason_in_the_village_s_row(
        self, as_user, kelan_user, recommended, poverty_office_user, province_user, kelan_weak_only_village, kelan
    ):
        from dispatch.models import QuotaAllocation

        posting_approve(posting=recommended, by=poverty_office_user)
        posting_file(posting=recommended, by=province_user)
        QuotaAllocation.objects.filter(unit=recommended.unit, county=kelan).update(count=0)
        url = reverse("secretaries:assign", args=[recommended.pk]) + "?q=" + kelan_weak_only_village.name
        response = as_user(kelan_user).post(url, {"village": kelan_weak_only_village.code, "reason": "与单位帮扶点相邻"})
        assert response.status_code == 400
        page = response.content.decode()
        row = page[page.index(f'<tr data-village="{kelan_weak_only_village.code}" class="row-error">') :]
        row = row[: row.index("</tr>")]
        assert 'value="与单位帮扶点相邻"' in row
        assert "山西省国土资源厅在岢岚县的 0 个名额已用完。" in row
        recommended.refresh_from_db()
        assert recommended.state == Posting.State.FILED


class TestAssignPage:
    @pytest.fixture
    def filed(self, recommended, poverty_office_user, province_user):
        posting_approve(posting=recommended, by=poverty_office_user)
        return posting_file(posting=recommended, by=province_user)

    def test_suggests_poor_villages_first_and_asks_a_reason_for_others(
        self, as_user, kelan_user, filed, kelan_poor_villages, kelan_weak_only_village
    ):
        client = as_user(kelan_user)
        page = client.get(reverse("secretaries:assign", args=[filed.pk])).content.decode()
        assert page.index(kelan_poor_villages[0].name) < page.index("党组织软弱涣散村</span></span>")
        response = client.post(reverse("secretaries:assign", args=[filed.pk]), {"village": kelan_weak_only_village.code})
        assert "派往非贫困村须填写理由" in messages_of(response)[0]
        filed.refresh_from_db()
        assert filed.state == Posting.State.FILED
        client.post(reverse("secretaries:assign", args=[filed.pk]), {"village": kelan_poor_villages[0].code})
        filed.refresh_from_db()
        assert (filed.state, filed.village) == (Posting.State.ASSIGNED, kelan_poor_villages[0])

    def test_another_county_gets_404(self, as_user, wuzhai_user, filed, kelan_poor_villages):
        response = as_user(wuzhai_user).post(reverse("secretaries:assign", args=[filed.pk]), {"village": kelan_poor_villages[0].code})
        assert response.status_code == 404


class TestBulk:
    def test_reports_each_refusal_and_does_the_others(self, as_user, unit_user, campaign, applied):
        bad = posting_apply(cadre=cadre_for(unit_user.unit, name="张三", political_status="probationary"), campaign=campaign, by=unit_user)
        response = as_user(unit_user).post(reverse("secretaries:bulk"), {"action": "qualify", "ids": [applied.pk, bad.pk]})
        shown = messages_of(response)
        assert "“资格审查通过”已完成 1 人。" in shown
        assert "张三：须为中共正式党员，该干部为中共预备党员" in shown
        applied.refresh_from_db(), bad.refresh_from_db()
        assert (applied.state, bad.state) == (Posting.State.QUALIFIED, Posting.State.APPLIED)

    def test_recommend_needs_its_fields(self, as_user, unit_user, applied, kelan):
        client = as_user(unit_user)
        posting_qualify(posting=applied, by=unit_user)
        response = client.post(reverse("secretaries:bulk"), {"action": "recommend", "ids": [applied.pk]})
        assert "组织推荐须填写此项" in messages_of(response)[0]
        client.post(
            reverse("secretaries:bulk"),
            {"action": "recommend", "ids": [applied.pk], "meeting_date": "2015-07-01", "decision": "同意", "county": kelan.code},
        )
        applied.refresh_from_db()
        assert applied.state == Posting.State.RECOMMENDED

    def test_out_of_scope_ids_are_refused(self, as_user, wuzhai_user, kelan_unit_posting):
        response = as_user(wuzhai_user).post(reverse("secretaries:bulk"), {"action": "file", "ids": [kelan_unit_posting.pk]})
        assert "不在您的管辖范围内" in messages_of(response)[0]
        kelan_unit_posting.refresh_from_db()
        assert kelan_unit_posting.state == Posting.State.RECOMMENDED

    def test_get_is_405(self, as_user, unit_user):
        assert as_user(unit_user).get(reverse("secretaries:bulk")).status_code == 405


def counts(user):
    return {t.label: t.count for t in todos_for(user)}


class TestTodos:
    def test_per_role(
        self,
        unit_user,
        poverty_office_user,
        province_user,
        kelan_user,
        xinzhou_user,
        campaign,
        recommended,
        kelan_unit_posting,
        django_assert_num_queries,
    ):
        posting_apply(cadre=cadre_for(unit_user.unit, name="新报名"), campaign=campaign, by=unit_user)
        assert counts(unit_user) == {"待资格审查的报名人选": 1}
        assert counts(poverty_office_user) == {"待审核的省直单位人选": 1}
        assert counts(province_user) == {}
        assert counts(kelan_user) == {"待审核备案的县直单位人选": 1}
        posting_approve(posting=recommended, by=poverty_office_user)
        assert counts(province_user) == {"待审核备案的省直单位人选": 1}
        posting_file(posting=recommended, by=province_user)
        assert counts(kelan_user) == {"待审核备案的县直单位人选": 1, "待分配到村的第一书记": 1}
        assert counts(xinzhou_user) == {}

    def test_the_link_lists_what_the_count_counts(self, as_user, poverty_office_user, recommended):
        todo = todos_for(poverty_office_user)[0]
        page = as_user(poverty_office_user).get(todo.url).content.decode()
        assert "共 <strong>1</strong> 人" in page

    def test_one_query_per_role(self, kelan_user, django_assert_num_queries):
        from secretaries.selectors import posting_todos

        assert kelan_user.region  # loaded with the user
        with django_assert_num_queries(1):
            posting_todos(kelan_user)

    def test_home_shows_them_and_the_nav(self, as_user, unit_user, applied):
        page = as_user(unit_user).get("/").content.decode()
        assert "待资格审查的报名人选" in page and "选派人选" in page

    def test_no_nav_for_a_township(self, as_user, lanyi_user):
        assert "选派人选" not in as_user(lanyi_user).get("/").content.decode()


class TestCapabilities:
    """What the pages offer follows the capability table (dispatch.roles), not role names."""

    def test_a_step_missing_from_the_table_loses_its_todo_its_bulk_action_and_its_button(self, as_user, monkeypatch, unit_user, applied):
        from dispatch import roles

        client = as_user(unit_user)
        assert counts(unit_user) == {"待资格审查的报名人选": 1}
        assert [v for v, _ in client.get(reverse("secretaries:list")).context["bulk_form"].fields["action"].choices] == [
            "",
            "qualify",
            "recommend",
        ]
        monkeypatch.setitem(roles.ROLE_CAPABILITIES, "unit", roles.ROLE_CAPABILITIES["unit"] - {roles.POSTING_QUALIFY})
        assert counts(unit_user) == {}
        assert [v for v, _ in client.get(reverse("secretaries:list")).context["bulk_form"].fields["action"].choices] == ["", "recommend"]
        assert 'data-action="qualify"' not in client.get(reverse("secretaries:detail", args=[applied.pk])).content.decode()
        before = PostingEvent.objects.count()
        response = client.post(reverse("secretaries:bulk"), {"action": "qualify", "ids": [applied.pk]})
        assert messages_of(response)[0].startswith("未执行：批量操作：")
        assert "不能对山西省国土资源厅的人选进行“资格审查通过”" in messages_of(act(client, applied, "qualify"))[-1]
        assert PostingEvent.objects.count() == before

    def test_full_id_numbers_follow_the_capability(self, as_user, monkeypatch, poverty_office_user, recommended):
        from dispatch import roles

        number = recommended.cadre.id_number
        monkeypatch.setitem(
            roles.ROLE_CAPABILITIES, "poverty_office", roles.ROLE_CAPABILITIES["poverty_office"] | {roles.SEE_FULL_ID_NUMBERS}
        )
        assert number in as_user(poverty_office_user).get(reverse("secretaries:detail", args=[recommended.pk])).content.decode()
