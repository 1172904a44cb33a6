"""Allowances of the time in office (notice §五.6: 按实际在岗天数发放生活、交通、通讯补贴，原则上
不低于差旅费伙食补助费标准).

- ``AllowanceRate``: the daily rates (生活/交通/通讯) of one campaign and one unit level, from a
  month's first day on (a month is paid at the rates in force on its first day, because a
  confirmed month holds counts of days, not which days).
- ``AllowanceFloor``: the administrator's floor for the daily 生活 rate (the travel meal-allowance
  standard); a rate below the floor in force on its first day is refused.
- ``AllowanceStatement``: one unit's monthly statement (发放表); marking it paid locks it.
- ``AllowanceLine``: one secretary's month on a statement: days on post from the township's
  confirmed ``PresenceMonth`` × the daily rates. A correction after payment is a new line on a
  later statement (the difference), never an edit of a paid one.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import AppendOnlyEvent
from core.scope import ScopedQuerySet
from dispatch.models import Campaign, DispatchingUnit, Role
from secretaries.models import Posting
from tenure.models import PresenceMonth, TenureEventQuerySet, TenureQuerySet

CENT = Decimal("0.01")


def _money(name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(name, max_digits=12, decimal_places=2, **kwargs)


class AllowanceFloor(models.Model):
    """The floor of the daily 生活 rate from a date on, set by the administrator (差旅费伙食补助费
    标准)."""

    valid_from = models.DateField("执行日期", unique=True)
    living_daily_min = _money("生活补贴日标准下限（元/天）", validators=[MinValueValidator(Decimal("0"))])
    basis = models.CharField("依据", max_length=200, help_text="例如：晋财行〔2014〕13号 伙食补助费标准")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        verbose_name = "补贴标准下限"
        verbose_name_plural = "补贴标准下限"
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from:%Y-%m-%d}起 生活补贴不低于{self.living_daily_min}元/天"


class AllowanceRate(models.Model):
    """The daily rates of one campaign's secretaries from units of one level, from a month's
    first day until the next rate of the same campaign and level."""

    campaign = models.ForeignKey(Campaign, verbose_name="选派批次", on_delete=models.PROTECT, related_name="allowance_rates")
    unit_level = models.CharField("派出单位层级", max_length=16, choices=DispatchingUnit.Level.choices)
    valid_from = models.DateField("执行日期", help_text="每月1日")
    living_daily = _money("生活补贴（元/天）", validators=[MinValueValidator(Decimal("0"))])
    transport_daily = _money("交通补贴（元/天）", validators=[MinValueValidator(Decimal("0"))])
    communication_daily = _money("通讯补贴（元/天）", validators=[MinValueValidator(Decimal("0"))])
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        verbose_name = "补贴标准"
        verbose_name_plural = "补贴标准"
        ordering = ["campaign", "unit_level", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit_level", "valid_from"], name="one_allowance_rate_per_start"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.get_unit_level_display()}级单位 {self.valid_from:%Y-%m-%d}起"

    @property
    def daily_total(self) -> Decimal:
        return self.living_daily + self.transport_daily + self.communication_daily


class StatementQuerySet(ScopedQuerySet):
    """A unit's statements: its own users, the region above the unit, everything for the
    province and the administrator. Their lines are scoped again by secretary (AllowanceLine)."""

    scope_region_fields = ("unit__region__code",)
    scope_unit_field = "unit"
    scope_posting_field = None


class AllowanceStatement(models.Model):
    """One unit's monthly statement (补贴发放表) of the confirmed months due up to ``month``."""

    class State(models.TextChoices):
        PREPARED = "prepared", "待发放"
        PAID = "paid", "已发放"

    unit = models.ForeignKey(DispatchingUnit, verbose_name="派出单位", on_delete=models.PROTECT, related_name="allowance_statements")
    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.PREPARED)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="制表人", on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField("制表时间", default=timezone.now)
    paid_on = models.DateField("发放日期", null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发放登记人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = "补贴发放表"
        verbose_name_plural = "补贴发放表"
        ordering = ["-year", "-month", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month"], name="one_allowance_statement_per_unit_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="allowance_statement_is_a_month"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.title}"

    @property
    def title(self) -> str:
        return f"{self.year}年{self.month}月第一书记补贴发放表"

    @property
    def is_paid(self) -> bool:
        return self.state == self.State.PAID


class AllowanceLine(models.Model):
    """One secretary's month on a statement: ``days`` on post (the confirmed month's) × the daily
    rates = ``gross``; less what earlier lines of the same month already gave (``previously``)
    = ``amount``. A regular line has nothing before it; a correction line (更正) carries the
    difference after the month was reopened and confirmed with other figures."""

    class Kind(models.TextChoices):
        REGULAR = "regular", "正常发放"
        CORRECTION = "correction", "更正补发（扣减）"

    statement = models.ForeignKey(AllowanceStatement, verbose_name="发放表", on_delete=models.PROTECT, related_name="lines")
    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="allowance_lines")
    presence_month = models.ForeignKey(PresenceMonth, verbose_name="月度在岗确认", on_delete=models.PROTECT, related_name="allowance_lines")
    year = models.PositiveSmallIntegerField("所属年")
    month = models.PositiveSmallIntegerField("所属月")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    days = models.PositiveSmallIntegerField("实际在岗天数")
    rate = models.ForeignKey(AllowanceRate, verbose_name="补贴标准", on_delete=models.PROTECT, related_name="+")
    living_daily = _money("生活（元/天）")
    transport_daily = _money("交通（元/天）")
    communication_daily = _money("通讯（元/天）")
    gross = _money("应发金额")
    previously = _money("已发金额", default=Decimal("0"))
    amount = _money("本次发放金额")
    created_at = models.DateTimeField("生成时间", default=timezone.now)

    objects = TenureQuerySet.as_manager()

    class Meta:
        verbose_name = "补贴明细"
        verbose_name_plural = "补贴明细"
        ordering = ["statement", "posting__village__code", "year", "month", "id"]

    def __str__(self) -> str:
        return f"{self.posting.cadre} {self.year}年{self.month}月 {self.get_kind_display()} {self.amount}元"

    @property
    def daily_total(self) -> Decimal:
        return self.living_daily + self.transport_daily + self.communication_daily

    @property
    def living_amount(self) -> Decimal:
        return self.days * self.living_daily

    @property
    def transport_amount(self) -> Decimal:
        return self.days * self.transport_daily

    @property
    def communication_amount(self) -> Decimal:
        return self.days * self.communication_daily

    @property
    def calculation(self) -> str:
        """The calculation as one line of text (page and .xlsx)."""
        text = (
            f"{self.days}天×{self.living_daily}元（生活）＝{self.living_amount}元；"
            f"{self.days}天×{self.transport_daily}元（交通）＝{self.transport_amount}元；"
            f"{self.days}天×{self.communication_daily}元（通讯）＝{self.communication_amount}元；"
            f"合计{self.gross}元"
        )
        if self.kind == self.Kind.CORRECTION:
            text += f"；已发{self.previously}元，差额{self.amount}元"
        return text


class AllowanceStatementEvent(AppendOnlyEvent):
    """Prepared (with its lines), rebuilt before payment, paid."""

    actor_role = models.CharField("操作人角色", max_length=32, choices=Role.choices)
    statement = models.ForeignKey(AllowanceStatement, verbose_name="发放表", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=16)
    from_state = models.CharField("原状态", max_length=16, choices=AllowanceStatement.State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=16, choices=AllowanceStatement.State.choices)

    class QuerySet(TenureEventQuerySet):
        scope_region_fields = StatementQuerySet.scope_region_fields
        scope_unit_field = "statement__unit"
        scope_posting_field = None

    objects = QuerySet.as_manager()

    ACTIONS = {"prepare": "编制", "rebuild": "重新编制", "paid": "登记发放"}

    class Meta(AppendOnlyEvent.Meta):
        verbose_name = "补贴发放表操作日志"
        verbose_name_plural = "补贴发放表操作日志"

    @property
    def action_label(self) -> str:
        return self.ACTIONS.get(self.action, self.action)
