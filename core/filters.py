"""What every list page's filters share: invalid filters show nothing, ``?o=`` sorting by keys,
the sort links of column headers, and the yes/no select."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.paginator import Page, Paginator

from core.forms import fast_selects

PAGE_SIZE = 50


class LateRowPaginator(Paginator):
    """A paginator that finds a page's ids first and joins only those rows ("late row lookup").

    A list page's rows join several tables (a village's county, city, township and current
    secretary). ``OFFSET 600000`` over those joins makes the database build and throw away every
    joined row before the page; the ids alone come from one index in order (villages by code),
    and the joins are then made for 50 rows. Page numbers stay (unlike keyset pagination, which
    would need the pager's links and the sort links rewritten and has no "last page"); the count
    is of the user's scope, which is at most one province since scopes that see everything see
    the deployment's province only (core.scope).

    ``rows(ids)`` answers the page's rows (with their joins) for those ids, in any order."""

    def __init__(self, object_list, per_page, *, rows, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.rows = rows

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in self.rows(ids)}
        return self._get_page([found[i] for i in ids if i in found], number, self)


YES_NO = forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")])


class KeyedOrderingFilter(django_filters.OrderingFilter):
    """``?o=key`` orders by the fields ``order_by[key]`` lists (``-key``: the first one reversed,
    the rest kept as tie-breakers, so that pages are stable)."""

    def __init__(self, *args, order_by: dict[str, list[str]], **kwargs):
        self.order_by_fields = order_by
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        fields = []
        for param in value:
            descending = param.startswith("-")
            first, *rest = self.order_by_fields[param.lstrip("-")]
            fields += [f"-{first}" if descending else first, *rest]
        return qs.order_by(*fields)


class ListFilterSet(django_filters.FilterSet):
    """The filters of a list page. Invalid filters show nothing rather than a list that
    silently ignores them: an export of "岢岚县's poor villages" must never become all villages
    because one value was wrong."""

    select_related: tuple[str, ...] = ()  # what the page's rows show

    def get_form_class(self):
        return fast_selects(super().get_form_class())

    @property
    def qs(self):
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs.select_related(*self.select_related)

    def error_lines(self) -> list[str]:
        """The form's errors as "label：message" lines, for the page."""
        lines = []
        for name, errors in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else ""
            lines.extend(f"{label}：{error}" if label else str(error) for error in errors)
        return lines


def sort_links(request, keys: tuple[str, ...], default: str) -> dict[str, dict]:
    """For each sortable column header of a list page (``?o=`` ordering): the address that sorts
    by it (or reverses the current sort) from page one, and the arrow of the current direction."""
    current = request.GET.get("o") or default
    links = {}
    for key in keys:
        params = request.GET.copy()
        params.pop("page", None)
        params["o"] = f"-{key}" if current == key else key
        arrow = "▲" if current == key else "▼" if current == f"-{key}" else ""
        links[key] = {"url": f"?{params.urlencode()}", "arrow": arrow}
    return links
