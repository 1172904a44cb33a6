"""The 2015 campaign as the notice sets it: the campaign, the provincial units of its 附表2 and
their quotas. Real data, loaded with the regions and villages by ``load_reference_data``."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction

from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation
from dispatch.quota_services import QuotaCell, quotas_set
from dispatch.services import units_create, units_update
from villages.models import Region, deployment_province
from villages.selectors import RegionNames
from villages.services import LoadResult

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
UNITS_FIXTURE = FIXTURES / "units-2015.csv"
ANNEX2_FIXTURE = FIXTURES / "annex2-2015.csv"

CAMPAIGN_2015 = dict(
    name="2015年选派机关优秀干部到村任第一书记",
    year=2015,
    notice_number="晋组通字〔2015〕41号",
    term_years=2,
    arrival_deadline=datetime.date(2015, 8, 15),
    ledger_deadline=datetime.date(2015, 7, 15),
)


def _csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


TOTAL_LABELS = {"合计", "总计", "小计", "全省合计"}


def annex2_records(records: Iterable[tuple[int, dict]]) -> Iterator[tuple[int, dict]]:
    """附表2 as printed: 序号 and 县名 stand on each county's first row only (merged cells;
    openpyxl gives the other rows None). Fill them down, so every row names its county.
    ``records`` are (row number, {"serial", "county", "unit", "count", …}); a 合计 row (ours
    at the foot of the export) is no data and is left out. The fixture loader and the 附表2
    import (dispatch.quota_resources) both read through here."""
    serial = county = ""
    for number, record in records:
        row_serial, row_county = record.get("serial", ""), record.get("county", "")
        if row_serial in TOTAL_LABELS or row_county in TOTAL_LABELS:
            continue
        if row_serial or row_county:
            # A new 序号 starts a new county: its 县名 is not the previous county's.
            serial, county = row_serial or serial, row_county or ("" if row_serial else county)
        yield number, {**record, "serial": serial, "county": county}


def annex2_fixture_records() -> list[tuple[int, dict]]:
    """fixtures/annex2-2015.csv as (line number, {serial, county, unit, count}), not filled down."""
    return [
        (n, {"serial": r["序号"], "county": r["县名"], "unit": r["省直单位"], "count": r["选派人数"]})
        for n, r in enumerate(_csv(ANNEX2_FIXTURE), start=2)
    ]


@transaction.atomic
def load_campaign_2015() -> LoadResult:
    """Create or bring back in line the 2015 campaign, its 附表2 units and their quotas, through
    the units and quotas services. A second run changes nothing; a current campaign set since is
    left current."""
    result = LoadResult()
    campaign, created = Campaign.objects.get_or_create(
        name=CAMPAIGN_2015["name"], defaults={**CAMPAIGN_2015, "is_current": not Campaign.objects.filter(is_current=True).exists()}
    )
    result.created += created
    province = deployment_province()
    rows = _csv(UNITS_FIXTURE)
    units = {u.name: u for u in DispatchingUnit.objects.filter(region=province, name__in=[r["name"] for r in rows])}
    to_create, to_update = [], []
    for row in rows:
        wanted = {"level": row["level"], "kind": row["kind"], "is_agriculture_related": row["agriculture"] == "1"}
        unit = units.get(row["name"])
        if unit is None:
            to_create.append({"name": row["name"], "region": province, **wanted})
        elif any(getattr(unit, k) != v for k, v in wanted.items()):
            to_update.append((unit, wanted))
    units.update({u.name: u for u in units_create(rows=to_create, by=None)})
    units_update(changes=to_update, by=None)
    result.created += len(to_create)
    result.updated += len(to_update)

    # 附表2 writes county names without their suffix (神池 for 神池县): the imports' lookup.
    names = RegionNames(levels=[Region.Level.CITY, Region.Level.COUNTY])
    existing = {(q.unit_id, q.county_id): q.count for q in QuotaAllocation.objects.filter(campaign=campaign)}
    cells = []
    for _, record in annex2_records(annex2_fixture_records()):
        (county,) = names.counties(record["county"])
        cell = QuotaCell(units[record["unit"]], county, int(record["count"]))
        old = existing.get((cell.unit.pk, county.pk))
        result.created += old is None
        result.updated += old is not None and old != cell.count
        result.unchanged += old is not None
        cells.append(cell)
    quotas_set(campaign=campaign, cells=cells, by=None)
    return result
