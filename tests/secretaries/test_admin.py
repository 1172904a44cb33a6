"""The admin: postings and their timelines read only; its actions call the services."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from secretaries.models import Posting, PostingEvent
from secretaries.services import TransitionRefused, posting_approve, posting_qualify, posting_recommend

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
        assert offered_actions(province_staff) == ["file_selected"]

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
