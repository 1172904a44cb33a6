"""附表1, 附表3 and 附表4 of 晋组通字〔2015〕41号: their layouts and the builders that fill them.

The layouts (title, header groups, columns, totals label, footer) are declared once, here, after
the team's forms/annexes.md; the pages (reports.annex_views), the workbooks
(reports.annex_xlsx) and the submissions read them from here. A province that corrects a header
or adds a column edits ``ANNEX1``, ``ANNEX3`` or ``ANNEX4`` (and, for a new 附表4 column, its
condition in ``statistics_conditions``), nothing else.

Which postings an annex counts: those the user sees (``Posting.objects.visible_to(user)``, the
same postings as /postings/ lists) sent and not taken back — ``COUNTED_STATES`` (assigned, in
office, ended) — into a county of the region. 附表1 is the per-county category summary of
/villages/summary/ (``villages.selectors.county_category_summary``) with, per county, the target
villages that have a secretary assigned or in office now (``Posting.COVERING_STATES``).

附表1 and 附表4 are computed by the database (conditional ``Count`` over ``values()``
groups): a handful of queries whatever the size of the province; only the ≤ 121 group rows
reach Python. 附表3 streams: ``ledger_rows`` iterates ``values()`` in chunks and yields one
dict per posting, so a province-wide ledger is never held in memory.

Ages in 附表4 are taken at the campaign's reference date (``reference_date``): its
``arrival_deadline`` (2015-08-15 for the 2015 campaign: "8月15日前全部到岗"), or, without one,
its ``ledger_deadline``. A cadre born 1980-08-15 is 35 on 2015-08-15 and counts as 35岁及以下.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When

from core.masking import mask_phone
from dispatch import roles
from dispatch.models import Campaign, DispatchingUnit
from secretaries.models import Cadre, Posting
from villages.models import TARGET, Region, Village, poor_q, weak_q
from villages.selectors import county_category_summary

# ---------------------------------------------------------------------------------------------
# Layouts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a printed annex. ``width`` is in Excel character widths; ``group`` is the
    upper header cell shared with the neighbouring columns of the same group."""

    key: str
    label: str
    width: float = 8
    align: str = "center"  # "left", "center" or "right" (numbers)
    group: str = ""
    numeric: bool = False


@dataclass(frozen=True)
class Layout:
    """One annex as printed: 附表N, its title, its columns (with their header groups), how many
    leading columns a 小计/合计 label spans, the 填报单位 line and the signature footer."""

    number: str
    title: str
    columns: tuple[Column, ...]
    label_span: int = 1
    stamp_line: str = "填报单位（盖章）：{unit}　　　　　　填报时间：　　年　　月　　日"
    footer: str = "填表人：　　　　　　　　联系电话：　　　　　　　　审核人（部长签字）："
    # Column groups that must each add up to 选派总数 (附表4).
    checked_groups: tuple[str, ...] = ()
    # A note printed under the province's table (page and .xlsx), where its rows need explaining.
    province_note: str = ""

    @property
    def label(self) -> str:
        return f"附表{self.number}"

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @property
    def has_groups(self) -> bool:
        return any(c.group for c in self.columns)

    def header_rows(self) -> list[list[dict]]:
        """The header as rows of cells ``{"label", "colspan", "rowspan", "col"}`` (``col``: the
        cell's first column index): two rows when any column has a group — an ungrouped column
        spans both, a group spans its columns — otherwise one."""
        if not self.has_groups:
            return [[{"label": c.label, "colspan": 1, "rowspan": 1, "col": i} for i, c in enumerate(self.columns)]]
        upper: list[dict] = []
        lower: list[dict] = []
        for i, column in enumerate(self.columns):
            if not column.group:
                upper.append({"label": column.label, "colspan": 1, "rowspan": 2, "col": i})
                continue
            if upper and upper[-1].get("group") == column.group:
                upper[-1]["colspan"] += 1
            else:
                upper.append({"label": column.group, "colspan": 1, "rowspan": 1, "col": i, "group": column.group})
            lower.append({"label": column.label, "colspan": 1, "rowspan": 1, "col": i})
        return [upper, lower]

    def group_keys(self, group: str) -> list[str]:
        return [c.key for c in self.columns if c.group == group]

    def title_for(self, region: Region) -> str:
        return self.title.format(region="全省" if region.level == Region.Level.PROVINCE else region.name)


def _num(key: str, label: str, width: float = 9, group: str = "") -> Column:
    return Column(key, label, width=width, align="right", group=group, numeric=True)


ANNEX1 = Layout(
    number="1",
    title="{region}“两类村”汇总统计情况表",
    label_span=3,
    columns=(
        Column("serial", "序号", width=6),
        Column("city", "市", width=10),
        Column("county", "县（市、区）", width=14),
        _num("villages", "行政村总数", 11),
        _num("weak", "党组织软弱涣散村", 12),
        _num("poor", "建档立卡贫困村", 12),
        _num("both", "其中：两类兼有", 11),
        _num("targets", "两类村合计（去重）", 12),
        _num("sent", "已选派第一书记数", 12),
        Column("notes", "备注", width=16, align="left"),
    ),
)

VILLAGE_TYPE = "村类型"
ANNEX3 = Layout(
    number="3",
    title="选派机关优秀干部到村任第一书记工作台账",
    label_span=1,
    columns=(
        Column("serial", "序号", width=5),
        Column("city", "市", width=7),
        Column("county", "县（市、区）", width=9),
        Column("township", "乡（镇）", width=9),
        Column("village", "村", width=9),
        Column("type_weak", "党组织软弱涣散村", width=6, group=VILLAGE_TYPE),
        Column("type_poor", "建档立卡贫困村", width=6, group=VILLAGE_TYPE),
        Column("type_both", "两类兼有", width=6, group=VILLAGE_TYPE),
        Column("name", "姓名", width=7),
        Column("sex", "性别", width=4),
        Column("ethnicity", "民族", width=5),
        Column("birth", "出生年月", width=8),
        Column("political_status", "政治面貌", width=7),
        Column("education", "学历", width=7),
        Column("unit", "派出单位", width=16, align="left"),
        Column("unit_level", "派出单位层级", width=9),
        Column("position", "现任职务（职级）", width=14, align="left"),
        Column("source", "干部类别", width=12, align="left"),
        Column("start", "任职时间（到村时间）", width=9),
        Column("term", "任期", width=13),
        Column("phone", "联系电话", width=12),
        Column("notes", "备注", width=8, align="left"),
    ),
)

BY_UNIT, BY_VILLAGE, BY_SEX, BY_AGE, BY_EDUCATION, BY_RANK, BY_SOURCE = (
    "按派出单位",
    "按派驻村类型",
    "性别",
    "年龄",
    "学历",
    "职级",
    "干部来源",
)
ANNEX4 = Layout(
    number="4",
    title="选派机关优秀干部到村任第一书记情况统计表",
    label_span=1,
    checked_groups=(BY_UNIT, BY_VILLAGE, BY_AGE, BY_EDUCATION, BY_RANK, BY_SOURCE),
    # The province's rows put central and provincial units' secretaries in their own rows
    # (_statistics_grouping): a city's row is then smaller than the city's own 附表4 total.
    province_note=(
        "注：中央在晋单位、省直单位选派的第一书记单列在“中央在晋单位”“省直单位”两行，不计入所驻村所在市的行；"
        "因此各市一行的数字为市、县两级选派的人数，小于该市附表4的合计（后者包括驻在该市的中央在晋单位、省直单位第一书记）。"
    ),
    columns=(
        Column("area", "地区（单位）", width=14),
        _num("total", "选派总数", 7),
        _num("unit_central", "中央单位", 6, BY_UNIT),
        _num("unit_province", "省直机关", 6, BY_UNIT),
        _num("unit_city", "市直机关", 6, BY_UNIT),
        _num("unit_county", "县直机关", 6, BY_UNIT),
        _num("unit_enterprise", "国有企业、事业单位", 8, BY_UNIT),
        _num("village_weak", "软弱涣散村", 6, BY_VILLAGE),
        _num("village_poor", "贫困村", 6, BY_VILLAGE),
        _num("village_both", "两类兼有", 6, BY_VILLAGE),
        _num("female", "女", 5, BY_SEX),
        _num("age_35", "35岁及以下", 6, BY_AGE),
        _num("age_45", "36–45岁", 6, BY_AGE),
        _num("age_55", "46–55岁", 6, BY_AGE),
        _num("age_56", "56岁及以上", 6, BY_AGE),
        _num("edu_postgraduate", "研究生", 6, BY_EDUCATION),
        _num("edu_bachelor", "大学本科", 6, BY_EDUCATION),
        _num("edu_college", "大专", 6, BY_EDUCATION),
        _num("edu_secondary", "中专及以下", 6, BY_EDUCATION),
        _num("rank_division", "处级以上", 6, BY_RANK),
        _num("rank_section", "科级", 6, BY_RANK),
        _num("rank_below", "科级以下", 6, BY_RANK),
        _num("source_young", "优秀年轻干部", 7, BY_SOURCE),
        _num("source_reserve", "后备干部", 6, BY_SOURCE),
        _num("source_enterprise", "国有企业、事业单位优秀人员", 9, BY_SOURCE),
        _num("source_adjusted", "因年龄原因从领导岗位上调整下来、尚未退休的干部", 11, BY_SOURCE),
    ),
)

LAYOUTS = {"1": ANNEX1, "3": ANNEX3, "4": ANNEX4}

# ---------------------------------------------------------------------------------------------
# Rules shared by the annexes
# ---------------------------------------------------------------------------------------------

# Sent and not taken back (recalled, withdrawn) or never sent (applied … filed, rejected).
COUNTED_STATES = (Posting.State.ASSIGNED, Posting.State.IN_OFFICE, Posting.State.ENDED)

Level, Kind = DispatchingUnit.Level, DispatchingUnit.Kind
ENTERPRISE_KINDS = DispatchingUnit.ENTERPRISE_KINDS


def unit_level_groups(prefix: str = "unit__") -> list[tuple[str, str, Q]]:
    """派出单位层级 as Shanxi counted it in 2015: ``[(key, label, condition), …]`` in the order of
    the form. A state enterprise, institution or university counts as 国有企业、事业单位 whatever
    its level; the other units (organs, people's organizations) by their level. ``prefix`` is the
    lookup path from the queried model to the unit. The one place this rule lives: 附表3's
    column and 附表4's counts are both built from it."""
    enterprise = Q(**{f"{prefix}kind__in": ENTERPRISE_KINDS})
    organ = ~enterprise
    return [
        ("central", "中央单位", organ & Q(**{f"{prefix}level": Level.CENTRAL})),
        ("province", "省直机关", organ & Q(**{f"{prefix}level": Level.PROVINCE})),
        ("city", "市直机关", organ & Q(**{f"{prefix}level": Level.CITY})),
        ("county", "县直机关", organ & Q(**{f"{prefix}level": Level.COUNTY})),
        ("enterprise", "国有企业、事业单位", enterprise),
    ]


def unit_level_label(unit: DispatchingUnit) -> str:
    """The same rule for one unit in Python (forms, detail pages)."""
    if unit.kind in ENTERPRISE_KINDS:
        return "国有企业、事业单位"
    return {Level.CENTRAL: "中央单位", Level.PROVINCE: "省直机关", Level.CITY: "市直机关", Level.COUNTY: "县直机关"}[unit.level]


def reference_date(campaign: Campaign) -> datetime.date:
    """The date ages are taken at: the campaign's arrival deadline (all in post by then), else its
    ledger deadline."""
    return campaign.arrival_deadline or campaign.ledger_deadline


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def age_conditions(on: datetime.date, prefix: str = "cadre__") -> list[tuple[str, Q]]:
    """The four age bands of 附表4 as conditions on the birth date: someone is at most 35 on
    ``on`` when born after ``on`` − 36 years (their 36th birthday is still to come)."""
    born = f"{prefix}birth_date"
    b36, b46, b56 = (_years_before(on, n) for n in (36, 46, 56))
    return [
        ("age_35", Q(**{f"{born}__gt": b36})),
        ("age_45", Q(**{f"{born}__gt": b46, f"{born}__lte": b36})),
        ("age_55", Q(**{f"{born}__gt": b56, f"{born}__lte": b46})),
        ("age_56", Q(**{f"{born}__lte": b56})),
    ]


WEAK, POOR = weak_q("village__"), poor_q("village__")


def statistics_conditions(campaign: Campaign) -> dict[str, Q]:
    """附表4's column key → the condition a posting must meet to be counted in it (``total``:
    every counted posting)."""
    conditions: dict[str, Q] = {"total": Q()}
    conditions.update({f"unit_{key}": q for key, _, q in unit_level_groups()})
    conditions.update({"village_weak": WEAK & ~POOR, "village_poor": POOR & ~WEAK, "village_both": WEAK & POOR})
    conditions["female"] = Q(cadre__sex=Cadre.Sex.FEMALE)
    conditions.update(dict(age_conditions(reference_date(campaign))))
    E, R, S = Cadre.Education, Cadre.Rank, Cadre.Source
    conditions.update(
        {
            "edu_postgraduate": Q(cadre__education=E.POSTGRADUATE),
            "edu_bachelor": Q(cadre__education=E.BACHELOR),
            "edu_college": Q(cadre__education=E.COLLEGE),
            "edu_secondary": Q(cadre__education=E.SECONDARY),
            "rank_division": Q(cadre__rank=R.DIVISION_OR_ABOVE),
            "rank_section": Q(cadre__rank=R.SECTION),
            "rank_below": Q(cadre__rank=R.BELOW_SECTION),
            "source_young": Q(cadre__source=S.YOUNG_CADRE),
            "source_reserve": Q(cadre__source=S.RESERVE_CADRE),
            "source_enterprise": Q(cadre__source=S.ENTERPRISE_INSTITUTION),
            "source_adjusted": Q(cadre__source=S.RETIRED_FROM_LEADERSHIP),
        }
    )
    return conditions


def counted_postings(*, campaign: Campaign, region: Region, user):
    """The postings an annex counts for ``region`` (province, city or county) as ``user`` sees
    them: those the user sees (the candidate list's rule), sent in ``campaign`` into a county
    inside the region. 省扶贫办, whose scope is provincial units' candidates, counts only theirs.
    The caller has checked the region is in the user's scope."""
    return (
        Posting.objects.visible_to(user)
        .filter(campaign=campaign, state__in=COUNTED_STATES)
        .filter(county__code__startswith=region.scope_prefix)
    )


def month(day: datetime.date | None) -> str:
    """1980-05-17 → 1980.05, the way these ledgers are written by hand."""
    return f"{day.year}.{day.month:02d}" if day else ""


def department_name(region: Region) -> str:
    """Who fills the form in: 岢岚县 → 岢岚县委组织部, 山西省 → 山西省委组织部."""
    return f"{region.name}委组织部"


# ---------------------------------------------------------------------------------------------
# Tables (附表1, 附表4)
# ---------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One row of a table: ``kind`` is "item", "subtotal" or "total"; ``values`` is keyed by the
    layout's column keys; a subtotal or total has its ``label`` over the layout's leading
    ``label_span`` columns instead."""

    kind: str
    values: dict[str, Any]
    label: str = ""
    code: str = ""  # the row's region code (or "central"/"province" in 附表4), for tests and links

    @property
    def is_total(self) -> bool:
        return self.kind != "item"


@dataclass(frozen=True)
class Check:
    """One check figure: ``text`` says what is compared, ``ok`` whether it holds."""

    text: str
    ok: bool
    row: str = ""


@dataclass
class AnnexTable:
    layout: Layout
    campaign: Campaign
    region: Region
    rows: list[Row]
    checks: list[Check] = field(default_factory=list)
    reference_date: datetime.date | None = None

    @property
    def title(self) -> str:
        return self.layout.title_for(self.region)

    @property
    def notes(self) -> list[str]:
        """Notes printed under the table: the province's explanation of its rows, if any."""
        if self.layout.province_note and self.region.level == Region.Level.PROVINCE:
            return [self.layout.province_note]
        return []

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    @property
    def total(self) -> Row:
        return self.rows[-1]

    def row(self, code: str) -> Row:
        return next(r for r in self.rows if r.code == code and r.kind == "item")

    def subtotal(self, code: str) -> Row:
        return next(r for r in self.rows if r.code == code and r.kind == "subtotal")


def _sum(rows: list[Row], keys: list[str]) -> dict[str, int]:
    return {key: sum(r.values.get(key) or 0 for r in rows) for key in keys}


def _fmt(n: int) -> str:
    return f"{n:,}"


ANNEX1_SUMMED = ["villages", "weak", "poor", "both", "targets", "sent"]


def summary_checks(rows: list[Row]) -> list[Check]:
    """附表1's check figure: 两类村合计（去重） = 软弱涣散 + 贫困 − 两类兼有, on the total (always
    shown) and on every row where it fails."""
    checks = []
    for row in rows:
        v = row.values
        expected = v["weak"] + v["poor"] - v["both"]
        ok = v["targets"] == expected
        if row.kind == "total" or not ok:
            name = row.label or v["county"]
            checks.append(
                Check(
                    f"{name}：两类村合计（去重）{_fmt(v['targets'])} {'=' if ok else '≠'} "
                    f"党组织软弱涣散村 {_fmt(v['weak'])} + 建档立卡贫困村 {_fmt(v['poor'])} − 两类兼有 {_fmt(v['both'])}"
                    + ("" if ok else f"（应为 {_fmt(expected)}）"),
                    ok=ok,
                    row=name,
                )
            )
    return checks


def _annex1_values(county: dict, sent: dict[str, int]) -> dict[str, int]:
    return {
        "villages": county["total"],
        **{key: county[key] for key in ("weak", "poor", "both", "targets")},
        "sent": sent.get(county["code"], 0),
    }


def summary_table(*, campaign: Campaign, region: Region, user) -> AnnexTable:
    """附表1 for ``region``: one row per county (grouped by city, with a 小计 per city when the
    region holds more than one city) and a 合计 (全省合计 for the province). The figures are the
    county category summary of /villages/summary/; 已选派第一书记数 counts the target villages
    with a secretary assigned or in office in ``campaign``. Two queries."""
    summary = county_category_summary(user=user, region=region)
    covered = Posting.objects.filter(campaign=campaign, village=OuterRef("pk"), state__in=Posting.COVERING_STATES)
    sent = dict(
        Village.objects.visible_to(user)
        .filter(TARGET, Exists(covered), code__startswith=region.scope_prefix)
        .values("county__code")
        .annotate(sent=Count("id"))
        .order_by()
        .values_list("county__code", "sent")
    )
    rows: list[Row] = []
    items: list[Row] = []
    with_subtotals = len(summary["cities"]) > 1
    for city in summary["cities"]:
        city_rows = [
            Row("item", {"serial": 0, "city": city["name"], "county": county["name"], **_annex1_values(county, sent)}, code=county["code"])
            for county in city["counties"]
        ]
        for row in city_rows:
            row.values["serial"] = len(items) + 1
            items.append(row)
        rows.extend(city_rows)
        if with_subtotals:
            rows.append(
                Row("subtotal", {"city": city["name"], **_sum(city_rows, ANNEX1_SUMMED)}, label=f"{city['name']}小计", code=city["code"])
            )
    rows.append(Row("total", _sum(items, ANNEX1_SUMMED), label=summary["total_label"], code=region.code))

    return AnnexTable(ANNEX1, campaign, region, rows, summary_checks(rows))


def _statistics_grouping(region: Region):
    """附表4's rows for ``region``: (the row key expression, [(code, label), …] in order).
    Province: one row per city of the village, but every posting of a 中央在晋 or 省直 unit in
    the rows 中央在晋单位 and 省直单位; city: one row per county; county: one per township."""
    if region.level == Region.Level.PROVINCE:
        key = Case(
            When(unit__level=Level.CENTRAL, then=Value("central")),
            When(unit__level=Level.PROVINCE, then=Value("province")),
            default=F("county__parent__code"),
            output_field=CharField(),
        )
        cities = Region.objects.filter(level=Region.Level.CITY, parent=region).order_by("code")
        return key, [(c.code, c.name) for c in cities] + [("central", "中央在晋单位"), ("province", "省直单位")]
    if region.level == Region.Level.CITY:
        children = Region.objects.filter(level=Region.Level.COUNTY, parent=region).order_by("code")
        return F("county__code"), [(c.code, c.name) for c in children]
    children = Region.objects.filter(level=Region.Level.TOWNSHIP, parent=region).order_by("code")
    return F("village__township__code"), [(c.code, c.name) for c in children]


def statistics_checks(rows: list[Row]) -> list[Check]:
    """附表4's check figures: each checked column group adds up to 选派总数 — one line per group on
    the total (always shown), and one per row where a group does not add up."""
    checks = []
    for group in ANNEX4.checked_groups:
        keys = ANNEX4.group_keys(group)
        for row in rows:
            name = row.label or row.values["area"]
            group_sum = sum(row.values[k] for k in keys)
            ok = group_sum == row.values["total"]
            if row.kind == "total" or not ok:
                checks.append(
                    Check(
                        f"{name}：{group}各项之和 {_fmt(group_sum)} {'=' if ok else '≠'} 选派总数 {_fmt(row.values['total'])}",
                        ok=ok,
                        row=name,
                    )
                )
    return checks


def statistics_table(*, campaign: Campaign, region: Region, user) -> AnnexTable:
    """附表4 for ``region`` (rows: see ``_statistics_grouping``) with a 合计 row, and the check that
    each column group (but 性别, which has 女 only) adds up to 选派总数 in every row. Two queries
    (the row names, the counts)."""
    conditions = statistics_conditions(campaign)
    counts = {key: Count("id", filter=q) if q else Count("id") for key, q in conditions.items()}
    key_expr, groups = _statistics_grouping(region)
    found = {
        row.pop("row_key"): row
        for row in counted_postings(campaign=campaign, region=region, user=user)
        .annotate(row_key=key_expr)
        .values("row_key")
        .annotate(**counts)
        .order_by()
    }
    numeric = [c.key for c in ANNEX4.columns if c.numeric]
    rows = [Row("item", {"area": label, **dict.fromkeys(numeric, 0), **found.pop(code, {})}, code=code) for code, label in groups]
    # Postings outside every named row (a village with no township row, say) still count in 合计.
    stray = [Row("item", {"area": "其他", **dict.fromkeys(numeric, 0), **v}, code=str(k)) for k, v in found.items()]
    rows.extend(stray)
    # Not total_label: 附表4's rows are areas and units (中央在晋单位, 省直单位 beside the cities), and
    # the form names their sum 合计 at every level.
    rows.append(Row("total", _sum(rows, numeric), label="合计", code=region.code))

    return AnnexTable(ANNEX4, campaign, region, rows, statistics_checks(rows), reference_date=reference_date(campaign))


# ---------------------------------------------------------------------------------------------
# The ledger (附表3)
# ---------------------------------------------------------------------------------------------

CHUNK_SIZE = 2000
TICK = "√"
LEDGER_FIELDS = (
    "id",
    "state",
    "start_date",
    "end_date",
    "county__parent__name",
    "county__name",
    "village__township__name",
    "village__name",
    "village__is_weak_organization",
    "village__is_registered_poor",
    "cadre__name",
    "cadre__sex",
    "cadre__ethnicity",
    "cadre__birth_date",
    "cadre__political_status",
    "cadre__education",
    "cadre__position",
    "cadre__rank",
    "cadre__source",
    "cadre__phone",
    "unit__name",
    "unit_level",
)
STATE_NOTES = {Posting.State.ASSIGNED: "已分配，待到岗", Posting.State.ENDED: "期满免职"}


def _labels(choices) -> dict[str, str]:
    return dict(choices.choices)


def ledger_queryset(*, campaign: Campaign, region: Region, user):
    """The ledger's postings as ``values()`` dicts, in the printed order (county, village)."""
    unit_level = Case(*[When(q, then=Value(label)) for _, label, q in unit_level_groups()], default=Value(""), output_field=CharField())
    return (
        counted_postings(campaign=campaign, region=region, user=user)
        .annotate(unit_level=unit_level)
        .order_by("county__code", "village__code", "id")
        .values(*LEDGER_FIELDS)
    )


def _add_years(day: datetime.date, years: int) -> datetime.date:
    return _years_before(day, -years)


def ledger_rows(*, campaign: Campaign, region: Region, user, offset: int = 0, limit: int | None = None) -> Iterator[dict]:
    """附表3 for ``region`` as ``user`` sees it: one dict per counted posting (``counted_postings``)
    whose county lies inside ``region`` (province, city or county), keyed by ``ANNEX3``'s column keys plus ``posting_id``, in the
    printed order. Streams: the query is read in chunks of ``CHUNK_SIZE``. ``offset`` and ``limit``
    read one screen page of it in the database (LIMIT/OFFSET); the serial numbers run on from
    ``offset``."""
    sexes, statuses = _labels(Cadre.Sex), _labels(Cadre.PoliticalStatus)
    educations, ranks, sources = _labels(Cadre.Education), _labels(Cadre.Rank), _labels(Cadre.Source)
    term = campaign.term_years
    # 省扶贫办 reads the ledger but does not call the secretaries: phones masked (core.masking).
    full_phones = user is None or roles.can(user, roles.SEE_PHONES)
    postings = ledger_queryset(campaign=campaign, region=region, user=user)
    if offset or limit is not None:
        postings = postings[offset : None if limit is None else offset + limit]
    for serial, p in enumerate(postings.iterator(chunk_size=CHUNK_SIZE), start=offset + 1):
        weak, poor = p["village__is_weak_organization"], p["village__is_registered_poor"]
        start = p["start_date"]
        end = p["end_date"] or (_add_years(start, term) if start else None)
        rank = ranks.get(p["cadre__rank"], "")
        position = p["cadre__position"]
        yield {
            "posting_id": p["id"],
            "serial": serial,
            "city": p["county__parent__name"] or "",
            "county": p["county__name"] or "",
            "township": p["village__township__name"] or "",
            "village": p["village__name"] or "",
            "type_weak": TICK if weak and not poor else "",
            "type_poor": TICK if poor and not weak else "",
            "type_both": TICK if weak and poor else "",
            "name": p["cadre__name"],
            "sex": sexes.get(p["cadre__sex"], ""),
            "ethnicity": p["cadre__ethnicity"],
            "birth": month(p["cadre__birth_date"]),
            "political_status": statuses.get(p["cadre__political_status"], ""),
            "education": educations.get(p["cadre__education"], ""),
            "unit": p["unit__name"],
            "unit_level": p["unit_level"],
            "position": f"{position}（{rank}）" if position else rank,
            "source": sources.get(p["cadre__source"], ""),
            "start": month(start),
            "term": f"{month(start)}—{month(end)}" if start else f"{term}年",
            "phone": p["cadre__phone"] if full_phones else mask_phone(p["cadre__phone"]),
            "notes": STATE_NOTES.get(p["state"], ""),
        }
