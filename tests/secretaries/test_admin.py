"""The admin: postings and their timelines read only; its actions call the services."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from secretaries.models import Posting, PostingEvent
from secretaries.services import TransitionRefused, posting_approve, posting_qualify, posting_recommend
from tests.tenure.term_helpers import term_review_completed

CHANGELIST = reverse("admin:secretaries_posting_changelist")


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def run_action(client, action, *postings):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [p.pk for p in postings], "index": "0"})


def offered_actions(client):
    form = client.get(CHANGELIST).context["action_form"]  # None when the changelist offers no action
    return [value for value, _ in form.fields["action"].choices if value] if form else []


@pytest.fixture
def recommended(applied, unit_user, kelan):
    posting_qualify(posting=applied, by=unit_user)
    return posting_recommend(posting=applied, by=unit_user, meeting_date=datetime.date(2015, 7, 1), decision="同意推荐", county=kelan)


@pytest.fixture
def approved(recommended, poverty_office_user):
    return posting_approve(posting=recommended, by=poverty_office_user)


@pytest.fixture
def province_staff(client, province_user):
    """A 省委组织部 user the system administrator has given access to the admin's postings."""
    province_user.is_staff = True
    province_user.save(update_fields=["is_staff"])
    province_user.user_permissions.add(Permission.objects.get(codename="view_posting"))
    client.force_login(province_user)
    return client


class TestActions:
    def test_filing_goes_through_the_service_and_writes_an_event(self, province_staff, province_user, approved):
        response = run_action(province_staff, "file_selected", approved)
        assert response.status_code == 302
        assert messages_of(response) == ["已审核备案 1 人：李建国。"]
        approved.refresh_from_db()
        assert approved.state == Posting.State.FILED
        event = approved.events.last()
        assert (event.action, event.actor, event.actor_role, event.from_state, event.to_state, event.note) == (
            "file",
            province_user,
            "provincial_org",
            "approved",
            "filed",
            "管理后台操作",
        )

    def test_a_refused_posting_is_reported_with_its_reason_and_the_others_done(self, province_staff, approved, unit_user, campaign):
        from secretaries.services import posting_apply
        from tests.secretaries.conftest import cadre_for

        waiting = posting_apply(cadre=cadre_for(unit_user.unit, name="王未审"), campaign=campaign, by=unit_user)
        before = PostingEvent.objects.filter(posting=waiting).count()
        response = run_action(province_staff, "file_selected", approved, waiting)
        shown = messages_of(response)
        assert "王未审：未能审核备案：该记录当前为“个人报名”，不能审核备案（可能已被他人处理，请刷新页面）。" in shown
        assert "已审核备案 1 人：李建国。" in shown
        waiting.refresh_from_db()
        assert waiting.state == Posting.State.APPLIED
        assert PostingEvent.objects.filter(posting=waiting).count() == before

    def test_the_system_administrator_takes_no_step_and_the_service_refuses_it(self, client, admin_user, recommended):
        # The notice gives each step an owner; the administrator's role holds none of them.
        client.force_login(admin_user)
        before = PostingEvent.objects.count()
        assert offered_actions(client) == []
        response = run_action(client, "approve_selected", recommended)
        assert response.status_code == 200 and messages_of(response) == []
        with pytest.raises(TransitionRefused) as refused:
            posting_approve(posting=recommended, by=admin_user)
        assert str(refused.value) == "系统管理员不能对山西省国土资源厅的人选进行“审核同意”。"
        recommended.refresh_from_db()
        assert recommended.state == Posting.State.RECOMMENDED
        assert PostingEvent.objects.count() == before

    def test_actions_are_offered_by_role(self, province_staff):
        assert offered_actions(province_staff) == ["file_selected", "file_return_selected"]

    def test_an_action_not_offered_to_the_role_does_nothing(self, province_staff, recommended):
        before = PostingEvent.objects.count()
        response = run_action(province_staff, "approve_selected", recommended)
        assert messages_of(response) == ["未选择动作"]  # Django's answer to an action it does not offer
        recommended.refresh_from_db()
        assert recommended.state == Posting.State.RECOMMENDED
        assert PostingEvent.objects.count() == before


class TestReadOnly:
    def test_state_is_shown_but_not_editable(self, client, admin_user, recommended):
        client.force_login(admin_user)
        url = reverse("admin:secretaries_posting_change", args=[recommended.pk])
        page = client.get(url).content.decode()
        assert "组织推荐" in page and 'name="state"' not in page
        response = client.post(url, {"state": "filed"})
        assert response.status_code == 403
        recommended.refresh_from_db()
        assert recommended.state == Posting.State.RECOMMENDED

    def test_events_cannot_be_edited_or_deleted(self, client, admin_user, recommended):
        client.force_login(admin_user)
        event = recommended.events.first()
        page = client.get(reverse("admin:secretaries_posting_change", args=[recommended.pk])).content.decode()
        assert "events-0-DELETE" not in page and 'name="events-0-note"' not in page
        assert client.post(reverse("admin:secretaries_postingevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
        assert client.post(reverse("admin:secretaries_postingevent_change", args=[event.pk]), {"note": "改"}).status_code == 403
        client.post(
            reverse("admin:secretaries_postingevent_changelist"),
            {"action": "delete_selected", "_selected_action": [event.pk], "index": "0", "post": "yes"},
        )
        assert PostingEvent.objects.filter(pk=event.pk, note=event.note).exists()
        assert client.post(reverse("admin:secretaries_posting_delete", args=[recommended.pk]), {"post": "yes"}).status_code == 403


# --- One candidate through all six steps in the admin, each step by the role that owns it -------
def confirm(client, action, postings, **fields):
    """Submit an action's intermediate page: the selected postings, the action and its form."""
    return client.post(CHANGELIST, {"action": action, "_selected_action": [p.pk for p in postings], "apply": "1", **fields})


@pytest.fixture
def as_staff(client):
    """Log in as ``user`` given admin access (is_staff); its role's group gives the rest."""

    def log_in(user):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)
        return client

    return log_in


def last_event(posting):
    event = posting.events.order_by("id").last()
    return (event.action, event.actor.username, event.actor_role, event.from_state, event.to_state, event.note)


def xlsx_rows(response) -> list[list]:
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


class TestSixStepsInTheAdmin:
    def test_a_candidate_from_application_to_the_end_of_term_through_admin_actions_alone(
        self, as_staff, applied, unit_user, poverty_office_user, province_user, kelan_user, kelan, kelan_poor_villages
    ):
        posting = applied  # 个人报名 (the roster or the service; applying is no transition of the table)
        village = kelan_poor_villages[0]

        # 资格审查 by the unit, with the action bar's note.
        client = as_staff(unit_user)
        response = client.post(
            CHANGELIST, {"action": "qualify_selected", "_selected_action": [posting.pk], "index": "0", "action_note": "材料齐全"}
        )
        assert messages_of(response) == ["已资格审查通过 1 人：李建国。"]
        posting.refresh_from_db()
        assert posting.state == Posting.State.QUALIFIED
        assert last_event(posting) == ("qualify", "guotu", "unit", "applied", "qualified", "材料齐全")

        # 组织推荐: the intermediate page offers the unit's quota counties only.
        page = run_action(client, "recommend_selected", posting)
        assert page.status_code == 200 and page.templates[0].name == "admin/secretaries/posting/transition.html"
        counties = list(page.context["form"].fields["county"].queryset)
        assert kelan in counties and all(c.quotas.filter(unit=unit_user.unit).exists() for c in counties)
        assert "李建国" in page.content.decode()
        response = confirm(client, "recommend_selected", [posting], meeting_date="2015-07-01", decision="同意推荐", county=kelan.code)
        assert response.status_code == 302 and messages_of(response) == ["已组织推荐 1 人：李建国。"]
        posting.refresh_from_db()
        assert (posting.state, posting.county, posting.recommended_on) == (Posting.State.RECOMMENDED, kelan, datetime.date(2015, 7, 1))
        assert last_event(posting) == (
            "recommend",
            "guotu",
            "unit",
            "qualified",
            "recommended",
            "2015年7月1日党委（党组）研究：同意推荐；拟派往岢岚县",
        )

        # 审核同意 by 省扶贫办.
        client = as_staff(poverty_office_user)
        assert offered_actions(client) == ["approve_selected", "return_selected"]
        run_action(client, "approve_selected", posting)
        posting.refresh_from_db()
        assert posting.state == Posting.State.APPROVED
        assert last_event(posting) == ("approve", "shengfpb", "poverty_office", "recommended", "approved", "管理后台操作")

        # 审核备案 by 省委组织部.
        client = as_staff(province_user)
        run_action(client, "file_selected", posting)
        posting.refresh_from_db()
        assert posting.state == Posting.State.FILED
        assert last_event(posting) == ("file", "shengzzb", "provincial_org", "approved", "filed", "管理后台操作")

        # 分配到村 by 岢岚县委组织部: the county's uncovered target villages to choose from.
        client = as_staff(kelan_user)
        page = run_action(client, "assign_selected", posting)
        villages = list(page.context["form"].fields["village"].queryset)
        assert village in villages and all(v.county_id == kelan.pk and v.is_target for v in villages)
        response = confirm(client, "assign_selected", [posting], village=village.code)
        assert messages_of(response) == ["已分配到村 1 人：李建国。"]
        posting.refresh_from_db()
        assert (posting.state, posting.village) == (Posting.State.ASSIGNED, village)
        assert last_event(posting) == ("assign", "kelan", "county_org", "filed", "assigned", "")

        # 履岗任职.
        assert run_action(client, "take_office_selected", posting).status_code == 200
        confirm(client, "take_office_selected", [posting], start_date="2015-08-10", party_relation_transferred="on")
        posting.refresh_from_db()
        assert (posting.state, posting.start_date, posting.end_date) == (
            Posting.State.IN_OFFICE,
            datetime.date(2015, 8, 10),
            datetime.date(2017, 8, 10),
        )
        assert last_event(posting) == (
            "take_office",
            "kelan",
            "county_org",
            "assigned",
            "in_office",
            "2015年8月10日到村任职；党组织关系已转入",
        )

        # 期满免职, after the 期满考察 (tenure's guard).
        term_review_completed(posting)
        assert run_action(client, "end_term_selected", posting).status_code == 200
        confirm(client, "end_term_selected", [posting], end_date="2017-08-10", note="任期届满")
        posting.refresh_from_db()
        assert (posting.state, posting.end_date) == (Posting.State.ENDED, datetime.date(2017, 8, 10))
        assert last_event(posting) == ("end_term", "kelan", "county_org", "in_office", "ended", "任期届满")
        assert [e.action for e in posting.events.order_by("id")] == [
            "apply",
            "qualify",
            "recommend",
            "approve",
            "file",
            "assign",
            "take_office",
            "end_term",
        ]

        # 附表3 of the county from the posting changelist: the secretary's row.
        changelist = client.get(CHANGELIST).content.decode()
        url = reverse("admin:secretaries_posting_annex_xlsx", args=["3"])
        assert f'href="{url}"' in changelist
        response = client.get(url)
        assert response.status_code == 200 and ".xlsx" in response["Content-Disposition"]
        rows = [row for row in xlsx_rows(response) if "李建国" in row]
        assert len(rows) == 1 and village.name in rows[0] and "山西省国土资源厅" in rows[0]


class TestAdminRefusals:
    def test_a_capability_missing_from_the_table_offers_no_action_and_a_forged_post_writes_nothing(
        self, as_staff, monkeypatch, unit_user, applied
    ):
        from dispatch import roles

        client = as_staff(unit_user)
        assert offered_actions(client) == ["qualify_selected", "reject_selected", "recommend_selected", "withdraw_selected"]
        monkeypatch.setitem(roles.ROLE_CAPABILITIES, "unit", roles.ROLE_CAPABILITIES["unit"] - {roles.POSTING_QUALIFY})
        assert "qualify_selected" not in offered_actions(client)
        before = PostingEvent.objects.count()
        response = run_action(client, "qualify_selected", applied)
        assert messages_of(response) == ["未选择动作"]
        applied.refresh_from_db()
        assert applied.state == Posting.State.APPLIED and PostingEvent.objects.count() == before

    def test_a_refused_posting_of_an_intermediate_page_is_reported_and_the_others_go_through(
        self, as_staff, unit_user, applied, campaign, kelan
    ):
        from secretaries.services import posting_apply
        from tests.secretaries.conftest import cadre_for

        posting_qualify(posting=applied, by=unit_user)
        waiting = posting_apply(cadre=cadre_for(unit_user.unit, name="王未审"), campaign=campaign, by=unit_user)
        client = as_staff(unit_user)
        response = confirm(
            client, "recommend_selected", [applied, waiting], meeting_date="2015-07-01", decision="同意推荐", county=kelan.code
        )
        assert messages_of(response) == [
            "王未审：未能组织推荐：该记录当前为“个人报名”，不能组织推荐（可能已被他人处理，请刷新页面）。",
            "已组织推荐 1 人：李建国。",
        ]
        applied.refresh_from_db(), waiting.refresh_from_db()
        assert (applied.state, waiting.state) == (Posting.State.RECOMMENDED, Posting.State.APPLIED)
        assert waiting.events.count() == 1

    def test_an_invalid_intermediate_form_is_shown_again_and_writes_nothing(self, as_staff, unit_user, applied):
        client = as_staff(unit_user)
        before = PostingEvent.objects.count()
        response = confirm(client, "reject_selected", [applied], reason="")
        assert response.status_code == 200 and response.context["form"].errors == {"reason": ["这个字段是必填项。"]}
        assert PostingEvent.objects.count() == before

    def test_assignment_takes_one_posting_at_a_time(self, as_staff, kelan_user, county_unit_user, campaign, kelan):
        from secretaries.services import posting_apply, posting_file
        from tests.secretaries.conftest import cadre_for

        two = []
        for name in "甲乙":
            posting = posting_apply(cadre=cadre_for(county_unit_user.unit, name=name), campaign=campaign, by=county_unit_user)
            posting_qualify(posting=posting, by=county_unit_user)
            posting_recommend(posting=posting, by=county_unit_user, meeting_date=datetime.date(2015, 7, 1), decision="同意", county=kelan)
            two.append(posting_file(posting=posting, by=kelan_user))
        response = run_action(as_staff(kelan_user), "assign_selected", *two)
        assert response.status_code == 302 and messages_of(response) == ["“分配到村”须逐人办理，请只选择一人。"]

    def test_the_intermediate_page_reports_at_once_whom_the_step_cannot_take(self, as_staff, unit_user, applied, campaign):
        from secretaries.services import posting_apply
        from tests.secretaries.conftest import cadre_for

        posting_qualify(posting=applied, by=unit_user)
        waiting = posting_apply(cadre=cadre_for(unit_user.unit, name="王未审"), campaign=campaign, by=unit_user)
        response = run_action(as_staff(unit_user), "recommend_selected", applied, waiting)
        assert response.status_code == 200 and response.context["postings"] == [applied]
        assert messages_of(response) == ["王未审：未能组织推荐：该记录当前为“个人报名”，不能组织推荐（可能已被他人处理，请刷新页面）。"]
        page = response.content.decode()
        assert f'name="_selected_action" value="{applied.pk}"' in page and f'value="{waiting.pk}"' not in page

    def test_a_posting_outside_the_scope_is_neither_listed_nor_acted_on(self, as_staff, wuzhai_user, unit_user, applied, kelan):
        posting_qualify(posting=applied, by=unit_user)
        posting_recommend(posting=applied, by=unit_user, meeting_date=datetime.date(2015, 7, 1), decision="同意", county=kelan)
        client = as_staff(wuzhai_user)
        assert "李建国" not in client.get(CHANGELIST).content.decode()
        before = PostingEvent.objects.count()
        response = run_action(client, "file_selected", applied)
        assert messages_of(response) == ["1 条所选记录不存在或不在您的管辖范围内，未予办理。"]
        assert PostingEvent.objects.count() == before
        event = applied.events.first()
        assert client.get(reverse("admin:secretaries_postingevent_change", args=[event.pk])).status_code == 302  # "does not exist"
        assert client.get(reverse("admin:secretaries_posting_change", args=[applied.pk])).status_code == 302

    def test_cadres_and_events_are_scoped(self, as_staff, kelan_user, wuzhai_user, county_unit_user, applied, campaign):
        from secretaries.services import posting_apply
        from tests.secretaries.conftest import cadre_for

        posting_apply(cadre=cadre_for(county_unit_user.unit, name="赵岢岚"), campaign=campaign, by=county_unit_user)
        cadres = reverse("admin:secretaries_cadre_changelist")
        events = reverse("admin:secretaries_postingevent_changelist")
        page = as_staff(kelan_user).get(cadres).content.decode()
        assert "赵岢岚" in page and "李建国" not in page
        assert "赵岢岚" in as_staff(kelan_user).get(events).content.decode()
        client = as_staff(wuzhai_user)
        assert "赵岢岚" not in client.get(cadres).content.decode()
        assert "赵岢岚" not in client.get(events).content.decode()


class TestAnnexExports:
    def test_roles_without_the_annexes_get_no_button_and_a_refusal(self, as_staff, unit_user, applied):
        client = as_staff(unit_user)
        url = reverse("admin:secretaries_posting_annex_xlsx", args=["3"])
        assert url not in client.get(CHANGELIST).content.decode()
        assert client.get(url).status_code == 403

    def test_the_province_downloads_its_annex_4(self, as_staff, province_user, campaign):
        response = as_staff(province_user).get(reverse("admin:secretaries_posting_annex_xlsx", args=["4"]))
        assert response.status_code == 200
        assert any("山西省" in str(cell) for row in xlsx_rows(response)[:3] for cell in row if cell)

    def test_only_annexes_3_and_4(self, as_staff, province_user):
        assert as_staff(province_user).get(reverse("admin:secretaries_posting_annex_xlsx", args=["1"])).status_code == 404
