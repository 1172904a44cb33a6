"""附表1, 附表3 and 附表4: the figures from a small, known set of postings, their check figures, and
the pages' scope.

The postings are written as rows in the states the annexes read (how a posting gets there is
the pipeline's business, tested in tests/secretaries); the villages' categories are set on
chosen villages so that every figure below can be counted by hand.
"""

from __future__ import annotations

import datetime
import re

import pytest

from dispatch.models import Campaign, DispatchingUnit
from reports.annexes import (
    ANNEX3,
    ANNEX4,
    ledger_rows,
    reference_date,
    statistics_table,
    summary_checks,
    summary_table,
    unit_level_groups,
    unit_level_label,
)
from secretaries.models import Cadre, Posting
from tests.secretaries.conftest import cadre_for
from villages.demo import mark_demo_categories
from villages.models import Region, Village

S = Posting.State


def _villages(county_code: str, n: int) -> list[Village]:
    return list(Village.objects.filter(county__code=county_code, code__regex=r"^[0-9]{9}2[0-9]{2}$").order_by("code")[:n])


def _mark(village: Village, *, weak: bool = False, poor: bool = False) -> Village:
    Village.objects.filter(pk=village.pk).update(is_weak_organization=weak, is_registered_poor=poor)
    village.is_weak_organization, village.is_registered_poor = weak, poor
    return village


def _posting(campaign, unit, village, state, **cadre) -> Posting:
    start = cadre.pop("start_date", datetime.date(2015, 8, 10))
    return Posting.objects.create(
        cadre=cadre_for(unit, **cadre),
        campaign=campaign,
        unit=unit,
        state=state,
        county=village.county if village else None,
        village=village,
        start_date=start if state != S.ASSIGNED else None,
    )


@pytest.fixture
def campaign(reference_data):
    return Campaign.current()


@pytest.fixture
def units(regions):
    def unit(name, level, kind, region):
        return DispatchingUnit.objects.get_or_create(name=name, region=regions[region], defaults={"level": level, "kind": kind})[0]

    return {
        "kelan_organ": unit("岢岚县农业农村局", "county", "party_government", "岢岚县"),
        "province_organ": DispatchingUnit.objects.get(name="山西省国土资源厅"),
        "central": unit("国家统计局山西调查总队", "central", "party_government", "山西省"),
        "province_enterprise": unit("山西焦煤集团有限责任公司", "province", "state_enterprise", "山西省"),
        "city_institution": unit("忻州市农业科学研究院", "city", "institution", "忻州市"),
        "city_organ": unit("忻州市委办公室", "city", "party_government", "忻州市"),
        "lishi_organ": unit("离石区委办公室", "county", "party_government", "离石区"),
        "university": unit("山西农业大学", "province", "university", "山西省"),
    }


@pytest.fixture
def ledger(campaign, units):
    """岢岚县 (140929): 6 target villages, of which 1 weak only, 3 poor only, 2 both, and one
    non-target village; 五寨县 (140928): 2 poor villages; 离石区 (141102, 吕梁市): 1 weak village.

    Counted postings (assigned, in office, ended): 岢岚 5, 五寨 2, 离石 1 = 8; plus a recalled
    and a filed posting that no annex counts."""
    k = _villages("140929", 8)
    kelan = [
        _mark(k[0], weak=True),
        _mark(k[1], poor=True),
        _mark(k[2], poor=True),
        _mark(k[3], poor=True),
        _mark(k[4], weak=True, poor=True),
        _mark(k[5], weak=True, poor=True),
        k[6],
    ]
    w = [_mark(v, poor=True) for v in _villages("140928", 2)]
    lishi = _mark(_villages("141102", 1)[0], weak=True)
    u = units
    C, E, R, Src = Cadre, Cadre.Education, Cadre.Rank, Cadre.Source
    postings = {
        # 35 on the reference date 2015-08-15, 36 the day after: 35岁及以下.
        "k_weak": _posting(
            campaign,
            u["kelan_organ"],
            kelan[0],
            S.IN_OFFICE,
            name="王秀英",
            sex="F",
            birth_date=datetime.date(1979, 8, 16),
            education=E.POSTGRADUATE,
            rank=R.SECTION,
            source=Src.YOUNG_CADRE,
            phone="13900000001",
        ),
        # One day older: 36 on the reference date itself, so 36–45岁.
        "k_poor": _posting(
            campaign,
            u["province_organ"],
            kelan[1],
            S.IN_OFFICE,
            name="赵国强",
            birth_date=datetime.date(1979, 8, 15),
            education=E.BACHELOR,
            rank=R.DIVISION_OR_ABOVE,
            source=Src.RESERVE_CADRE,
            position="副处长",
        ),
        "k_both": _posting(
            campaign,
            u["central"],
            kelan[4],
            S.ASSIGNED,
            name="孙立平",
            birth_date=datetime.date(1965, 3, 2),
            education=E.COLLEGE,
            rank=R.SECTION,
            source=Src.RETIRED_FROM_LEADERSHIP,
            ethnicity="回族",
        ),
        "k_ended": _posting(
            campaign,
            u["province_enterprise"],
            kelan[2],
            S.ENDED,
            name="周文斌",
            sex="F",
            birth_date=datetime.date(1959, 8, 15),
            education=E.SECONDARY,
            rank=R.BELOW_SECTION,
            source=Src.ENTERPRISE_INSTITUTION,
        ),
        # A provincial university is counted with the enterprises and institutions.
        "k_university": _posting(
            campaign,
            u["university"],
            kelan[6],
            S.IN_OFFICE,
            name="钱明",
            birth_date=datetime.date(1975, 1, 1),
            education=E.POSTGRADUATE,
            rank=R.SECTION,
            source=Src.ENTERPRISE_INSTITUTION,
        ),
        "w_institution": _posting(
            campaign,
            u["city_institution"],
            w[0],
            S.IN_OFFICE,
            name="吴海燕",
            sex="F",
            birth_date=datetime.date(1970, 5, 1),
            education=E.BACHELOR,
            rank=R.SECTION,
            source=Src.ENTERPRISE_INSTITUTION,
        ),
        "w_organ": _posting(
            campaign,
            u["city_organ"],
            w[1],
            S.IN_OFFICE,
            name="郑凯",
            birth_date=datetime.date(1988, 12, 1),
            education=E.BACHELOR,
            rank=R.BELOW_SECTION,
            source=Src.YOUNG_CADRE,
        ),
        "l_organ": _posting(
            campaign,
            u["lishi_organ"],
            lishi,
            S.IN_OFFICE,
            name="冯涛",
            birth_date=datetime.date(1984, 2, 1),
            education=E.BACHELOR,
            rank=R.SECTION,
            source=Src.YOUNG_CADRE,
        ),
        # Not counted: taken back, or not yet sent.
        "k_recalled": _posting(campaign, u["kelan_organ"], kelan[3], S.RECALLED, name="陈刚"),
        "k_filed": Posting.objects.create(
            cadre=cadre_for(u["kelan_organ"], name="褚亮"), campaign=campaign, unit=u["kelan_organ"], state=S.FILED, county=kelan[0].county
        ),
    }
    assert C.objects.count() >= 10
    return postings


def region(code: str) -> Region:
    return Region.objects.get(code=code)


# --- rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "kind", "label"),
    [
        ("central", "party_government", "中央单位"),
        ("province", "party_government", "省直机关"),
        ("city", "peoples_organization", "市直机关"),
        ("county", "party_government", "县直机关"),
        ("province", "state_enterprise", "国有企业、事业单位"),
        ("county", "institution", "国有企业、事业单位"),
        ("central", "state_enterprise", "国有企业、事业单位"),
        ("province", "university", "国有企业、事业单位"),
    ],
)
def test_a_unit_falls_in_exactly_one_level_group_and_enterprises_count_whatever_their_level(regions, level, kind, label):
    unit = DispatchingUnit.objects.create(name="测试单位", level=level, kind=kind, region=regions["山西省"])
    assert unit_level_label(unit) == label
    # The database rule agrees, and exactly one group holds the unit.
    assert [g for _, g, q in unit_level_groups(prefix="") if DispatchingUnit.objects.filter(q, pk=unit.pk).exists()] == [label]


def test_ages_are_taken_at_the_campaigns_arrival_deadline(campaign):
    assert reference_date(campaign) == datetime.date(2015, 8, 15)
    campaign.arrival_deadline = None
    assert reference_date(campaign) == campaign.ledger_deadline


# --- 附表1 --------------------------------------------------------------------------------------


def test_annex1_counts_a_countys_villages_by_category_and_the_covered_target_villages(campaign, ledger, province_user):
    table = summary_table(campaign=campaign, region=region("140929"), user=province_user)
    kelan = table.row("140929")
    total_villages = Village.objects.filter(county__code="140929").count()
    assert kelan.values == {
        "serial": 1,
        "city": "忻州市",
        "county": "岢岚县",
        "villages": total_villages,
        "weak": 3,
        "poor": 5,
        "both": 2,
        "targets": 6,
        # Target villages with a secretary assigned or in office: weak, poor (provincial), both
        # (central, assigned). Not the ended one, not the recalled one, not the non-target village.
        "sent": 3,
    }
    assert [r.kind for r in table.rows] == ["item", "total"]
    assert table.total.label == "合计"
    assert table.ok
    assert [c.text for c in table.checks] == ["合计：两类村合计（去重）6 = 党组织软弱涣散村 3 + 建档立卡贫困村 5 − 两类兼有 2"]


def test_annex1_for_a_city_lists_its_counties_only_without_subtotals(campaign, ledger, province_user):
    table = summary_table(campaign=campaign, region=region("140900"), user=province_user)
    items = [r for r in table.rows if r.kind == "item"]
    assert len(items) == Region.objects.filter(parent__code="140900", level="county").count() == 15
    assert all(r.code.startswith("1409") for r in items)
    assert [r.values["serial"] for r in items] == list(range(1, 16))
    assert table.row("140928").values["poor"] == 2
    assert table.total.values["targets"] == 6 + 2
    assert table.total.values["sent"] == 3 + 2
    assert not [r for r in table.rows if r.kind == "subtotal"]


def test_annex1_for_the_province_has_a_subtotal_per_city_and_a_provincial_total(campaign, ledger, province_user):
    table = summary_table(campaign=campaign, region=region("140000"), user=province_user)
    subtotals = [r for r in table.rows if r.kind == "subtotal"]
    assert len(subtotals) == 11
    xinzhou = table.subtotal("140900")
    assert (xinzhou.label, xinzhou.values["weak"], xinzhou.values["poor"], xinzhou.values["both"], xinzhou.values["targets"]) == (
        "忻州市小计",
        3,
        7,
        2,
        8,
    )
    assert table.subtotal("141100").values["weak"] == 1
    # A subtotal follows its city's last county.
    index = table.rows.index(xinzhou)
    assert table.rows[index - 1].code.startswith("1409") and not table.rows[index + 1].code.startswith("1409")
    assert table.total.label == "全省合计"
    assert table.total.values["villages"] == 21895
    assert (table.total.values["targets"], table.total.values["sent"]) == (9, 6)


def test_annex1_is_the_county_summary_of_the_village_pages_plus_the_secretaries_sent(campaign, ledger, xinzhou_user):
    from villages.selectors import county_category_summary

    summary = county_category_summary(user=xinzhou_user)
    table = summary_table(campaign=campaign, region=xinzhou_user.region, user=xinzhou_user)
    [city] = summary["cities"]
    assert [r.code for r in table.rows if r.kind == "item"] == [c["code"] for c in city["counties"]]
    for county in city["counties"]:
        row = table.row(county["code"]).values
        assert [row[k] for k in ("villages", "weak", "poor", "both", "targets")] == [
            county[k] for k in ("total", "weak", "poor", "both", "targets")
        ]
    assert table.total.label == summary["total_label"] == "合计"


def test_annex1_check_fails_visibly_when_the_union_is_not_weak_plus_poor_minus_both(campaign, ledger, province_user):
    table = summary_table(campaign=campaign, region=region("140929"), user=province_user)
    table.rows[0].values["targets"] = 7  # what a wrong count would give
    failed = [c for c in summary_checks(table.rows) if not c.ok]
    assert [c.text for c in failed] == ["岢岚县：两类村合计（去重）7 ≠ 党组织软弱涣散村 3 + 建档立卡贫困村 5 − 两类兼有 2（应为 6）"]


def test_the_provinces_annex1_shows_the_notices_figures_with_the_demo_categories(campaign, province_user):
    mark_demo_categories()
    total = summary_table(campaign=campaign, region=region("140000"), user=province_user).total.values
    assert (total["weak"], total["poor"], total["both"], total["targets"]) == (2697, 7993, 794, 9896)


def test_annex1_takes_two_queries_whatever_the_region(campaign, ledger, django_assert_num_queries, province_user):
    for code in ("140000", "140900", "140929"):
        r = region(code)
        with django_assert_num_queries(2):
            summary_table(campaign=campaign, region=r, user=province_user)


# --- 附表3 --------------------------------------------------------------------------------------


def test_ledger_rows_of_a_county_are_its_counted_postings_in_the_printed_form(campaign, ledger, province_user):
    rows = list(ledger_rows(campaign=campaign, region=region("140929"), user=province_user))
    assert {r["posting_id"] for r in rows} == {ledger[k].pk for k in ("k_weak", "k_poor", "k_both", "k_ended", "k_university")}
    assert [r["serial"] for r in rows] == [1, 2, 3, 4, 5]
    assert set(rows[0]) == {*ANNEX3.keys, "posting_id"}
    by_name = {r["name"]: r for r in rows}
    wang = by_name["王秀英"]
    assert (wang["city"], wang["county"], wang["sex"], wang["birth"], wang["start"], wang["term"]) == (
        "忻州市",
        "岢岚县",
        "女",
        "1979.08",
        "2015.08",
        "2015.08—2017.08",
    )
    assert (wang["type_weak"], wang["type_poor"], wang["type_both"]) == ("√", "", "")
    assert (wang["unit_level"], wang["education"], wang["source"], wang["phone"]) == ("县直机关", "研究生", "优秀年轻干部", "13900000001")
    assert wang["township"] == ledger["k_weak"].village.township.name
    zhao = by_name["赵国强"]
    assert (zhao["type_weak"], zhao["type_poor"], zhao["type_both"], zhao["unit_level"], zhao["position"]) == (
        "",
        "√",
        "",
        "省直机关",
        "副处长（处级以上）",
    )
    sun = by_name["孙立平"]
    assert (sun["type_both"], sun["unit_level"], sun["ethnicity"], sun["notes"], sun["start"]) == (
        "√",
        "中央单位",
        "回族",
        "已分配，待到岗",
        "",
    )
    assert (by_name["周文斌"]["unit_level"], by_name["周文斌"]["notes"]) == ("国有企业、事业单位", "期满免职")
    assert by_name["钱明"]["unit_level"] == "国有企业、事业单位"
    assert (by_name["钱明"]["type_weak"], by_name["钱明"]["type_poor"], by_name["钱明"]["type_both"]) == ("", "", "")


def test_ledger_rows_of_a_city_and_the_province(campaign, ledger, province_user):
    city = list(ledger_rows(campaign=campaign, region=region("140900"), user=province_user))
    assert [r["county"] for r in city] == ["五寨县"] * 2 + ["岢岚县"] * 5  # by division code
    province = list(ledger_rows(campaign=campaign, region=region("140000"), user=province_user))
    assert len(province) == 8 and province[-1]["city"] == "吕梁市"


def test_ledger_rows_stream_in_one_query(campaign, ledger, django_assert_num_queries, province_user):
    shanxi = region("140000")
    with django_assert_num_queries(1):
        rows = ledger_rows(campaign=campaign, region=shanxi, user=province_user)
        next(rows)
        rest = list(rows)
    assert len(rest) == 7


def test_a_window_of_the_ledger_is_read_in_the_database_with_its_serial_numbers(campaign, ledger, django_assert_num_queries, province_user):
    shanxi = region("140000")
    whole = list(ledger_rows(campaign=campaign, region=shanxi, user=province_user))
    with django_assert_num_queries(1) as queries:
        window = list(ledger_rows(campaign=campaign, region=shanxi, user=province_user, offset=2, limit=3))
    assert "LIMIT 3 OFFSET 2" in queries.captured_queries[0]["sql"]  # not read and skipped in Python
    assert [r["serial"] for r in window] == [3, 4, 5]
    assert [r["posting_id"] for r in window] == [r["posting_id"] for r in whole[2:5]]


# --- 附表4 --------------------------------------------------------------------------------------


def test_annex4_of_a_county_has_one_row_per_township_and_counts_each_group(campaign, ledger, province_user):
    table = statistics_table(campaign=campaign, region=region("140929"), user=province_user)
    townships = Region.objects.filter(parent__code="140929", level="township").count()
    assert len(table.rows) == townships + 1
    total = table.total.values
    assert total["total"] == 5
    assert [total[k] for k in ANNEX4.group_keys("按派出单位")] == [1, 1, 0, 1, 2]
    # The university's village is in neither category: the village-type group misses one.
    assert [total[k] for k in ANNEX4.group_keys("按派驻村类型")] == [1, 2, 1]
    assert total["female"] == 2
    assert [total[k] for k in ANNEX4.group_keys("年龄")] == [1, 2, 1, 1]
    assert [total[k] for k in ANNEX4.group_keys("学历")] == [2, 1, 1, 1]
    assert [total[k] for k in ANNEX4.group_keys("职级")] == [1, 3, 1]
    assert [total[k] for k in ANNEX4.group_keys("干部来源")] == [1, 1, 2, 1]
    township = ledger["k_weak"].village.township
    assert table.row(township.code).values["total"] >= 1
    # The checks: every group sums to 5 but the village types (4).
    assert not table.ok
    assert [c.text for c in table.failed_checks] == [
        f"{name}：按派驻村类型各项之和 {s} ≠ 选派总数 {t}"
        for name, s, t in [
            (ledger["k_university"].village.township.name, *_village_type_sum(table, ledger["k_university"].village.township.code)),
            ("合计", 4, 5),
        ]
    ]


def _village_type_sum(table, code):
    row = table.row(code).values
    return sum(row[k] for k in ANNEX4.group_keys("按派驻村类型")), row["total"]


def test_annex4_checks_pass_when_every_village_is_a_target(campaign, ledger, province_user):
    _mark(ledger["k_university"].village, weak=True)
    table = statistics_table(campaign=campaign, region=region("140929"), user=province_user)
    assert table.ok
    assert len(table.checks) == len(ANNEX4.checked_groups)  # one line per group, on the total
    assert all(c.ok for c in table.checks)


def test_annex4_of_the_province_puts_central_and_provincial_units_in_their_own_rows(campaign, ledger, province_user):
    table = statistics_table(campaign=campaign, region=region("140000"), user=province_user)
    areas = [r.label or r.values["area"] for r in table.rows]
    assert areas == [
        "太原市",
        "大同市",
        "阳泉市",
        "长治市",
        "晋城市",
        "朔州市",
        "晋中市",
        "运城市",
        "忻州市",
        "临汾市",
        "吕梁市",
        "中央在晋单位",
        "省直单位",
        "合计",
    ]
    assert table.row("central").values["total"] == 1
    # 省直: the organ, the enterprise, the university — wherever their villages are.
    assert table.row("province").values["total"] == 3
    assert [table.row("province").values[k] for k in ANNEX4.group_keys("按派出单位")] == [0, 1, 0, 0, 2]
    # 忻州: only its city and county units' secretaries: 岢岚 1, 五寨 2.
    assert table.row("140900").values["total"] == 3
    assert table.row("141100").values["total"] == 1
    assert table.total.values["total"] == 8
    assert table.total.values["unit_enterprise"] == 3


def test_annex4_of_a_city_has_one_row_per_county(campaign, ledger, province_user):
    table = statistics_table(campaign=campaign, region=region("140900"), user=province_user)
    assert len(table.rows) == 15 + 1
    assert table.row("140929").values["total"] == 5  # provincial and central units included
    assert table.row("140928").values["unit_enterprise"] == 1
    assert table.total.values["total"] == 7


def test_annex4_takes_two_queries_whatever_the_region(campaign, ledger, django_assert_num_queries, province_user):
    for code in ("140000", "140900", "140929"):
        r = region(code)
        with django_assert_num_queries(2):
            statistics_table(campaign=campaign, region=r, user=province_user)


# --- pages ------------------------------------------------------------------------------------


def page(client, user, path="/annexes/", **params):
    client.force_login(user)
    return client.get(path, params)


def codes_on(response) -> list[str]:
    import re

    return re.findall(r'data-code="(\w+)"', response.content.decode())


def test_the_index_lists_the_three_annexes_of_the_users_county(client, kelan_user, campaign):
    response = page(client, kelan_user)
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("岢岚县“两类村”汇总统计情况表", "选派机关优秀干部到村任第一书记工作台账", "选派机关优秀干部到村任第一书记情况统计表"):
        assert text in body
    assert "/annexes/3/xlsx/?region=140929" in body
    assert response.context["selection"].regions == []  # nothing below a county to pick


def test_the_menu_shows_the_annexes_to_organization_departments_only(client, kelan_user, lanyi_user):
    client.force_login(kelan_user)
    assert "台账统计" in client.get("/").content.decode()
    client.force_login(lanyi_user)
    assert "台账统计" not in client.get("/").content.decode()


@pytest.mark.parametrize("annex", ["1", "3", "4"])
def test_a_county_asking_for_another_countys_annex_gets_404(client, kelan_user, campaign, annex):
    assert page(client, kelan_user, f"/annexes/{annex}/", region="140928").status_code == 404
    assert page(client, kelan_user, f"/annexes/{annex}/xlsx/", region="140928").status_code == 404
    assert page(client, kelan_user, f"/annexes/{annex}/", region="140900").status_code == 404  # its own city neither
    assert page(client, kelan_user, f"/annexes/{annex}/", region="140929").status_code == 200


def test_a_city_sees_only_its_counties_and_may_pick_one(client, xinzhou_user, campaign, ledger):
    response = page(client, xinzhou_user, "/annexes/1/")
    codes = [c for c in codes_on(response) if len(c) == 6 and c != "140900"]
    assert len(codes) == 15 and all(c.startswith("1409") for c in codes)
    picker = response.context["selection"].regions
    assert len(picker) == 15 and {r.level for r in picker} == {"county"}
    assert page(client, xinzhou_user, "/annexes/3/", region="141102").status_code == 404
    ledger_page = page(client, xinzhou_user, "/annexes/3/", region="140928").content.decode()
    assert "吴海燕" in ledger_page and "王秀英" not in ledger_page


def test_the_province_may_pick_a_city_or_a_county(client, province_user, campaign, ledger):
    response = page(client, province_user, "/annexes/3/", region="141102")
    assert response.status_code == 200
    assert "冯涛" in response.content.decode() and "王秀英" not in response.content.decode()
    assert {r.level for r in response.context["selection"].regions} == {"city", "county"}


def test_the_poverty_office_reads_the_annexes(client, poverty_office_user, campaign, ledger):
    assert page(client, poverty_office_user, "/annexes/4/").status_code == 200


def test_the_poverty_office_s_ledger_lists_only_the_provincial_units_secretaries_it_sees_in_the_candidate_list(
    client, poverty_office_user, campaign, ledger
):
    import io

    import openpyxl

    # 省扶贫办's scope is provincial units' candidates: the ledger lists what /postings/ lists.
    visible = Posting.objects.visible_to(poverty_office_user).filter(campaign=campaign, state__in=[S.ASSIGNED, S.IN_OFFICE, S.ENDED])
    provincial = {ledger[k].pk for k in ("k_poor", "k_ended", "k_university")}
    assert set(visible.values_list("pk", flat=True)) == provincial

    body = page(client, poverty_office_user, "/annexes/3/").content.decode()
    assert {int(pk) for pk in re.findall(r'data-posting="(\d+)"', body)} == provincial
    for name in ("赵国强", "周文斌", "钱明"):
        assert name in body
    # A county unit's secretary, with her phone number, a central unit's, a city's: not the office's.
    for name in ("王秀英", "13900000001", "孙立平", "吴海燕", "冯涛"):
        assert name not in body

    response = page(client, poverty_office_user, "/annexes/3/xlsx/")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [sheet.cell(r, 9).value for r in range(5, sheet.max_row + 1)]
    everyone = {"赵国强", "周文斌", "钱明", "王秀英", "孙立平", "吴海燕", "郑凯", "冯涛"}
    assert sorted(n for n in names if n in everyone) == ["周文斌", "赵国强", "钱明"]

    # 附表4 counts the same postings: the three, all in the 省直单位 row.
    table = page(client, poverty_office_user, "/annexes/4/").context
    totals = {line["code"]: line["cells"] for line in table["lines"]}
    assert totals["province"][1]["text"] == "3" and totals["central"][1]["text"] == "0"
    assert totals["140000"][1]["text"] == "3"  # 合计
    assert statistics_table(campaign=campaign, region=region("140000"), user=poverty_office_user).total.values["total"] == 3


@pytest.mark.parametrize("fixture", ["lanyi_user", "unit_user", "secretary_user"])
def test_townships_units_and_secretaries_get_403(client, request, fixture, campaign):
    user = request.getfixturevalue(fixture)
    assert page(client, user, "/annexes/").status_code == 403
    assert page(client, user, "/annexes/3/xlsx/").status_code == 403


def test_an_unknown_annex_or_campaign_answers_404(client, kelan_user, campaign):
    assert page(client, kelan_user, "/annexes/2/").status_code == 404
    assert page(client, kelan_user, "/annexes/1/", campaign="x").status_code == 404
    assert page(client, kelan_user, "/annexes/1/", campaign="99999").status_code == 404


def test_the_ledger_page_lists_the_countys_secretaries(client, kelan_user, campaign, ledger):
    body = page(client, kelan_user, "/annexes/3/").content.decode()
    for name in ("王秀英", "赵国强", "孙立平", "周文斌", "钱明"):
        assert name in body
    for name in ("陈刚", "褚亮", "吴海燕"):  # recalled, not yet sent, another county
        assert name not in body
    assert "填报单位（盖章）：岢岚县委组织部" in body and "审核人（部长签字）" in body
    assert 'rowspan="2"' in body and 'colspan="3"' in body  # the two-level header


def test_a_long_ledger_is_shown_a_page_at_a_time_with_its_serial_numbers_running_on(client, province_user, campaign, ledger, monkeypatch):
    from reports import annex_views

    monkeypatch.setattr(annex_views, "LEDGER_PAGE_SIZE", 3)  # the province's 8 rows: 3 + 3 + 2
    first = page(client, province_user, "/annexes/3/").content.decode()
    last = page(client, province_user, "/annexes/3/", page="3").content.decode()
    assert first.count("data-posting=") == 3 and last.count("data-posting=") == 2
    assert "共 8 条，本页为第 7–8 条" in last and "第 3 / 3 页" in last
    assert '<td class="center">7</td>' in last  # serial numbers continue across pages
    one_page = page(client, province_user, "/annexes/3/", region="140928").content.decode()  # 五寨县: 2 rows
    assert one_page.count("data-posting=") == 2 and 'data-testid="ledger-range"' not in one_page


def test_the_statistics_page_shows_the_check_figures_and_warns_when_one_fails(client, kelan_user, campaign, ledger):
    body = page(client, kelan_user, "/annexes/4/").content.decode()
    assert 'data-testid="check-warning"' in body
    assert "合计：按派驻村类型各项之和 4 ≠ 选派总数 5" in body
    assert "✓ 合计：按派出单位各项之和 5 = 选派总数 5" in body
    assert "注：年龄按 2015年8月15日" in body
    _mark(ledger["k_university"].village, weak=True)
    body = page(client, kelan_user, "/annexes/4/").content.decode()
    assert 'data-testid="check-warning"' not in body


def test_the_summary_page_shows_its_check_figure(client, kelan_user, campaign, ledger):
    body = page(client, kelan_user, "/annexes/1/").content.decode()
    assert "✓ 合计：两类村合计（去重）6 = 党组织软弱涣散村 3 + 建档立卡贫困村 5 − 两类兼有 2" in body
    assert 'data-testid="check-warning"' not in body


def test_the_province_page_shows_the_notices_figures_with_the_demo_categories(client, province_user, campaign):
    mark_demo_categories()
    response = page(client, province_user, "/annexes/1/")
    total = response.content.decode().split('data-code="140000"')[1].split("</tr>")[0]
    assert "全省合计" in total
    for figure in ("2,697", "7,993", "794", "9,896", "21,895"):
        assert f">{figure}<" in total


def test_the_download_is_the_workbook_of_the_chosen_region(client, xinzhou_user, campaign, ledger):
    import io

    import openpyxl

    response = page(client, xinzhou_user, "/annexes/3/xlsx/", region="140928")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [sheet.cell(r, 9).value for r in range(5, sheet.max_row + 1)]
    assert "吴海燕" in names and "郑凯" in names and "王秀英" not in names
    assert sheet["A2"].value.startswith("填报单位（盖章）：五寨县委组织部")


def test_an_earlier_campaign_is_chosen_with_its_id(client, kelan_user, campaign, ledger):
    older = Campaign.objects.create(
        name="2013年批次",
        year=2013,
        notice_number="晋组通字〔2013〕1号",
        ledger_deadline=datetime.date(2013, 7, 1),
        arrival_deadline=datetime.date(2013, 8, 1),
        is_current=False,
    )
    response = page(client, kelan_user, "/annexes/3/", campaign=older.pk)
    assert response.status_code == 200 and "王秀英" not in response.content.decode()
    assert response.context["selection"].campaign == older


def test_a_role_without_the_annex_capability_is_refused_the_pages_and_the_menu_drops_them(client, kelan_user, campaign, monkeypatch):
    from dispatch import roles
    from dispatch.models import Role

    client.force_login(kelan_user)
    assert '<a href="/annexes/">台账统计</a>' in client.get("/").content.decode()

    monkeypatch.setitem(roles.ROLE_CAPABILITIES, Role.COUNTY_ORG, roles.ROLE_CAPABILITIES[Role.COUNTY_ORG] - {roles.VIEW_ANNEXES})
    for url in ("/annexes/", "/annexes/3/", "/annexes/3/xlsx/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "您的角色无权查看台账和统计表。" in response.content.decode()
    assert 'href="/annexes/"' not in client.get("/").content.decode()
