"""The coverage plan (全覆盖): per county of the user's scope, how many target villages (两类村)
must get a first secretary, how many the quotas (附表2 and the cities' and counties' own) send
in, and how many the county must find among its own cadres (县级兜底, notice §一.2).

Read-only and scoped by the one rule: the counties are ``Region.objects.visible_to(user)``,
and villages and quotas are counted only inside those counties. Two aggregate queries do the
counting (villages by county, quotas by county and unit level); the ≤121 county rows are
merged and summed in Python.
"""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from core.scope import Scope
from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation, User
from villages.filters import COVERAGE_CONDITIONS
from villages.models import POOR, TARGET, Region, Village, scope_total_label

Level = DispatchingUnit.Level

# Beside the plan, where it stands: target villages with a secretary in office or assigned now
# (whatever campaign sent him), as the dashboard and the village list's 第一书记 filter count
# them. The join to postings repeats a village with ended or recalled postings: hence distinct.
VILLAGE_COUNTS = {
    "targets": Count("id", filter=TARGET, distinct=True),
    "poor": Count("id", filter=POOR, distinct=True),
    "in_office": Count("id", filter=TARGET & COVERAGE_CONDITIONS["in_office"][1], distinct=True),
    "assigned": Count("id", filter=TARGET & COVERAGE_CONDITIONS["assigned"][1], distinct=True),
}

# 省直 and 中央在晋 units are both 省级及以上: one column, with 中央在晋 also shown on its own.
QUOTA_SUMS = {
    "provincial": Sum("count", filter=Q(unit__level__in=[Level.PROVINCE, Level.CENTRAL])),
    "central": Sum("count", filter=Q(unit__level=Level.CENTRAL)),
    "city": Sum("count", filter=Q(unit__level=Level.CITY)),
    "county": Sum("count", filter=Q(unit__level=Level.COUNTY)),
}

# The figures that add up over counties into city subtotals and the total.
SUMMED = (
    "targets",
    "poor",
    "provincial",
    "central",
    "city",
    "county",
    "quotas",
    "backfill",
    "excess",
    "poor_excess",
    "in_office",
    "assigned",
    "uncovered",
)


def _county_row(county: Region, villages: dict, quotas: dict) -> dict:
    row = {
        "code": county.code,
        "name": county.name,
        "targets": villages.get("targets", 0),
        "poor": villages.get("poor", 0),
        "in_office": villages.get("in_office", 0),
        "assigned": villages.get("assigned", 0),
        # Sum() over no rows is NULL.
        **{key: quotas.get(key) or 0 for key in QUOTA_SUMS},
    }
    row["quotas"] = row["provincial"] + row["city"] + row["county"]
    row["uncovered"] = row["targets"] - row["in_office"] - row["assigned"]
    # Every target village must get a secretary: what the quotas leave, the county backfills.
    row["backfill"] = max(0, row["targets"] - row["quotas"])
    row["excess"] = max(0, row["quotas"] - row["targets"])
    # Provincial and city secretaries go mainly to registered-poor villages (notice §一.2).
    row["upper"] = row["provincial"] + row["city"]
    row["poor_excess"] = max(0, row["upper"] - row["poor"])
    row["warnings"] = []
    if row["excess"]:
        row["warnings"].append({"mark": "①", "text": f"名额超过两类村数，多出 {row['excess']} 名"})
    if row["poor_excess"]:
        row["warnings"].append(
            {
                "mark": "②",
                "text": f"省市两级名额 {row['upper']} 名，多于建档立卡贫困村 {row['poor']} 个（多出 {row['poor_excess']} 名）",
            }
        )
    return row


def _totals(rows: list[dict]) -> dict:
    totals = {key: sum(row[key] for row in rows) for key in SUMMED}
    totals["counties"] = len(rows)
    totals["warned"] = sum(1 for row in rows if row["warnings"])
    return totals


def coverage_plan(*, user: User, campaign: Campaign | None) -> dict:
    """The coverage plan of ``campaign`` over the counties ``user`` may see, grouped by city.

    Returns ``{"cities": [{"code", "name", "counties": [row, …], "subtotal": totals}, …],
    "total": totals, "total_label": 全省合计 or 合计, "has_central": bool}``. A row is ``{"code", "name", "targets", "poor",
    "provincial" (省直 and 中央在晋), "central", "city", "county", "quotas", "backfill",
    "excess", "upper", "poor_excess", "in_office", "assigned", "uncovered" (target villages with a
    secretary in office, assigned, or neither, now), "warnings": [{"mark", "text"}, …]}``; totals sum the rows (the
    backfill of a city is the sum of its counties' backfills, not a netting across counties)
    and add ``counties`` and ``warned`` (counties with a warning).

    Without a campaign every quota is 0. Queries: three (two without a campaign), whatever the
    number of counties.
    """
    counties = list(Region.objects.visible_to(user).counties().select_related("parent").order_by("code"))
    county_ids = [county.id for county in counties]

    villages = {
        row["county_id"]: row
        for row in Village.objects.visible_to(user)
        .filter(county_id__in=county_ids)
        .values("county_id")
        .annotate(**VILLAGE_COUNTS)
        .order_by()
    }
    quotas: dict[int, dict] = {}
    if campaign is not None:
        quotas = {
            row["county_id"]: row
            for row in QuotaAllocation.objects.filter(campaign=campaign, county_id__in=county_ids)
            .values("county_id")
            .annotate(**QUOTA_SUMS)
            .order_by()
        }

    cities: dict[str, dict] = {}
    rows = []
    for county in counties:
        row = _county_row(county, villages.get(county.id, {}), quotas.get(county.id, {}))
        city = cities.setdefault(county.parent.code, {"code": county.parent.code, "name": county.parent.name, "counties": []})
        city["counties"].append(row)
        rows.append(row)
    for city in cities.values():
        city["subtotal"] = _totals(city["counties"])
    total = _totals(rows)
    return {
        "cities": list(cities.values()),
        "total": total,
        "total_label": scope_total_label(Scope.of(user)),
        "has_central": total["central"] > 0,
    }
