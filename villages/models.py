from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core import audit
from core.scope import ScopedQuerySet, deployment_province_prefix

# A county the notice counts as poor: national key, contiguous poor area, or provincial.
POOR_COUNTY = Q(level="county") & (
    Q(is_national_key_county=True) | Q(is_contiguous_poor_area_county=True) | Q(is_provincial_poor_county=True)
)


class RegionQuerySet(ScopedQuerySet):
    scope_region_fields = ("code",)
    scope_province_field = "code"

    def of_deployment(self) -> RegionQuerySet:
        """The regions of the deployment's own province (settings.PROVINCE_CODE), whatever other
        provinces are loaded beside it: what imports and loaders look names up in."""
        return self.filter(code__startswith=deployment_province_prefix())

    def counties_q(self, counties) -> Q:
        # The counties, their townships, and the city and province above them (for names and
        # the pickers that start from a city); not the other counties of those cities.
        return (
            Q(pk__in=counties) | Q(parent__in=counties) | Q(pk__in=counties.values("parent")) | Q(pk__in=counties.values("parent__parent"))
        )

    def counties(self) -> RegionQuerySet:
        return self.filter(level=Region.Level.COUNTY)

    def poor_counties(self) -> RegionQuerySet:
        return self.filter(POOR_COUNTY)

    def search(self, text: str) -> RegionQuerySet:
        """Match a current name, a 2015 name that has since changed, or a code."""
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(name__contains=text) | Q(former_names__contains=text) | Q(code__startswith=text))


class Region(models.Model):
    """One administrative division of Shanxi: the province, a city, a county-level unit or a
    township, with its official division code (6 digits for county and above, 9 for township)."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县（市、区）"
        TOWNSHIP = "township", "乡（镇）"

    # How many leading digits of the code identify the region; everything inside it shares them.
    PREFIX_LENGTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9}

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    parent = models.ForeignKey("self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    is_national_key_county = models.BooleanField("国家扶贫开发工作重点县", default=False)
    is_contiguous_poor_area_county = models.BooleanField("集中连片特困地区县", default=False)
    is_provincial_poor_county = models.BooleanField("省定贫困县", default=False)
    former_names = models.CharField(
        "曾用名", max_length=200, blank=True, help_text="2015 年以来更名或撤并前的名称，多个以顿号分隔，例如“大同县”。"
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="region_parent_matches_level",
                condition=Q(level="province", parent__isnull=True) | (~Q(level="province") & Q(parent__isnull=False)),
                violation_error_message="只有省级区划没有上级区划。",
            ),
            models.CheckConstraint(
                name="region_poverty_flags_on_counties_only",
                condition=Q(level="county")
                | Q(is_national_key_county=False, is_contiguous_poor_area_county=False, is_provincial_poor_county=False),
                violation_error_message="贫困县标记只能用于县级区划。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_prefix(self) -> str:
        return self.code[: self.PREFIX_LENGTH[self.level]]

    @property
    def poverty_labels(self) -> list[str]:
        labels = []
        if self.is_national_key_county:
            labels.append("国家扶贫开发工作重点县")
        if self.is_contiguous_poor_area_county:
            labels.append("集中连片特困地区县")
        if self.is_provincial_poor_county:
            labels.append("省定贫困县")
        return labels

    def ancestors(self) -> list[Region]:
        """From the province down to this region's parent."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def full_name(self) -> str:
        """山西省忻州市岢岚县 — the way a document names a place."""
        return "".join(r.name for r in [*self.ancestors(), self])


def deployment_province_code() -> str:
    """The 6-digit division code of the deployment's own province (140000)."""
    return deployment_province_prefix().ljust(6, "0")


def deployment_province() -> Region:
    """The deployment's own province (settings.PROVINCE_CODE, Shanxi by default): the one way to
    find it, never ``level=PROVINCE`` alone, which fails once other provinces are loaded beside it.
    Raises Region.DoesNotExist before the reference data is loaded."""
    return Region.objects.get(level=Region.Level.PROVINCE, code=deployment_province_code())


# A target village (两类村): weak-organization or registered-poor (or both). The one definition:
# the list's category filter, the summaries, the coverage plan, the dashboards and 附表1 count by
# it (``Village.is_target`` for one village in memory); ``target_q(prefix)`` is the same condition
# seen from a model that reaches villages by ``prefix`` (``weak_q("village__")`` on postings).
def weak_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}is_weak_organization": True})


def poor_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}is_registered_poor": True})


def target_q(prefix: str = "") -> Q:
    return weak_q(prefix) | poor_q(prefix)


WEAK, POOR, TARGET = weak_q(), poor_q(), target_q()


def total_label(*, prefix: str) -> str:
    """What the last row of a table over the regions under ``prefix`` is called: 全省合计 when
    they are all of Shanxi (the province's prefix, or "" for a scope that sees everything),
    合计 otherwise."""
    return "全省合计" if len(prefix) <= Region.PREFIX_LENGTH[Region.Level.PROVINCE] else "合计"


def scope_total_label(scope) -> str:
    """``total_label`` of a table over what a user's ``Scope`` (core.scope) sees."""
    return total_label(prefix="" if scope.everything else scope.region_prefix or "")


class VillageQuerySet(ScopedQuerySet):
    # A village's 12-digit code starts with its township's, county's, city's and province's.
    scope_region_fields = ("code",)
    scope_province_field = "code"

    def counties_q(self, counties) -> Q:
        return Q(county__in=counties)

    def targets(self) -> VillageQuerySet:
        """The "两类村": weak-organization or registered-poor villages (or both)."""
        return self.filter(TARGET)

    def search(self, text: str) -> VillageQuerySet:
        text = text.strip()
        if not text:
            return self
        if text.isdigit():
            return self.filter(code__startswith=text)
        return self.filter(name__contains=text)


class Village(models.Model):
    """One village-level unit (行政村 or 社区) with its 12-digit 统计用区划代码 and the two
    categories of the notice: 党组织软弱涣散村 and 建档立卡贫困村. A village in either is a target
    village (两类村) and must get a first secretary."""

    CATEGORY_FIELDS = ("is_weak_organization", "is_registered_poor", "is_key_difficult")

    code = models.CharField("统计用区划代码", max_length=12, unique=True)
    name = models.CharField("村名", max_length=100)
    township = models.ForeignKey(
        Region,
        verbose_name="乡（镇）",
        on_delete=models.PROTECT,
        related_name="villages",
        limit_choices_to={"level": Region.Level.TOWNSHIP},
    )
    county = models.ForeignKey(
        Region,
        verbose_name="县（市、区）",
        on_delete=models.PROTECT,
        related_name="county_villages",
        limit_choices_to={"level": Region.Level.COUNTY},
    )
    urban_rural_code = models.CharField("城乡分类代码", max_length=3, blank=True)
    is_weak_organization = models.BooleanField("党组织软弱涣散村", default=False)
    is_registered_poor = models.BooleanField("建档立卡贫困村", default=False)
    is_key_difficult = models.BooleanField("重点难点村", default=False, help_text="扶贫开发、软弱涣散整顿任务繁重，需组建驻村工作组")
    notes = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = VillageQuerySet.as_manager()

    class Meta:
        verbose_name = "村"
        verbose_name_plural = "村"
        ordering = ["code"]
        permissions = [("import_village", "可以导入村名单"), ("export_village", "可以导出村名单")]
        indexes = [
            # Scope filters are `code LIKE '140929%'`: on PostgreSQL that needs pattern ops to use an index.
            models.Index(fields=["code"], name="village_code_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["county", "is_registered_poor", "is_weak_organization"], name="village_county_categories"),
        ]
        constraints = [
            models.CheckConstraint(
                name="village_code_12_digits",
                condition=Q(code__regex=r"^[0-9]{12}$"),
                violation_error_message="统计用区划代码应为12位数字。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_target(self) -> bool:
        """``TARGET`` for this one village, without a query."""
        return self.is_weak_organization or self.is_registered_poor

    @property
    def category_label(self) -> str:
        if self.is_weak_organization and self.is_registered_poor:
            return "两类兼有"
        if self.is_weak_organization:
            return "党组织软弱涣散村"
        if self.is_registered_poor:
            return "建档立卡贫困村"
        return "非两类村"


class VillageCategoryChange(models.Model):
    """One change of one category flag of a village: who, when, old → new. Never edited or
    deleted, so that a later campaign can still see what a village was in 2015."""

    village = models.ForeignKey(Village, verbose_name="村", on_delete=models.PROTECT, related_name="category_changes")
    field = models.CharField("类别", max_length=32, choices=[(f, Village._meta.get_field(f).verbose_name) for f in Village.CATEGORY_FIELDS])
    old_value = models.BooleanField("原值", null=True)  # None: the village did not exist before
    new_value = models.BooleanField("新值")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    import_batch = models.ForeignKey(
        "core.ImportBatch", verbose_name="导入批次", null=True, blank=True, on_delete=models.PROTECT, related_name="category_changes"
    )
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "村类别变更记录"
        verbose_name_plural = "村类别变更记录"
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.village} {self.get_field_display()}"


# The audit trail (core.audit): one line per model whose changes are kept.
audit.track(Region)
audit.track(Village)
