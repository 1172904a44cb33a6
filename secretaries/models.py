"""Cadres and their postings through the six steps of notice §三:
个人报名 → 资格审查 → 组织推荐 → 研究确定 → 履岗任职 → 期满免职."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core import audit
from core.models import AppendOnlyEvent, AppendOnlyQuerySet
from core.scope import ScopedQuerySet
from dispatch.models import Campaign, DispatchingUnit, Role
from secretaries.idcard import InvalidIdNumber, mismatches, parse_id_number
from villages.models import Region, Village

ETHNICITIES = """汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族
傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族
锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族
门巴族 珞巴族 基诺族""".split()


class Cadre(models.Model):
    """A person who applies to go to a village: one row per 身份证号 across the province."""

    class Sex(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class Education(models.TextChoices):
        POSTGRADUATE = "postgraduate", "研究生"
        BACHELOR = "bachelor", "大学本科"
        COLLEGE = "college", "大专"
        SECONDARY = "secondary", "中专及以下"

    class PoliticalStatus(models.TextChoices):
        MEMBER = "member", "中共党员"
        PROBATIONARY = "probationary", "中共预备党员"
        OTHER = "other", "其他"

    class Rank(models.TextChoices):
        DIVISION_OR_ABOVE = "division", "处级以上"
        SECTION = "section", "科级"
        BELOW_SECTION = "below_section", "科级以下"

    class Source(models.TextChoices):
        # The four sources of notice §二.
        YOUNG_CADRE = "young", "优秀年轻干部"
        RESERVE_CADRE = "reserve", "后备干部"
        ENTERPRISE_INSTITUTION = "enterprise", "国有企业、事业单位优秀人员"
        RETIRED_FROM_LEADERSHIP = "adjusted", "因年龄原因从领导岗位上调整下来、尚未退休的干部"

    name = models.CharField("姓名", max_length=30)
    id_number = models.CharField("公民身份证号", max_length=18, unique=True)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    ethnicity = models.CharField("民族", max_length=8, choices=[(e, e) for e in ETHNICITIES], default="汉族")
    education = models.CharField("学历", max_length=16, choices=Education.choices)
    political_status = models.CharField("政治面貌", max_length=16, choices=PoliticalStatus.choices)
    party_join_date = models.DateField("入党时间", null=True, blank=True)
    work_start_date = models.DateField("参加工作时间")
    unit = models.ForeignKey(DispatchingUnit, verbose_name="工作单位", on_delete=models.PROTECT, related_name="cadres")
    position = models.CharField("职务", max_length=60, blank=True)
    rank = models.CharField("职级", max_length=16, choices=Rank.choices)
    source = models.CharField("干部类别", max_length=16, choices=Source.choices)
    is_27th_batch = models.BooleanField("省委第27批农村工作队员", default=False)
    has_rural_experience = models.BooleanField("有农村工作经验", default=False)
    has_agriculture_expertise = models.BooleanField("有涉农专业技术特长", default=False)
    is_township_cadre = models.BooleanField("乡镇干部", default=False)
    fit_for_duty = models.BooleanField("具有正常履行职责的身体条件", default=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)

    class QuerySet(ScopedQuerySet):
        scope_region_fields = ("unit__region__code",)
        scope_province_field = "unit__region__code"
        scope_unit_field = "unit"

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["name"]
        permissions = [("import_cadre", "导入报名人员名单"), ("export_cadre", "导出报名人员名单")]

    def __str__(self) -> str:
        return self.name

    def problems(self, *, birth_has_day: bool = True) -> dict[str, str]:
        """The rules about one cadre, {field: message}: a valid 身份证号, sex and birth date as
        the number says (``birth_has_day`` False: a birth month, as rosters give it), no 入党时间
        for a non-member, work started after birth. Fields left empty are not checked, so an
        import asks it about the cells a row gives; ``clean`` asks it about the whole cadre."""
        try:
            _, birth, _ = parse_id_number(self.id_number)
        except InvalidIdNumber as e:
            return {"id_number": str(e)}
        errors = mismatches(self.id_number, sex=self.sex or None, birth=self.birth_date, birth_has_day=birth_has_day)
        if self.political_status == self.PoliticalStatus.OTHER and self.party_join_date:
            errors["party_join_date"] = "非中共党员不应填写入党时间。"
        if self.work_start_date and self.work_start_date < birth:
            errors["work_start_date"] = "早于出生日期。"
        return errors

    def clean(self) -> None:
        errors = self.problems()
        if errors:
            raise ValidationError(errors)
        self.id_number, self.birth_date, self.sex = parse_id_number(self.id_number)

    @property
    def priority_marks(self) -> list[str]:
        """What the notice prefers (§一.2, §二)."""
        marks = []
        if self.has_rural_experience:
            marks.append("有农村工作经验")
        if self.has_agriculture_expertise:
            marks.append("有涉农专业技术特长")
        if self.is_27th_batch:
            marks.append("第27批农村工作队员")
        return marks


class Posting(models.Model):
    """One cadre's way through the pipeline in one campaign, then in office in one village.
    Its state changes only through secretaries.services (one function per transition)."""

    class State(models.TextChoices):
        APPLIED = "applied", "个人报名"
        QUALIFIED = "qualified", "资格审查通过"
        REJECTED = "rejected", "资格审查未通过"
        RECOMMENDED = "recommended", "组织推荐"
        APPROVED = "approved", "省扶贫办审核同意"
        FILED = "filed", "审核备案"
        ASSIGNED = "assigned", "已分配到村"
        IN_OFFICE = "in_office", "履岗任职"
        ENDED = "ended", "期满免职"
        RECALLED = "recalled", "调整召回"
        WITHDRAWN = "withdrawn", "撤回"

    class RecallReason(models.TextChoices):
        # The coded reasons of 调整召回 (#13 point 6); the text is the event's note.
        INCAPABLE = "incapable", "不胜任"
        INCOMPETENT = "incompetent", "不称职"
        HEALTH = "health", "健康"
        WORK_NEEDS = "work_needs", "工作需要"
        OTHER = "other", "其他"

    ACTIVE_STATES = (State.APPLIED, State.QUALIFIED, State.RECOMMENDED, State.APPROVED, State.FILED, State.ASSIGNED, State.IN_OFFICE)
    COVERING_STATES = (State.ASSIGNED, State.IN_OFFICE)
    # What uses a place of the unit's 附表2 quota in the county: recommended (and approved,
    # filed) on their way there, assigned and in office. Returned, rejected, withdrawn, ended
    # and recalled candidates give their place back.
    QUOTA_STATES = (State.RECOMMENDED, State.APPROVED, State.FILED, State.ASSIGNED, State.IN_OFFICE)
    # The steps that send a candidate back (the reason is the event's note): 省扶贫办's and the
    # filing department's 退回单位, the county's 撤销分配.
    RETURN_ACTIONS = ("return", "file_return", "unassign")

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="postings")
    campaign = models.ForeignKey(Campaign, verbose_name="选派批次", on_delete=models.PROTECT, related_name="postings")
    unit = models.ForeignKey(DispatchingUnit, verbose_name="派出单位", on_delete=models.PROTECT, related_name="postings")
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.APPLIED)
    county = models.ForeignKey(
        Region,
        verbose_name="派驻县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="postings",
        limit_choices_to={"level": Region.Level.COUNTY},
    )
    village = models.ForeignKey(Village, verbose_name="派驻村", null=True, blank=True, on_delete=models.PROTECT, related_name="postings")
    assignment_reason = models.CharField("派往非贫困村的理由", max_length=200, blank=True)
    recommended_on = models.DateField("党委（党组）研究日期", null=True, blank=True)
    recommendation = models.CharField("研究决定", max_length=200, blank=True)
    start_date = models.DateField("任职时间（到村时间）", null=True, blank=True)
    end_date = models.DateField("任期届满日期", null=True, blank=True)
    party_relation_transferred = models.BooleanField("党组织关系已转入村", default=False)
    recall_reason = models.CharField("调整召回原因", max_length=16, choices=RecallReason.choices, blank=True)
    applied_at = models.DateTimeField("报名时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class QuerySet(ScopedQuerySet):
        # The unit sees its candidates; the county (and city, province) the postings into it and
        # those of its own units; 省扶贫办 the provincial units' candidates; the township the
        # secretaries of its villages, whom it manages day to day (notice §五).
        scope_region_fields = ("county__code", "unit__region__code", "village__code")
        # A central unit's secretaries in Shanxi (中央在晋单位) have the province as their unit's region.
        scope_province_field = "unit__region__code"
        scope_unit_field = "unit"
        scope_posting_field = ""

        def quota_use(self, campaign_id: int) -> dict[tuple[int, int], int]:
            """{(unit id, county id): postings using a place of that 附表2 quota} among these
            postings in the campaign: the one definition of a quota's use (QUOTA_STATES)."""
            rows = (
                self.filter(campaign_id=campaign_id, state__in=Posting.QUOTA_STATES, county__isnull=False)
                .order_by()
                .values_list("unit_id", "county_id")
                .annotate(n=models.Count("pk"))
            )
            return {(unit, county): n for unit, county, n in rows}

        def returned(self) -> models.QuerySet:
            return self.filter(Posting.returned_q())

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = "选派记录"
        verbose_name_plural = "选派记录"
        ordering = ["-applied_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "campaign"],
                condition=~Q(state__in=["rejected", "withdrawn"]),
                name="one_active_posting_per_cadre_and_campaign",
                violation_error_message="该干部在本批次已有报名记录。",
            ),
            models.UniqueConstraint(
                fields=["village"],
                condition=Q(state__in=["assigned", "in_office"]),
                name="one_secretary_per_village",
                violation_error_message="该村已有分配或在任的第一书记。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre}（{self.get_state_display()}）"

    @staticmethod
    def returned_q() -> Q:
        """Candidates sent back to their unit and not recommended again: the only way back to
        资格审查通过 is a return (省扶贫办's or the filing department's)."""
        sent_back = PostingEvent.objects.filter(posting=models.OuterRef("pk"), action__in=("return", "file_return"))
        return Q(models.Exists(sent_back), state=Posting.State.QUALIFIED)

    def latest_return(self) -> PostingEvent | None:
        """The latest event that sent this posting back (its note is the reason)."""
        return self.events.filter(action__in=self.RETURN_ACTIONS).select_related("actor").order_by("-at", "-pk").first()


class PostingEventQuerySet(AppendOnlyQuerySet):
    scope_region_fields = ("posting__county__code", "posting__unit__region__code", "posting__village__code")
    scope_unit_field = "posting__unit"
    scope_posting_field = "posting"


class PostingEvent(AppendOnlyEvent):
    """One transition of a posting: who, in which role, when, from, to, note. Append-only."""

    actor_role = models.CharField("操作人角色", max_length=32, choices=Role.choices)
    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=16)
    from_state = models.CharField("原状态", max_length=16, choices=Posting.State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=16, choices=Posting.State.choices)

    objects = PostingEventQuerySet.as_manager()

    class Meta(AppendOnlyEvent.Meta):
        verbose_name = "选派操作日志"
        verbose_name_plural = "选派操作日志"


# The audit trail (core.audit): one line per model whose changes are kept. PostingEvent is not
# here: an event row is only ever inserted (AppendOnlyEvent refuses change and delete) and says
# itself who did what when; the posting's own history records each change it made.
audit.track(Cadre)
audit.track(Posting)
