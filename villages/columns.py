"""The village list's spreadsheet columns: one layout for export, import and the admin.

An exported list imports back unchanged because both read this one list. Each column names
the header we write and the header variants counties use in the files they send.
"""

from __future__ import annotations

from core.columns import FLAG, NAME, TEXT, Choice, Code, Column, RegionName, escape_row
from villages.models import Region, Village

URBAN_RURAL_CODES = ("111", "112", "121", "122", "123", "210", "220")

VILLAGE_COLUMNS = [
    Column(
        "code",
        "统计用区划代码",
        ("村代码", "代码", "区划代码", "村级区划代码", "统计用区划代码（12位）", "行政区划代码"),
        parser=Code(12),
        width=16,
        example="140929100201",
    ),
    Column("city", "市", ("地市", "市（地）", "设区市", "所属市"), parser=RegionName((Region.Level.CITY,)), example="忻州市"),
    Column(
        "county",
        "县（市、区）",
        ("县", "县（区）", "县区", "县市区", "县（市）", "所属县"),
        # Not required of the file: a 12-digit code names its county (its first 6 digits), and
        # a county's own list is of that county. VillageResource asks for the column only where
        # neither gives it.
        parser=RegionName((Region.Level.COUNTY,)),
        example="岢岚县",
    ),
    Column(
        "township",
        "乡（镇）",
        ("乡镇", "乡（镇、街道）", "乡镇（街道）", "乡镇街道", "所属乡镇"),
        required=True,
        parser=RegionName((Region.Level.TOWNSHIP,)),
        example="岚漪镇",
    ),
    Column(
        "name",
        "村名",
        ("村名称", "村", "村庄名称", "行政村", "村委会名称", "行政村名称"),
        required=True,
        parser=NAME,
        width=16,
        example="西街村",
    ),
    Column(
        "urban_rural_code",
        "城乡分类代码",
        ("城乡分类",),
        parser=Choice({c: c for c in URBAN_RURAL_CODES}, hint=f"应填城乡分类代码 {'、'.join(URBAN_RURAL_CODES)} 之一", kind="code"),
        example="220",
    ),
    Column(
        "is_weak_organization",
        "党组织软弱涣散村",
        ("是否软弱涣散村", "是否党组织软弱涣散村", "软弱涣散村"),
        parser=FLAG,
        width=10,
        example="是",
    ),
    Column("is_registered_poor", "建档立卡贫困村", ("是否贫困村", "是否建档立卡贫困村", "贫困村"), parser=FLAG, width=10, example="否"),
    Column("is_key_difficult", "重点难点村", ("是否重点难点村",), parser=FLAG, width=10, example="否"),
    Column("notes", "备注", ("说明",), parser=TEXT, width=30, example=""),
]


def village_export_row(village: Village) -> list:
    """One row of the village list, in VILLAGE_COLUMNS order. Expects the queryset to
    select_related("county__parent", "township")."""
    yes_no = {True: "是", False: "否"}
    return escape_row(
        [
            village.code,
            village.county.parent.name,
            village.county.name,
            village.township.name,
            village.name,
            village.urban_rural_code,
            yes_no[village.is_weak_organization],
            yes_no[village.is_registered_poor],
            yes_no[village.is_key_difficult],
            village.notes,
        ]
    )
