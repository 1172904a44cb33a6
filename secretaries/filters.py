"""The candidate list's filters. Choices come from the user's scope: a unit is offered the
units whose postings the user sees, a county the counties the user's regions cover; the
campaign defaults to the current one."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from core.filters import KeyedOrderingFilter, ListFilterSet
from dispatch.models import Campaign, DispatchingUnit
from secretaries.models import Posting
from villages.filters import RegionChoiceFilter
from villages.models import Region

PAGE_SIZE = 50

PRIORITY_CONDITIONS = {
    "rural": ("有农村工作经验", Q(cadre__has_rural_experience=True)),
    "agriculture": ("有涉农专业技术特长", Q(cadre__has_agriculture_expertise=True)),
    "batch27": ("第27批农村工作队员", Q(cadre__is_27th_batch=True)),
}

ORDER_BY = {
    "name": ["cadre__name", "pk"],
    "birth": ["cadre__birth_date", "pk"],
    "unit": ["unit__name", "cadre__name", "pk"],
    "state": ["state", "cadre__name", "pk"],
    "county": ["county__code", "cadre__name", "pk"],
    "applied": ["applied_at", "pk"],
}
ORDERING_CHOICES = [
    (key, label)
    for k, name in [
        ("applied", "报名时间"),
        ("name", "姓名"),
        ("birth", "出生年月"),
        ("unit", "派出单位"),
        ("state", "状态"),
        ("county", "派驻县"),
    ]
    for key, label in [(k, name), (f"-{k}", f"{name}（倒序）")]
]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: DispatchingUnit) -> str:
        return obj.name


class PostingFilterSet(ListFilterSet):
    select_related = ("cadre", "unit", "county", "village", "campaign")
    campaign = django_filters.ModelChoiceFilter(label="选派批次", queryset=Campaign.objects.order_by("-year"), empty_label="全部批次")
    state = django_filters.ChoiceFilter(label="状态", choices=Posting.State.choices, empty_label="全部")
    unit_level = django_filters.ChoiceFilter(
        field_name="unit__level", label="单位层级", choices=DispatchingUnit.Level.choices, empty_label="全部"
    )
    unit = django_filters.ModelChoiceFilter(label="派出单位", queryset=DispatchingUnit.objects.none(), empty_label="全部")
    county = RegionChoiceFilter(field_name="county", label="派驻县")
    priority = django_filters.ChoiceFilter(
        label="优先条件",
        choices=[(k, label) for k, (label, _) in PRIORITY_CONDITIONS.items()],
        empty_label="全部",
        method="filter_priority",
    )
    returned = django_filters.ChoiceFilter(
        label="退回情况",
        choices=[("yes", "被退回待重新推荐"), ("no", "未被退回")],
        empty_label="全部",
        method="filter_returned",
    )
    q = django_filters.CharFilter(
        label="姓名、身份证号或村名",
        method="filter_search",
        max_length=30,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "姓名、村名，或身份证号"}),
    )
    o = KeyedOrderingFilter(label="排序", choices=ORDERING_CHOICES, empty_label=None, order_by=ORDER_BY)

    class Meta:
        model = Posting
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request, **kwargs):
        visible = Posting.objects.visible_to(request.user)
        data = data.copy() if data is not None else None
        if data is not None and "campaign" not in data:
            current = Campaign.current()
            data["campaign"] = str(current.pk) if current else ""
        super().__init__(data, queryset if queryset is not None else visible, request=request, **kwargs)
        self.filters["unit"].field_class = UnitChoiceField
        self.filters["unit"].queryset = DispatchingUnit.objects.filter(pk__in=visible.values("unit")).order_by("level", "name")
        self.filters["county"].queryset = Region.objects.visible_to(request.user).filter(level=Region.Level.COUNTY).order_by("code")

    def filter_priority(self, queryset, name, value):
        return queryset.filter(PRIORITY_CONDITIONS[value][1])

    def filter_returned(self, queryset, name, value):
        returned = Posting.returned_q()
        return queryset.filter(returned if value == "yes" else ~returned)

    def filter_search(self, queryset, name, value):
        """A name, a village name (the village a secretary is assigned to or serves in), or the
        first digits of a 身份证号."""
        value = value.strip()
        if not value:
            return queryset
        if value[:1].isdigit():
            return queryset.filter(cadre__id_number__startswith=value.upper())
        return queryset.filter(Q(cadre__name__contains=value) | Q(village__name__contains=value))
