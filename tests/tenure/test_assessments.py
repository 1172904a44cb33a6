"""Assessments (tenure.assessments, #13 point 2): the period's evidence, who records which kind,
the reasons a grade needs, the share of 优秀, 民主评议, the unit's acknowledgement, the pages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.navigation import todos_for
from dispatch.models import Campaign
from secretaries.models import Posting
from tenure.assessments.models import Assessment, AssessmentEvent, AssessmentSetting, DemocraticEvaluation, Grade
from tenure.assessments.selectors import assessment_evidence, excellent_share, reason_required
from tenure.assessments.services import assessment_acknowledge, assessment_record, evaluation_record
from tenure.models import DiaryEntry, Duty, Inspection, LeaveRequest
from tenure.workreports.services import report_hear, report_save
from tests.factories import UserFactory
from tests.tenure.office import lanyi_secretary, other_unit, sanjing_secretary, sanjing_user, wuzhai_secretary  # noqa: F401

pytestmark = pytest.mark.django_db

YEAR_2016 = (datetime.date(2016, 1, 1), datetime.date(2016, 12, 31))
MAY = (datetime.date(2016, 5, 1), datetime.date(2016, 5, 31))


def record(by, posting, kind=Assessment.Kind.ANNUAL, period=YEAR_2016, grade=Grade.COMPETENT, comment="工作扎实", **extra):
    return assessment_record(
        posting=posting, by=by, kind=kind, period_start=period[0], period_end=period[1], grade=grade, comment=comment, **extra
    )


def evaluate(by, posting, date=datetime.date(2016, 12, 20), participants=40, satisfied=30, basically=8, dissatisfied=2):
    return evaluation_record(
        posting=posting,
        by=by,
        date=date,
        participants=participants,
        satisfied=satisfied,
        basically_satisfied=basically,
        dissatisfied=dissatisfied,
    )


def client_of(client, user):
    client.logout()
    client.force_login(user)
    return client


@pytest.fixture
def may_records(lanyi_secretary, lanyi_user):
    """In May 2016 (21 working days): 15 diary days in the village (poverty, 2 households each), an
    approved 3-day leave, an inspection that found him absent on an uncovered day."""
    posting, user = lanyi_secretary.posting, lanyi_secretary.user
    day, written = datetime.date(2016, 5, 3), 0
    while written < 15:
        if day.weekday() < 5:
            DiaryEntry.objects.create(
                posting=posting,
                date=day,
                duties=[Duty.POVERTY],
                households_visited=2,
                content="走访",
                state=DiaryEntry.State.SUBMITTED,
                written_by=user,
            )
            written += 1
        day += datetime.timedelta(days=1)
    LeaveRequest.objects.create(
        posting=posting,
        kind=LeaveRequest.Kind.SICK,
        start_date=datetime.date(2016, 5, 25),
        end_date=datetime.date(2016, 5, 27),
        reason="感冒",
        working_days=3,
        state=LeaveRequest.State.APPROVED,
        requested_by=user,
    )
    Inspection.objects.create(
        posting=posting,
        date=datetime.date(2016, 5, 30),
        kind=Inspection.Kind.RANDOM,
        inspectors="县委组织部",
        found_present=False,
        remarks="不在村",
        recorded_by=lanyi_user,
    )
    return posting


class TestEvidence:
    def test_the_period_s_presence_leave_inspections_and_diary(self, may_records):
        evidence = assessment_evidence(posting=may_records, start=MAY[0], end=MAY[1])
        assert (evidence["working_days"], evidence["in_village"], evidence["required"]) == (21, 15, 14)
        assert evidence["meets_two_thirds"] is True
        assert (evidence["leave_days"], evidence["unexplained"], evidence["absent_found"]) == (3, 3, 1)
        assert [item["kind"] for item in evidence["leave"]] == ["病假"]
        assert [item["date"] for item in evidence["absent_inspections"]] == ["2016-05-30"]
        assert evidence["diary_entries"] == 15 and evidence["households_visited"] == 30
        assert ["推动精准扶贫", 15] in evidence["by_duty"]

    def test_the_period_s_submitted_work_reports_and_who_heard_them(self, lanyi_secretary, kelan_user):
        posting = lanyi_secretary.posting
        half = report_save(posting=posting, by=lanyi_secretary.user, year=2016, period="half_year", achievements="走访农户", submit=True)
        report_hear(report=half, by=kelan_user, heard_on=timezone.localdate(half.submitted_at), listeners="副部长")
        # A draft is not evidence yet.
        report_save(posting=posting, by=lanyi_secretary.user, year=2016, period="annual", achievements="全年工作")
        year = assessment_evidence(posting=posting, start=datetime.date(2016, 1, 1), end=datetime.date(2016, 12, 31))
        assert year["work_reports"] == [{"id": half.pk, "title": "2016年半年述职", "heard_by": ["县委组织部"]}]
        # The second half-year's assessment does not read the first half's report.
        autumn = assessment_evidence(posting=posting, start=datetime.date(2016, 7, 1), end=datetime.date(2016, 12, 31))
        assert autumn["work_reports"] == []

    def test_a_year_without_calendar_data_says_so(self, lanyi_secretary):
        evidence = assessment_evidence(posting=lanyi_secretary.posting, start=datetime.date(2030, 1, 1), end=datetime.date(2030, 6, 30))
        assert "2030" in evidence["calendar_missing"] and "in_village" not in evidence

    def test_which_grades_need_a_reason(self):
        meets = {"meets_two_thirds": True, "absent_found": 0, "in_village": 170, "required": 167}
        assert reason_required(meets, Grade.EXCELLENT) == ""
        assert "评为优秀须说明理由" in reason_required({**meets, "absent_found": 2}, Grade.EXCELLENT)
        assert reason_required({**meets, "absent_found": 2}, Grade.COMPETENT) == ""
        below = {**meets, "meets_two_thirds": False, "in_village": 166}
        for grade in Grade.values:
            assert "未达到应在岗工作日的2/3" in reason_required(below, grade)
        assert reason_required(below, "") == ""  # a daily note without a grade


class TestRecord:
    def test_the_county_records_an_annual_assessment_with_its_evidence_and_an_event(self, may_records, kelan_user):
        assessment = record(kelan_user, may_records, period=MAY, grade=Grade.COMPETENT)
        assert assessment.evidence["in_village"] == 15 and assessment.recorder_role == "county_org"
        event = AssessmentEvent.objects.get()
        assert (event.assessment, event.action, event.actor, event.note) == (assessment, "record", kelan_user, "年终考核：称职")

    def test_the_township_records_daily_notes_without_a_grade_and_nothing_else(self, lanyi_secretary, lanyi_user, kelan_user):
        daily = record(lanyi_user, lanyi_secretary.posting, kind=Assessment.Kind.DAILY, period=MAY, grade="", comment="5月表现良好")
        assert daily.grade == "" and daily.get_kind_display() == "日常考核"
        with pytest.raises(PermissionDenied):
            record(lanyi_user, lanyi_secretary.posting, kind=Assessment.Kind.ANNUAL)
        with pytest.raises(PermissionDenied):
            record(kelan_user, lanyi_secretary.posting, kind=Assessment.Kind.DAILY, period=(MAY[0], datetime.date(2016, 5, 30)))
        assert Assessment.objects.count() == 1

    def test_the_secretary_and_the_unit_record_nothing(self, lanyi_secretary, unit_user):
        for who in (lanyi_secretary.user, unit_user):
            with pytest.raises(PermissionDenied):
                record(who, lanyi_secretary.posting)
        assert not Assessment.objects.exists() and not AssessmentEvent.objects.exists()

    def test_another_county_s_secretary_is_not_there(self, lanyi_secretary, wuzhai_user, sanjing_user):
        with pytest.raises(Posting.DoesNotExist):
            record(wuzhai_user, lanyi_secretary.posting)
        with pytest.raises(Posting.DoesNotExist):  # a township only its own villages' secretaries
            record(sanjing_user, lanyi_secretary.posting, kind=Assessment.Kind.DAILY, period=MAY, grade="")
        assert not Assessment.objects.exists() and not AssessmentEvent.objects.exists()

    @pytest.mark.parametrize(
        "fields, field, words",
        [
            (dict(grade="outstanding"), "grade", "等次只能是优秀、称职、基本称职或不称职"),
            (dict(grade=""), "grade", "请选择年终考核的等次"),
            (dict(comment=" "), "comment", "请填写考核意见"),
            (dict(period=(datetime.date(2016, 12, 31), datetime.date(2016, 1, 1))), "period_end", "早于开始日期"),
            (dict(period=(datetime.date(2015, 1, 1), datetime.date(2015, 6, 30))), "period_end", "在到村任职"),
            (dict(period=(datetime.date(2017, 9, 1), datetime.date(2017, 12, 31))), "period_start", "在任期届满"),
        ],
    )
    def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(self, lanyi_secretary, kelan_user, fields, field, words):
        with pytest.raises(ValidationError) as e:
            record(kelan_user, lanyi_secretary.posting, **fields)
        assert words in e.value.message_dict[field][0]
        assert not Assessment.objects.exists() and not AssessmentEvent.objects.exists()

    def test_the_same_round_twice_is_refused(self, may_records, kelan_user):
        record(kelan_user, may_records, period=MAY)
        with pytest.raises(ValidationError, match="已登记，不能重复登记"):
            record(kelan_user, may_records, period=MAY, grade=Grade.EXCELLENT, reason="表现突出")
        assert Assessment.objects.count() == 1 and AssessmentEvent.objects.count() == 1

    def test_below_two_thirds_any_grade_needs_a_reason(self, lanyi_secretary, kelan_user):
        # No evidence at all in May: every working day unexplained, far below 2/3.
        with pytest.raises(ValidationError) as e:
            record(kelan_user, lanyi_secretary.posting, period=MAY, grade=Grade.BASIC)
        assert "未达到应在岗工作日的2/3（14天）" in e.value.message_dict["reason"][0]
        assert not Assessment.objects.exists()
        assessment = record(kelan_user, lanyi_secretary.posting, period=MAY, grade=Grade.BASIC, reason="5月参加县里抽调的专项工作")
        assert assessment.reason == "5月参加县里抽调的专项工作"

    def test_excellent_with_an_absence_found_at_inspection_needs_a_reason(self, may_records, kelan_user):
        with pytest.raises(ValidationError) as e:
            record(kelan_user, may_records, period=MAY, grade=Grade.EXCELLENT)
        assert "巡查抽查发现1天不在岗" in e.value.message_dict["reason"][0]
        assert record(kelan_user, may_records, period=MAY, grade=Grade.EXCELLENT, reason="当天赴县城为村里争取项目").grade == "excellent"

    def test_only_a_secretary_in_office_is_assessed(self, lanyi_secretary, kelan_user):
        Posting.objects.filter(pk=lanyi_secretary.posting.pk).update(state=Posting.State.ENDED)
        with pytest.raises(ValidationError, match="期满免职"):
            record(kelan_user, lanyi_secretary.posting, period=MAY, reason="x")


class TestExcellentShare:
    def test_no_limit_by_default(self, lanyi_secretary):
        assert (
            excellent_share(posting=lanyi_secretary.posting, kind="annual", period_start=YEAR_2016[0], period_end=YEAR_2016[1], adding=True)
            is None
        )

    def test_the_form_says_when_the_county_s_share_is_exceeded(self, lanyi_secretary, sanjing_secretary, kelan_user):
        AssessmentSetting.objects.create(campaign=Campaign.current(), excellent_share=50)  # 2 secretaries in 岢岚县: 1 优秀
        share = excellent_share(
            posting=lanyi_secretary.posting, kind="annual", period_start=YEAR_2016[0], period_end=YEAR_2016[1], adding=True
        )
        assert (share["total"], share["allowed"], share["excellent"], share["exceeded"]) == (2, 1, 1, False)
        record(kelan_user, lanyi_secretary.posting, grade=Grade.EXCELLENT, reason="表现突出")
        share = excellent_share(
            posting=sanjing_secretary.posting, kind="annual", period_start=YEAR_2016[0], period_end=YEAR_2016[1], adding=True
        )
        assert share["exceeded"] and "超过本批次规定的50%（最多1人）" in share["message"]
        # Another round (the half year) counts on its own.
        half = excellent_share(
            posting=sanjing_secretary.posting,
            kind="half_year",
            period_start=YEAR_2016[0],
            period_end=datetime.date(2016, 6, 30),
            adding=True,
        )
        assert not half["exceeded"]

    def test_the_form_page_shows_it(self, client, lanyi_secretary, sanjing_secretary, kelan_user):
        AssessmentSetting.objects.create(campaign=Campaign.current(), excellent_share=50)
        record(kelan_user, lanyi_secretary.posting, grade=Grade.EXCELLENT, reason="表现突出")
        query = {"posting": sanjing_secretary.posting.pk, "kind": "annual", "period_start": "2016-01-01", "period_end": "2016-12-31"}
        page = client_of(client, kelan_user).get(reverse("tenure:assessment_new"), query).content.decode()
        assert 'data-testid="excellent-share"' in page and "超过本批次规定的50%" in page


class TestDemocraticEvaluation:
    def test_the_township_enters_the_counts(self, lanyi_secretary, lanyi_user):
        evaluation = evaluate(lanyi_user, lanyi_secretary.posting, participants=40, satisfied=30, basically=8, dissatisfied=1)
        assert evaluation.not_stated == 1 and evaluation.satisfied_percent == "95.0%"
        assert AssessmentEvent.objects.get().evaluation == evaluation

    @pytest.mark.parametrize(
        "counts, field, words",
        [
            (dict(participants=20, satisfied=15, basically=5, dissatisfied=1), "dissatisfied", "合计21人，超过参加人数20人"),
            (dict(participants=0, satisfied=0, basically=0, dissatisfied=0), "participants", "参加人数应大于0"),
            (dict(satisfied=-1), "satisfied", "不小于0"),
            (dict(date=datetime.date(2015, 5, 1)), "date", "不在任期内"),
        ],
    )
    def test_counts_that_do_not_add_up_are_refused(self, lanyi_secretary, lanyi_user, counts, field, words):
        with pytest.raises(ValidationError) as e:
            evaluate(lanyi_user, lanyi_secretary.posting, **counts)
        assert words in e.value.message_dict[field][0]
        assert not DemocraticEvaluation.objects.exists() and not AssessmentEvent.objects.exists()

    def test_only_the_township_of_the_village_and_once_a_day(self, lanyi_secretary, lanyi_user, kelan_user, sanjing_user):
        with pytest.raises(PermissionDenied):
            evaluate(kelan_user, lanyi_secretary.posting)
        with pytest.raises(Posting.DoesNotExist):
            evaluate(sanjing_user, lanyi_secretary.posting)
        evaluate(lanyi_user, lanyi_secretary.posting)
        with pytest.raises(ValidationError, match="不能重复登记"):
            evaluate(lanyi_user, lanyi_secretary.posting)
        assert DemocraticEvaluation.objects.count() == 1


class TestAcknowledge:
    def test_the_unit_acknowledges_the_county_s_opinion_once(self, may_records, kelan_user, unit_user):
        assessment = record(kelan_user, may_records, period=MAY)
        assert [t.label for t in todos_for(unit_user) if "考核意见" in t.label] == ["待确认的县委组织部考核意见和期满考察"]
        assessment_acknowledge(assessment=assessment, by=unit_user, note="已阅")
        assessment.refresh_from_db()
        assert assessment.acknowledged_by == unit_user and assessment.acknowledged
        with pytest.raises(ValidationError, match="不能重复确认"):
            assessment_acknowledge(assessment=assessment, by=unit_user)
        assert list(AssessmentEvent.objects.values_list("action", flat=True)) == ["record", "acknowledge"]
        assert not [t for t in todos_for(unit_user) if "考核意见" in t.label]

    def test_another_unit_does_not_see_it_and_the_county_cannot(self, wuzhai_secretary, wuzhai_user, other_unit, unit_user):
        assessment = record(wuzhai_user, wuzhai_secretary.posting, period=MAY, reason="x")
        with pytest.raises(Assessment.DoesNotExist):
            assessment_acknowledge(assessment=assessment, by=unit_user)
        with pytest.raises(PermissionDenied):
            assessment_acknowledge(assessment=assessment, by=wuzhai_user)
        assert AssessmentEvent.objects.filter(action="acknowledge").count() == 0

    def test_a_daily_note_is_not_acknowledged(self, lanyi_secretary, lanyi_user, unit_user):
        daily = record(lanyi_user, lanyi_secretary.posting, kind=Assessment.Kind.DAILY, period=MAY, grade="")
        with pytest.raises(ValidationError, match="无需派出单位确认"):
            assessment_acknowledge(assessment=daily, by=unit_user)


def test_incompetent_puts_the_posting_on_the_county_s_recall_list(lanyi_secretary, kelan_user, lanyi_user):
    record(kelan_user, lanyi_secretary.posting, period=MAY, grade=Grade.INCOMPETENT, reason="长期不在岗")
    lines = {t.label: t for t in todos_for(kelan_user)}
    assert lines["考核不称职、待调整召回的第一书记"].count == 1
    assert lines["考核不称职、待调整召回的第一书记"].url.endswith("#incompetent")
    assert not [t for t in todos_for(lanyi_user) if "不称职" in t.label]


class TestPages:
    def test_the_form_is_prefilled_with_the_period_s_evidence(self, client, may_records, kelan_user):
        query = {"posting": may_records.pk, "kind": "annual", "period_start": "2016-05-01", "period_end": "2016-05-31"}
        response = client_of(client, kelan_user).get(reverse("tenure:assessment_new"), query)
        assert response.status_code == 200
        form = response.context["form"]
        assert "在村15天" in form.initial["comment"] and "走访农户30户" in form.initial["comment"]
        page = response.content.decode()
        assert 'data-testid="absent-inspections"' in page and "评为优秀须说明理由" in page

    def test_the_kind_s_default_period(self, client, lanyi_secretary, kelan_user):
        response = client_of(client, kelan_user).get(
            reverse("tenure:assessment_new"), {"posting": lanyi_secretary.posting.pk, "kind": "term_end"}
        )
        assert (response.context["start"], response.context["end"]) == (datetime.date(2015, 8, 20), datetime.date(2017, 8, 19))

    def test_recording_posts_one_assessment_and_redirects(self, client, may_records, kelan_user):
        data = {
            "posting": may_records.pk,
            "kind": "annual",
            "period_start": "2016-05-01",
            "period_end": "2016-05-31",
            "grade": "competent",
            "comment": "称职",
        }
        c = client_of(client, kelan_user)
        response = c.post(reverse("tenure:assessment_new"), data)
        assessment = Assessment.objects.get()
        assert response.status_code == 302 and response.url == reverse("tenure:assessment_detail", args=[assessment.pk])
        again = c.post(reverse("tenure:assessment_new"), data)  # a double POST
        assert again.status_code == 400 and "不能重复登记" in again.content.decode()
        assert Assessment.objects.count() == 1 and AssessmentEvent.objects.count() == 1

    def test_a_refused_grade_stays_on_the_form(self, client, may_records, kelan_user):
        data = {
            "posting": may_records.pk,
            "kind": "annual",
            "period_start": "2016-05-01",
            "period_end": "2016-05-31",
            "grade": "excellent",
            "comment": "优秀",
        }
        response = client_of(client, kelan_user).post(reverse("tenure:assessment_new"), data)
        assert response.status_code == 400 and "巡查抽查发现1天不在岗" in str(response.context["form"].errors["reason"])
        assert not Assessment.objects.exists()

    def test_who_may_record(self, client, lanyi_secretary, unit_user, wuzhai_user):
        data = {
            "posting": lanyi_secretary.posting.pk,
            "kind": "annual",
            "period_start": "2016-05-01",
            "period_end": "2016-05-31",
            "grade": "competent",
            "comment": "x",
        }
        assert client_of(client, unit_user).post(reverse("tenure:assessment_new"), data).status_code == 403
        assert client_of(client, lanyi_secretary.user).get(reverse("tenure:assessment_new")).status_code == 403
        # Another county's secretary: not there (404), nothing written.
        assert client_of(client, wuzhai_user).post(reverse("tenure:assessment_new"), data).status_code == 404
        assert client.get(reverse("tenure:assessment_new"), {"posting": lanyi_secretary.posting.pk, "kind": "annual"}).status_code == 404
        assert not Assessment.objects.exists()

    def test_lists_and_detail_by_scope(self, client, lanyi_secretary, wuzhai_secretary, kelan_user, wuzhai_user):
        mine = record(kelan_user, lanyi_secretary.posting, period=MAY, reason="x")
        record(wuzhai_user, wuzhai_secretary.posting, period=MAY, reason="x")
        page = client_of(client, lanyi_secretary.user).get(reverse("tenure:assessment_list"))
        assert list(page.context["page"].object_list) == [mine]
        assert client.get(reverse("tenure:assessment_detail", args=[mine.pk])).status_code == 200
        other = Assessment.objects.exclude(pk=mine.pk).get()
        assert client.get(reverse("tenure:assessment_detail", args=[other.pk])).status_code == 404
        assert client.get(reverse("tenure:assessment_list"), {"posting": "²"}).status_code == 404

    def test_acknowledge_view(self, client, lanyi_secretary, kelan_user, unit_user, wuzhai_secretary, wuzhai_user):
        mine = record(kelan_user, lanyi_secretary.posting, period=MAY, reason="x")
        theirs = record(wuzhai_user, wuzhai_secretary.posting, period=MAY, reason="x")
        url = reverse("tenure:assessment_acknowledge", args=[mine.pk])
        c = client_of(client, unit_user)
        assert c.get(url).status_code == 405
        assert c.post(reverse("tenure:assessment_acknowledge", args=[theirs.pk])).status_code == 404
        assert client_of(client, kelan_user).post(url).status_code == 403
        assert AssessmentEvent.objects.filter(action="acknowledge").count() == 0
        c = client_of(client, unit_user)
        assert c.post(url, {"note": "已阅"}).status_code == 302
        assert c.post(url).status_code == 302  # the second: a message, no second event
        assert AssessmentEvent.objects.filter(action="acknowledge").count() == 1

    def test_evaluation_view(self, client, lanyi_secretary, lanyi_user, kelan_user):
        url = reverse("tenure:evaluation_new")
        data = {
            "posting": lanyi_secretary.posting.pk,
            "date": "2016-12-20",
            "participants": 20,
            "satisfied": 15,
            "basically_satisfied": 5,
            "dissatisfied": 1,
        }
        assert client_of(client, kelan_user).post(url, data).status_code == 403
        c = client_of(client, lanyi_user)
        response = c.post(url, data)
        assert response.status_code == 400 and "超过参加人数20人" in response.content.decode()
        assert c.post(url, {**data, "dissatisfied": 0}).status_code == 302
        assert DemocraticEvaluation.objects.count() == 1
        township = UserFactory(
            username="other_township_x",
            role="township",
            region=lanyi_secretary.posting.village.township.parent.children.exclude(pk=lanyi_secretary.posting.village.township_id).first(),
        )
        assert client_of(client, township).post(url, {**data, "date": "2016-12-21"}).status_code == 404
        assert DemocraticEvaluation.objects.count() == 1
