from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core import audit
from core.scope import NOTHING, Scope, ScopedQuerySet
from villages.models import Region


class Role(models.TextChoices):
    """The users of DESIGN.md. Each user has exactly one role and one scope."""

    PROVINCIAL_ORG = "provincial_org", "省委组织部"
    POVERTY_OFFICE = "poverty_office", "省扶贫办"
    CITY_ORG = "city_org", "市委组织部"
    COUNTY_ORG = "county_org", "县委组织部"
    TOWNSHIP = "township", "乡镇党委"
    UNIT = "unit", "派出单位"
    SECRETARY = "secretary", "第一书记"
    ADMIN = "admin", "系统管理员"
    # Reads the audit trail and the personal-data access log, and nothing else (等保 2.0: a
    # separate audit role); its scope is nothing, so it sees no village, unit or cadre.
    AUDITOR = "auditor", "审计员"


# The level of region each role's scope is; unit users are scoped by their unit instead.
ROLE_REGION_LEVEL = {
    Role.PROVINCIAL_ORG: Region.Level.PROVINCE,
    Role.POVERTY_OFFICE: Region.Level.PROVINCE,
    Role.CITY_ORG: Region.Level.CITY,
    Role.COUNTY_ORG: Region.Level.COUNTY,
    Role.TOWNSHIP: Region.Level.TOWNSHIP,
    Role.SECRETARY: Region.Level.TOWNSHIP,
}


class DispatchingUnit(models.Model):
    """A 派出单位: an organ, institution or state enterprise that sends cadres to villages."""

    class Level(models.TextChoices):
        CENTRAL = "central", "中央在晋单位"
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县"

    class Kind(models.TextChoices):
        PARTY_GOVERNMENT = "party_government", "党政机关"
        INSTITUTION = "institution", "事业单位"
        STATE_ENTERPRISE = "state_enterprise", "国有企业"
        UNIVERSITY = "university", "高等院校"
        PEOPLES_ORGANIZATION = "peoples_organization", "人民团体"

    # 国有企业、事业单位 in Shanxi's 2015 count (附表3/附表4): these kinds, whatever the level.
    ENTERPRISE_KINDS = (Kind.INSTITUTION, Kind.STATE_ENTERPRISE, Kind.UNIVERSITY)

    name = models.CharField("单位名称", max_length=100)
    level = models.CharField("单位层级", max_length=16, choices=Level.choices)
    kind = models.CharField("单位性质", max_length=32, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="units")
    is_agriculture_related = models.BooleanField("涉农单位", default=False)

    class QuerySet(ScopedQuerySet):
        scope_region_fields = ("region__code",)
        scope_province_field = "region__code"
        scope_unit_field = ""  # the unit itself

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = "派出单位"
        verbose_name_plural = "派出单位"
        ordering = ["level", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "region"], name="unit_name_unique_in_region")]
        permissions = [("import_dispatchingunit", "可以导入派出单位"), ("export_dispatchingunit", "可以导出派出单位")]

    def __str__(self) -> str:
        return self.name

    # The level of region each level of unit stands in: provincial and central units in the
    # province, city units in their city, county units in their county.
    REGION_LEVEL = {
        Level.CENTRAL: Region.Level.PROVINCE,
        Level.PROVINCE: Region.Level.PROVINCE,
        Level.CITY: Region.Level.CITY,
        Level.COUNTY: Region.Level.COUNTY,
    }
    LEVEL_NOUN = {Level.CENTRAL: "中央在晋单位", Level.PROVINCE: "省级单位", Level.CITY: "市级单位", Level.COUNTY: "县级单位"}

    def clean(self) -> None:
        if self.level in self.REGION_LEVEL and self.region_id is not None:
            wanted = self.REGION_LEVEL[self.level]
            if self.region.level != wanted:
                noun, region = self.LEVEL_NOUN[self.level], self.region
                raise ValidationError({"region": f"{noun}的所在区划应为{wanted.label}，而“{region.name}”是{region.get_level_display()}。"})


class Campaign(models.Model):
    """A 选派批次: one round of sending first secretaries under one notice. Quotas, postings,
    ledgers and submissions belong to a campaign; one campaign is current at a time, and the
    others stay readable."""

    name = models.CharField("批次名称", max_length=100, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    notice_number = models.CharField("文件号", max_length=50, help_text="例如：晋组通字〔2015〕41号")
    term_years = models.PositiveSmallIntegerField("任期（年）", default=2)
    arrival_deadline = models.DateField("全部到岗期限", null=True, blank=True)
    ledger_deadline = models.DateField("台账报送期限", help_text="各市委组织部向省委组织部报送工作台账的期限")
    is_open = models.BooleanField("进行中", default=True)
    is_current = models.BooleanField("当前批次", default=False)

    class QuerySet(ScopedQuerySet):
        scope_public = True

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = "选派批次"
        verbose_name_plural = "选派批次"
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="one_current_campaign",
                violation_error_message="只能有一个当前批次。",
            ),
            models.CheckConstraint(
                name="campaign_term_positive", condition=Q(term_years__gte=1), violation_error_message="任期至少为1年。"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Campaign | None:
        return cls.objects.filter(is_current=True).first()


class QuotaAllocation(models.Model):
    """附表2: how many first secretaries one dispatching unit sends into one county in one
    campaign. The province sets provincial units' quotas; cities and counties set their own
    units' (notice §一.2)."""

    campaign = models.ForeignKey(Campaign, verbose_name="选派批次", on_delete=models.PROTECT, related_name="quotas")
    unit = models.ForeignKey(DispatchingUnit, verbose_name="派出单位", on_delete=models.PROTECT, related_name="quotas")
    county = models.ForeignKey(
        Region,
        verbose_name="县（市、区）",
        on_delete=models.PROTECT,
        related_name="quotas",
        limit_choices_to={"level": Region.Level.COUNTY},
    )
    count = models.PositiveSmallIntegerField("选派人数")

    class QuerySet(ScopedQuerySet):
        # A county sees the quotas into it and those of its own units; a unit its own.
        scope_region_fields = ("county__code", "unit__region__code")
        scope_unit_field = "unit"

    objects = QuerySet.as_manager()

    class Meta:
        verbose_name = "名额分配"
        verbose_name_plural = "名额分配"
        ordering = ["campaign", "county__code", "unit__name"]
        permissions = [("import_quotaallocation", "可以导入名额分配表（附表2）")]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "county"],
                name="quota_unique_per_unit_and_county",
                violation_error_message="同一批次中，同一单位对同一县只能有一条名额。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} → {self.county}：{self.count}"


class UserQuerySet(ScopedQuerySet):
    scope_region_fields = ("region__code", "unit__region__code")


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `createsuperuser` asks nothing about roles: a superuser is a system administrator.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person or a department's account. Its role says what it does, its scope what it sees:
    a region for organization departments and townships, a dispatching unit for unit users."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    region = models.ForeignKey(Region, verbose_name="管辖区域", null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    unit = models.ForeignKey(
        DispatchingUnit, verbose_name="所属派出单位", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    phone = models.CharField("联系电话", max_length=32, blank=True)
    # A first password handed over on paper (a secretary's 开通通知, a reset by the county) is
    # known to someone else: until its owner sets his own, every page sends him to change it
    # (dispatch.middleware.PasswordChangeRequiredMiddleware).
    must_change_password = models.BooleanField("须修改初始密码", default=False)

    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                name="user_unit_role_has_unit",
                condition=~Q(role="unit") | Q(unit__isnull=False),
                violation_error_message="派出单位用户必须指定所属派出单位。",
            ),
            models.CheckConstraint(
                name="user_region_role_has_region",
                condition=Q(role__in=["unit", "admin", "auditor"]) | Q(region__isnull=False),
                violation_error_message="该角色必须指定管辖区域。",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.role == Role.UNIT:
            if self.unit_id is None:
                errors["unit"] = "派出单位用户必须指定所属派出单位。"
        elif self.role in ROLE_REGION_LEVEL:
            level = ROLE_REGION_LEVEL[Role(self.role)]
            if self.region_id is None:
                errors["region"] = f"{Role(self.role).label}用户必须指定管辖区域（{level.label}级）。"
            elif self.region.level != level:
                errors["region"] = (
                    f"{Role(self.role).label}用户的管辖区域应为{level.label}级，而“{self.region.name}”是{self.region.get_level_display()}级。"
                )
        if errors:
            raise ValidationError(errors)

    @property
    def scope(self) -> Scope:
        """The one place that says what this user may see (see core.scope)."""
        if self.is_superuser or self.role in (Role.ADMIN, Role.PROVINCIAL_ORG):
            return Scope(everything=True)
        if self.role == Role.UNIT:
            if self.unit is None:
                return NOTHING
            counties = None
            if self.unit.level in (DispatchingUnit.Level.PROVINCE, DispatchingUnit.Level.CENTRAL):
                # A provincial (or central) unit's region is the province, but it sends people
                # only to the counties of its 附表2 quotas (notice §三): of the regions and
                # villages it sees those counties and the counties its postings went to, not the
                # province's 28,000 villages. A city or county unit may recommend to any county
                # of its own region (secretaries.selectors.recommend_counties), so keeps it.
                # A subquery, not a list: evaluated inside each query, never stale, no query here.
                counties = Region.objects.filter(level=Region.Level.COUNTY).filter(
                    Q(pk__in=QuotaAllocation.objects.filter(unit_id=self.unit_id).values("county")) | Q(postings__unit_id=self.unit_id)
                )
            return Scope(region_prefix=self.unit.region.scope_prefix, unit_id=self.unit_id, counties=counties)
        if self.role == Role.SECRETARY:
            # His own posting and its records; of the regions and villages, his village. The
            # account is the tenure app's (tenure.SecretaryAccount); without one he sees nothing.
            account = getattr(self, "secretary_account", None)
            if account is None or account.posting.village is None:
                return NOTHING
            return Scope(region_prefix=account.posting.village.code, posting_id=account.posting_id)
        if self.role == Role.POVERTY_OFFICE and self.region is not None:
            # Everything of the province to read, but only provincial units' candidates to act on.
            return Scope(region_prefix=self.region.scope_prefix, unit_level=DispatchingUnit.Level.PROVINCE)
        if self.role in ROLE_REGION_LEVEL and self.region is not None:
            return Scope(region_prefix=self.region.scope_prefix)
        return NOTHING

    @property
    def scope_label(self) -> str:
        """What the header shows: 山西省忻州市岢岚县, or the unit's name."""
        if self.role == Role.UNIT and self.unit is not None:
            return self.unit.name
        if self.role == Role.AUDITOR:
            return "审计（只读）"
        if self.region is not None:
            return self.region.full_name
        if self.scope.everything:
            return "全省"
        return "未设置"


# The audit trail (core.audit): one line per model whose changes are kept.
audit.track(User)
audit.track(DispatchingUnit)
audit.track(Campaign)
audit.track(QuotaAllocation)
