"""The dashboard page (统计图表): coverage of target villages, the pipeline and quota fulfilment
of the user's scope, each chart with the table behind it and links to the filtered lists.

The figures come from ``reports.dashboards`` (aggregate queries, scoped); this view picks the
campaign (``?campaign=``, default the current one) and the region the coverage is broken down
in (``?region=`` a division code inside the scope, default the user's own region), and turns
the figures into rows with links and into the charts' data. ECharts (static/vendor) draws the
charts from that data, embedded with json_script; static/js/dashboard.js does the drawing.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from dispatch import roles
from dispatch.models import Campaign, User
from dispatch.selectors import chosen_campaign
from reports import dashboards
from villages.models import Region, deployment_province_code

# The village list's filter that selects a region of each level (villages.filters).
VILLAGE_REGION_PARAM = {Region.Level.CITY: "city", Region.Level.COUNTY: "county", Region.Level.TOWNSHIP: "township"}
COVERAGE_SERIES = (("in_office", "在任", "#1d7a3a"), ("assigned", "已分配未到任", "#e0a100"), ("uncovered", "未覆盖", "#b42318"))
SUBMISSION_COLORS = {"on_time": "#1d7a3a", "late": "#e0a100", "overdue": "#b42318", "pending": "#8c959f", "no_rows": "#c9cdd2"}
QUOTA_SERIES = (("in_office", "在任", "#1d7a3a"), ("assigned", "已分配未到任", "#e0a100"), ("missing", "缺额", "#c9cdd2"))
# The quota chart shows the units furthest from their quota; the table below lists them all.
QUOTA_CHART_TOP = 15
# The pipeline chart switches to a logarithmic axis when its largest bar is this many times its
# smallest non-zero one: 9,395 in office beside 20 waiting would leave the small steps invisible.
PIPELINE_LOG_RATIO = 20


def pipeline_needs_log_scale(counts: list[int]) -> bool:
    shown = [c for c in counts if c > 0]
    return len(shown) > 1 and max(shown) >= PIPELINE_LOG_RATIO * min(shown)


def _region(request) -> Region:
    """The region whose coverage is broken down: ``?region=`` if the user sees it, else 404."""
    user: User = request.user
    wanted = request.GET.get("region")
    regions = Region.objects.visible_to(user).filter(level__in=list(dashboards.CHILD_LEVEL))
    if wanted:
        if not wanted.isdigit():
            raise Http404("没有这个区划。")
        return get_object_or_404(regions, code=wanted)
    if user.region is not None and user.region.level in dashboards.CHILD_LEVEL:
        return user.region
    return get_object_or_404(regions, level=Region.Level.PROVINCE, code=deployment_province_code())


def _region_path(user: User, region: Region) -> list[Region]:
    """The province, city and county down to ``region`` that the user sees (the breadcrumb):
    their codes are the region's prefixes padded with zeros. One query."""
    codes = [region.code[:n].ljust(6, "0") for n in (2, 4, 6) if n <= len(region.scope_prefix)]
    return list(Region.objects.visible_to(user).filter(code__in=codes).order_by("code"))


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode({k: v for k, v in params.items() if v not in (None, '')})}"


def _coverage_rows(coverage: dict, user: User, campaign: Campaign | None) -> tuple[list[dict], dict]:
    child_param = VILLAGE_REGION_PARAM[coverage["child_level"]]
    region = coverage["region"]
    # The total's list is the region's own; the user's own region needs no filter (the scope is it).
    own_param = (
        {} if region.pk == user.region_id or region.level not in VILLAGE_REGION_PARAM else {VILLAGE_REGION_PARAM[region.level]: region.code}
    )

    def links(place: dict) -> dict:
        return {key: _url("villages:list", **place, category="target", coverage=key) for key, _, _ in COVERAGE_SERIES} | {
            "targets": _url("villages:list", **place, category="target")
        }

    rows = [
        {
            "row": row,
            "links": links({child_param: row.code}),
            # A county's townships are the finest breakdown.
            "drill": _url("dashboard:index", region=row.code, campaign=campaign.pk if campaign else None)
            if coverage["child_level"] in dashboards.CHILD_LEVEL
            else None,
        }
        for row in coverage["rows"]
    ]
    return rows, {"row": coverage["total"], "links": links(own_param)}


def _quota_scope(user: User) -> str:
    """Whose quotas the quota chart compares (see dashboards.quota_fulfilment)."""
    scope = user.scope
    if scope.unit_level:
        return "省直单位"
    if scope.everything or user.region is None or user.region.level == Region.Level.PROVINCE:
        return "省直及中央在晋单位"
    if user.region.level == Region.Level.CITY:
        return f"派往{user.region.name}各县（市、区）的各级单位"
    return f"派往{user.region.name}的各级单位"


def _chart(categories: list[str], series: list[dict], *, horizontal: bool, unit: str, log: bool = False) -> dict:
    return {"categories": categories, "series": series, "horizontal": horizontal, "unit": unit, "log": log}


def dashboard(request):
    user: User = request.user
    roles.require(user, roles.VIEW_DASHBOARD)
    campaign, campaigns = chosen_campaign(request)
    region = _region(request)

    coverage = dashboards.coverage_by_region(user=user, region=region)
    coverage_rows, coverage_total = _coverage_rows(coverage, user, campaign)
    pipeline = dashboards.pipeline_counts(user=user, campaign=campaign)
    quotas = dashboards.quota_fulfilment(user=user, campaign=campaign)
    campaign_pk = campaign.pk if campaign else None

    pipeline_rows = [{"row": row, "link": _url("secretaries:list", campaign=campaign_pk, state=row.state)} for row in pipeline["rows"]]
    # The candidate list offers only units it has postings of: units without any get no link.
    # Furthest from the quota first (then the larger quota, then the name): what needs chasing.
    quota_rows = [
        {
            "row": row,
            "link": _url("secretaries:list", campaign=campaign_pk, unit=row.unit_id) if row.postings else None,
            "links": {
                key: _url("secretaries:list", campaign=campaign_pk, unit=row.unit_id, state=key) if row.postings else None
                for key in ("in_office", "assigned")
            },
        }
        for row in sorted(quotas["rows"], key=lambda r: (-r.missing, -r.quota, r.unit_name))
    ]
    quota_chart_rows = quota_rows[:QUOTA_CHART_TOP]
    pipeline_log = pipeline_needs_log_scale([r.count for r in pipeline["rows"]])

    submissions = dashboards.submissions_against_deadline(user=user, campaign=campaign, region=region)
    overview = _url("submissions:list", campaign=campaign_pk)
    submission_rows = [
        {"row": row, "link": reverse("submissions:detail", args=[row.latest_id]) if row.latest_id else overview}
        for row in submissions["rows"]
    ]
    statuses = list(dashboards.SUBMISSION_STATUSES.items())

    charts = {
        "coverage": _chart(
            [r.name for r in coverage["rows"]],
            [
                {
                    "name": label,
                    "color": color,
                    "stack": "villages",
                    "data": [getattr(r["row"], key) for r in coverage_rows],
                    "links": [r["links"][key] for r in coverage_rows],
                }
                for key, label, color in COVERAGE_SERIES
            ],
            horizontal=True,
            unit="个村",
        ),
        "pipeline": _chart(
            [r.label for r in pipeline["rows"]],
            [
                {
                    "name": "人数",
                    "color": "#a8201a",
                    "data": [r.count for r in pipeline["rows"]],
                    "links": [r["link"] for r in pipeline_rows],
                    "colors": ["#a8201a" if r.in_pipeline else "#8c959f" for r in pipeline["rows"]],
                }
            ],
            horizontal=False,
            unit="人",
            log=pipeline_log,
        ),
        "quota": _chart(
            [r["row"].unit_name for r in quota_chart_rows],
            [
                {
                    "name": label,
                    "color": color,
                    "stack": "quota",
                    "data": [getattr(r["row"], key) for r in quota_chart_rows],
                    "links": [r["links"].get(key) for r in quota_chart_rows],
                }
                for key, label, color in QUOTA_SERIES
            ],
            horizontal=True,
            unit="人",
        ),
        "submissions": _chart(
            [label for _, label in statuses],
            [
                {
                    "name": "地区数",
                    "color": "#1d7a3a",
                    "data": [submissions["counts"][key] for key, _ in statuses],
                    "links": [overview for _ in statuses],
                    "colors": [SUBMISSION_COLORS[key] for key, _ in statuses],
                }
            ],
            horizontal=False,
            unit="个",
        ),
    }
    return render(
        request,
        "reports/dashboard.html",
        {
            "campaign": campaign,
            "campaigns": campaigns,
            "region": region,
            "region_path": _region_path(user, region),
            "child_level_label": Region.Level(coverage["child_level"]).label,
            "coverage_rows": coverage_rows,
            "coverage_total": coverage_total,
            "pipeline": pipeline,
            "pipeline_rows": pipeline_rows,
            "quotas": quotas,
            "quota_rows": quota_rows,
            "quota_chart_top": QUOTA_CHART_TOP if len(quota_rows) > QUOTA_CHART_TOP else None,
            "pipeline_log": pipeline_log,
            "quota_scope": _quota_scope(user),
            "show_submissions": roles.can(user, roles.VIEW_LEDGER_STATUS) and campaign is not None,
            "submissions": submissions,
            "submission_rows": submission_rows,
            "submission_counts": [
                {"key": key, "label": label, "count": submissions["counts"][key], "color": SUBMISSION_COLORS[key]}
                for key, label in statuses
            ],
            "submissions_overview": overview,
            "charts": charts,
        },
    )
