"""Assessments of the time in office (notice §五.5, issue #13 point 2).

The township's 日常考核 (monthly or quarterly notes), the county's 半年考核 and 年终考核 (the
latter is the county's opinion for the unit's annual assessment: 第一书记参加派出单位年度考核，
由县委组织部提出意见, which the unit acknowledges), the 期满考察 at the end of the term by the
unit together with the county (recorded by the county, completed when the unit acknowledges
it), and the 民主评议 of the village's party members and representatives, entered by the
township as counts. Each row is written by one service (tenure.assessments.services) with an
append-only AssessmentEvent; each keeps the evidence it was given (presence, leave,
inspections, diary) as read then.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.models import AppendOnlyEvent
from dispatch.models import Campaign, Role
from secretaries.models import Posting
from tenure.models import TenureEventQuerySet, TenureQuerySet


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    COMPETENT = "competent", "称职"
    BASIC = "basic", "基本称职"
    INCOMPETENT = "incompetent", "不称职"


class Assessment(models.Model):
    """One assessment of one secretary for one period, with its grade and the evidence read."""

    class Kind(models.TextChoices):
        DAILY = "daily", "日常考核"
        HALF_YEAR = "half_year", "半年考核"
        ANNUAL = "annual", "年终考核"
        TERM_END = "term_end", "期满考察"

    # The kinds the unit sees and acknowledges: the county's opinion for its annual assessment,
    # and the term-end review it takes part in.
    ACKNOWLEDGED_KINDS = (Kind.ANNUAL, Kind.TERM_END)

    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField("考核类别", max_length=16, choices=Kind.choices)
    period_start = models.DateField("考核期开始")
    period_end = models.DateField("考核期结束")
    grade = models.CharField("等次", max_length=16, choices=Grade.choices, blank=True)
    comment = models.TextField("考核意见")
    reason = models.TextField("说明理由", blank=True, help_text="优秀但巡查发现未说明缺勤、或在村不足2/3时必填")
    evidence = models.JSONField("考核时的在岗和工作情况", default=dict, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    recorder_role = models.CharField("登记人角色", max_length=32, choices=Role.choices)
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="派出单位确认人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField("派出单位确认时间", null=True, blank=True)

    objects = TenureQuerySet.as_manager()

    class Meta:
        verbose_name = "考核"
        verbose_name_plural = "考核"
        ordering = ["-period_end", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "kind", "period_start", "period_end"], name="one_assessment_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="assessment_period_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.posting.cadre} {self.get_kind_display()} {self.period_start:%Y-%m-%d}—{self.period_end:%Y-%m-%d}"

    @property
    def needs_acknowledgement(self) -> bool:
        return self.kind in self.ACKNOWLEDGED_KINDS

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class DemocraticEvaluation(models.Model):
    """民主评议: the village's party members and representatives judge the secretary; the
    township enters the counts, the date and how many took part."""

    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="democratic_evaluations")
    date = models.DateField("评议日期")
    participants = models.PositiveIntegerField("参加人数")
    satisfied = models.PositiveIntegerField("满意")
    basically_satisfied = models.PositiveIntegerField("基本满意")
    dissatisfied = models.PositiveIntegerField("不满意")
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = TenureQuerySet.as_manager()

    class Meta:
        verbose_name = "民主评议"
        verbose_name_plural = "民主评议"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "date"], name="one_democratic_evaluation_per_day"),
            models.CheckConstraint(
                condition=Q(participants__gte=F("satisfied") + F("basically_satisfied") + F("dissatisfied")),
                name="evaluation_counts_within_participants",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.posting.cadre} 民主评议 {self.date:%Y-%m-%d}"

    @property
    def not_stated(self) -> int:
        """Those who took part and gave none of the three (abstained)."""
        return self.participants - self.satisfied - self.basically_satisfied - self.dissatisfied

    @property
    def satisfied_percent(self) -> str:
        """满意 and 基本满意 together, of those who took part."""
        if not self.participants:
            return "—"
        return f"{(self.satisfied + self.basically_satisfied) * 100 / self.participants:.1f}%"


class AssessmentSetting(models.Model):
    """Per campaign: the largest share of 优秀 a county may give in one round of assessments
    (half-year, annual, term-end). Empty: no limit (the default). The form says when a grade
    would exceed it; it does not refuse."""

    campaign = models.OneToOneField(Campaign, verbose_name="选派批次", on_delete=models.PROTECT, related_name="assessment_setting")
    excellent_share = models.PositiveSmallIntegerField(
        "优秀比例上限（%）", null=True, blank=True, validators=[MaxValueValidator(100)], help_text="留空表示不设上限"
    )

    class Meta:
        verbose_name = "考核设置"
        verbose_name_plural = "考核设置"

    def __str__(self) -> str:
        limit = f"{self.excellent_share}%" if self.excellent_share is not None else "不设上限"
        return f"{self.campaign}：优秀比例{limit}"


class AssessmentEvent(AppendOnlyEvent):
    """Recorded, acknowledged by the unit, 民主评议 entered: the assessments' history."""

    class Action(models.TextChoices):
        RECORD = "record", "登记考核"
        ACKNOWLEDGE = "acknowledge", "派出单位确认"
        EVALUATE = "evaluate", "登记民主评议"

    actor_role = models.CharField("操作人角色", max_length=32, choices=Role.choices)
    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="assessment_events")
    assessment = models.ForeignKey(Assessment, verbose_name="考核", null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    evaluation = models.ForeignKey(
        DemocraticEvaluation, verbose_name="民主评议", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField("操作", max_length=16, choices=Action.choices)

    objects = TenureEventQuerySet.as_manager()

    class Meta(AppendOnlyEvent.Meta):
        verbose_name = "考核操作日志"
        verbose_name_plural = "考核操作日志"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
