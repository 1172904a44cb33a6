"""The secretary's 述职 (work report, notice §五.4: 派出单位要定期听取第一书记工作汇报): one
half-year and one annual report per posting and year, written on his phone and prefilled with
the period's figures from tenure.presence; draft → submitted; the unit and the county each
record once that they heard it (date, who listened, remarks).

The period's figures are never stored twice: a draft reads them live (tenure.workreports.
selectors.report_figures); submitting freezes them into ``figures``, the snapshot of what the
secretary reported."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import AppendOnlyEvent
from dispatch.models import Role
from secretaries.models import Posting
from tenure.models import TenureEventQuerySet, TenureQuerySet


class WorkReport(models.Model):
    """One 述职 of one secretary for one period (the first half of a year, or the whole year)."""

    class Period(models.TextChoices):
        HALF_YEAR = "half_year", "半年述职"
        ANNUAL = "annual", "年度述职"

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"

    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="work_reports")
    year = models.PositiveSmallIntegerField("年度")
    period = models.CharField("类别", max_length=16, choices=Period.choices)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.DRAFT)
    achievements = models.TextField("主要工作和成效")
    problems = models.TextField("存在的问题", blank=True)
    plans = models.TextField("下步打算", blank=True)
    # The period's figures as they stood when he submitted (empty while a draft).
    figures = models.JSONField("提交时的在岗和工作数据", default=dict, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填写人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    objects = TenureQuerySet.as_manager()

    class Meta:
        verbose_name = "述职报告"
        verbose_name_plural = "述职报告"
        ordering = ["-year", "-period", "-id"]
        constraints = [models.UniqueConstraint(fields=["posting", "year", "period"], name="one_work_report_per_period")]

    def __str__(self) -> str:
        return f"{self.posting.cadre} {self.title}"

    @property
    def title(self) -> str:
        return f"{self.year}年{self.get_period_display()}"

    @property
    def period_start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def period_end(self) -> datetime.date:
        return period_end(self.year, self.period)


def period_end(year: int, period: str) -> datetime.date:
    return datetime.date(year, 6, 30) if period == WorkReport.Period.HALF_YEAR else datetime.date(year, 12, 31)


class WorkReportHearing(models.Model):
    """The unit's or the county's note that it heard the report (听取汇报): once per level,
    never edited."""

    class Level(models.TextChoices):
        UNIT = "unit", "派出单位"
        COUNTY = "county", "县委组织部"

    report = models.ForeignKey(WorkReport, verbose_name="述职报告", on_delete=models.PROTECT, related_name="hearings")
    level = models.CharField("听取方", max_length=16, choices=Level.choices)
    heard_on = models.DateField("听取日期")
    listeners = models.CharField("听取人", max_length=200, help_text="例如：单位党委书记、组织人事处处长")
    remarks = models.TextField("意见", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class QuerySet(TenureQuerySet):
        scope_region_fields = ("report__posting__village__code", "report__posting__unit__region__code")
        scope_unit_field = "report__posting__unit"
        scope_posting_field = "report__posting"

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = "听取述职记录"
        verbose_name_plural = "听取述职记录"
        ordering = ["heard_on", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "level"], name="one_hearing_per_level")]

    def __str__(self) -> str:
        return f"{self.report} {self.get_level_display()}听取"


class WorkReportEvent(AppendOnlyEvent):
    """One step of a report: created, submitted, heard by the unit or the county."""

    actor_role = models.CharField("操作人角色", max_length=32, choices=Role.choices)
    report = models.ForeignKey(WorkReport, verbose_name="述职报告", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=16)
    from_state = models.CharField("原状态", max_length=16, choices=WorkReport.State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=16, choices=WorkReport.State.choices)

    class QuerySet(TenureEventQuerySet):
        scope_region_fields = ("report__posting__village__code", "report__posting__unit__region__code")
        scope_unit_field = "report__posting__unit"
        scope_posting_field = "report__posting"

    objects = QuerySet.as_manager()

    ACTIONS = {"create": "创建草稿", "submit": "提交", "heard_unit": "派出单位登记听取", "heard_county": "县委组织部登记听取"}

    class Meta(AppendOnlyEvent.Meta):
        verbose_name = "述职报告操作日志"
        verbose_name_plural = "述职报告操作日志"

    @property
    def action_label(self) -> str:
        return self.ACTIONS.get(self.action, self.action)
