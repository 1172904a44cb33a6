"""The demo's assessments (#13 point 8, in part): for 岢岚县's secretaries, the township's 民主评议
in December 2016 and the county's 2016 年终考核, graded from each one's year as the records
say it (the two below 2/3 or found absent get 基本称职 or 不称职 with a reason; about one in
five 优秀). Rows are inserted in bulk as assessment_record and evaluation_record write them
(with their events), so the load stays well under a second; the units' acknowledgements are
left for the units (their 待办)."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from dispatch.models import Role
from tenure.assessments.models import Assessment, AssessmentEvent, DemocraticEvaluation, Grade
from tenure.assessments.selectors import assessment_evidence, evidence_summary

YEAR = (datetime.date(2016, 1, 1), datetime.date(2016, 12, 31))
EVALUATED_ON = datetime.date(2016, 12, 20)
RECORDED_ON = datetime.datetime(2017, 1, 12, 10, 0)


def _grade(rng: random.Random, evidence: dict) -> tuple[str, str]:
    if evidence.get("absent_found"):
        return Grade.INCOMPETENT, "年内巡查发现无故不在岗，在村时间未达到2/3，履职不到位。"
    if not evidence.get("meets_two_thirds", True):
        return Grade.BASIC, "在村时间未达到2/3，部分时间参加县里抽调的专项工作。"
    return (Grade.EXCELLENT if rng.random() < 0.2 else Grade.COMPETENT), ""


def load_demo_assessments(*, postings, county_user, townships: dict) -> dict[str, int]:
    """``postings``: 岢岚县's secretaries in office (with village__township); ``townships``:
    township id → its committee's user. Returns counts."""
    rng = random.Random(2017)
    tz = timezone.get_current_timezone()
    at = RECORDED_ON.replace(tzinfo=tz)
    evaluated_at = datetime.datetime.combine(EVALUATED_ON, datetime.time(16), tzinfo=tz)
    evaluations, assessments = [], []
    for posting in postings:
        township = townships[posting.village.township_id]
        participants = rng.randint(28, 60)
        dissatisfied = rng.choice((0, 0, 1, 2))
        basically = rng.randint(2, 8)
        evaluations.append(
            DemocraticEvaluation(
                posting=posting,
                date=EVALUATED_ON,
                participants=participants,
                satisfied=participants - basically - dissatisfied - rng.choice((0, 0, 1)),
                basically_satisfied=basically,
                dissatisfied=dissatisfied,
                recorded_by=township,
                recorded_at=evaluated_at,
            )
        )
        evidence = assessment_evidence(posting=posting, start=YEAR[0], end=YEAR[1])
        grade, reason = _grade(rng, evidence)
        assessments.append(
            Assessment(
                posting=posting,
                kind=Assessment.Kind.ANNUAL,
                period_start=YEAR[0],
                period_end=YEAR[1],
                grade=grade,
                comment=evidence_summary(evidence),
                reason=reason,
                evidence=evidence,
                recorded_by=county_user,
                recorder_role=Role.COUNTY_ORG,
                recorded_at=at,
            )
        )
    DemocraticEvaluation.objects.bulk_create(evaluations)
    Assessment.objects.bulk_create(assessments)
    events = [
        AssessmentEvent(
            posting_id=e.posting_id,
            evaluation=e,
            action=AssessmentEvent.Action.EVALUATE,
            actor=e.recorded_by,
            actor_role=Role.TOWNSHIP,
            at=evaluated_at,
            note=f"参加{e.participants}人：满意{e.satisfied}，基本满意{e.basically_satisfied}，不满意{e.dissatisfied}",
        )
        for e in evaluations
    ] + [
        AssessmentEvent(
            posting_id=a.posting_id,
            assessment=a,
            action=AssessmentEvent.Action.RECORD,
            actor=county_user,
            actor_role=Role.COUNTY_ORG,
            at=at,
            note=f"年终考核：{a.get_grade_display()}",
        )
        for a in assessments
    ]
    AssessmentEvent.objects.bulk_create(events)
    return {"democratic_evaluation": len(evaluations), "annual_assessment": len(assessments)}
