"""Writes to regions and villages. Every change to these tables goes through a function here."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import audit
from core.bulk import insert_rows, update_rows
from villages.models import Region, Village, VillageCategoryChange

REGIONS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "regions-shanxi.csv"
VILLAGES_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "villages-shanxi.csv"

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
        created = Region.objects.bulk_create(to_create, batch_size=500)
        for region in created:
            ids[region.code] = region.id
        Region.objects.bulk_update(to_update, ["parent", *REGION_FIELDS], batch_size=500)
        # The audit trail, in bulk (reference data: no acting user).
        audit.bulk_created(created, by=None)
        audit.bulk_updated(to_update, by=None)
        result.created += len(to_create)
        result.updated += len(to_update)
    return result


def read_village_fixture(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


@transaction.atomic
def villages_load(*, rows: list[dict], batch_size: int = 5000) -> LoadResult:
    """Create or update village units by code from reference data (code, name, township_code).
    Only names and places come from reference data: categories, notes and flags set by imports
    are never touched, and villages missing from ``rows`` are kept."""
    result = LoadResult()
    townships = dict(Region.objects.filter(level=Region.Level.TOWNSHIP).values_list("code", "id"))
    county_of = dict(Region.objects.filter(level=Region.Level.TOWNSHIP).values_list("id", "parent_id"))
    for start in range(0, len(rows), batch_size):
        chunk = rows[start : start + batch_size]
        existing = Village.objects.in_bulk([r["code"] for r in chunk], field_name="code")
        to_create, to_update = [], []
        for row in chunk:
            township_id = townships[row["township_code"]]
            village = existing.get(row["code"])
            if village is None:
                to_create.append(Village(code=row["code"], name=row["name"], township_id=township_id, county_id=county_of[township_id]))
            elif (village.name, village.township_id) != (row["name"], township_id):
                village.name, village.township_id, village.county_id = row["name"], township_id, county_of[township_id]
                to_update.append(village)
            else:
                result.unchanged += 1
        created = Village.objects.bulk_create(to_create, batch_size=batch_size)
        Village.objects.bulk_update(to_update, ["name", "township", "county", "updated_at"], batch_size=batch_size)
        audit.bulk_created(created, by=None)
        audit.bulk_updated(to_update, by=None)
        result.created += len(to_create)
        result.updated += len(to_update)
    return result


def category_changes(*, old: Mapping | None, new: Mapping) -> list[tuple[str, bool | None, bool]]:
    """(field, old, new) for each category flag that ``new`` changes. ``old`` is the village's
    current values, or None for a village being created (whose False flags are no change)."""
    changes = []
    for field in Village.CATEGORY_FIELDS:
        if field not in new:
            continue
        before = None if old is None else old[field]
        if before != new[field] and (before is not None or new[field]):
            changes.append((field, before, new[field]))
    return changes


# VillageCategoryChange's columns, as category_history_rows builds them.
HISTORY_FIELDS = ("village", "field", "old_value", "new_value", "changed_by", "changed_at", "import_batch", "note")


def category_history_rows(
    *,
    village_id: int,
    changes: list[tuple[str, bool | None, bool]],
    by_id: int | None,
    at,
    import_batch_id: int | None = None,
    note: str = "",
) -> list[dict]:
    """One VillageCategoryChange row (as a dict for insert_rows) per (field, old, new) of
    ``changes`` (category_changes). The one place that says what a history row holds: the
    category service and the village import both write through it."""
    return [
        {
            "village_id": village_id,
            "field": field,
            "old_value": old,
            "new_value": new,
            "changed_by_id": by_id,
            "changed_at": at,
            "import_batch_id": import_batch_id,
            "note": note,
        }
        for field, old, new in changes
    ]


def category_history_write(rows: list[dict]) -> int:
    """Insert history rows built by category_history_rows (one statement per batch)."""
    return insert_rows(VillageCategoryChange, rows, HISTORY_FIELDS)


@transaction.atomic
def villages_set_categories(*, changes: dict[int, dict], by=None, note: str = "", batch_size: int = 2000) -> int:
    """Set category flags of many villages at once ({village id: {field: bool}}), writing one
    history row per changed flag. Returns how many flags changed."""
    now = timezone.now()
    changed = 0
    ids = list(changes)
    for start in range(0, len(ids), batch_size):
        current = Village.objects.select_for_update().filter(id__in=ids[start : start + batch_size]).values("id", *Village.CATEGORY_FIELDS)
        history, to_update = [], []
        for village in current:
            flags = category_changes(old=village, new=changes[village["id"]])
            if not flags:
                continue
            history.extend(category_history_rows(village_id=village["id"], changes=flags, by_id=by.pk if by else None, at=now, note=note))
            village.update({field: after for field, _, after in flags})
            to_update.append({**village, "updated_at": now})
        update_rows(Village, to_update, [*Village.CATEGORY_FIELDS, "updated_at"])
        audit.bulk_changed(Village, [v["id"] for v in to_update], by=by)
        category_history_write(history)
        changed += len(history)
    return changed
