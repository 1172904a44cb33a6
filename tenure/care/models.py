"""Care and training of the secretaries in office (notice §五.3, §五.6).

- Training (§五.3): every newly sent secretary gets the county's 任职培训; later training
  (policy and skills, §六.1) is recorded the same way. The county's organization department
  records it: the notice makes the county run the training.
- Health checks and accident insurance (§五.6: 派出单位要安排定期体检, 办理任职期间人身意外伤害
  保险): the dispatching unit records them for its own people.

Each record belongs to one posting and has its scope (the secretary himself, his township and
county, his unit). Every write goes through tenure.care.services and leaves a CareEvent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import AppendOnlyEvent
from dispatch.models import Role
from secretaries.models import Posting
from tenure.models import TenureEventQuerySet, TenureQuerySet


class Training(models.Model):
    """One training a secretary attended: the county's 任职培训 (once per posting) or a later one."""

    class Kind(models.TextChoices):
        INDUCTION = "induction", "任职培训"
        POLICY = "policy", "政策和业务培训"
        SKILLS = "skills", "涉农扶贫技能培训"
        OTHER = "other", "其他培训"

    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="trainings")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    title = models.CharField("培训名称", max_length=200)
    organiser = models.CharField("主办单位", max_length=100)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = TenureQuerySet.as_manager()

    class Meta:
        verbose_name = "培训"
        verbose_name_plural = "培训"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="training_dates_in_order"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
            # One 任职培训 per posting (the service says so first, in Chinese).
            models.UniqueConstraint(fields=["posting"], condition=Q(kind="induction"), name="one_induction_training_per_posting"),
        ]

    def __str__(self) -> str:
        return f"{self.posting.cadre} {self.get_kind_display()} {self.start_date:%Y-%m-%d}"


class HealthCheck(models.Model):
    """The unit's yearly health check of a secretary: done (on a date) or not (with a note)."""

    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="health_checks")
    year = models.PositiveSmallIntegerField("年度")
    done = models.BooleanField("已体检")
    date = models.DateField("体检日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = TenureQuerySet.as_manager()

    class Meta:
        verbose_name = "体检"
        verbose_name_plural = "体检"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "year"], name="one_health_check_per_year"),
            models.CheckConstraint(condition=Q(done=False) | Q(date__isnull=False), name="health_check_done_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.posting.cadre} {self.year}年体检（{'已体检' if self.done else '未体检'}）"


class Insurance(models.Model):
    """An accident insurance policy (人身意外伤害保险) covering a secretary from start to end date
    (both inclusive). A secretary is covered on a day when a policy's period contains it."""

    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="insurances")
    insurer = models.CharField("保险公司", max_length=100)
    policy_number = models.CharField("保单号", max_length=64)
    start_date = models.DateField("保险起期")
    end_date = models.DateField("保险止期")
    sum_insured = models.DecimalField("保险金额（元）", max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = TenureQuerySet.as_manager()

    class Meta:
        verbose_name = "意外伤害保险"
        verbose_name_plural = "意外伤害保险"
        ordering = ["-end_date", "-id"]
        indexes = [models.Index(fields=["posting", "end_date"], name="insurance_posting_end")]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="insurance_dates_in_order"),
            models.CheckConstraint(condition=Q(sum_insured__gt=0), name="insurance_sum_positive"),
            models.UniqueConstraint(fields=["posting", "policy_number"], name="one_policy_number_per_posting"),
        ]

    def __str__(self) -> str:
        return f"{self.posting.cadre} {self.insurer} {self.policy_number}"


class CareEvent(AppendOnlyEvent):
    """Who recorded which care or training record of a secretary, when: the append-only log."""

    class Action(models.TextChoices):
        TRAINING = "training", "登记培训"
        HEALTH_CHECK = "health_check", "登记体检"
        INSURANCE = "insurance", "登记意外险"

    actor_role = models.CharField("操作人角色", max_length=32, choices=Role.choices)
    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="care_events")
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    record_id = models.PositiveBigIntegerField("记录编号")
    details = models.JSONField("登记内容", default=dict, blank=True)

    objects = TenureEventQuerySet.as_manager()

    class Meta(AppendOnlyEvent.Meta):
        verbose_name = "关爱培训登记日志"
        verbose_name_plural = "关爱培训登记日志"

    def __str__(self) -> str:
        return f"{self.posting.cadre} {self.get_action_display()}"
