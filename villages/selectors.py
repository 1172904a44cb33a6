"""Reads of regions and villages for pages and reports."""

from __future__ import annotations

from django.db.models import Count

from core.scope import Scope
from villages.models import POOR, TARGET, WEAK, Region, Village, scope_total_label, total_label

# What the summary counts, in the column order of 附表1.
SUMMARY_COUNTS = {
    "total": Count("id"),
    "weak": Count("id", filter=WEAK),
    "poor": Count("id", filter=POOR),
    "both": Count("id", filter=WEAK & POOR),
    "targets": Count("id", filter=TARGET),
}


def _check_ok(row: dict) -> bool:
    # The notice's own arithmetic (2,697 + 7,993 − 794 = 9,896): the union counted by the
    # database must equal the two categories minus their overlap.
    return row["targets"] == row["weak"] + row["poor"] - row["both"]


def _totals(rows: list[dict]) -> dict:
    totals = {key: sum(row[key] for row in rows) for key in SUMMARY_COUNTS}
    totals["check_ok"] = _check_ok(totals)
    return totals


def county_category_summary(*, user, region: Region | None = None) -> dict:
    """Per county of the user's scope (inside ``region`` if given), grouped by city: all
    villages, 党组织软弱涣散村, 建档立卡贫困村, both, and the 两类村 (union). One aggregate query
    over the visible villages; city subtotals and the grand total are sums over its per-county
    rows. /villages/summary/ shows it; 附表1 (reports.annexes) is built from it.

    Returns ``{"cities": [{"code", "name", "counties": [row, …], "subtotal": totals}, …],
    "total": totals, "total_label": 全省合计 or 合计}``; a row is ``{"code", "name", "total",
    "weak", "poor", "both", "targets", "check_ok"}``.
    """
    villages = Village.objects.visible_to(user)
    if region is not None:
        villages = villages.filter(code__startswith=region.scope_prefix)
    rows = (
        villages.values("county__parent__code", "county__parent__name", "county__code", "county__name")
        .annotate(**SUMMARY_COUNTS)
        .order_by("county__code")
    )
    cities: dict[str, dict] = {}
    all_rows = []
    for row in rows:
        county = {"code": row["county__code"], "name": row["county__name"], **{k: row[k] for k in SUMMARY_COUNTS}}
        county["check_ok"] = _check_ok(county)
        city = cities.setdefault(
            row["county__parent__code"],
            {"code": row["county__parent__code"], "name": row["county__parent__name"], "counties": []},
        )
        city["counties"].append(county)
        all_rows.append(county)
    for city in cities.values():
        city["subtotal"] = _totals(city["counties"])
    label = total_label(prefix=region.scope_prefix) if region is not None else scope_total_label(Scope.of(user))
    return {"cities": list(cities.values()), "total": _totals(all_rows), "total_label": label}
