"""The village list's one resource: export, the page's two-stage import and the admin's
django-import-export import all go through ``VillageResource`` and its checks."""

from __future__ import annotations

import re
from collections import defaultdict

import tablib
from django.utils import timezone
from import_export import resources

from core.bulk import insert_rows, update_rows
from core.columns import display_value
from core.importing import AdminImport, ChunkCheck, Planned, RowError, TwoStageImport, changed_since_preview
from core.models import ImportBatch, ImportRow
from core.scope import Scope
from core.spreadsheets import Table
from villages.columns import VILLAGE_COLUMNS, village_export_row
from villages.models import Region, Village, VillageCategoryChange
from villages.services import category_changes

CODE = re.compile(r"^[0-9]{12}$")
URBAN_RURAL_CODES = {"111", "112", "121", "122", "123", "210", "220"}
TRUE_VALUES = {"是", "√", "✓", "✔", "1", "Y", "YES", "TRUE", "T", "对"}
FALSE_VALUES = {"否", "", "0", "N", "NO", "FALSE", "F", "×", "✗", "-", "—", "无"}
# 东街村委会, 新店村村民委员会, 东街村 and 东街 all name the same village.
VILLAGE_SUFFIX = re.compile(r"(村村民委员会|村民委员会|村委会|委员会|村)$")
# Fields an import may set on an existing village; its place comes from its code.
UPDATABLE = ("name", "urban_rural_code", "is_weak_organization", "is_registered_poor", "is_key_difficult", "notes")
FLAGS = ("is_weak_organization", "is_registered_poor", "is_key_difficult")
HISTORY_FIELDS = ("village_id", "field", "old_value", "new_value", "changed_by_id", "changed_at", "import_batch_id", "note")


def village_key(name: str) -> str:
    return VILLAGE_SUFFIX.sub("", name)


def region_short_name(name: str) -> str:
    """岢岚县 → 岢岚, 岚漪镇 → 岚漪: how people abbreviate; two characters at least."""
    for suffix in ("街道办事处", "办事处", "街道", "县", "区", "市", "镇", "乡"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def in_scope(scope: Scope, code: str) -> bool:
    return scope.everything or bool(scope.region_prefix) and code.startswith(scope.region_prefix)


class VillageResource(AdminImport, TwoStageImport, resources.ModelResource):
    kind = "villages"
    kind_label = "村名单"
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
        self.present = set(table.columns)
        self.header = {c.key: table.headers.get(c.key, c.header) for c in VILLAGE_COLUMNS}
        regions = Region.objects.filter(level__in=[Region.Level.CITY, Region.Level.COUNTY, Region.Level.TOWNSHIP])
        self.regions = {r.id: r for r in regions.only("id", "code", "name", "level", "parent_id", "former_names")}
        self.by_code = {r.code: r for r in self.regions.values()}
        self.counties_by_name = defaultdict(set)
        self.cities_by_name = defaultdict(set)
        self.townships_by_name = defaultdict(set)  # (county id, name) -> township ids
        for r in self.regions.values():
            names = {r.name, region_short_name(r.name)}
            if r.level == Region.Level.COUNTY:
                names.update(n for n in r.former_names.split("、") if n)
                for n in names:
                    self.counties_by_name[n].add(r.id)
            elif r.level == Region.Level.CITY:
                for n in names:
                    self.cities_by_name[n].add(r.id)
            else:
                for n in names:
                    self.townships_by_name[(r.parent_id, n)].add(r.id)
        self.seen_codes: dict[str, int] = {}
        self.seen_names: dict[tuple, int] = {}

    def _county(self, record: dict, row: int, errors: list) -> Region | None:
        name = record["county"]
        if not name:
            errors.append(RowError(row, self.header["county"], "不能为空。"))
            return None
        ids = set(self.counties_by_name.get(name, ()))
        city = record.get("city", "")
        if city and len(ids) > 1:
            city_ids = self.cities_by_name.get(city, set())
            ids = {i for i in ids if self.regions[i].parent_id in city_ids} or ids
        code = record.get("code", "")
        if CODE.match(code):
            county = self.by_code.get(code[:6])
            if county is None or county.level != Region.Level.COUNTY:
                errors.append(RowError(row, self.header["code"], f"代码前6位 {code[:6]} 不是本系统中的县级区划。"))
                return None
            if county.id not in ids:
                errors.append(RowError(row, self.header["county"], f"“{name}”与统计用区划代码不符：代码 {code} 属于{county.name}。"))
                return None
            return county
        if not ids:
            errors.append(RowError(row, self.header["county"], f"找不到名为“{name}”的县（市、区）。"))
            return None
        if len(ids) > 1:
            places = "、".join(sorted(self.regions[self.regions[i].parent_id].name + self.regions[i].name for i in ids))
            errors.append(RowError(row, self.header["county"], f"“{name}”对应多个县（{places}），请填写“市”列或统计用区划代码。"))
            return None
        return self.regions[ids.pop()]

    def _township(self, record: dict, county: Region, row: int, errors: list) -> Region | None:
        name = record["township"]
        if not name:
            errors.append(RowError(row, self.header["township"], "不能为空。"))
            return None
        ids = self.townships_by_name.get((county.id, name), set())
        code = record.get("code", "")
        if CODE.match(code):
            township = self.by_code.get(code[:9])
            if township is None:
                errors.append(RowError(row, self.header["code"], f"代码前9位 {code[:9]} 不是{county.name}已有的乡（镇）。"))
                return None
            if township.id not in ids:
                errors.append(RowError(row, self.header["township"], f"“{name}”与统计用区划代码不符：代码 {code} 属于{township.name}。"))
                return None
            return township
        if len(ids) != 1:
            errors.append(RowError(row, self.header["township"], f"{county.name}没有名为“{name}”的乡（镇）。"))
            return None
        return self.regions[next(iter(ids))]

    def _values(self, record: dict, row: int, errors: list) -> dict:
        """The fields this row sets: only those whose columns the file has."""
        values = {}
        for field in FLAGS:
            if field in self.present:
                text = record[field].upper()
                if text in TRUE_VALUES:
                    values[field] = True
                elif text in FALSE_VALUES:
                    values[field] = False
                else:
                    errors.append(RowError(row, self.header[field], f"无法识别“{record[field]}”，应填 是/否、√/空白、1/0 或 Y/N。"))
        if "urban_rural_code" in self.present:
            code = record["urban_rural_code"]
            if code and code not in URBAN_RURAL_CODES:
                errors.append(
                    RowError(
                        row,
                        self.header["urban_rural_code"],
                        f"“{code}”不是城乡分类代码（应为 {'、'.join(sorted(URBAN_RURAL_CODES))} 之一）。",
                    )
                )
            values["urban_rural_code"] = code
        if "notes" in self.present:
            values["notes"] = record["notes"]
        return values

    def check_chunk(self, rows: list[tuple[int, dict]], *, user) -> ChunkCheck:
        check = ChunkCheck()
        parsed = []  # (row, record, township, values)
        for row, record in rows:
            errors: list[RowError] = []
            code = record.get("code", "")
            if code and not CODE.match(code):
                errors.append(RowError(row, self.header["code"], f"“{code}”不是12位数字。"))
            if not record["name"]:
                errors.append(RowError(row, self.header["name"], "不能为空。"))
            county = self._county(record, row, errors)
            township = self._township(record, county, row, errors) if county else None
            if county and not in_scope(self.scope, code if CODE.match(code) else county.code):
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
            history.extend(
                {
                    "village_id": village_id,
                    "field": f,
                    "old_value": old,
                    "new_value": new,
                    "changed_by_id": user.pk,
                    "changed_at": now,
                    "import_batch_id": batch.pk,
                    "note": "",
                }
                for f, old, new in flags
            )

        for staged in rows:
            if not in_scope(scope, staged.key):
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
        for village in Village.objects.bulk_create(to_create):
            record(village.id, category_changes(old=None, new={f: getattr(village, f) for f in FLAGS}))
        update_rows(Village, to_update, [*UPDATABLE, "updated_at"])
        insert_rows(VillageCategoryChange, history, HISTORY_FIELDS)
        return []

    # --- django-import-export (the admin): core.importing.AdminImport -------------------
    def admin_columns(self):
        return [c for c in VILLAGE_COLUMNS if c.key != "city"]
