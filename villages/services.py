"""Writes to regions and villages. Every change to these tables goes through a function here."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from villages.models import Region

REGION_FIELDS = (
    "name",
    "level",
    "is_national_key_county",
    "is_contiguous_poor_area_county",
    "is_provincial_poor_county",
    "former_names",
)
# Parents before children, so that every row's parent already has an id when it is written.
LEVEL_ORDER = [Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY, Region.Level.TOWNSHIP]


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}"


def read_region_fixture(path: Path) -> list[dict]:
    """Rows of a region fixture: a CSV whose leading ``#`` lines credit the data's source."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    rows = []
    for raw in csv.DictReader(lines):
        rows.append(
            {
                "code": raw["code"],
                "name": raw["name"],
                "level": raw["level"],
                "parent_code": raw["parent_code"] or None,
                "is_national_key_county": raw["national_key"] == "1",
                "is_contiguous_poor_area_county": raw["contiguous_poor"] == "1",
                "is_provincial_poor_county": raw["provincial_poor"] == "1",
                "former_names": raw["former_names"],
            }
        )
    return rows


@transaction.atomic
def regions_load(*, rows: list[dict]) -> LoadResult:
    """Create or update regions by code. Loading the same rows twice changes nothing; regions
    missing from ``rows`` are kept (villages and users may point at them)."""
    result = LoadResult()
    existing = {r.code: r for r in Region.objects.all()}
    ids = {code: r.id for code, r in existing.items()}
    rows_by_level = {level: [r for r in rows if r["level"] == level] for level in LEVEL_ORDER}
    unknown = {r["level"] for r in rows} - set(LEVEL_ORDER)
    if unknown:
        raise ValueError(f"未知的区划层级：{', '.join(sorted(unknown))}")
    for level in LEVEL_ORDER:
        to_create, to_update = [], []
        for row in rows_by_level[level]:
            parent_id = ids[row["parent_code"]] if row["parent_code"] else None
            region = existing.get(row["code"])
            if region is None:
                to_create.append(Region(code=row["code"], parent_id=parent_id, **{f: row[f] for f in REGION_FIELDS}))
                continue
            changed = region.parent_id != parent_id or any(getattr(region, f) != row[f] for f in REGION_FIELDS)
            if changed:
                region.parent_id = parent_id
                for f in REGION_FIELDS:
                    setattr(region, f, row[f])
                to_update.append(region)
            else:
                result.unchanged += 1
        for region in Region.objects.bulk_create(to_create, batch_size=500):
            ids[region.code] = region.id
        Region.objects.bulk_update(to_update, ["parent", *REGION_FIELDS], batch_size=500)
        result.created += len(to_create)
        result.updated += len(to_update)
    return result
