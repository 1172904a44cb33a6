"""The village registry pages: the list (and its export), one village, the county summary.

Everything starts from ``Village.objects.visible_to(request.user)``; a village outside the
user's scope answers 404 like one that does not exist.

Who may open them is the project's capability table (dispatch.roles), which this app cannot
import (villages imports only core): the pages are given their capabilities, as the import
pages are, by the URL configuration that mounts them (dispatch/village_urls.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, FilteredRelation, Q
from django.http import FileResponse, Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path, reverse

from core.filters import PAGE_SIZE, LateRowPaginator, sort_links
from core.job_views import offer
from core.jobs import Plan, job_kind, queued_export
from core.navigation import Capability, page_panels_for, require
from core.params import parse_code
from villages.exports import village_export_filename, villages_xlsx_tempfile
from villages.filters import VillageFilterSet
from villages.models import Region, Village
from villages.selectors import county_category_summary

# A village's first secretaries are the postings of the secretaries app, which this app cannot
# import: they are reached by the reverse relation ``postings`` and its states by name, as the
# list's coverage filter does (villages/filters.py).
COVERING = ["assigned", "in_office"]
EARLIER = ["ended", "recalled"]


def with_secretary(villages):
    """Each village with its secretary assigned or in office (at most one: a unique constraint),
    as ``secretary_name``, ``secretary_posting`` and ``secretary_state``: one LEFT JOIN."""
    return villages.annotate(
        current_posting=FilteredRelation("postings", condition=Q(postings__state__in=COVERING)),
        secretary_name=F("current_posting__cadre__name"),
        secretary_posting=F("current_posting__pk"),
        secretary_state=F("current_posting__state"),
    )


def visible_posting_ids(user, ids) -> set[int]:
    """Which of these postings the user may open (the postings' own scope)."""
    postings = Village._meta.get_field("postings").related_model.objects
    return set(postings.visible_to(user).filter(pk__in=[i for i in ids if i]).values_list("pk", flat=True))


@dataclass(frozen=True)
class VillagePages:
    view: Capability  # the list, a village, the summary
    export: Capability  # the list's .xlsx

    def urlpatterns(self) -> list:
        return [
            path("", self.village_list, name="list"),
            path("export/", self.village_export, name="export"),
            path("summary/", self.county_summary, name="summary"),
            path("regions/", self.region_children, name="regions"),
            # A village is addressed by its 12-digit 统计用区划代码.
            re_path(r"^(?P<code>[0-9]{12})/$", self.village_detail, name="detail"),
        ]

    def village_list(self, request):
        require(request.user, self.view)
        filterset = VillageFilterSet(request.GET or None, request=request)
        page = LateRowPaginator(
            filterset.qs,
            PAGE_SIZE,
            rows=lambda ids: with_secretary(Village.objects.filter(pk__in=ids).select_related(*filterset.select_related)),
        ).get_page(request.GET.get("page"))
        linked = visible_posting_ids(request.user, [v.secretary_posting for v in page.object_list])
        for village in page.object_list:
            village.secretary_linked = village.secretary_posting in linked
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
                "export_queued": queued_export(page.paginator.count),
            },
        )

    def village_export(self, request):
        require(request.user, self.export)
        filterset = VillageFilterSet(request.GET or None, request=request)
        if filterset.is_bound and not filterset.is_valid():
            # The list page shows what is wrong with the filters; export nothing meanwhile.
            return redirect(f"{reverse('villages:list')}?{request.GET.urlencode()}")
        villages = filterset.qs
        if queued_export(total := villages.count()):
            # Too many rows to write while the page waits: offered as a background job.
            return offer(request, job_kind("villages"), Plan(title="村名单", total=total))
        return FileResponse(
            villages_xlsx_tempfile(villages=villages),
            as_attachment=True,
            filename=village_export_filename(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def village_detail(self, request, code: str):
        require(request.user, self.view)
        village = get_object_or_404(
            Village.objects.visible_to(request.user).select_related("township__parent__parent__parent", "county__parent"),
            code=code,
        )
        changes = village.category_changes.select_related("changed_by", "import_batch")
        secretaries = list(
            village.postings.filter(state__in=COVERING + EARLIER).select_related("cadre", "unit", "campaign").order_by("-start_date", "-pk")
        )
        linked = visible_posting_ids(request.user, [p.pk for p in secretaries])
        for posting in secretaries:
            posting.linked = posting.pk in linked
        return render(
            request,
            "villages/village_detail.html",
            {
                "village": village,
                "changes": changes,
                "current_secretary": next((p for p in secretaries if p.state in COVERING), None),
                "earlier_secretaries": [p for p in secretaries if p.state not in COVERING],
                # What later apps keep about the village (tenure: its 驻村工作组).
                "panels": page_panels_for("village_detail", request.user, village),
            },
        )

    def region_children(self, request):
        """The cities of the user's scope (no ``parent``), or the counties of a city or the
        townships of a county (``?parent=140900``), as JSON: what static/js/region-select.js
        fills the next region select of a filter form with. A parent outside the scope answers
        404 like one that does not exist."""
        require(request.user, self.view)
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        regions = Region.objects.visible_to(request.user)
        if "parent" in request.GET:
            code = parse_code(request.GET["parent"], (6,))
            if code is None:
                raise Http404("没有这个区划。")
            parent = get_object_or_404(regions.filter(level__in=[Region.Level.CITY, Region.Level.COUNTY]), code=code)
            children = regions.filter(parent=parent)
        else:
            children = regions.filter(level=Region.Level.CITY)
        return JsonResponse({"regions": list(children.order_by("code").values("code", "name"))})

    def county_summary(self, request):
        require(request.user, self.view)
        summary = county_category_summary(user=request.user)
        return render(
            request,
            "villages/county_summary.html",
            {"summary": summary, "show_subtotals": len(summary["cities"]) > 1, "total_label": summary["total_label"]},
        )
