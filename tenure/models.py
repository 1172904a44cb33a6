"""The two years in office (notice §四, §五): the secretary's account, the working-day
calendar, the evidence of presence (diary days, township confirmations, inspections, optional
check-ins), official absences, leave and its approval rules, and the township's monthly
confirmation of the figures.

Presence is never typed as a number: it is worked out from these records (tenure.presence),
and every page, export and later assessment or allowance reads it from there. Nothing here
requires GPS, photos or a daily check-in, and nothing ranks people by how much they use the
system (national rules of 2023–2026 on 指尖上的形式主义).

Every record belongs to one posting in office; its scope is the posting's: the secretary sees
his own, the township and county the secretaries of their villages, the unit its own people.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core import audit
from core.models import AppendOnlyEvent, AppendOnlyQuerySet
from core.scope import ScopedQuerySet
from dispatch.models import Role
from secretaries.models import Posting


class TenureQuerySet(ScopedQuerySet):
    """Rows that belong to one posting: seen by the secretary himself, the township and county
    of his village (and the city and province above), and his unit."""

    scope_region_fields = ("posting__village__code", "posting__unit__region__code")
    scope_unit_field = "posting__unit"
    scope_posting_field = "posting"


class TenureEventQuerySet(AppendOnlyQuerySet):
    scope_region_fields = TenureQuerySet.scope_region_fields
    scope_unit_field = TenureQuerySet.scope_unit_field
    scope_posting_field = TenureQuerySet.scope_posting_field


class SecretaryAccount(models.Model):
    """The login of a secretary in office, created when he takes office (履岗任职): the user of
    role 第一书记 tied to his posting, whose scope is his own records."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.PROTECT, related_name="secretary_account")
    posting = models.OneToOneField(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="account")
    created_at = models.DateTimeField("开通时间", default=timezone.now)

    objects = TenureQuerySet.as_manager()

    class Meta:
        verbose_name = "第一书记账号"
        verbose_name_plural = "第一书记账号"

    def __str__(self) -> str:
        return f"{self.user.username}（{self.posting.cadre}）"


# --- The working-day calendar ---------------------------------------------------------------


class CalendarYear(models.Model):
    """A year whose calendar the administrator entered by hand because the chinesecalendar
    package does not cover it (it raises for 2027 and later). Without a row here, a year the
    package lacks has no data, and every figure for it says so instead of guessing."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    complete = models.BooleanField("已录入全年节假日和调休", default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField("录入时间", default=timezone.now)
    note = models.CharField("依据", max_length=200, blank=True, help_text="例如：国务院办公厅关于2027年部分节假日安排的通知")

    class Meta:
        verbose_name = "工作日历年份"
        verbose_name_plural = "工作日历年份"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """A day that is not what its weekday says: a public holiday on a weekday, or a make-up
    working day (调休上班) on a weekend, entered by the administrator. For a year the package
    covers, a row here corrects the package; ``confirmed_by_package`` turns true once the
    package (after an upgrade) agrees, until then the day is marked as entered by hand."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("工作日")
    name = models.CharField("名称", max_length=30, blank=True, help_text="例如：春节、国庆节、调休上班")
    confirmed_by_package = models.BooleanField("日历包已确认", default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        verbose_name = "节假日和调休"
        verbose_name_plural = "节假日和调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'工作日' if self.is_working_day else '休息日'} {self.name}".strip()


# --- Evidence of presence -------------------------------------------------------------------


class Duty(models.TextChoices):
    """The five duties of the notice's §四, with which diary entries are tagged."""

    ORGANIZATION = "organization", "建强基层组织"
    POVERTY = "poverty", "推动精准扶贫"
    STABILITY = "stability", "维护和谐稳定"
    SERVICE = "service", "为民办事服务"
    GOVERNANCE = "governance", "提升治理水平"


class DiaryEntry(models.Model):
    """One day of the 民情日记 (§五.4): what the secretary did, for which of the five duties,
    how many households he visited. A draft stays his own until submitted; a submitted entry for
    a day in the village is evidence that he was there. No minimum length, no photo."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"

    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="diary_entries")
    date = models.DateField("日期", db_index=True)
    in_village = models.BooleanField("当天在村", default=True)
    duties = models.JSONField("涉及职责", default=list, blank=True, help_text="Duty values, any of the five")
    households_visited = models.PositiveIntegerField("走访农户数", default=0)
    household_names = models.TextField("走访农户（可选）", blank=True)
    content = models.TextField("工作内容")
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.DRAFT)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填写人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    objects = TenureQuerySet.as_manager()

    class Meta:
        verbose_name = "民情日记"
        verbose_name_plural = "民情日记"
        ordering = ["-date", "-id"]
        # One entry per secretary per day (the diary's service also locks the posting row, so
        # that a double click gets its message rather than this constraint's error).
        constraints = [models.UniqueConstraint(fields=["posting", "date"], name="one_diary_entry_per_day")]

    def __str__(self) -> str:
        return f"{self.posting.cadre} {self.date:%Y-%m-%d}"


class PresenceRecord(models.Model):
    """A day in the village recorded by someone other than the diary: confirmed by the township
    (乡镇确认在村) or the secretary's own optional check-in (本人签到, one more kind of evidence,
    never required)."""

    class Kind(models.TextChoices):
        TOWNSHIP = "township", "乡镇确认在村"
        CHECK_IN = "check_in", "本人签到"

    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="presence_records")
    date = models.DateField("日期")
    kind = models.CharField("依据", max_length=16, choices=Kind.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = TenureQuerySet.as_manager()

    class Meta:
        verbose_name = "在村记录"
        verbose_name_plural = "在村记录"
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["posting", "date", "kind"], name="one_presence_record_per_day_and_kind")]

    def __str__(self) -> str:
        return f"{self.posting.cadre} {self.date:%Y-%m-%d} {self.get_kind_display()}"


class Inspection(models.Model):
    """An inspection (巡查, 交叉督查, 随机抽查, 明察暗访) by the county or township: found the
    secretary in the village or not. An absence found is an unexplained day unless leave or an
    official absence covers it."""

    class Kind(models.TextChoices):
        PATROL = "patrol", "巡查"
        CROSS = "cross", "交叉督查"
        RANDOM = "random", "随机抽查"
        UNANNOUNCED = "unannounced", "明察暗访"

    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="inspections")
    date = models.DateField("检查日期", db_index=True)
    kind = models.CharField("方式", max_length=16, choices=Kind.choices)
    inspectors = models.CharField("检查人员", max_length=200)
    found_present = models.BooleanField("在岗")
    remarks = models.TextField("情况说明", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = TenureQuerySet.as_manager()

    class Meta:
        verbose_name = "巡查抽查"
        verbose_name_plural = "巡查抽查"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.posting.cadre} {self.date:%Y-%m-%d} {self.get_kind_display()}（{'在岗' if self.found_present else '不在岗'}）"


class OfficialAbsence(models.Model):
    """Days away on official business (公务外出): training, meetings called by the county or
    above, with the notice or order as the reason. Not leave, not unexplained."""

    class Kind(models.TextChoices):
        TRAINING = "training", "参加培训"
        MEETING = "meeting", "参加县级以上会议"
        OTHER = "other", "其他公务"

    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="official_absences")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    reason = models.CharField("依据（通知或文件）", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = TenureQuerySet.as_manager()

    class Meta:
        verbose_name = "公务外出"
        verbose_name_plural = "公务外出"
        ordering = ["-start_date"]
        constraints = [models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="official_absence_dates_in_order")]

    def __str__(self) -> str:
        return f"{self.posting.cadre} {self.get_kind_display()} {self.start_date:%Y-%m-%d}—{self.end_date:%Y-%m-%d}"


# --- Leave ----------------------------------------------------------------------------------


class LeaveApprovalRule(models.Model):
    """Who approves leave of a given length (in working days): the preset is up to 3 working days
    by the 乡镇党委, longer by the 县委组织部 with the unit informed. The administrator edits the
    thresholds; the rule with the smallest ``max_working_days`` that covers the request applies
    (null: no upper bound)."""

    max_working_days = models.PositiveSmallIntegerField("最多工作日数", null=True, blank=True, unique=True, help_text="留空表示不设上限")
    approver_role = models.CharField("审批", max_length=32, choices=[(Role.TOWNSHIP, "乡镇党委"), (Role.COUNTY_ORG, "县委组织部")])
    inform_unit = models.BooleanField("告知派出单位", default=False)

    class Meta:
        verbose_name = "请假审批规则"
        verbose_name_plural = "请假审批规则"
        ordering = [models.F("max_working_days").asc(nulls_last=True)]

    def __str__(self) -> str:
        bound = f"{self.max_working_days}个工作日以内" if self.max_working_days is not None else "更长"
        return f"{bound}：{self.get_approver_role_display()}审批"


class LeaveRequest(models.Model):
    """A request for leave (请假): kind, dates, reason; approved or returned by the level the rule
    table names; extended by a later request (续假) pointing at it; closed by 销假 with the actual
    return date and the working days taken. Its state changes only through tenure.services,
    each step an append-only LeaveEvent."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", "事假"
        SICK = "sick", "病假"
        OFFICIAL = "official", "公假"
        OTHER = "other", "其他"

    class State(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        RETURNED = "returned", "已退回"
        CANCELLED = "cancelled", "已撤销"
        CLOSED = "closed", "已销假"

    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="leave_requests")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    reason = models.CharField("事由", max_length=200)
    extends = models.ForeignKey("self", verbose_name="续假于", null=True, blank=True, on_delete=models.PROTECT, related_name="extensions")
    working_days = models.PositiveSmallIntegerField("工作日数", default=0)
    approver_role = models.CharField("审批", max_length=32, choices=Role.choices, blank=True)
    inform_unit = models.BooleanField("告知派出单位", default=False)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.PENDING)
    returned_on = models.DateField("实际返岗日期", null=True, blank=True)
    days_taken = models.PositiveSmallIntegerField("实际请假工作日数", null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间", default=timezone.now)

    objects = TenureQuerySet.as_manager()

    class Meta:
        verbose_name = "请假"
        verbose_name_plural = "请假"
        ordering = ["-start_date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="leave_dates_in_order")]

    def __str__(self) -> str:
        return f"{self.posting.cadre} {self.get_kind_display()} {self.start_date:%Y-%m-%d}—{self.end_date:%Y-%m-%d}"


class LeaveEvent(AppendOnlyEvent):
    """One step of a leave request: asked, approved, returned, cancelled, extended, closed."""

    actor_role = models.CharField("操作人角色", max_length=32, choices=Role.choices)
    leave = models.ForeignKey(LeaveRequest, verbose_name="请假", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=16)
    from_state = models.CharField("原状态", max_length=16, choices=LeaveRequest.State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=16, choices=LeaveRequest.State.choices)

    class QuerySet(TenureEventQuerySet):
        scope_region_fields = ("leave__posting__village__code", "leave__posting__unit__region__code")
        scope_unit_field = "leave__posting__unit"
        scope_posting_field = "leave__posting"

    objects = QuerySet.as_manager()

    class Meta(AppendOnlyEvent.Meta):
        verbose_name = "请假操作日志"
        verbose_name_plural = "请假操作日志"


# --- The township's monthly confirmation ----------------------------------------------------


class PresenceMonth(models.Model):
    """The township's confirmation of one secretary's month (月度确认). Confirming stores the
    month's figures as worked out then, and locks the month: its evidence can no longer change.
    A correction reopens it with a reason (a PresenceMonthEvent), then confirms again. The
    allowances of the time in office are paid from confirmed months only."""

    class State(models.TextChoices):
        CONFIRMED = "confirmed", "已确认"
        REOPENED = "reopened", "已重新打开"

    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="presence_months")
    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.CONFIRMED)
    working_days = models.PositiveSmallIntegerField("应在岗工作日")
    in_village_days = models.PositiveSmallIntegerField("在村天数")
    official_absence_days = models.PositiveSmallIntegerField("公务外出天数")
    leave_days = models.PositiveSmallIntegerField("请假天数")
    unexplained_days = models.PositiveSmallIntegerField("未说明天数")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("确认时间", default=timezone.now)

    objects = TenureQuerySet.as_manager()

    class Meta:
        verbose_name = "月度在岗确认"
        verbose_name_plural = "月度在岗确认"
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "year", "month"], name="one_presence_month_per_posting"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="presence_month_is_a_month"),
        ]

    def __str__(self) -> str:
        return f"{self.posting.cadre} {self.year}年{self.month}月（{self.get_state_display()}）"

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.CONFIRMED


class PresenceMonthEvent(AppendOnlyEvent):
    """Confirmed, reopened (with the reason), confirmed again: the month's history."""

    actor_role = models.CharField("操作人角色", max_length=32, choices=Role.choices)
    month = models.ForeignKey(PresenceMonth, verbose_name="月份", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=16)
    from_state = models.CharField("原状态", max_length=16, choices=PresenceMonth.State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=16, choices=PresenceMonth.State.choices)
    figures = models.JSONField("当时数据", default=dict, blank=True)

    class QuerySet(TenureEventQuerySet):
        scope_region_fields = ("month__posting__village__code", "month__posting__unit__region__code")
        scope_unit_field = "month__posting__unit"
        scope_posting_field = "month__posting"

    objects = QuerySet.as_manager()

    class Meta(AppendOnlyEvent.Meta):
        verbose_name = "月度确认日志"
        verbose_name_plural = "月度确认日志"


# The packages of the time in office keep their models in their own modules; importing them
# here registers them with the tenure app.
from tenure.allowances.models import (  # noqa: E402,F401
    AllowanceFloor,
    AllowanceLine,
    AllowanceRate,
    AllowanceStatement,
    AllowanceStatementEvent,
)
from tenure.assessments.models import Assessment, AssessmentEvent, AssessmentSetting, DemocraticEvaluation  # noqa: E402, F401
from tenure.care.models import CareEvent, HealthCheck, Insurance, Training  # noqa: E402, F401
from tenure.teams.models import TeamMember, WorkTeam, WorkTeamEvent  # noqa: E402, F401
from tenure.term.models import ExtensionConsent  # noqa: E402, F401
from tenure.workreports.models import WorkReport, WorkReportEvent, WorkReportHearing  # noqa: E402,F401

# The audit trail (core.audit): one line per model whose changes are kept (the append-only event
# logs, LeaveEvent, PresenceMonthEvent and the packages' *Event models, are their own history).
for _model in (
    SecretaryAccount,
    CalendarYear,
    CalendarDay,
    DiaryEntry,
    PresenceRecord,
    Inspection,
    OfficialAbsence,
    LeaveApprovalRule,
    LeaveRequest,
    PresenceMonth,
    AllowanceFloor,
    AllowanceRate,
    AllowanceStatement,
    AllowanceLine,
    WorkReport,
    WorkReportHearing,
    Assessment,
    AssessmentSetting,
    DemocraticEvaluation,
    ExtensionConsent,
    Training,
    HealthCheck,
    Insurance,
    WorkTeam,
    TeamMember,
):
    audit.track(_model)
