"""附表2 import: the quota table in its printed layout (dispatch.annex2), into the current
campaign, through the same two-stage engine as the village list (core.importing)."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from import_export import resources

from core.importing import ChunkCheck, Planned, RowError, TwoStageImport
from core.models import ImportBatch, ImportRow
from core.spreadsheets import FileRefused, Table
from dispatch import roles
from dispatch.annex2 import ANNEX2_COLUMNS
from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation
from dispatch.quota_services import QuotaCell, QuotaRefused, quotas_set
from dispatch.reference import annex2_records
from dispatch.roles import can
from dispatch.services import UnitsRefused, units_create
from villages.models import Region, deployment_province
from villages.selectors import RegionNames

# A unit the table names that the system does not know yet: the preview offers to create it
# as a provincial organ (the table is the provincial units'); its kind can be corrected later.
NEW_UNIT = "new"
NEW_UNIT_DEFAULTS = {"level": DispatchingUnit.Level.PROVINCE, "kind": DispatchingUnit.Kind.PARTY_GOVERNMENT}


class QuotaResource(TwoStageImport, resources.ModelResource):
    """Rows name a county (神池 or 神池县), a unit already registered (派出单位导入) and a count.
    Quotas the file does not name are left alone; a count of 0 is kept as 0 (the matrix page
    removes quotas)."""

    kind = "quotas"
    columns = ANNEX2_COLUMNS

    class Meta:
        model = QuotaAllocation
        fields = ("campaign", "unit", "county", "count")

    # 序号 and 县名 are merged over each county's units: fill them down before the checks.
    def _records(self, table: Table, compact: dict[str, bool]):
        return annex2_records(TwoStageImport._records(table, compact))

    # --- the checks --------------------------------------------------------------------------
    def start(self, *, user, table: Table) -> None:
        self.campaign = Campaign.current()
        if self.campaign is None:
            raise FileRefused("系统中没有当前选派批次，请先在管理后台设置当前批次。")
        self.names = RegionNames(levels=[Region.Level.CITY, Region.Level.COUNTY])
        self.visible = set(Region.objects.visible_to(user).filter(level=Region.Level.COUNTY).values_list("id", flat=True))
        self.units_by_name: dict[str, list[DispatchingUnit]] = defaultdict(list)
        for unit in DispatchingUnit.objects.select_related("region"):
            self.units_by_name[unit.name].append(unit)
        self.existing = {(q.county_id, q.unit_id): q.count for q in QuotaAllocation.objects.filter(campaign=self.campaign)}
        self.seen: dict[tuple[int, str], int] = {}
        self.new_units: set[str] = set()

    def _county(self, name: str, row: int, errors: list) -> Region | None:
        column = self.header["county"]
        if not name:
            errors.append(RowError(row, column, "不能为空。"))
            return None
        counties = self.names.counties(name)
        if not counties:
            errors.append(RowError(row, column, f"找不到名为“{name}”的县（市、区）。"))
            return None
        if len(counties) > 1:
            errors.append(RowError(row, column, f"“{name}”对应多个县（{self.names.places(counties)}），请写明是哪一个。"))
            return None
        county = counties[0]
        if county.id not in self.visible:
            errors.append(RowError(row, column, f"{county.name}不在您的管辖范围内。"))
            return None
        return county

    def _unit(self, name: str, row: int, errors: list) -> DispatchingUnit | str | None:
        column = self.header["unit"]
        if not name:
            errors.append(RowError(row, column, "不能为空。"))
            return None
        units = self.units_by_name.get(name, [])
        if len(units) > 1:
            # The provincial table names provincial units; a city's namesake does not count.
            units = [u for u in units if u.region.level == Region.Level.PROVINCE] or units
        if not units:
            return NEW_UNIT  # offered for creation in the preview (check_chunk)
        if len(units) > 1:
            errors.append(RowError(row, column, f"有 {len(units)} 个名为“{name}”的派出单位，请在管理后台核对。"))
            return None
        return units[0]

    def check_chunk(self, rows: list[tuple[int, dict]], *, user) -> ChunkCheck:
        check = ChunkCheck()
        for row, record in rows:
            errors: list[RowError] = []
            county = self._county(record["county"], row, errors)
            unit = self._unit(record["unit"], row, errors)
            if record["count"]:
                count = self.cell(record, "count", row, errors)
            else:
                self.error(errors, row, "count", "不能为空。")
            name = record["unit"]
            if county and unit:
                first = self.seen.setdefault((county.id, name), row)
                if first != row:
                    errors.append(RowError(row, self.header["unit"], f"{county.name}的“{name}”与第{first}行重复。"))
            if errors:
                check.errors.extend(errors)
                continue
            key = f"{county.name}·{name}"[:64]
            values = {"campaign_id": self.campaign.id, "county_id": county.id, "count": count, "name": f"{count} 人"}
            if unit == NEW_UNIT:
                if name not in self.new_units:
                    self.new_units.add(name)
                    offer = {"new_unit": name, "name": "新增派出单位：省直、党政机关（导入后可在派出单位页修改）"}
                    check.planned.append(Planned(row, ImportRow.Action.CREATE, f"新增单位·{name}"[:64], offer))
                check.planned.append(Planned(row, ImportRow.Action.CREATE, key, {**values, "unit_id": None, "unit_name": name}))
                continue
            values["unit_id"] = unit.id
            old = self.existing.get((county.id, unit.id))
            if old is None:
                check.planned.append(Planned(row, ImportRow.Action.CREATE, key, values))
            elif old != count:
                check.planned.append(Planned(row, ImportRow.Action.UPDATE, key, values, {"count": [old, count]}))
            else:
                check.unchanged += 1
        return check

    # --- the confirm ---------------------------------------------------------------------------
    def _create_offered_units(self, rows: list[Planned], label: dict, *, user) -> tuple[list[Planned], list[RowError]]:
        """Create the units the preview offered (staged just before their first quota row) with
        the units service, and point their quota rows at them: (the quota rows, problems)."""
        created = getattr(self, "created_units", None)
        if created is None:
            created = self.created_units = {}
        province = deployment_province()
        offers = [staged for staged in rows if "new_unit" in staged.values]
        if offers:
            names = [staged.values["new_unit"] for staged in offers]
            taken = set(DispatchingUnit.objects.filter(name__in=names, region=province).values_list("name", flat=True))
            late = [
                RowError(s.row, label["unit"], f"预览后已有人新增了派出单位“{s.values['new_unit']}”，请重新上传预览。")
                for s in offers
                if s.values["new_unit"] in taken
            ]
            if late:
                return [], late
            try:
                units = units_create(rows=[{"name": name, "region": province, **NEW_UNIT_DEFAULTS} for name in names], by=user)
            except UnitsRefused as refused:
                return [], [
                    RowError(offers[i].row, label["unit"], message)
                    for i, fields in sorted(refused.errors.items())
                    for messages in fields.values()
                    for message in messages
                ]
            created.update({unit.name: unit.id for unit in units})
        quotas = []
        for staged in rows:
            if "new_unit" in staged.values:
                continue
            if staged.values.get("unit_id") is None:
                values = {**staged.values, "unit_id": created[staged.values["unit_name"]]}
                quotas.append(Planned(staged.row, staged.action, staged.key, values, staged.diff))
            else:
                quotas.append(staged)
        return quotas, []

    def apply_chunk(self, rows: list[Planned], *, user, batch: ImportBatch) -> list[RowError]:
        label = {c.key: c.header for c in ANNEX2_COLUMNS}
        if not can(user, roles.EDIT_QUOTAS):
            return [RowError(rows[0].row, label["county"], "您的角色已无权导入名额分配表。")]
        rows, problems = self._create_offered_units(rows, label, user=user)
        if problems:
            return problems
        visible = set(Region.objects.visible_to(user).filter(pk__in={r.values["county_id"] for r in rows}).values_list("id", flat=True))
        campaign_ids = {r.values["campaign_id"] for r in rows}
        # Locked here to compare with the preview; quotas_set locks them again (a no-op).
        locked = QuotaAllocation.objects.select_for_update().filter(
            campaign_id__in=campaign_ids,
            county_id__in={r.values["county_id"] for r in rows},
            unit_id__in={r.values["unit_id"] for r in rows},
        )
        existing = {(q.campaign_id, q.county_id, q.unit_id): q for q in locked}
        conflicts, to_set = [], []
        for staged in rows:
            v = staged.values
            if v["county_id"] not in visible:
                conflicts.append(RowError(staged.row, label["county"], f"{staged.key} 已不在您的管辖范围内。"))
                continue
            quota = existing.get((v["campaign_id"], v["county_id"], v["unit_id"]))
            if staged.action == ImportRow.Action.CREATE:
                if quota is not None:
                    conflicts.append(
                        RowError(
                            staged.row, label["count"], f"预览后已有人设置了{staged.key}的名额（现为 {quota.count}），请重新上传预览。"
                        )
                    )
                    continue
            elif quota is None:
                conflicts.append(RowError(staged.row, label["count"], f"预览后{staged.key}的名额已被删除，请重新上传预览。"))
                continue
            elif quota.count != staged.diff["count"][0]:
                conflicts.append(RowError(staged.row, label["count"], f"预览后已被他人修改（现为 {quota.count}），请重新上传预览。"))
                continue
            to_set.append(staged)
        if conflicts:
            return conflicts
        for campaign_id in campaign_ids:
            staged = [s for s in to_set if s.values["campaign_id"] == campaign_id]
            units = DispatchingUnit.objects.in_bulk({s.values["unit_id"] for s in staged})
            counties = Region.objects.in_bulk({s.values["county_id"] for s in staged})
            cells = [QuotaCell(units[s.values["unit_id"]], counties[s.values["county_id"]], s.values["count"]) for s in staged]
            try:
                quotas_set(campaign=Campaign.objects.get(pk=campaign_id), cells=cells, by=user, keep_zero=True)
            except QuotaRefused as refused:
                return [RowError(staged[i].row, label["count"], message) for i, message in sorted(refused.errors.items())]
            except PermissionDenied as denied:
                return [RowError(staged[0].row, label["county"], str(denied))]
        return []
