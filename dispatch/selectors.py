"""Reads for the home page."""

from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from core.params import id_or_404
from dispatch.models import Campaign, User
from villages.models import POOR_COUNTY, Region

_DEPTH = {Region.Level.PROVINCE: 0, Region.Level.CITY: 1, Region.Level.COUNTY: 2, Region.Level.TOWNSHIP: 3}


def scope_summary(*, user: User) -> list[dict]:
    """What the user's scope holds: how many cities, counties (poor ones among them) and
    townships lie below the user's own region, in one aggregate query over the visible regions;
    for a county, which poor-county lists it is on."""
    counts = Region.objects.visible_to(user).aggregate(
        cities=Count("id", filter=Q(level=Region.Level.CITY)),
        counties=Count("id", filter=Q(level=Region.Level.COUNTY)),
        poor_counties=Count("id", filter=POOR_COUNTY),
        townships=Count("id", filter=Q(level=Region.Level.TOWNSHIP)),
    )
    own_depth = _DEPTH[user.region.level] if user.region is not None else -1
    rows = [
        (Region.Level.CITY, "市", f"{counts['cities']} 个"),
        (Region.Level.COUNTY, "县（市、区）", f"{counts['counties']} 个"),
        (Region.Level.COUNTY, "其中贫困县", f"{counts['poor_counties']} 个"),
        (Region.Level.TOWNSHIP, "乡（镇）", f"{counts['townships']} 个"),
    ]
    summary = [{"label": label, "value": value} for level, label, value in rows if _DEPTH[level] > own_depth]
    if user.region is not None and user.region.level == Region.Level.COUNTY:
        summary.insert(0, {"label": "贫困县类别", "value": "、".join(user.region.poverty_labels) or "非贫困县"})
    return summary


def chosen_campaign(request) -> tuple[Campaign | None, list[Campaign]]:
    """The campaign a report page shows and the campaigns the user may pick from: ``?campaign=``
    if the user sees it (anything else is 404), by default the current one. Earlier campaigns
    stay readable; only the current one is edited."""
    campaigns = list(Campaign.objects.visible_to(request.user))
    wanted = request.GET.get("campaign", "")
    if not wanted:
        return next((c for c in campaigns if c.is_current), None), campaigns
    return get_object_or_404(Campaign.objects.visible_to(request.user), pk=id_or_404(wanted, "没有这个选派批次。")), campaigns
