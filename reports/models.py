"""Submissions of the ledger (附表3) and statistics (附表4): county → city → province.

A submission freezes what it reports (the ledger rows as JSON, the two generated workbooks and
their SHA-256 checksums) at the moment it is made; later edits of postings never reach it. Its
state changes only through reports.services (one function per transition), each writing a
SubmissionEvent.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from core import audit
from core.models import AppendOnlyEvent, AppendOnlyQuerySet
from core.scope import Scope, ScopedQuerySet
from dispatch.models import Campaign, Role
from villages.models import Region

# Counties are due at their city this many days before the city's own deadline, unless the
# province sets a date for the campaign (CountyDeadline, in the admin).
DEFAULT_COUNTY_LEAD_DAYS = 10


class CountyDeadline(models.Model):
    """When the counties' ledgers are due at their city in one campaign. The cities' deadline
    towards the province is the campaign's own ``ledger_deadline`` (7月15日 in 2015)."""

    campaign = models.OneToOneField(Campaign, verbose_name="选派批次", on_delete=models.CASCADE, related_name="county_deadline")
    due_on = models.DateField("县级报送期限", help_text="各县委组织部向市委组织部报送工作台账的期限")

    class Meta:
        verbose_name = "县级台账报送期限"
        verbose_name_plural = "县级台账报送期限"

    def __str__(self) -> str:
        return f"{self.campaign}：{date_format(self.due_on)}"

    def clean(self) -> None:
        if self.due_on and self.campaign_id and self.due_on > self.campaign.ledger_deadline:
            raise ValidationError({"due_on": f"县级报送期限不能晚于市级报送期限（{date_format(self.campaign.ledger_deadline)}）。"})


class SubmissionQuerySet(ScopedQuerySet):
    # A county's code starts with its city's prefix: a city sees its own and its counties'
    # submissions, a county only its own, the province all.
    scope_region_fields = ("region__code",)

    def scope_q(self, scope: Scope) -> Q:
        # Unit users and 省扶贫办 carry a region prefix too, but ledgers are the organization
        # departments' business: they see none.
        if not scope.everything and (scope.unit_id is not None or scope.unit_level is not None):
            return Q(pk__in=[])
        return super().scope_q(scope)

    def open(self) -> SubmissionQuerySet:
        return self.filter(state__in=Submission.OPEN_STATES)

    def without_snapshot(self) -> SubmissionQuerySet:
        """Leave the frozen rows (a city's may be thousands) in the database: statuses, lists,
        decisions and downloads do not read them; the detail page and the diff do."""
        return self.defer("rows", "columns")


def submission_file_path(instance: Submission, filename: str) -> str:
    """submissions/<campaign>/<region code>/<file name>: the service names the files."""
    return f"submissions/{instance.campaign_id}/{instance.region.code}/{filename}"


class Submission(models.Model):
    """One region's (a county's or a city's) ledger and statistics for one campaign, sent to
    the level above, with the snapshot it froze. A return (or the submitter's withdrawal before
    the decision) reopens the region: its next submission points back to this one
    (``previous``) and shows what changed."""

    class Level(models.TextChoices):
        COUNTY = "county", "县级台账"
        CITY = "city", "市级汇总台账"

    class State(models.TextChoices):
        SUBMITTED = "submitted", "已报送待接收"
        ACCEPTED = "accepted", "已接收"
        RETURNED = "returned", "已退回"
        # The submitter took it back before the level above decided (reports.services.submission_withdraw).
        WITHDRAWN = "withdrawn", "已撤回"

    OPEN_STATES = (State.SUBMITTED, State.ACCEPTED)
    # Closed without being accepted: the region submits again, and the next submission points back here.
    REOPENED_STATES = (State.RETURNED, State.WITHDRAWN)

    campaign = models.ForeignKey(Campaign, verbose_name="选派批次", on_delete=models.PROTECT, related_name="submissions")
    region = models.ForeignKey(Region, verbose_name="报送地区", on_delete=models.PROTECT, related_name="submissions")
    level = models.CharField("层级", max_length=8, choices=Level.choices)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.SUBMITTED)
    previous = models.OneToOneField("self", verbose_name="上一次报送", null=True, blank=True, on_delete=models.PROTECT, related_name="next")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("报送时间", default=timezone.now)
    note = models.TextField("报送说明", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    # A city's compiled ledger is signed by the department head and stamped (附表3's footer).
    signer = models.CharField("审核人（部长签字）", max_length=30, blank=True)
    scan = models.FileField("签字盖章扫描件", upload_to=submission_file_path, blank=True)
    scan_sha256 = models.CharField("扫描件 SHA-256", max_length=64, blank=True)
    # The frozen snapshot.
    columns = models.JSONField("台账列", default=list, help_text="[列键, 列名] 的列表，与报送时的台账一致")
    rows = models.JSONField("台账行", default=list)
    row_count = models.PositiveIntegerField("台账行数", default=0)
    rows_sha256 = models.CharField("台账行 SHA-256", max_length=64)
    ledger_file = models.FileField("工作台账（附表3）", upload_to=submission_file_path)
    ledger_sha256 = models.CharField("附表3 SHA-256", max_length=64)
    statistics_file = models.FileField("情况统计表（附表4）", upload_to=submission_file_path)
    statistics_sha256 = models.CharField("附表4 SHA-256", max_length=64)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = "台账报送"
        verbose_name_plural = "台账报送"
        ordering = ["-submitted_at", "-id"]
        permissions = [
            ("submit_county_ledger", "向市委组织部报送县级台账"),
            ("decide_county_ledger", "接收或退回县级台账"),
            ("submit_city_ledger", "向省委组织部报送市级汇总台账"),
            ("decide_city_ledger", "接收或退回市级汇总台账"),
        ]
        constraints = [
            # The last line against a double submit: at most one submitted-or-accepted per region.
            models.UniqueConstraint(
                fields=["campaign", "region"],
                condition=Q(state__in=["submitted", "accepted"]),
                name="one_open_submission_per_region",
                violation_error_message="该地区本批次已有待接收或已接收的报送。",
            ),
            models.CheckConstraint(
                name="submission_returned_has_reason",
                condition=~Q(state="returned") | ~Q(return_reason=""),
                violation_error_message="退回须填写理由。",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "region", "-submitted_at"], name="submission_region_latest")]

    def __str__(self) -> str:
        submitted = date_format(timezone.localtime(self.submitted_at))
        return f"{self.region.name}{self.get_level_display()}（{submitted}，{self.get_state_display()}）"

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.ACCEPTED

    @property
    def deadline(self) -> datetime.date:
        return deadline_for(campaign=self.campaign, level=self.level)

    @property
    def is_late(self) -> bool:
        return is_late(self.submitted_at, self.deadline)


# Lateness, one rule for the submission pages, the overview, the 待办 and the dashboard: a
# submission made on the deadline day (in the project's time zone) is on time, one made from
# the next day on is late; a region with nothing submitted is overdue from then on.
def late_from(deadline: datetime.date) -> datetime.datetime:
    """The moment a submission due on ``deadline`` becomes late: the start of the next day."""
    return timezone.make_aware(datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time.min))


def is_late(submitted_at: datetime.datetime, deadline: datetime.date) -> bool:
    return submitted_at >= late_from(deadline)


def is_past(deadline: datetime.date) -> bool:
    """The deadline has passed: what is missing now is overdue."""
    return timezone.now() >= late_from(deadline)


def deadline_for(*, campaign: Campaign, level: str) -> datetime.date:
    """The day a level's submissions are due in a campaign."""
    if level == Submission.Level.CITY:
        return campaign.ledger_deadline
    own = CountyDeadline.objects.filter(campaign=campaign).values_list("due_on", flat=True).first()
    return own or campaign.ledger_deadline - datetime.timedelta(days=DEFAULT_COUNTY_LEAD_DAYS)


class SubmissionEventQuerySet(AppendOnlyQuerySet, SubmissionQuerySet):
    scope_region_fields = ("submission__region__code",)


class SubmissionEvent(AppendOnlyEvent):
    """One action on a submission: submit, accept, return or withdraw; who, in which role, when, from,
    to, note. Append-only, like PostingEvent."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "报送"
        ACCEPT = "accept", "接收"
        RETURN = "return", "退回"
        WITHDRAW = "withdraw", "撤回"

    actor_role = models.CharField("操作人角色", max_length=32, choices=Role.choices)
    submission = models.ForeignKey(Submission, verbose_name="报送", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    from_state = models.CharField("原状态", max_length=16, choices=Submission.State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=16, choices=Submission.State.choices)

    objects = SubmissionEventQuerySet.as_manager()

    class Meta(AppendOnlyEvent.Meta):
        verbose_name = "报送操作日志"
        verbose_name_plural = "报送操作日志"

    def __str__(self) -> str:
        return f"{self.get_action_display()}：{super().__str__()}"


# The audit trail (core.audit): one line per model whose changes are kept.
audit.track(Submission)
audit.track(CountyDeadline)
