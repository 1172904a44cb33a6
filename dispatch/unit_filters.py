"""The dispatching-unit list's filters, shared by the list page and its export.

Like the village list's (villages.filters): region choices come from
``Region.objects.visible_to(user)``, so a region outside the scope is an invalid choice, and
invalid filters show and export nothing rather than everything.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Q, Value, When

from core.filters import YES_NO, KeyedOrderingFilter, ListFilterSet
from core.scope import Scope
from dispatch.models import DispatchingUnit
from villages.filters import RegionChoiceFilter, offer_region_chain
from villages.models import Region

PAGE_SIZE = 50

ORDERING_CHOICES = [
    ("level", "层级"),
    ("-level", "层级（倒序）"),
    ("name", "单位名称"),
    ("-name", "单位名称（倒序）"),
    ("region", "所在区划"),
    ("-region", "所在区划（倒序）"),
]
# Levels in the notice's order (central, province, city, county), not alphabetically by code;
# the name last so that pages are stable.
LEVEL_ORDER = Case(*(When(level=level, then=Value(i)) for i, level in enumerate(DispatchingUnit.Level.values)), output_field=IntegerField())
ORDER_BY = {
    "level": ["level_order", "name", "region__code"],
    "name": ["name", "region__code"],
    "region": ["region__code", "level_order", "name"],
}


class DispatchingUnitFilterSet(ListFilterSet):
    select_related = ("region__parent",)
    level = django_filters.ChoiceFilter(label="单位层级", choices=DispatchingUnit.Level.choices, empty_label="全部")
    kind = django_filters.ChoiceFilter(label="单位性质", choices=DispatchingUnit.Kind.choices, empty_label="全部")
    agriculture = django_filters.BooleanFilter(field_name="is_agriculture_related", label="涉农单位", widget=YES_NO)
    city = RegionChoiceFilter(label="所在市", method="filter_city")
    county = RegionChoiceFilter(field_name="region", label="所在县（市、区）")
    q = django_filters.CharFilter(
        label="单位名称",
        field_name="name",
        lookup_expr="icontains",
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "单位名称中的字"}),
    )
    o = KeyedOrderingFilter(label="排序", choices=ORDERING_CHOICES, empty_label=None, order_by=ORDER_BY)

    class Meta:
        model = DispatchingUnit
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request, **kwargs):
        if queryset is None:
            queryset = DispatchingUnit.objects.visible_to(request.user)
        queryset = queryset.annotate(level_order=LEVEL_ORDER).order_by(*ORDER_BY["level"])
        super().__init__(data, queryset, request=request, **kwargs)
        scope = Scope.of(request.user)
        prefix_length = 0 if scope.everything else len(scope.region_prefix or "")
        # A select of the user's own region or of regions above it offers no choice: dropped.
        if prefix_length >= Region.PREFIX_LENGTH[Region.Level.CITY]:
            del self.filters["city"]
        if prefix_length >= Region.PREFIX_LENGTH[Region.Level.COUNTY] or scope.unit_id is not None:
            self.filters.pop("city", None)
            del self.filters["county"]
        # The cities of the scope, then the chosen city's counties (loaded on demand).
        offer_region_chain(self, request=request, names={Region.Level.CITY: "city", Region.Level.COUNTY: "county"})

    def filter_city(self, queryset, name: str, value: Region):
        # A city's units and its counties' units.
        return queryset.filter(Q(region=value) | Q(region__parent=value))
