"""Reads of regions and villages for pages, reports and imports."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from core.scope import Scope, deployment_province_prefix
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


# --- regions by name: the one lookup every import uses --------------------------------------
SHORT_NAME_SUFFIXES = ("街道办事处", "办事处", "街道", "县", "区", "市", "镇", "乡")


def region_short_name(name: str) -> str:
    """岢岚县 → 岢岚, 岚漪镇 → 岚漪: how people abbreviate; two characters at least."""
    for suffix in SHORT_NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def code_in_scope(scope: Scope, code: str) -> bool:
    """Whether a region or village code lies inside ``scope`` (its region subtree)."""
    return scope.everything or bool(scope.region_prefix) and code.startswith(scope.region_prefix)


class RegionNames:
    """Cities, counties and townships by the names people write in spreadsheets: the full name,
    the short name (岢岚), a former name (counties renamed since), and for a county also with
    its city before it (忻州市岢岚县, 忻州岢岚县), which is never ambiguous. Built once per
    import (three small queries' worth: 1,500 regions of the deployment's province), then every
    lookup is a dict read.

    Lookups answer every region a name may mean; the importer says what an empty or ambiguous
    answer means for its file (``places`` names the candidates), and checks its scope."""

    def __init__(
        self,
        *,
        levels=(Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY, Region.Level.TOWNSHIP),
        within: str | None = None,
    ):
        # Names are the deployment's province's (settings.PROVINCE_CODE) unless ``within`` says
        # otherwise ("" for every province loaded): 城区 and 郊区 repeat across the nation.
        within = deployment_province_prefix() if within is None else within
        rows = Region.objects.filter(level__in=levels, code__startswith=within)
        rows = rows.only("id", "code", "name", "level", "parent_id", "former_names")
        self.by_id: dict[int, Region] = {r.id: r for r in rows}
        self.by_code: dict[str, Region] = {r.code: r for r in self.by_id.values()}
        self.province = next((r for r in self.by_id.values() if r.level == Region.Level.PROVINCE), None)
        self._cities: dict[str, set[int]] = defaultdict(set)
        self._counties: dict[str, set[int]] = defaultdict(set)
        self._townships: dict[tuple[int, str], set[int]] = defaultdict(set)
        for r in self.by_id.values():
            names = {r.name, region_short_name(r.name)}
            if r.level == Region.Level.CITY:
                for n in names:
                    self._cities[n].add(r.id)
            elif r.level == Region.Level.COUNTY:
                names.update(n for n in r.former_names.split("、") if n)
                city = self.by_id.get(r.parent_id)
                prefixes = ("", city.name, region_short_name(city.name)) if city else ("",)
                for prefix in prefixes:
                    for n in names:
                        self._counties[prefix + n].add(r.id)
            elif r.level == Region.Level.TOWNSHIP:
                for n in names:
                    self._townships[(r.parent_id, n)].add(r.id)

    def cities(self, name: str) -> list[Region]:
        return [self.by_id[i] for i in sorted(self._cities.get(name, ()))]

    def counties(self, name: str, *, city: str = "") -> list[Region]:
        """The counties ``name`` may mean; a ``city`` name narrows several down (if it fits any)."""
        ids = self._counties.get(name, set())
        if city and len(ids) > 1:
            city_ids = self._cities.get(city, set())
            ids = {i for i in ids if self.by_id[i].parent_id in city_ids} or ids
        return [self.by_id[i] for i in sorted(ids)]

    def townships(self, county: Region, name: str) -> list[Region]:
        return [self.by_id[i] for i in sorted(self._townships.get((county.id, name), ()))]

    def place(self, region: Region) -> str:
        """The region with its parent's name before it: 晋城市城区."""
        parent = self.by_id.get(region.parent_id)
        return (parent.name if parent else "") + region.name

    def places(self, regions: list[Region]) -> str:
        return "、".join(sorted(self.place(r) for r in regions))
