"""The dispatching-unit list's one resource: the page's two-stage import (core.importing),
its export and the admin's django-import-export import all go through
``DispatchingUnitResource`` and its checks.

A unit is known by its name and its region (the model's unique constraint): 农业局 of one county
is not 农业局 of the next. Provincial and central units stand in the province, city units in
their city, county units in their county; the region column says which, and the importer's scope
decides whether they may write it.
"""

from __future__ import annotations

import re
from typing import IO

import tablib
from import_export import resources

from core.columns import FLAG, Choice, Column, RegionName, Text, display_value, escape_row
from core.exports import list_xlsx_tempfile
from core.importing import AdminImport, ChunkCheck, Planned, RowError, TwoStageImport, changed_since_preview
from core.models import ImportBatch, ImportRow
from core.scope import Scope
from core.spreadsheets import Table
from dispatch.models import DispatchingUnit
from dispatch.services import UnitsRefused, units_create, units_update
from villages.models import Region
from villages.selectors import RegionNames, code_in_scope

Level = DispatchingUnit.Level
Kind = DispatchingUnit.Kind

LEVEL_WORDS = {
    Level.CENTRAL: ("中央在晋单位", "中央"),
    Level.PROVINCE: ("省", "省直", "省级"),
    Level.CITY: ("市", "市直", "市级"),
    Level.COUNTY: ("县", "县直", "县级"),
}
UNIT_COLUMNS = [
    Column(
        "name",
        "单位名称",
        ("派出单位", "单位", "派出单位名称"),
        required=True,
        parser=Text(DispatchingUnit._meta.get_field("name").max_length, kind="name"),
        width=30,
        example="山西省国土资源厅",
    ),
    Column(
        "level",
        "单位层级",
        ("层级", "单位级别"),
        required=True,
        parser=Choice({w: level for level, words in LEVEL_WORDS.items() for w in words}, hint="应填 中央在晋单位、省、市 或 县"),
        width=14,
        example="省",
    ),
    Column(
        "kind",
        "单位性质",
        ("性质", "单位类别"),
        required=True,
        parser=Choice({k.label: k.value for k in Kind}, hint="应填 " + "、".join(Kind.labels)),
        width=12,
        example="党政机关",
    ),
    Column(
        "region",
        "所在区划",
        ("所在地", "所属区划", "区划"),
        parser=RegionName((Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY)),
        width=18,
        example="山西省",
    ),
    Column("is_agriculture_related", "涉农单位", ("是否涉农单位", "涉农"), parser=FLAG, width=10, example="否"),
]

# Fields an import may change on an existing unit; its name and region are its key.
UPDATABLE = ("level", "kind", "is_agriculture_related")
PROVINCE_PREFIX = re.compile(r"^山西省?")
REGION_LEVEL = DispatchingUnit.REGION_LEVEL
LEVEL_NOUN = DispatchingUnit.LEVEL_NOUN


def unit_display(field: str, value) -> str:
    """A stored value as the preview and the conflict messages show it: labels, not codes."""
    if field == "level":
        return Level(value).label
    if field == "kind":
        return Kind(value).label
    return display_value(value)


def unit_region_label(unit: DispatchingUnit) -> str:
    """The region as the export writes it and the import reads it back: 山西省, 忻州市, and
    忻州市岢岚县 for counties, whose names repeat across cities (城区)."""
    region = unit.region
    if region.level == Region.Level.COUNTY:
        return f"{region.parent.name}{region.name}"
    return region.name


def unit_export_row(unit: DispatchingUnit) -> list:
    """One row in UNIT_COLUMNS order. Expects the queryset to select_related("region__parent")."""
    return escape_row(
        [
            unit.name,
            Level(unit.level).label,
            Kind(unit.kind).label,
            unit_region_label(unit),
            "是" if unit.is_agriculture_related else "否",
        ]
    )


def unit_key(name: str, region: Region) -> str:
    return f"{name}（{region.name}）"[:64]


class DispatchingUnitResource(AdminImport, TwoStageImport, resources.ModelResource):
    kind = "units"
    columns = UNIT_COLUMNS

    class Meta:
        model = DispatchingUnit
        import_id_fields = ("name", "region")
        fields = ("name", "level", "kind", "region", "is_agriculture_related")

    # --- export (the page's and the admin's) --------------------------------------------------
    def export(self, queryset=None, **kwargs) -> tablib.Dataset:
        queryset = DispatchingUnit.objects.all() if queryset is None else queryset
        dataset = tablib.Dataset(headers=[c.header for c in UNIT_COLUMNS])
        for unit in queryset.select_related("region__parent"):
            dataset.append(unit_export_row(unit))
        return dataset

    # --- the checks --------------------------------------------------------------------------
    def start(self, *, user, table: Table) -> None:
        self.scope = Scope.of(user)
        self.scope_label = getattr(user, "scope_label", "")
        self.names = RegionNames(levels=[Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY])
        self.seen: dict[tuple[str, int], int] = {}

    def _region(self, level: str, text: str, row: int, errors: list) -> Region | None:
        column = self.header["region"]
        name = PROVINCE_PREFIX.sub("", text) if text not in ("山西", "山西省") else text
        wanted = REGION_LEVEL[level]
        if wanted == Region.Level.PROVINCE:
            if text in ("", "山西", "山西省"):
                return self.names.province
            errors.append(RowError(row, column, f"{LEVEL_NOUN[level]}的所在区划应为山西省（可不填），不能是“{text}”。"))
            return None
        level_word = {Region.Level.CITY: "市", Region.Level.COUNTY: "县（市、区）"}[wanted]
        if not name:
            errors.append(RowError(row, column, f"{LEVEL_NOUN[level]}须填写所在{level_word}。"))
            return None
        lookup = {Region.Level.CITY: self.names.cities, Region.Level.COUNTY: self.names.counties}
        found = lookup[wanted](name)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            places = self.names.places(found)
            errors.append(RowError(row, column, f"“{text}”对应多个县（{places}），请连同所在市填写，如“{min(places.split('、'))}”。"))
            return None
        other = Region.Level.COUNTY if wanted == Region.Level.CITY else Region.Level.CITY
        if lookup[other](name):
            example = "忻州市" if wanted == Region.Level.CITY else "忻州市岢岚县"
            errors.append(RowError(row, column, f"“{text}”不是{level_word}：{LEVEL_NOUN[level]}应填所在{level_word}，如“{example}”。"))
        else:
            errors.append(RowError(row, column, f"找不到名为“{text}”的{level_word}。"))
        return None

    def _values(self, record: dict, row: int, errors: list) -> dict:
        values = {}
        for field in ("level", "kind"):
            if not record[field]:
                self.error(errors, row, field, "不能为空。")
            elif (value := self.cell(record, field, row, errors)) is not None:
                values[field] = value
        if "is_agriculture_related" in self.present:
            value = self.cell(record, "is_agriculture_related", row, errors)
            if value is not None:
                values["is_agriculture_related"] = value
        return values

    def check_chunk(self, rows: list[tuple[int, dict]], *, user) -> ChunkCheck:
        check = ChunkCheck()
        parsed = []
        for row, record in rows:
            errors: list[RowError] = []
            name = record["name"]
            if not name:
                self.error(errors, row, "name", "不能为空。")
            else:
                self.cell(record, "name", row, errors)
            values = self._values(record, row, errors)
            region = self._region(values["level"], record["region"], row, errors) if "level" in values else None
            if region is not None and not code_in_scope(self.scope, region.code):
                errors.append(RowError(row, self.header["region"], f"{region.name}的单位不在您的管辖范围（{self.scope_label}）内。"))
            if region is not None and name:
                first = self.seen.setdefault((name, region.id), row)
                if first != row:
                    errors.append(RowError(row, self.header["name"], f"“{name}”与第{first}行是同一区划的同名单位。"))
            if errors:
                check.errors.extend(errors)
            else:
                parsed.append((row, name, region, values))

        fields = ("id", "name", "region_id", *UPDATABLE)
        existing = {
            (u["name"], u["region_id"]): u
            for u in DispatchingUnit.objects.filter(name__in={p[1] for p in parsed}, region_id__in={p[2].id for p in parsed}).values(
                *fields
            )
        }
        for row, name, region, values in parsed:
            unit = existing.get((name, region.id))
            identity = {"name": name, "region_id": region.id}
            if unit is None:
                check.planned.append(
                    Planned(row, ImportRow.Action.CREATE, unit_key(name, region), {**identity, "is_agriculture_related": False, **values})
                )
                continue
            diff = {f: [unit_display(f, unit[f]), unit_display(f, v)] for f, v in values.items() if unit[f] != v}
            if diff:
                check.planned.append(Planned(row, ImportRow.Action.UPDATE, unit_key(name, region), {**identity, **values}, diff))
            else:
                check.unchanged += 1
        return check

    # --- the confirm ---------------------------------------------------------------------------
    def apply_chunk(self, rows: list[Planned], *, user, batch: ImportBatch) -> list[RowError]:
        scope = Scope.of(user)
        label = {c.key: c.header for c in UNIT_COLUMNS}
        region_ids = {r.values["region_id"] for r in rows}
        regions = dict(Region.objects.filter(id__in=region_ids).values_list("id", "code"))
        locked = DispatchingUnit.objects.select_for_update().filter(name__in={r.values["name"] for r in rows}, region_id__in=region_ids)
        existing = {(u.name, u.region_id): u for u in locked}
        conflicts, to_create, to_update = [], [], []
        for staged in rows:
            values = dict(staged.values)
            name, region_id = values.pop("name"), values.pop("region_id")
            if not code_in_scope(scope, regions.get(region_id, "")):
                conflicts.append(RowError(staged.row, label["region"], f"“{name}”已不在您的管辖范围内。"))
                continue
            unit = existing.get((name, region_id))
            if staged.action == ImportRow.Action.CREATE:
                if unit is not None:
                    conflicts.append(RowError(staged.row, label["name"], f"预览后已有人新增了“{name}”，请重新上传预览。"))
                else:
                    to_create.append((staged.row, {"name": name, "region_id": region_id, **values}))
                continue
            if unit is None:
                conflicts.append(RowError(staged.row, label["name"], f"“{name}”已不存在，请重新上传预览。"))
                continue
            field = changed_since_preview(values, staged.diff, lambda f, unit=unit: getattr(unit, f), unit_display)
            if field is not None:
                conflicts.append(
                    RowError(
                        staged.row,
                        label[field],
                        f"预览后已被他人修改（现为“{unit_display(field, getattr(unit, field))}”），请重新上传预览。",
                    )
                )
                continue
            to_update.append((staged.row, unit, values))
        if conflicts:
            return conflicts
        # The services validate each unit with the model's rules, as for every other writer.
        try:
            units_create(rows=[values for _, values in to_create], by=user)
        except UnitsRefused as refused:
            return refused_rows(refused, [row for row, _ in to_create], label)
        try:
            units_update(changes=[(unit, values) for _, unit, values in to_update], by=user)
        except UnitsRefused as refused:
            return refused_rows(refused, [row for row, _, _ in to_update], label)
        return []

    # --- django-import-export (the admin): core.importing.AdminImport -------------------
    def admin_cells(self, staged: list[ImportRow]) -> list[list[str]]:
        region_names = dict(Region.objects.filter(id__in={r.values["region_id"] for r in staged}).values_list("id", "name"))
        cells = []
        for row in staged:
            shown = {
                "name": row.values["name"],
                "region": region_names.get(row.values["region_id"], ""),
                **{f: unit_display(f, v) for f, v in row.values.items() if f in UPDATABLE},
            }
            cells.append(
                [f"{row.diff[c.key][0]} → {row.diff[c.key][1]}" if c.key in row.diff else shown.get(c.key, "") for c in UNIT_COLUMNS]
            )
        return cells


def refused_rows(refused: UnitsRefused, row_numbers: list[int], label: dict[str, str]) -> list[RowError]:
    """The units service's refusal as "第N行 列名：问题" rows, in the file's row order."""
    return [
        RowError(row_numbers[i], label.get(field, label["name"]), message)
        for i, fields in sorted(refused.errors.items())
        for field, messages in fields.items()
        for message in messages
    ]


def units_xlsx_tempfile(*, units) -> IO[bytes]:
    """``units`` (already scoped and filtered) as an .xlsx the import reads back."""
    rows = (unit_export_row(unit) for unit in units.select_related("region__parent").iterator(chunk_size=2000))
    return list_xlsx_tempfile(columns=UNIT_COLUMNS, rows=rows, sheet_name="派出单位")
