"""Reads of regions and villages for pages and reports."""

from __future__ import annotations

from django.db.models import Count, Q

from villages.models import Village

# What the summary counts, in the column order of 附表1.
SUMMARY_COUNTS = {
    "total": Count("id"),
    "weak": Count("id", filter=Q(is_weak_organization=True)),
    "poor": Count("id", filter=Q(is_registered_poor=True)),
    "both": Count("id", filter=Q(is_weak_organization=True, is_registered_poor=True)),
    "targets": Count("id", filter=Q(is_weak_organization=True) | Q(is_registered_poor=True)),
}


def _totals(rows: list[dict]) -> dict:
    totals = {key: sum(row[key] for row in rows) for key in SUMMARY_COUNTS}
    # The notice's own arithmetic (2,697 + 7,993 − 794 = 9,896): the union counted by the
    # database must equal the two categories minus their overlap.
    totals["check_ok"] = totals["targets"] == totals["weak"] + totals["poor"] - totals["both"]
    return totals


def county_category_summary(*, user) -> dict:
    """Per county of the user's scope, grouped by city: all villages, 党组织软弱涣散村,
    建档立卡贫困村, both, and the 两类村 (union). One aggregate query over the visible villages;
    city subtotals and the grand total are sums over its per-county rows.

    Returns ``{"cities": [{"code", "name", "counties": [row, …], "subtotal": totals}, …],
    "total": totals}``; a row is ``{"code", "name", "total", "weak", "poor", "both",
    "targets", "check_ok"}``.
    """
    rows = (
        Village.objects.visible_to(user)
        .values("county__parent__code", "county__parent__name", "county__code", "county__name")
        .annotate(**SUMMARY_COUNTS)
        .order_by("county__code")
    )
    cities: dict[str, dict] = {}
    all_rows = []
    for row in rows:
        county = {"code": row["county__code"], "name": row["county__name"], **{k: row[k] for k in SUMMARY_COUNTS}}
        county["check_ok"] = county["targets"] == county["weak"] + county["poor"] - county["both"]
        city = cities.setdefault(
            row["county__parent__code"],
            {"code": row["county__parent__code"], "name": row["county__parent__name"], "counties": []},
        )
        city["counties"].append(county)
        all_rows.append(county)
    for city in cities.values():
        city["subtotal"] = _totals(city["counties"])
    return {"cities": list(cities.values()), "total": _totals(all_rows)}
