"""驻村工作组 (notice §六.2): for a 重点难点村 (``Village.is_key_difficult``) the county may draw
3–5 cadres from city and county departments and townships into a work team that helps the
first secretary in office there, who leads it.

A member is identified by his 公民身份证号: the members come from departments and townships whose
people are mostly not in the register of cadres (``Cadre`` holds only those a unit put forward
as secretaries), and the number is what tells two 王伟 apart across units and is checked by
its check digit. When a ``Cadre`` with that number exists, the membership links to it.

Teams are formed, joined, left and dissolved only through tenure.teams.services, each step a
WorkTeamEvent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import AppendOnlyEvent, AppendOnlyQuerySet
from core.scope import ScopedQuerySet
from dispatch.models import Role
from secretaries.models import Cadre, Posting
from villages.models import Village

MIN_MEMBERS = 3
MAX_MEMBERS = 5


class WorkTeamQuerySet(ScopedQuerySet):
    """A team is seen where its village is (township, county and above), by the unit of the
    secretary who leads it, and by that secretary."""

    scope_region_fields = ("village__code",)
    scope_unit_field = "leader__unit"
    scope_posting_field = "leader"

    def active(self) -> WorkTeamQuerySet:
        return self.filter(dissolved_on__isnull=True)


class WorkTeam(models.Model):
    """One 驻村工作组 of a village, from the day the county formed it to the day it dissolved it."""

    village = models.ForeignKey(Village, verbose_name="村", on_delete=models.PROTECT, related_name="work_teams")
    leader = models.ForeignKey(Posting, verbose_name="第一书记（组长）", on_delete=models.PROTECT, related_name="work_teams")
    formed_on = models.DateField("组建日期")
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    formed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="组建人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = WorkTeamQuerySet.as_manager()

    class Meta:
        verbose_name = "驻村工作组"
        verbose_name_plural = "驻村工作组"
        ordering = ["village__code", "-formed_on"]
        constraints = [
            models.UniqueConstraint(fields=["village"], condition=Q(dissolved_on__isnull=True), name="one_active_work_team_per_village"),
        ]

    def __str__(self) -> str:
        return f"{self.village.name}驻村工作组"

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None


class TeamMember(models.Model):
    """One person's membership of one team, from the day he joined to the day he left."""

    class Level(models.TextChoices):
        CITY = "city", "市级部门"
        COUNTY = "county", "县级部门"
        TOWNSHIP = "township", "乡镇"

    class QuerySet(ScopedQuerySet):
        scope_region_fields = ("team__village__code",)
        scope_unit_field = "team__leader__unit"
        scope_posting_field = "team__leader"

    team = models.ForeignKey(WorkTeam, verbose_name="工作组", on_delete=models.PROTECT, related_name="members")
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("公民身份证号", max_length=18, db_index=True)
    cadre = models.ForeignKey(Cadre, verbose_name="干部", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField("工作单位", max_length=100)
    level = models.CharField("单位层级", max_length=16, choices=Level.choices)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("离开日期", null=True, blank=True)

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = "工作组成员"
        verbose_name_plural = "工作组成员"
        ordering = ["joined_on", "id"]
        constraints = [
            # A person is in one active team at a time (the service says so first, in Chinese).
            models.UniqueConstraint(fields=["id_number"], condition=Q(left_on__isnull=True), name="one_active_team_per_person"),
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")), name="member_dates_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit_name}）"

    @property
    def is_active(self) -> bool:
        return self.left_on is None

    @property
    def masked_id_number(self) -> str:
        # Pages show the number masked: it identifies the person, it is not for reading off.
        return f"{self.id_number[:6]}********{self.id_number[-4:]}" if len(self.id_number) == 18 else self.id_number


class WorkTeamEvent(AppendOnlyEvent):
    """A step of a team's life: formed, a member joined or left, dissolved."""

    class Action(models.TextChoices):
        FORMED = "formed", "组建"
        JOINED = "joined", "成员加入"
        LEFT = "left", "成员离开"
        DISSOLVED = "dissolved", "撤销"

    class QuerySet(AppendOnlyQuerySet):
        scope_region_fields = ("team__village__code",)
        scope_unit_field = "team__leader__unit"
        scope_posting_field = "team__leader"

    actor_role = models.CharField("操作人角色", max_length=32, choices=Role.choices)
    team = models.ForeignKey(WorkTeam, verbose_name="工作组", on_delete=models.PROTECT, related_name="events")
    member = models.ForeignKey(TeamMember, verbose_name="成员", null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    on = models.DateField("日期")

    objects = QuerySet.as_manager()

    class Meta(AppendOnlyEvent.Meta):
        verbose_name = "工作组变动日志"
        verbose_name_plural = "工作组变动日志"

    def __str__(self) -> str:
        return f"{self.team} {self.get_action_display()} {self.member or ''}".strip()
