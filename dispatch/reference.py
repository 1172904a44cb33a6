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
from villages.models import Region
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


def county_by_name(name: str) -> Region:
    """神池 → 神池县: 附表2 writes county names without their suffix."""
    counties = Region.objects.counties()
    return counties.filter(name=name).first() or counties.get(name__in=[f"{name}县", f"{name}市", f"{name}区"])


def annex2_fixture_records() -> list[tuple[int, dict]]:
    """fixtures/annex2-2015.csv as (line number, {serial, county, unit, count}), not filled down."""
    return [
        (n, {"serial": r["序号"], "county": r["县名"], "unit": r["省直单位"], "count": r["选派人数"]})
        for n, r in enumerate(_csv(ANNEX2_FIXTURE), start=2)
    ]


@transaction.atomic
def load_campaign_2015() -> LoadResult:
    """Create or bring back in line the 2015 campaign, its 附表2 units and their quotas. A second
    run changes nothing; a current campaign set since is left current."""
    result = LoadResult()
    campaign, created = Campaign.objects.get_or_create(
        name=CAMPAIGN_2015["name"], defaults={**CAMPAIGN_2015, "is_current": not Campaign.objects.filter(is_current=True).exists()}
    )
    result.created += created
    province = Region.objects.get(level=Region.Level.PROVINCE)
    units = {}
    for row in _csv(UNITS_FIXTURE):
        wanted = {"level": row["level"], "kind": row["kind"], "is_agriculture_related": row["agriculture"] == "1"}
        unit, created = DispatchingUnit.objects.get_or_create(name=row["name"], region=province, defaults=wanted)
        if not created and any(getattr(unit, k) != v for k, v in wanted.items()):
            DispatchingUnit.objects.filter(pk=unit.pk).update(**wanted)
            result.updated += 1
        result.created += created
        units[unit.name] = unit
    for _, record in annex2_records(annex2_fixture_records()):
        quota, created = QuotaAllocation.objects.get_or_create(
            campaign=campaign, unit=units[record["unit"]], county=county_by_name(record["county"]), defaults={"count": int(record["count"])}
        )
        if not created and quota.count != int(record["count"]):
            quota.count = int(record["count"])
            quota.save(update_fields=["count"])
            result.updated += 1
        result.created += created
        result.unchanged += not created
    return result
