"""Reads of the assessments: the evidence of a period (one function, for the assessment form and
a later work report alike), the share of 优秀 against the campaign's setting, and the scoped
lists."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import QuerySet, Sum
from django.utils.formats import date_format

from secretaries.models import Posting
from tenure.assessments.models import Assessment, AssessmentSetting, DemocraticEvaluation, Grade
from tenure.models import DiaryEntry, Duty, Inspection, LeaveRequest
from tenure.presence import COUNTED_LEAVE_STATES, CalendarMissing, figures_for_postings, tenure_postings
from tenure.workreports.models import WorkReport


def assessment_evidence(*, posting: Posting, start: datetime.date, end: datetime.date) -> dict:
    """What the records of the time in office say about ``posting`` in start..end, as plain
    values (stored with an assessment as read then, shown on its form):

    presence (tenure.presence: working days of the part served, days in the village, the
    required 2/3, official absence, leave, unexplained days, days found absent at inspection —
    or ``calendar_missing`` with the reason), the leave taken, the inspections that found him
    absent, the submitted diary entries by duty, the households visited, and the 述职 reports he
    submitted for periods ending in start..end with who heard them (notice §五.4: the reports
    feed the assessments)."""
    evidence: dict = {"start": start.isoformat(), "end": end.isoformat(), "calendar_missing": ""}
    try:
        figures = figures_for_postings([posting], start, end, period_word="本期")[posting.pk]
    except CalendarMissing as e:
        figures = None
        evidence["calendar_missing"] = "；".join(e.messages)
    if figures is not None:
        evidence.update(
            working_days=figures.working_days,
            elapsed=figures.elapsed,
            in_village=figures.in_village,
            required=figures.required,
            meets_two_thirds=figures.meets,
            percent=figures.percent,
            official_absence=figures.official_absence,
            leave_days=figures.leave,
            unexplained=figures.unexplained,
            absent_found=figures.absent_found,
        )
    leave = LeaveRequest.objects.filter(posting=posting, state__in=COUNTED_LEAVE_STATES, start_date__lte=end, end_date__gte=start)
    evidence["leave"] = [
        {
            "kind": item.get_kind_display(),
            "start": item.start_date.isoformat(),
            "end": item.end_date.isoformat(),
            "working_days": item.days_taken if item.days_taken is not None else item.working_days,
            "reason": item.reason,
        }
        for item in leave.order_by("start_date")
    ]
    absent = Inspection.objects.filter(posting=posting, date__range=(start, end), found_present=False).order_by("date")
    evidence["absent_inspections"] = [
        {"date": i.date.isoformat(), "kind": i.get_kind_display(), "inspectors": i.inspectors, "remarks": i.remarks} for i in absent
    ]
    entries = DiaryEntry.objects.filter(posting=posting, state=DiaryEntry.State.SUBMITTED, date__range=(start, end))
    counts: Counter = Counter()
    for duties in entries.values_list("duties", flat=True):
        counts.update(duties)
    evidence["diary_entries"] = entries.count()
    evidence["by_duty"] = [[label, counts.get(value, 0)] for value, label in Duty.choices]
    evidence["households_visited"] = entries.aggregate(n=Sum("households_visited"))["n"] or 0
    reports = WorkReport.objects.filter(posting=posting, state=WorkReport.State.SUBMITTED, year__range=(start.year, end.year))
    evidence["work_reports"] = [
        {"id": r.pk, "title": r.title, "heard_by": [h.get_level_display() for h in r.hearings.all()]}
        for r in reports.prefetch_related("hearings").order_by("year", "period")
        if start <= r.period_end <= end
    ]
    return evidence


def evidence_for_display(evidence: dict) -> dict:
    """The stored evidence (ISO dates, as JSON keeps them) with dates for the templates' filters."""
    day = datetime.date.fromisoformat
    shown = dict(evidence)
    for key in ("start", "end"):
        if evidence.get(key):
            shown[key] = day(evidence[key])
    shown["leave"] = [{**item, "start": day(item["start"]), "end": day(item["end"])} for item in evidence.get("leave", [])]
    shown["absent_inspections"] = [{**item, "date": day(item["date"])} for item in evidence.get("absent_inspections", [])]
    return shown


def evidence_summary(evidence: dict) -> str:
    """The evidence as the opening lines of the assessment's comment (the form's prefill)."""
    start, end = datetime.date.fromisoformat(evidence["start"]), datetime.date.fromisoformat(evidence["end"])
    lines = [f"考核期：{date_format(start)}至{date_format(end)}。"]
    if evidence.get("calendar_missing"):
        lines.append(f"在岗情况：{evidence['calendar_missing']}")
    else:
        lines.append(
            f"应在岗工作日{evidence['working_days']:,}天，在村{evidence['in_village']:,}天（{evidence['percent']}，"
            f"2/3为{evidence['required']:,}天，{'已达到' if evidence['meets_two_thirds'] else '未达到'}），"
            f"公务外出{evidence['official_absence']:,}天，请假{evidence['leave_days']:,}天，未说明{evidence['unexplained']:,}天。"
        )
    if evidence["absent_inspections"]:
        lines.append(f"巡查抽查发现不在岗{len(evidence['absent_inspections']):,}次。")
    duties = "，".join(f"{label}{n:,}篇" for label, n in evidence["by_duty"] if n)
    lines.append(
        f"民情日记{evidence['diary_entries']:,}篇{f'（{duties}）' if duties else ''}，走访农户{evidence['households_visited']:,}户。"
    )
    return "\n".join(lines)


def reason_required(evidence: dict, grade: str) -> str:
    """Why this grade needs a written reason with this evidence ("" if it does not): 优秀 with
    absences found at inspection and not explained, or any grade below 2/3 presence."""
    if not grade:
        return ""
    if grade == Grade.EXCELLENT and evidence.get("absent_found"):
        return f"巡查抽查发现{evidence['absent_found']}天不在岗且无请假或公务外出记录，评为优秀须说明理由。"
    if "meets_two_thirds" in evidence and not evidence["meets_two_thirds"]:
        return f"在村{evidence['in_village']}天，未达到应在岗工作日的2/3（{evidence['required']}天），须说明理由。"
    return ""


def excellent_share(*, posting: Posting, kind: str, period_start: datetime.date, period_end: datetime.date, adding: bool) -> dict | None:
    """The share of 优秀 in the posting's county for this round (kind and period) against the
    campaign's setting, counting one more 优秀 if ``adding``. None when the campaign sets no
    limit (the default) or for a 日常考核, which has no such round.

    The round's secretaries are the campaign's postings of the county with a time in office
    that overlaps the period: the share is of them, not of those assessed so far."""
    if kind == Assessment.Kind.DAILY:
        return None
    setting = AssessmentSetting.objects.filter(campaign_id=posting.campaign_id).first()
    if setting is None or setting.excellent_share is None:
        return None
    pool = Posting.objects.filter(
        campaign_id=posting.campaign_id,
        county_id=posting.county_id,
        state__in=(Posting.State.IN_OFFICE, Posting.State.ENDED, Posting.State.RECALLED),
        start_date__lte=period_end,
    ).exclude(end_date__lt=period_start)
    total = pool.count()
    excellent = (
        Assessment.objects.filter(posting__in=pool, kind=kind, period_start=period_start, period_end=period_end, grade=Grade.EXCELLENT)
        .exclude(posting=posting)
        .count()
    ) + (1 if adding else 0)
    limit = setting.excellent_share
    allowed = total * limit // 100
    exceeded = excellent > allowed
    county = posting.county.name if posting.county_id else ""
    message = (
        f"{county}本轮{Assessment.Kind(kind).label}优秀{excellent:,}人，占{total:,}名第一书记的"
        f"{excellent * 100 / total if total else 0:.1f}%，{'超过' if exceeded else '未超过'}本批次规定的{limit}%（最多{allowed:,}人）。"
    )
    return {"limit": limit, "total": total, "excellent": excellent, "allowed": allowed, "exceeded": exceeded, "message": message}


def default_period(posting: Posting, kind: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period a new assessment of this kind covers by default: this month (日常), the half
    year or year (in the last year the term reached, if it is over), the whole term (期满考察)."""
    if kind == Assessment.Kind.TERM_END:
        return posting.start_date, posting.end_date or today
    day = min(today, posting.end_date) if posting.end_date else today
    if kind == Assessment.Kind.DAILY:
        first = day.replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        return first, following - datetime.timedelta(days=1)
    if kind == Assessment.Kind.HALF_YEAR:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 6, 30)
    return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)


def assessments_visible_to(user) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(user).select_related(
        "posting__cadre", "posting__village", "posting__village__township", "posting__unit", "recorded_by", "acknowledged_by"
    )


def evaluations_visible_to(user) -> QuerySet[DemocraticEvaluation]:
    return DemocraticEvaluation.objects.visible_to(user).select_related(
        "posting__cadre", "posting__village", "posting__village__township", "recorded_by"
    )


def to_acknowledge(user) -> QuerySet[Assessment]:
    """The county's opinions and term-end reviews the unit has not yet acknowledged."""
    return assessments_visible_to(user).filter(kind__in=Assessment.ACKNOWLEDGED_KINDS, acknowledged_at__isnull=True)


def incompetent_in_office(user) -> QuerySet[Posting]:
    """Secretaries in office graded 不称职 (in any assessment with a grade): the county's list for
    调整召回 (notice §五.5), until they are recalled (or the term ends)."""
    graded = Assessment.objects.filter(grade=Grade.INCOMPETENT).values("posting")
    return tenure_postings(user).filter(state=Posting.State.IN_OFFICE, pk__in=graded)
