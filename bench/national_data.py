#!/usr/bin/env python3
"""A national-size data set for measuring pages (issue #15): Shanxi's real reference data (its
regions, 21,895 villages, the 2015 campaign and its 附表2 units) and, beside it, the other 30
provinces with the real codes' shape — 11 cities of 9 counties each per province, 12–17
townships per county and 10–19 villages per township (about 620,000 villages in all, 46,000
regions) — and about 135,000 postings over provincial, city and county units in every county
(Shanxi's included), each with its cadre. Generated, not downloaded: the same seed gives the
same rows, in a few minutes on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres fs_national
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fs_national .venv/bin/python bench/national_data.py

The database is migrated first; a second run finds the data there and stops. Rows are written
with ids chosen here, one INSERT … SELECT unnest(…) per 5,000 rows (core.bulk.insert_rows), not
through the services: no events, no categories changes, nothing a page needs other than the rows.
Postings' states: in office in a village (60%), assigned (5%), filed for a county (10%), and the
early states without a county (25%).
"""

from __future__ import annotations

import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dispatch.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.bulk import insert_rows  # noqa: E402
from dispatch.models import Campaign, DispatchingUnit  # noqa: E402
from dispatch.reference import load_campaign_2015  # noqa: E402
from secretaries.models import Cadre, Posting  # noqa: E402
from villages.models import Region, Village  # noqa: E402
from villages.services import REGIONS_FIXTURE, VILLAGES_FIXTURE, read_region_fixture, read_village_fixture, regions_load, villages_load  # noqa: E402

SEED = 2015
# The 31 provinces' division codes (Shanxi's, 14, comes from the fixtures).
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省", "22": "吉林省",
    "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省",
    "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省",
    "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
}  # fmt: skip
CITIES, COUNTIES = 11, 9  # per province, per city
TOWNSHIPS = (12, 17)  # per county
VILLAGES = (10, 19)  # per township
# 43 gave the 133,798 postings of the probe of issue #15; bench/national.py asks for 81 (~250,000).
POSTINGS_PER_COUNTY = int(os.environ.get("BENCH_POSTINGS_PER_COUNTY", "43"))
UNITS = {"province": 60, "city": 10, "county": 5}  # per province, city, county
BATCH = 5000

REGION_FIELDS = ["id", "code", "name", "level", "parent_id", "is_national_key_county", "is_contiguous_poor_area_county"]
REGION_FIELDS += ["is_provincial_poor_county", "former_names"]
VILLAGE_FIELDS = ["id", "code", "name", "township_id", "county_id", "urban_rural_code", "is_weak_organization"]
VILLAGE_FIELDS += ["is_registered_poor", "is_key_difficult", "notes", "created_at", "updated_at"]
UNIT_FIELDS = ["id", "name", "level", "kind", "region_id", "is_agriculture_related"]
CADRE_FIELDS = ["id", "name", "id_number", "sex", "birth_date", "ethnicity", "education", "political_status", "party_join_date"]
CADRE_FIELDS += ["work_start_date", "unit_id", "position", "rank", "source", "is_27th_batch", "has_rural_experience"]
CADRE_FIELDS += ["has_agriculture_expertise", "is_township_cadre", "fit_for_duty", "phone"]
POSTING_FIELDS = ["id", "cadre_id", "campaign_id", "unit_id", "state", "county_id", "village_id", "assignment_reason"]
POSTING_FIELDS += ["recommended_on", "recommendation", "start_date", "end_date", "party_relation_transferred", "applied_at", "updated_at"]
POSTING_FIELDS += ["recall_reason"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "建国军明华平志强海文伟东红军丽英春辉杰涛斌鹏刚勇峰磊俊超宇晓林"
EARLY_STATES = ["applied", "qualified", "recommended", "approved"]


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


class Ids:
    """Ids chosen here, after the largest already in each table (sequences are reset at the end)."""

    def __init__(self, model):
        self.next = (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def region(ids: Ids, code: str, name: str, level: str, parent_id: int | None) -> dict:
    return dict(
        id=ids.take(),
        code=code,
        name=name,
        level=level,
        parent_id=parent_id,
        is_national_key_county=False,
        is_contiguous_poor_area_county=False,
        is_provincial_poor_county=False,
        former_names="",
    )


def write(model, rows: list[dict], fields: list[str]) -> None:
    for start in range(0, len(rows), BATCH):
        insert_rows(model, rows[start : start + BATCH], fields, batch_size=BATCH)


def load_shanxi() -> None:
    """Shanxi's real reference data, as `make run` and `load_reference_data` load it."""
    regions_load(rows=read_region_fixture(REGIONS_FIXTURE))
    villages_load(rows=read_village_fixture(VILLAGES_FIXTURE))
    load_campaign_2015()


def other_provinces(rng: random.Random) -> None:
    """The regions and villages of the 30 other provinces, one province per transaction."""
    region_ids, village_ids = Ids(Region), Ids(Village)
    now = timezone.now()
    for prefix, province_name in PROVINCES.items():
        if prefix == "14":
            continue
        with transaction.atomic():
            regions, villages = [], []
            province = region(region_ids, f"{prefix}0000", province_name, "province", None)
            regions.append(province)
            for c in range(1, CITIES + 1):
                city = region(region_ids, f"{prefix}{c:02d}00", f"{province_name[:2]}第{c}市", "city", province["id"])
                regions.append(city)
                for k in range(1, COUNTIES + 1):
                    county = region(region_ids, f"{prefix}{c:02d}{k:02d}", f"{city['name'][2:]}第{k}县", "county", city["id"])
                    regions.append(county)
                    for t in range(rng.randint(*TOWNSHIPS)):
                        code = f"{county['code']}{100 + t:03d}"
                        township = region(region_ids, code, f"第{t + 1}镇", "township", county["id"])
                        regions.append(township)
                        for v in range(rng.randint(*VILLAGES)):
                            poor = rng.random() < 0.10
                            villages.append(
                                dict(
                                    id=village_ids.take(),
                                    code=f"{code}{200 + v:03d}",
                                    name=f"第{v + 1}村",
                                    township_id=township["id"],
                                    county_id=county["id"],
                                    urban_rural_code="220",
                                    is_weak_organization=rng.random() < 0.04,
                                    is_registered_poor=poor,
                                    is_key_difficult=False,
                                    notes="",
                                    created_at=now,
                                    updated_at=now,
                                )
                            )
            write(Region, regions, REGION_FIELDS)
            write(Village, villages, VILLAGE_FIELDS)
        log(f"  {province_name}: {len(regions):,} regions, {len(villages):,} villages")


def units_and_postings(rng: random.Random) -> int:
    """Units of every province, city and county, and ~43 postings per county with their cadres."""
    campaign = Campaign.objects.get(name__contains="2015")
    unit_ids, cadre_ids, posting_ids = Ids(DispatchingUnit), Ids(Cadre), Ids(Posting)
    regions = list(Region.objects.exclude(level="township").values("id", "code", "level", "parent_id", "name"))
    by_id = {r["id"]: r for r in regions}
    units: dict[int, list[int]] = {}  # region id → its units' ids
    existing = DispatchingUnit.objects.values_list("region_id", "id")
    for region_id, unit_id in existing:
        units.setdefault(region_id, []).append(unit_id)
    unit_rows = []
    for r in regions:
        for n in range(UNITS[r["level"]]):
            unit_id = unit_ids.take()
            unit_rows.append(
                dict(id=unit_id, name=f"{r['name']}第{n + 1}单位", level=r["level"], kind="party_government", region_id=r["id"])
                | dict(is_agriculture_related=n % 4 == 0)
            )
            units.setdefault(r["id"], []).append(unit_id)
    with transaction.atomic():
        write(DispatchingUnit, unit_rows, UNIT_FIELDS)
    log(f"  {len(unit_rows):,} units")

    villages_of: dict[int, list[int]] = {}
    for village_id, county_id in Village.objects.order_by("id").values_list("id", "county_id").iterator(chunk_size=20000):
        villages_of.setdefault(county_id, []).append(village_id)
    start = campaign.arrival_deadline or datetime.date(2015, 8, 10)
    applied_at = timezone.make_aware(datetime.datetime(2015, 6, 20, 9))
    total = 0
    counties = [r for r in regions if r["level"] == "county"]
    for offset in range(0, len(counties), 200):
        cadres, postings = [], []
        for county in counties[offset : offset + 200]:
            city = by_id[county["parent_id"]]
            province = by_id[city["parent_id"]] if city["level"] == "city" else city
            free = list(villages_of.get(county["id"], []))
            rng.shuffle(free)
            for _n in range(POSTINGS_PER_COUNTY):
                draw = rng.random()
                owner = county if draw < 0.4 else city if draw < 0.7 else province
                unit_id = rng.choice(units[owner["id"]])
                cadre_id = cadre_ids.take()
                state_draw = rng.random()
                if state_draw < 0.65 and free:
                    state, village_id = ("in_office" if state_draw < 0.60 else "assigned"), free.pop()
                elif state_draw < 0.75:
                    state, village_id = "filed", None
                else:
                    state, village_id = rng.choice(EARLY_STATES), None
                placed = state not in ("applied", "qualified")
                birth = datetime.date(1965 + rng.randrange(25), 1 + rng.randrange(12), 1 + rng.randrange(28))
                cadres.append(
                    dict(
                        id=cadre_id,
                        name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                        id_number=f"{county['code']}{birth:%Y%m%d}{cadre_id % 10000:04d}",
                        sex="M" if rng.random() < 0.85 else "F",
                        birth_date=birth,
                        ethnicity="汉族",
                        education=rng.choice(["postgraduate", "bachelor", "bachelor", "college"]),
                        political_status="member",
                        party_join_date=birth.replace(year=birth.year + 23),
                        work_start_date=birth.replace(year=birth.year + 22),
                        unit_id=unit_id,
                        position="科员",
                        rank=rng.choice(["section", "below_section", "section"]),
                        source="young",
                        is_27th_batch=False,
                        has_rural_experience=rng.random() < 0.5,
                        has_agriculture_expertise=rng.random() < 0.2,
                        is_township_cadre=False,
                        fit_for_duty=True,
                        phone="",
                    )
                )
                postings.append(
                    dict(
                        id=posting_ids.take(),
                        cadre_id=cadre_id,
                        campaign_id=campaign.id,
                        unit_id=unit_id,
                        state=state,
                        county_id=county["id"] if placed else None,
                        village_id=village_id,
                        assignment_reason="",
                        recommended_on=datetime.date(2015, 6, 30) if placed else None,
                        recommendation="同意推荐" if placed else "",
                        start_date=start if state == "in_office" else None,
                        end_date=start.replace(year=start.year + 2) if state == "in_office" else None,
                        party_relation_transferred=state == "in_office",
                        applied_at=applied_at,
                        updated_at=applied_at,
                        recall_reason="",
                    )
                )
        with transaction.atomic():
            write(Cadre, cadres, CADRE_FIELDS)
            write(Posting, postings, POSTING_FIELDS)
        total += len(postings)
    return total


def main() -> None:
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Village.objects.filter(code__startswith="65").exists():
        log("the national data set is there already")
        return
    rng = random.Random(SEED)
    log("Shanxi's reference data")
    load_shanxi()
    log("the other 30 provinces' regions and villages")
    other_provinces(rng)
    log("units, cadres and postings")
    postings = units_and_postings(rng)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(_no_style(), [Region, Village, DispatchingUnit, Cadre, Posting]):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    log(
        f"done in {time.perf_counter() - started:.0f} s: {Region.objects.count():,} regions, {Village.objects.count():,} villages, "
        f"{postings:,} postings"
    )


def _no_style():
    from django.core.management.color import no_style

    return no_style()


if __name__ == "__main__":
    main()
