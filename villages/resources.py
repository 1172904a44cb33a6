"""The village list's one resource: export, the page's two-stage import and the admin's
django-import-export import all go through ``VillageResource`` and its checks."""

from __future__ import annotations

import re
from collections import defaultdict

import tablib
from django.utils import timezone
from import_export import resources

from core import audit
from core.bulk import update_rows
from core.columns import display_value
from core.importing import AdminImport, ChunkCheck, FileRefused, Planned, RowError, TwoStageImport, changed_since_preview
from core.models import ImportBatch, ImportRow
from core.scope import Scope
from core.spreadsheets import Table
from villages.columns import VILLAGE_COLUMNS, village_export_row
from villages.models import Region, Village
from villages.selectors import RegionNames, code_in_scope
from villages.services import category_changes, category_history_rows, category_history_write

CODE = re.compile(r"^[0-9]{12}$")
# 东街村委会, 新店村村民委员会, 东街村 and 东街 all name the same village.
VILLAGE_SUFFIX = re.compile(r"(村村民委员会|村民委员会|村委会|委员会|村)$")
# Fields an import may set on an existing village; its place comes from its code.
UPDATABLE = ("name", "urban_rural_code", "is_weak_organization", "is_registered_poor", "is_key_difficult", "notes")
FLAGS = ("is_weak_organization", "is_registered_poor", "is_key_difficult")


def village_key(name: str) -> str:
    return VILLAGE_SUFFIX.sub("", name)


class VillageResource(AdminImport, TwoStageImport, resources.ModelResource):
    kind = "villages"
    columns = VILLAGE_COLUMNS

    class Meta:
        model = Village
        import_id_fields = ("code",)
        fields = ("code", "name", "urban_rural_code", "is_weak_organization", "is_registered_poor", "is_key_difficult", "notes")

    # --- export (the page's and the admin's) --------------------------------------------------
    def export(self, queryset=None, **kwargs) -> tablib.Dataset:
        queryset = Village.objects.all() if queryset is None else queryset
        dataset = tablib.Dataset(headers=[c.header for c in VILLAGE_COLUMNS])
        for village in queryset.select_related("county__parent", "township").iterator(chunk_size=2000):
            dataset.append(village_export_row(village))
        return dataset

    # --- the checks --------------------------------------------------------------------------
    def start(self, *, user, table: Table) -> None:
        self.scope = Scope.of(user)
        self.scope_label = getattr(user, "scope_label", "")
        # Every province's regions: a village's 12-digit code names its county wherever it is (the
        # national list may be loaded beside the province's); the scope check below still holds.
        self.names = RegionNames(levels=[Region.Level.CITY, Region.Level.COUNTY, Region.Level.TOWNSHIP], within="")
        self.seen_codes: dict[str, int] = {}
        self.seen_names: dict[tuple, int] = {}
        # A county's user imports its own county's villages: the county column may be left out.
        prefix = self.scope.region_prefix or ""
        county = self.names.by_code.get(prefix) if not self.scope.everything else None
        self.scope_county = county if county is not None and county.level == Region.Level.COUNTY else None
        if "county" not in self.present and "code" not in self.present and self.scope_county is None:
            raise FileRefused(
                f"缺少必需的列：{self.header['county']}。文件没有统计用区划代码列，您的管辖范围（{self.scope_label or '未设置'}）"
                f"也不能确定村所属的县，请加上“{self.header['county']}”列或 12 位统计用区划代码列。"
            )

    def _county(self, record: dict, row: int, errors: list) -> Region | None:
        name = record["county"]
        code = record.get("code", "")
        if not name:
            # The county comes from the code's first 6 digits, or from a county user's scope.
            if CODE.match(code):
                county = self.names.by_code.get(code[:6])
                if county is None or county.level != Region.Level.COUNTY:
                    errors.append(RowError(row, self.header["code"], f"代码前6位 {code[:6]} 不是本系统中的县级区划。"))
                    return None
                return county
            if self.scope_county is not None:
                return self.scope_county
            errors.append(RowError(row, self.header["county"], "不能为空：本行没有12位统计用区划代码，无法确定所属县（市、区）。"))
            return None
        counties = self.names.counties(name, city=record.get("city", ""))
        if CODE.match(code):
            county = self.names.by_code.get(code[:6])
            if county is None or county.level != Region.Level.COUNTY:
                errors.append(RowError(row, self.header["code"], f"代码前6位 {code[:6]} 不是本系统中的县级区划。"))
                return None
            if county not in counties:
                errors.append(RowError(row, self.header["county"], f"“{name}”与统计用区划代码不符：代码 {code} 属于{county.name}。"))
                return None
            return county
        if not counties:
            errors.append(RowError(row, self.header["county"], f"找不到名为“{name}”的县（市、区）。"))
            return None
        if len(counties) > 1:
            errors.append(
                RowError(row, self.header["county"], f"“{name}”对应多个县（{self.names.places(counties)}），请填写“市”列或统计用区划代码。")
            )
            return None
        return counties[0]

    def _township(self, record: dict, county: Region, row: int, errors: list) -> Region | None:
        name = record["township"]
        if not name:
            errors.append(RowError(row, self.header["township"], "不能为空。"))
            return None
        townships = self.names.townships(county, name)
        code = record.get("code", "")
        if CODE.match(code):
            township = self.names.by_code.get(code[:9])
            if township is None:
                errors.append(RowError(row, self.header["code"], f"代码前9位 {code[:9]} 不是{county.name}已有的乡（镇）。"))
                return None
            if township not in townships:
                errors.append(RowError(row, self.header["township"], f"“{name}”与统计用区划代码不符：代码 {code} 属于{township.name}。"))
                return None
            return township
        if len(townships) != 1:
            errors.append(RowError(row, self.header["township"], f"{county.name}没有名为“{name}”的乡（镇）。"))
            return None
        return townships[0]

    def _values(self, record: dict, row: int, errors: list) -> dict:
        """The fields this row sets: only those whose columns the file has."""
        values = {}
        for field in (*FLAGS, "urban_rural_code", "notes"):
            if field in self.present:
                value = self.cell(record, field, row, errors)
                if value is not None:
                    values[field] = value
        if "urban_rural_code" in self.present and not record["urban_rural_code"]:
            values["urban_rural_code"] = ""
        return values

    def check_chunk(self, rows: list[tuple[int, dict]], *, user) -> ChunkCheck:
        check = ChunkCheck()
        parsed = []  # (row, record, township, values)
        for row, record in rows:
            errors: list[RowError] = []
            code = record.get("code", "")
            if code:
                self.cell(record, "code", row, errors)
            if not record["name"]:
                errors.append(RowError(row, self.header["name"], "不能为空。"))
            county = self._county(record, row, errors)
            township = self._township(record, county, row, errors) if county else None
            if county and not code_in_scope(self.scope, code if CODE.match(code) else county.code):
                errors.append(RowError(row, self.header["county"], f"{county.name}的村不在您的管辖范围（{self.scope_label}）内。"))
            values = self._values(record, row, errors)
            if CODE.match(code):
                first = self.seen_codes.setdefault(code, row)
                if first != row:
                    errors.append(RowError(row, self.header["code"], f"{code} 与第{first}行重复。"))
            elif township and record["name"]:
                first = self.seen_names.setdefault((township.id, village_key(record["name"])), row)
                if first != row:
                    errors.append(RowError(row, self.header["name"], f"“{record['name']}”与第{first}行是同一乡（镇）的同名村。"))
            if errors:
                check.errors.extend(errors)
            else:
                parsed.append((row, record, township, values))

        # Two queries for the whole chunk: the villages named by code, and the villages of the
        # townships where rows name a village without a code. Plain dicts, not model instances:
        # building 2,000 instances per chunk cost more than the checks.
        fields = ("id", "code", "township_id", *UPDATABLE)
        existing = {v["code"]: v for v in Village.objects.filter(code__in=[r[1]["code"] for r in parsed if r[1]["code"]]).values(*fields)}
        by_name = defaultdict(list)
        nameless = {r[2].id for r in parsed if not r[1]["code"]}
        if nameless:
            for village in Village.objects.filter(township_id__in=nameless).values(*fields):
                by_name[(village["township_id"], village_key(village["name"]))].append(village)

        for row, record, township, values in parsed:
            code = record["code"]
            if code:
                village = existing.get(code)
                values = {**values, "name": record["name"]}
            else:
                matches = by_name.get((township.id, village_key(record["name"])), [])
                if len(matches) != 1:
                    problem = "找不到" if not matches else f"有 {len(matches)} 个"
                    check.errors.append(
                        RowError(row, self.header["name"], f"{township.name}{problem}名为“{record['name']}”的村，请填写统计用区划代码。")
                    )
                    continue
                village = matches[0]
            if village is None:
                created = {"name": values.pop("name"), "township_id": township.id, "county_id": township.parent_id}
                created.update({f: False for f in FLAGS} | {"urban_rural_code": "", "notes": ""} | values)
                check.planned.append(Planned(row, ImportRow.Action.CREATE, code, created))
                continue
            diff = {f: [village[f], v] for f, v in values.items() if village[f] != v}
            if diff:
                check.planned.append(Planned(row, ImportRow.Action.UPDATE, village["code"], values, diff))
            else:
                check.unchanged += 1
        return check

    # --- the confirm ---------------------------------------------------------------------------
    def apply_chunk(self, rows: list[Planned], *, user, batch: ImportBatch) -> list[RowError]:
        scope = Scope.of(user)
        label = {c.key: c.header for c in VILLAGE_COLUMNS}
        locked = Village.objects.select_for_update().filter(code__in=[r.key for r in rows]).values("id", "code", *UPDATABLE)
        existing = {v["code"]: v for v in locked}
        conflicts, to_create, to_update, history = [], [], [], []
        now = timezone.now()

        def record(village_id, flags):
            history.extend(category_history_rows(village_id=village_id, changes=flags, by_id=user.pk, at=now, import_batch_id=batch.pk))

        for staged in rows:
            if not code_in_scope(scope, staged.key):
                conflicts.append(RowError(staged.row, label["code"], f"{staged.key} 已不在您的管辖范围内。"))
                continue
            village = existing.get(staged.key)
            if staged.action == ImportRow.Action.CREATE:
                if village is not None:
                    conflicts.append(RowError(staged.row, label["code"], f"预览后已有人新增了 {staged.key}，请重新上传预览。"))
                else:
                    to_create.append(Village(code=staged.key, **staged.values))
                continue
            if village is None:
                conflicts.append(RowError(staged.row, label["code"], f"{staged.key} 已不存在，请重新上传预览。"))
                continue
            field = changed_since_preview(staged.values, staged.diff, village.__getitem__)
            if field is not None:
                now_value = display_value(village[field])
                conflicts.append(RowError(staged.row, label[field], f"预览后已被他人修改（现为“{now_value}”），请重新上传预览。"))
                continue
            new = {f: new for f, (_, new) in staged.diff.items()}
            record(village["id"], category_changes(old=village, new=new))
            to_update.append({**village, **new, "updated_at": now})
        if conflicts:
            return conflicts
        created = Village.objects.bulk_create(to_create)
        for village in created:
            record(village.id, category_changes(old=None, new={f: getattr(village, f) for f in FLAGS}))
        update_rows(Village, to_update, [*UPDATABLE, "updated_at"])
        # The audit trail in bulk: a few statements per chunk, not one per village.
        audit.bulk_created(created, by=user)
        audit.bulk_changed(Village, [v["id"] for v in to_update], by=user)
        category_history_write(history)
        return []

    # --- django-import-export (the admin): core.importing.AdminImport -------------------
    def admin_columns(self):
        return [c for c in VILLAGE_COLUMNS if c.key != "city"]
