from __future__ import annotations

from django.db import models
from django.db.models import Q

from villages.scope import ScopedQuerySet


# A county the notice counts as poor: national key, contiguous poor area, or provincial.
POOR_COUNTY = Q(level="county") & (
    Q(is_national_key_county=True) | Q(is_contiguous_poor_area_county=True) | Q(is_provincial_poor_county=True)
)


class RegionQuerySet(ScopedQuerySet):
    scope_region_fields = ("code",)

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
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
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
    def is_poor_county(self) -> bool:
        return self.is_national_key_county or self.is_contiguous_poor_area_county or self.is_provincial_poor_county

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
