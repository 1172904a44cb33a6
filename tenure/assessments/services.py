"""The writes of the assessments: each one service, in one transaction, the posting's row locked
(two clicks or two users recording the same round queue there, and the second is refused), and
an AssessmentEvent. Refusals are ValidationErrors naming the field, in Chinese; nothing is
written then. A secretary outside the user's scope is Posting.DoesNotExist (the view's 404)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from dispatch import roles
from dispatch.models import User
from secretaries.models import Posting
from tenure.assessments.models import Assessment, AssessmentEvent, DemocraticEvaluation, Grade
from tenure.assessments.selectors import assessment_evidence, reason_required
from tenure.presence import tenure_postings

Kind = Assessment.Kind

# Who records which kind: the township its daily notes, the county the rest.
KIND_CAPABILITY = {
    Kind.DAILY: roles.ASSESSMENT_DAILY,
    Kind.HALF_YEAR: roles.ASSESSMENT_RECORD,
    Kind.ANNUAL: roles.ASSESSMENT_RECORD,
    Kind.TERM_END: roles.ASSESSMENT_RECORD,
}


def _locked_posting(posting: Posting, by: User) -> Posting:
    locked = tenure_postings(by).select_for_update(of=("self",)).select_related("county").filter(pk=posting.pk).first()
    if locked is None:
        raise Posting.DoesNotExist("没有这位第一书记，或不在您的管辖范围内。")
    return locked


def _event(*, posting: Posting, by: User, action: str, note: str = "", assessment=None, evaluation=None, at=None) -> None:
    AssessmentEvent.objects.create(
        posting=posting,
        assessment=assessment,
        evaluation=evaluation,
        action=action,
        actor=by,
        actor_role=by.role,
        at=at or timezone.now(),
        note=note,
    )


def _check_period(posting: Posting, start, end, errors: dict, *, today: datetime.date) -> None:
    if start is None:
        errors["period_start"] = "请填写考核期开始日期。"
    if end is None:
        errors["period_end"] = "请填写考核期结束日期。"
    if errors:
        return
    if end < start:
        errors["period_end"] = "考核期结束日期早于开始日期。"
    elif start > today:
        errors["period_start"] = f"考核期开始日期{date_format(start)}晚于今天。"
    elif end < posting.start_date:
        errors["period_end"] = f"考核期在到村任职（{date_format(posting.start_date)}）之前。"
    elif posting.end_date and start > posting.end_date:
        errors["period_start"] = f"考核期在任期届满（{date_format(posting.end_date)}）之后。"


@transaction.atomic
def assessment_record(
    *,
    posting: Posting,
    by: User,
    kind: str,
    period_start: datetime.date,
    period_end: datetime.date,
    grade: str,
    comment: str,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> Assessment:
    """Record one assessment: the township's 日常考核 (grade optional), the county's 半年考核,
    年终考核 or 期满考察 (grade required). The period's evidence is read and stored with it; a
    grade the evidence does not bear out (see selectors.reason_required) needs a reason."""
    if kind not in Kind.values:
        raise ValidationError({"kind": "请选择考核类别（日常考核、半年考核、年终考核或期满考察）。"})
    roles.require(by, KIND_CAPABILITY[kind])
    locked = _locked_posting(posting, by)
    if locked.state != Posting.State.IN_OFFICE:
        raise ValidationError(f"{locked.cadre.name}当前为“{locked.get_state_display()}”，不能登记{Kind(kind).label}。")
    errors: dict = {}
    grade = grade or ""
    if grade and grade not in Grade.values:
        errors["grade"] = "等次只能是优秀、称职、基本称职或不称职。"
    elif not grade and kind != Kind.DAILY:
        errors["grade"] = f"请选择{Kind(kind).label}的等次。"
    comment, reason = (comment or "").strip(), (reason or "").strip()
    if not comment:
        errors["comment"] = "请填写考核意见。"
    _check_period(locked, period_start, period_end, errors, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    if Assessment.objects.filter(posting=locked, kind=kind, period_start=period_start, period_end=period_end).exists():
        raise ValidationError(
            f"{locked.cadre.name}{date_format(period_start)}至{date_format(period_end)}的{Kind(kind).label}已登记，不能重复登记。"
        )
    evidence = assessment_evidence(posting=locked, start=period_start, end=period_end)
    why = reason_required(evidence, grade)
    if why and not reason:
        raise ValidationError({"reason": why})
    assessment = Assessment.objects.create(
        posting=locked,
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        grade=grade,
        comment=comment,
        reason=reason,
        evidence=evidence,
        recorded_by=by,
        recorder_role=by.role,
        recorded_at=at or timezone.now(),
    )
    note = f"{Kind(kind).label}：{assessment.get_grade_display() or '无等次'}"
    _event(posting=locked, by=by, action=AssessmentEvent.Action.RECORD, assessment=assessment, note=note, at=at)
    return assessment


@transaction.atomic
def assessment_acknowledge(*, assessment: Assessment, by: User, note: str = "", at: datetime.datetime | None = None) -> Assessment:
    """The unit acknowledges the county's 年终考核 opinion (for its own annual assessment) or
    takes part in the 期满考察 (which completes it)."""
    roles.require(by, roles.ASSESSMENT_ACKNOWLEDGE)
    locked = (
        Assessment.objects.visible_to(by).select_for_update(of=("self",)).select_related("posting__cadre").filter(pk=assessment.pk).first()
    )
    if locked is None or locked.posting.unit_id != by.unit_id:
        raise Assessment.DoesNotExist("没有这条考核记录，或不在您的管辖范围内。")
    if not locked.needs_acknowledgement:
        raise ValidationError(f"{locked.get_kind_display()}无需派出单位确认。")
    if locked.acknowledged:
        when = date_format(timezone.localtime(locked.acknowledged_at), "Y年n月j日")
        raise ValidationError(f"{locked.posting.cadre.name}的{locked.get_kind_display()}已于{when}确认，不能重复确认。")
    locked.acknowledged_by = by
    locked.acknowledged_at = at or timezone.now()
    locked.save(update_fields=["acknowledged_by", "acknowledged_at"])
    _event(posting=locked.posting, by=by, action=AssessmentEvent.Action.ACKNOWLEDGE, assessment=locked, note=note.strip(), at=at)
    return locked


@transaction.atomic
def evaluation_record(
    *,
    posting: Posting,
    by: User,
    date: datetime.date,
    participants: int,
    satisfied: int,
    basically_satisfied: int,
    dissatisfied: int,
    note: str = "",
    at: datetime.datetime | None = None,
) -> DemocraticEvaluation:
    """The township enters a 民主评议: the date, how many took part, and the counts of 满意,
    基本满意 and 不满意, which together may not exceed those taking part."""
    roles.require(by, roles.DEMOCRATIC_EVALUATION_RECORD)
    locked = _locked_posting(posting, by)
    errors: dict = {}
    counts = {
        "participants": participants,
        "satisfied": satisfied,
        "basically_satisfied": basically_satisfied,
        "dissatisfied": dissatisfied,
    }
    labels = {"participants": "参加人数", "satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
    for field, value in counts.items():
        if value is None or value < 0:
            errors[field] = f"请填写{labels[field]}人数（不小于0的整数）。"
    if not errors:
        if participants == 0:
            errors["participants"] = "参加人数应大于0。"
        elif satisfied + basically_satisfied + dissatisfied > participants:
            total = satisfied + basically_satisfied + dissatisfied
            errors["dissatisfied"] = f"满意、基本满意、不满意合计{total:,}人，超过参加人数{participants:,}人。"
    if date is None:
        errors["date"] = "请填写评议日期。"
    elif date > timezone.localdate():
        errors["date"] = f"评议日期{date_format(date)}晚于今天。"
    elif date < locked.start_date or (locked.end_date and date > locked.end_date):
        errors["date"] = f"评议日期{date_format(date)}不在任期内。"
    if errors:
        raise ValidationError(errors)
    if DemocraticEvaluation.objects.filter(posting=locked, date=date).exists():
        raise ValidationError({"date": f"{locked.cadre.name}{date_format(date)}的民主评议已登记，不能重复登记。"})
    evaluation = DemocraticEvaluation.objects.create(
        posting=locked, date=date, note=(note or "").strip(), recorded_by=by, recorded_at=at or timezone.now(), **counts
    )
    summary = f"参加{participants}人：满意{satisfied}，基本满意{basically_satisfied}，不满意{dissatisfied}"
    _event(posting=locked, by=by, action=AssessmentEvent.Action.EVALUATE, evaluation=evaluation, note=summary, at=at)
    return evaluation
