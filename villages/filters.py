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
from django.forms.models import ModelChoiceIterator
from django.urls import reverse

from core.filters import YES_NO, KeyedOrderingFilter, ListFilterSet
from core.params import parse_code
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


class OfferedChoiceIterator(ModelChoiceIterator):
    """The options a select shows: ``field.offered`` when set, a part of what it accepts."""

    def __init__(self, field):
        super().__init__(field)
        if getattr(field, "offered", None) is not None:
            self.queryset = field.offered


class RegionChoiceField(forms.ModelChoiceField):
    """A region chosen by its division code. What it accepts (``queryset``: every region of the level in the user's scope, so that a link
    such as ?county=140929 from a dashboard works) and what it shows (``offered``: the regions
    under the chosen parent, see ``offer_region_chain``) differ: a province's selects would
    otherwise render every township of the province on every page."""

    iterator = OfferedChoiceIterator
    offered = None

    def label_from_instance(self, obj: Region) -> str:
        return obj.name


class RegionChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = RegionChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("empty_label", "全部")
        kwargs.setdefault("queryset", Region.objects.none())
        super().__init__(*args, **kwargs)


# The levels of a chain of region selects, from the top, and the level above each.
CHAIN_LEVELS = (Region.Level.CITY, Region.Level.COUNTY, Region.Level.TOWNSHIP)
PARENT_LEVEL = {
    Region.Level.CITY: Region.Level.PROVINCE,
    Region.Level.COUNTY: Region.Level.CITY,
    Region.Level.TOWNSHIP: Region.Level.COUNTY,
}
CODE_LENGTHS = {Region.Level.CITY: (6,), Region.Level.COUNTY: (6,), Region.Level.TOWNSHIP: (9,)}


def offer_region_chain(filterset, *, request, names: dict[str, str]) -> None:
    """Fill a filter form's chain of region selects (``names``: level → filter name; the levels
    the form has) for the user's scope.

    Each select accepts every region of its level in the scope (inside the region chosen above
    it), so that a link such as ?county=140929 from a dashboard works; it offers only the
    children of its parent level's region: the one chosen above it, the user's own region, or
    the chosen region's own parent (its siblings). Otherwise it offers nothing until its parent
    is chosen: choose the city, then its counties, then townships, never the province's 1,400
    townships (or the nation's 40,000) on every page. static/js/region-select.js fills the next
    select from ``villages:regions`` as soon as one is chosen; without the script the form still
    works: choose, 查询, and the page offers the next select's options."""
    scope = Scope.of(request.user)
    own = "" if scope.everything else scope.region_prefix or ""
    regions = Region.objects.visible_to(request.user)
    present = [(level, names[level]) for level in CHAIN_LEVELS if level in names and names[level] in filterset.filters]
    filterset.form.region_chain = len(present) > 1  # the page then loads static/js/region-select.js
    above = ""  # the prefix of the nearest region chosen above (a city's 1409, a county's 140929)
    for index, (level, name) in enumerate(present):
        parent_length = Region.PREFIX_LENGTH[PARENT_LEVEL[level]]
        accepted = regions.filter(level=level)
        if above:
            accepted = accepted.filter(code__startswith=above)
        filterset.filters[name].queryset = accepted
        field = filterset.form.fields[name]
        field.queryset = accepted
        chosen = parse_code(filterset.data.get(name), CODE_LENGTHS[level])
        if len(above) == parent_length:
            parent = above
        elif chosen:
            parent = chosen[:parent_length]
        elif len(own) == parent_length or level == Region.Level.CITY:
            parent = own
        else:
            parent = None
        field.offered = accepted.none() if parent is None else accepted.filter(code__startswith=parent).order_by("code")
        field.widget.choices = field.choices  # the widget kept the options of the queryset alone
        if chosen:
            above = chosen[: Region.PREFIX_LENGTH[level]]
        if index + 1 < len(present):
            field.widget.attrs.update({"data-region-child": present[index + 1][1], "data-region-url": reverse("villages:regions")})


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

        offer_region_chain(
            self,
            request=request,
            names={Region.Level.CITY: "city", Region.Level.COUNTY: "county", Region.Level.TOWNSHIP: "township"},
        )

    def filter_category(self, queryset: VillageQuerySet, name: str, value: str) -> VillageQuerySet:
        return queryset.filter(CATEGORY_CONDITIONS[value][1])

    def filter_coverage(self, queryset: VillageQuerySet, name: str, value: str) -> VillageQuerySet:
        return queryset.filter(COVERAGE_CONDITIONS[value][1])

    def filter_poor_county(self, queryset: VillageQuerySet, name: str, value: bool) -> VillageQuerySet:
        poor = Q(county__in=Region.objects.filter(POOR_COUNTY))
        return queryset.filter(poor) if value else queryset.exclude(poor)

    def filter_search(self, queryset: VillageQuerySet, name: str, value: str) -> VillageQuerySet:
        return queryset.search(value)
