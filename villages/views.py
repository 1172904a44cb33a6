"""The village registry pages: the list (and its export), one village, the county summary.

Everything starts from ``Village.objects.visible_to(request.user)``; a village outside the
user's scope answers 404 like one that does not exist.

Who may open them is the project's capability table (dispatch.roles), which this app cannot
import (villages imports only core): the pages are given their capabilities, as the import
pages are, by the URL configuration that mounts them (dispatch/village_urls.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path, reverse
from django.utils import timezone

from core.filters import PAGE_SIZE, sort_links
from core.navigation import Capability, require
from villages.exports import villages_xlsx_tempfile
from villages.filters import VillageFilterSet
from villages.models import Village
from villages.selectors import county_category_summary


@dataclass(frozen=True)
class VillagePages:
    view: Capability  # the list, a village, the summary
    export: Capability  # the list's .xlsx

    def urlpatterns(self) -> list:
        return [
            path("", self.village_list, name="list"),
            path("export/", self.village_export, name="export"),
            path("summary/", self.county_summary, name="summary"),
            # A village is addressed by its 12-digit 统计用区划代码.
            re_path(r"^(?P<code>[0-9]{12})/$", self.village_detail, name="detail"),
        ]

    def village_list(self, request):
        require(request.user, self.view)
        filterset = VillageFilterSet(request.GET or None, request=request)
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "villages/village_list.html",
            {
                "filterset": filterset,
                "form": filterset.form,
                "error_lines": filterset.error_lines() if filterset.is_bound else [],
                "page": page,
                "sort": sort_links(request, ("code", "name", "county"), "code"),
                "can_export": self.export.held_by(request.user),
            },
        )

    def village_export(self, request):
        require(request.user, self.export)
        filterset = VillageFilterSet(request.GET or None, request=request)
        if filterset.is_bound and not filterset.is_valid():
            # The list page shows what is wrong with the filters; export nothing meanwhile.
            return redirect(f"{reverse('villages:list')}?{request.GET.urlencode()}")
        file = villages_xlsx_tempfile(villages=filterset.qs)
        filename = f"村名单-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(
            file,
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def village_detail(self, request, code: str):
        require(request.user, self.view)
        village = get_object_or_404(
            Village.objects.visible_to(request.user).select_related("township__parent__parent__parent", "county__parent"),
            code=code,
        )
        changes = village.category_changes.select_related("changed_by", "import_batch")
        return render(request, "villages/village_detail.html", {"village": village, "changes": changes})

    def county_summary(self, request):
        require(request.user, self.view)
        summary = county_category_summary(user=request.user)
        return render(
            request,
            "villages/county_summary.html",
            {"summary": summary, "show_subtotals": len(summary["cities"]) > 1, "total_label": summary["total_label"]},
        )
