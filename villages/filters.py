"""The village list's filters, shared by the list page and its export.

Region choices come from ``Region.objects.visible_to(user)``: a county department is offered its
own county and townships only, and a region outside the scope in the querystring is an invalid
choice (a form error), never a way to read another county's list. Regions are chosen by their
division code (``?county=140929``), so a filtered list's address reads like the place it shows.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from core.filters import YES_NO, KeyedOrderingFilter, ListFilterSet
from core.scope import Scope
from villages.models import POOR, POOR_COUNTY, TARGET, WEAK, Region, Village, VillageQuerySet

# The category filter's choices; each is one condition on the two category flags.
CATEGORY_CONDITIONS = {
    "target": ("两类村", TARGET),
    "weak": ("党组织软弱涣散村", WEAK),
    "poor": ("建档立卡贫困村", POOR),
    "both": ("两类兼有", WEAK & POOR),
    "none": ("非两类村", ~TARGET),
}

# The secretary filter's choices: whether a village has a first secretary now, through the
# reverse relation of secretaries' postings (``postings``), named by its path so that this app
# does not import the secretaries app. A village has at most one assigned or in-office posting
# at a time (a constraint on Posting), so these joins never repeat a village.
# 未覆盖 is the dashboard's figure: target villages (两类村) without a secretary — coverage is
# of the target villages (全覆盖), so a village outside both categories is never "uncovered".
COVERAGE_CONDITIONS = {
    "in_office": ("在任", Q(postings__state="in_office")),
    "assigned": ("已分配未到任", Q(postings__state="assigned")),
    "uncovered": ("未覆盖的两类村", TARGET & ~Q(postings__state__in=["assigned", "in_office"])),
}


ORDERING_CHOICES = [
    ("code", "代码"),
    ("-code", "代码（倒序）"),
    ("name", "村名"),
    ("-name", "村名（倒序）"),
    ("county", "县（市、区）"),
    ("-county", "县（市、区）（倒序）"),
]
# What each sort orders by: counties in their official (code) order, as every table of the
# notice lists them, and villages by name within; the code last so that pages are stable.
ORDER_BY = {
    "code": ["code"],
    "name": ["name", "code"],
    "county": ["county__code", "name", "code"],
}


class RegionChoiceField(forms.ModelChoiceField):
    """Names a township with its county when the list spans several counties, because township
    names repeat across the province (there are many 城关镇)."""

    with_parent = False

    def label_from_instance(self, obj: Region) -> str:
        if self.with_parent:
            return f"{obj.parent.name} · {obj.name}"
        return obj.name


class RegionChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = RegionChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("empty_label", "全部")
        kwargs.setdefault("queryset", Region.objects.none())
        super().__init__(*args, **kwargs)


class VillageFilterSet(ListFilterSet):
    select_related = ("county__parent", "township")
    city = RegionChoiceFilter(field_name="county__parent", label="市")
    county = RegionChoiceFilter(field_name="county", label="县（市、区）")
    township = RegionChoiceFilter(field_name="township", label="乡（镇）")
    category = django_filters.ChoiceFilter(
        label="类别",
        choices=[(key, label) for key, (label, _) in CATEGORY_CONDITIONS.items()],
        empty_label="全部",
        method="filter_category",
    )
    coverage = django_filters.ChoiceFilter(
        label="第一书记",
        choices=[(key, label) for key, (label, _) in COVERAGE_CONDITIONS.items()],
        empty_label="全部",
        method="filter_coverage",
    )
    key_difficult = django_filters.BooleanFilter(field_name="is_key_difficult", label="重点难点村", widget=YES_NO)
    poor_county = django_filters.BooleanFilter(label="贫困县的村", widget=YES_NO, method="filter_poor_county")
    q = django_filters.CharFilter(
        label="村名或代码",
        method="filter_search",
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "村名，或代码开头的数字"}),
    )
    o = KeyedOrderingFilter(label="排序", choices=ORDERING_CHOICES, empty_label=None, order_by=ORDER_BY)

    class Meta:
        model = Village
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request, **kwargs):
        if queryset is None:
            queryset = Village.objects.visible_to(request.user)
        super().__init__(data, queryset, request=request, **kwargs)
        # A select of the user's own region or of regions above it offers no choice: dropped.
        scope = Scope.of(request.user)
        prefix_length = 0 if scope.everything else len(scope.region_prefix or "")
        below_city = prefix_length >= Region.PREFIX_LENGTH[Region.Level.COUNTY]
        if below_city:
            del self.filters["city"]
            del self.filters["county"]
        if prefix_length >= Region.PREFIX_LENGTH[Region.Level.TOWNSHIP]:
            del self.filters["township"]

        regions = Region.objects.visible_to(request.user)
        city_code = self.data.get("city") if "city" in self.filters else None
        county_code = self.data.get("county") if "county" in self.filters else None
        if "city" in self.filters:
            self.filters["city"].queryset = regions.filter(level=Region.Level.CITY)
        if "county" in self.filters:
            counties = regions.filter(level=Region.Level.COUNTY)
            # Narrowed to the chosen city: a county outside it is then an invalid choice.
            self.filters["county"].queryset = counties.filter(parent__code=city_code) if city_code else counties
        if "township" in self.filters:
            townships = regions.filter(level=Region.Level.TOWNSHIP).select_related("parent")
            if county_code:
                townships = townships.filter(parent__code=county_code)
            elif city_code:
                townships = townships.filter(parent__parent__code=city_code)
            self.filters["township"].queryset = townships
            self.form.fields["township"].with_parent = not county_code and not below_city

    def filter_category(self, queryset: VillageQuerySet, name: str, value: str) -> VillageQuerySet:
        return queryset.filter(CATEGORY_CONDITIONS[value][1])

    def filter_coverage(self, queryset: VillageQuerySet, name: str, value: str) -> VillageQuerySet:
        return queryset.filter(COVERAGE_CONDITIONS[value][1])

    def filter_poor_county(self, queryset: VillageQuerySet, name: str, value: bool) -> VillageQuerySet:
        poor = Q(county__in=Region.objects.filter(POOR_COUNTY))
        return queryset.filter(poor) if value else queryset.exclude(poor)

    def filter_search(self, queryset: VillageQuerySet, name: str, value: str) -> VillageQuerySet:
        return queryset.search(value)
