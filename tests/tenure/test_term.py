"""The end of the term (tenure.term, #13 point 6): 期满免职 only after the completed 期满考察, 留任
with the unit's consent, 调整召回 with a coded reason that reopens the village, and the county's
待办 of terms ending within 60 days and overdue."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.navigation import todos_for
from dispatch.coverage import coverage_plan
from dispatch.models import Campaign
from secretaries.models import Posting, PostingEvent
from secretaries.services import posting_end_term, posting_extend, posting_recall
from secretaries.transitions import TransitionRefused
from tenure.assessments.models import Assessment, Grade
from tenure.assessments.services import assessment_acknowledge, assessment_record
from tenure.term.models import ExtensionConsent
from tenure.term.selectors import recalled_awaiting_successor, terms_due, terms_overdue
from tenure.term.services import extension_consent_give
from tests.secretaries.conftest import cadre_for
from tests.tenure.office import first_village, lanyi_secretary, other_unit, put_in_office, sanjing_secretary, wuzhai_secretary  # noqa: F401
from villages.models import Region

pytestmark = pytest.mark.django_db

END = datetime.date(2017, 8, 19)


def term_review(posting, county, *, grade=Grade.COMPETENT):
    return assessment_record(
        posting=posting,
        by=county,
        kind=Assessment.Kind.TERM_END,
        period_start=posting.start_date,
        period_end=posting.end_date,
        grade=grade,
        comment="任期内完成各项任务",
        reason="任期内在村时间不足部分系县里抽调",
    )


def client_of(client, user):
    client.logout()
    client.force_login(user)
    return client


class TestEndOfTerm:
    def test_refused_without_the_term_review_and_until_the_unit_took_part(self, lanyi_secretary, kelan_user, unit_user):
        posting = lanyi_secretary.posting
        events = PostingEvent.objects.count()
        with pytest.raises(TransitionRefused, match="期满免职前须完成期满考察"):
            posting_end_term(posting=posting, by=kelan_user, end_date=END)
        review = term_review(posting, kelan_user)
        with pytest.raises(TransitionRefused, match="期满免职前须完成期满考察"):  # recorded, not yet with the unit
            posting_end_term(posting=posting, by=kelan_user, end_date=END)
        assert PostingEvent.objects.count() == events
        assert Posting.objects.get(pk=posting.pk).state == Posting.State.IN_OFFICE
        assessment_acknowledge(assessment=review, by=unit_user)
        assert posting_end_term(posting=posting, by=kelan_user, end_date=END).state == Posting.State.ENDED

    def test_the_rule_speaks_before_the_guard(self, lanyi_secretary, kelan_user):
        with pytest.raises(TransitionRefused, match="免职日期不能早于任职日期"):
            posting_end_term(posting=lanyi_secretary.posting, by=kelan_user, end_date=datetime.date(2015, 1, 1))


class TestExtension:
    def test_the_unit_consents_and_the_county_extends_within_it(self, lanyi_secretary, kelan_user, unit_user):
        posting = lanyi_secretary.posting
        with pytest.raises(TransitionRefused, match="尚未在系统中同意留任"):
            posting_extend(posting=posting, by=kelan_user, new_end_date=datetime.date(2018, 8, 19), unit_consent=True)
        consent = extension_consent_give(posting=posting, by=unit_user, new_end_date=datetime.date(2018, 8, 19), note="单位党委同意")
        assert (consent.actor, consent.actor_role) == (unit_user, "unit")
        with pytest.raises(TransitionRefused, match="新的任期届满日期不能晚于此日"):
            posting_extend(posting=posting, by=kelan_user, new_end_date=datetime.date(2019, 8, 19), unit_consent=True)
        extended = posting_extend(posting=posting, by=kelan_user, new_end_date=datetime.date(2018, 8, 19), unit_consent=True)
        assert extended.end_date == datetime.date(2018, 8, 19)
        # The consent is used: a second extension needs a new one.
        with pytest.raises(TransitionRefused, match="尚未在系统中同意留任"):
            posting_extend(posting=posting, by=kelan_user, new_end_date=datetime.date(2018, 12, 31), unit_consent=True)

    def test_who_consents(self, lanyi_secretary, wuzhai_secretary, kelan_user, unit_user):
        with pytest.raises(PermissionDenied):
            extension_consent_give(posting=lanyi_secretary.posting, by=kelan_user, new_end_date=datetime.date(2018, 8, 19))
        with pytest.raises(Posting.DoesNotExist):  # another unit's secretary
            extension_consent_give(posting=wuzhai_secretary.posting, by=unit_user, new_end_date=datetime.date(2018, 8, 19))
        with pytest.raises(ValidationError, match="应晚于任期届满日期"):
            extension_consent_give(posting=lanyi_secretary.posting, by=unit_user, new_end_date=END)
        extension_consent_give(posting=lanyi_secretary.posting, by=unit_user, new_end_date=datetime.date(2018, 8, 19))
        with pytest.raises(ValidationError, match="不能重复提交"):
            extension_consent_give(posting=lanyi_secretary.posting, by=unit_user, new_end_date=datetime.date(2018, 8, 19))
        assert ExtensionConsent.objects.count() == 1


class TestRecall:
    def test_a_coded_reason_is_stored_and_the_village_waits_for_a_successor(self, lanyi_secretary, kelan_user, provincial_unit):
        posting = lanyi_secretary.posting
        campaign = Campaign.current()
        uncovered = coverage_plan(user=kelan_user, campaign=campaign)["total"]["uncovered"]
        recalled = posting_recall(posting=posting, by=kelan_user, reason_code=Posting.RecallReason.INCOMPETENT, reason="年终考核不称职")
        assert (recalled.state, recalled.recall_reason, recalled.get_recall_reason_display()) == ("recalled", "incompetent", "不称职")
        assert recalled.events.last().note == "调整召回（不称职）：年终考核不称职"
        assert list(recalled_awaiting_successor(kelan_user)) == [recalled]
        line = {t.label: t for t in todos_for(kelan_user)}["调整召回后待补派第一书记的村"]
        assert line.count == 1
        # The coverage plan counts the village uncovered again (the one definition of covered).
        assert coverage_plan(user=kelan_user, campaign=campaign)["total"]["uncovered"] == uncovered + (
            1 if posting.village.is_target else 0
        )
        # A successor assigned: the village is covered and the line goes.
        Posting.objects.create(
            cadre=cadre_for(provincial_unit, name="赵新"),
            campaign=campaign,
            unit=provincial_unit,
            county=posting.county,
            village=posting.village,
            state=Posting.State.ASSIGNED,
        )
        assert not recalled_awaiting_successor(kelan_user).exists()

    def test_a_missing_or_unknown_code_is_refused(self, lanyi_secretary, kelan_user):
        for code in ("", "laziness"):
            with pytest.raises(TransitionRefused, match="请选择调整召回的原因"):
                posting_recall(posting=lanyi_secretary.posting, by=kelan_user, reason_code=code, reason="调整")
        with pytest.raises(TransitionRefused, match="请填写调整的理由"):
            posting_recall(posting=lanyi_secretary.posting, by=kelan_user, reason_code="health", reason=" ")
        assert Posting.objects.get(pk=lanyi_secretary.posting.pk).state == Posting.State.IN_OFFICE

    def test_the_posting_page_offers_the_coded_reasons(self, client, lanyi_secretary, kelan_user):
        page = client_of(client, kelan_user).get(reverse("secretaries:detail", args=[lanyi_secretary.posting.pk])).content.decode()
        assert 'name="recall-reason_code"' in page and "工作需要" in page
        response = client.post(
            reverse("secretaries:act", args=[lanyi_secretary.posting.pk, "recall"]),
            {"recall-reason_code": "health", "recall-reason": "身体原因"},
        )
        assert response.status_code == 302
        assert Posting.objects.get(pk=lanyi_secretary.posting.pk).recall_reason == "health"


@pytest.fixture
def terms(provincial_unit, regions):
    """岢岚县's secretaries by the end of their term: in 30 days, 5 days ago, in 90 days."""
    today = timezone.localdate()
    ends = {
        "soon": today + datetime.timedelta(days=30),
        "over": today - datetime.timedelta(days=5),
        "later": today + datetime.timedelta(days=90),
    }
    codes = Region.objects.filter(level="township", code__startswith="140929").order_by("code").values_list("code", flat=True)[:3]
    townships = dict(zip(ends, codes, strict=True))
    return {
        key: put_in_office(
            unit=provincial_unit,
            village=first_village(townships[key]),
            username=f"s_{key}",
            name=f"书记{key}",
            start=end - datetime.timedelta(days=730),
            end=end,
        ).posting
        for key, end in ends.items()
    }


class TestTodos:
    def test_due_within_60_days_and_overdue(self, terms, kelan_user, wuzhai_user, lanyi_user):
        today = timezone.localdate()
        assert list(terms_due(kelan_user, today=today)) == [terms["soon"]]
        assert list(terms_overdue(kelan_user, today=today)) == [terms["over"]]
        lines = {t.label: t.count for t in todos_for(kelan_user)}
        assert lines["任期将在60天内届满的第一书记"] == 1
        assert lines["任期已届满、待办理期满免职或留任的第一书记"] == 1
        assert not [t for t in todos_for(wuzhai_user) if "任期" in t.label]
        assert not [t for t in todos_for(lanyi_user) if "任期" in t.label]

    def test_the_day_the_line_starts(self, terms, kelan_user):
        end = terms["later"].end_date
        assert terms["later"] not in terms_due(kelan_user, today=end - datetime.timedelta(days=61))
        assert terms["later"] in terms_due(kelan_user, today=end - datetime.timedelta(days=60))
        assert terms["later"] in terms_due(kelan_user, today=end)
        assert terms["later"] in terms_overdue(kelan_user, today=end + datetime.timedelta(days=1))


class TestPages:
    def test_the_county_s_term_page(self, client, terms, kelan_user):
        response = client_of(client, kelan_user).get(reverse("tenure:term"))
        assert response.status_code == 200
        page = response.content.decode()
        assert "任期将在60天内届满（1）" in page and "书记soon" in page and "书记over" in page
        assert "期满考察未完成" in page

    def test_who_sees_it(self, client, lanyi_user, unit_user, lanyi_secretary):
        assert client_of(client, lanyi_user).get(reverse("tenure:term")).status_code == 403
        assert client_of(client, lanyi_secretary.user).get(reverse("tenure:term")).status_code == 403
        page = client_of(client, unit_user).get(reverse("tenure:term")).content.decode()
        assert "派出单位同意留任" in page

    def test_the_unit_s_consent_view(self, client, terms, unit_user, kelan_user, wuzhai_secretary):
        posting = terms["soon"]
        url = reverse("tenure:extension_consent", args=[posting.pk])
        new_end = (posting.end_date + datetime.timedelta(days=365)).isoformat()
        assert client_of(client, unit_user).get(url).status_code == 405
        assert client_of(client, kelan_user).post(url, {"new_end_date": new_end}).status_code == 403
        other = reverse("tenure:extension_consent", args=[wuzhai_secretary.posting.pk])
        assert client_of(client, unit_user).post(other, {"new_end_date": new_end}).status_code == 404
        assert not ExtensionConsent.objects.exists()
        assert client.post(url, {"new_end_date": new_end}).status_code == 302
        assert client.post(url, {"new_end_date": new_end}).status_code == 302  # refused with a message
        assert ExtensionConsent.objects.count() == 1
