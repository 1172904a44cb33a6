"""Writes of the 述职 reports: the secretary saves a draft and submits it (its figures frozen at
that moment); the unit and the county record that they heard it. Each step locks its row and
writes an append-only WorkReportEvent."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dispatch import roles
from dispatch.models import Role
from secretaries.models import Posting
from tenure.presence import tenure_postings
from tenure.workreports.models import WorkReport, WorkReportEvent, WorkReportHearing
from tenure.workreports.selectors import report_figures, served_in

State = WorkReport.State
Period = WorkReport.Period
HEARING_LEVEL = {Role.UNIT: WorkReportHearing.Level.UNIT, Role.COUNTY_ORG: WorkReportHearing.Level.COUNTY}


def opens_on(year: int, period: str) -> datetime.date:
    """A report can be written from the period's last month on: 6月1日 for the half-year, 12月1日
    for the year."""
    return datetime.date(year, 6, 1) if period == Period.HALF_YEAR else datetime.date(year, 12, 1)


def _event(report: WorkReport, *, by, action: str, from_state: str, note: str = "") -> None:
    WorkReportEvent.objects.create(
        report=report, actor=by, actor_role=by.role, action=action, from_state=from_state, to_state=report.state, note=note
    )


def report_save(
    *,
    posting: Posting,
    by,
    year: int,
    period: str,
    achievements: str,
    problems: str = "",
    plans: str = "",
    submit: bool = False,
    report: WorkReport | None = None,
    today: datetime.date | None = None,
) -> WorkReport:
    """Save the secretary's draft (a new one when ``report`` is None), and submit it if asked.
    Submitting freezes the period's figures into the report."""
    try:
        return _report_save(
            posting=posting,
            by=by,
            year=year,
            period=period,
            achievements=achievements,
            problems=problems,
            plans=plans,
            submit=submit,
            report=report,
            today=today,
        )
    except IntegrityError:
        raise ValidationError(f"{year}年的这份述职报告已经存在（可能已被重复提交）。") from None


@transaction.atomic
def _report_save(*, posting, by, year, period, achievements, problems, plans, submit, report, today) -> WorkReport:
    roles.require(by, roles.WORKREPORT_WRITE)
    today = today or timezone.localdate()
    # The posting's row is the lock: two saves of the same period wait for each other.
    posting = tenure_postings(by).select_for_update(of=("self",)).get(pk=posting.pk)
    if period not in Period.values:
        raise ValidationError({"period": "述职类别只能是半年述职或年度述职。"})
    label = f"{year}年{Period(period).label}"
    if not achievements.strip():
        raise ValidationError({"achievements": "请填写主要工作和成效。"})
    if report is None:
        if not served_in(posting, year, period):
            raise ValidationError(f"{label}不在您的任期内。")
        if today < opens_on(year, period):
            start = opens_on(year, period)
            raise ValidationError(f"{label}自{start.year}年{start.month}月{start.day}日起才能填写。")
        if WorkReport.objects.filter(posting=posting, year=year, period=period).exists():
            raise ValidationError(f"{label}已经有一份，不能重复创建；请打开已有的报告继续填写。")
        report = WorkReport(posting=posting, year=year, period=period, written_by=by)
        from_state = ""
    else:
        report = WorkReport.objects.select_for_update().get(pk=report.pk, posting=posting)
        if report.state != State.DRAFT:
            raise ValidationError(f"{report.title}已提交，不能再修改。")
        if report.written_by_id != by.pk:
            raise ValidationError("只有填写人本人可以修改这份述职报告。")
        from_state = State.DRAFT
    report.achievements = achievements.strip()
    report.problems = problems.strip()
    report.plans = plans.strip()
    if submit:
        report.state = State.SUBMITTED
        report.submitted_at = timezone.now()
        report.figures = report_figures(posting, report.year, report.period, today=today)
    if from_state:
        report.save(update_fields=["achievements", "problems", "plans", "state", "submitted_at", "figures", "updated_at"])
    else:
        with transaction.atomic():
            report.save(force_insert=True)
        _event(report, by=by, action="create", from_state="")
    if submit:
        _event(report, by=by, action="submit", from_state=State.DRAFT if from_state else "")
    return report


@transaction.atomic
def report_hear(
    *, report: WorkReport, by, heard_on: datetime.date, listeners: str, remarks: str = "", today: datetime.date | None = None
) -> WorkReportHearing:
    """The unit (its own people) or the county (its villages' secretaries) records that it heard
    the report: once each."""
    roles.require(by, roles.WORKREPORT_HEAR)
    today = today or timezone.localdate()
    report = WorkReport.objects.visible_to(by).select_for_update(of=("self",)).select_related("posting__cadre").get(pk=report.pk)
    level = HEARING_LEVEL.get(by.role)
    if level is None:
        raise ValidationError("只有派出单位和县委组织部登记听取述职。")
    if report.state != State.SUBMITTED:
        raise ValidationError("述职报告尚未提交，不能登记听取。")
    if not listeners.strip():
        raise ValidationError({"listeners": "请填写听取人。"})
    if heard_on > today:
        raise ValidationError({"heard_on": "听取日期不能晚于今天。"})
    if heard_on < timezone.localdate(report.submitted_at):
        raise ValidationError({"heard_on": "听取日期不能早于报告提交日期。"})
    if report.hearings.filter(level=level).exists():
        raise ValidationError(
            f"{WorkReportHearing.Level(level).label}已登记听取{report.posting.cadre.name}的{report.title}，不能重复登记。"
        )
    hearing = WorkReportHearing.objects.create(
        report=report, level=level, heard_on=heard_on, listeners=listeners.strip(), remarks=remarks.strip(), recorded_by=by
    )
    _event(
        report, by=by, action=f"heard_{level}", from_state=report.state, note=f"{heard_on:%Y-%m-%d} {hearing.listeners}：{hearing.remarks}"
    )
    return hearing
