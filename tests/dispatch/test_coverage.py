"""The coverage plan: per county of the user's scope, target villages against the quotas sent
in, and the county's backfill (县级兜底). 岢岚县 gets 24 provincial secretaries (5+5+6+8)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dispatch.coverage import coverage_plan
from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation
from tests.factories import DispatchingUnitFactory
from villages.demo import mark_demo_categories
from villages.models import Region, Village

KELAN, XINZHOU, LVLIANG = "140929", "140900", "141100"
KELAN_PROVINCIAL = 24  # 附表2: 国土资源厅 5, 煤炭地质局 5, 统计局 6, 住建厅 8
PROVINCE_PROVINCIAL = 148  # 附表2 in total, 山西省国家税务局 (中央在晋) included


@pytest.fixture
def demo_categories(reference_data):
    mark_demo_categories()


@pytest.fixture
def campaign(reference_data):
    return Campaign.current()


def village_counts(county_code: str) -> tuple[int, int]:
    villages = Village.objects.filter(county__code=county_code)
    return villages.targets().count(), villages.filter(is_registered_poor=True).count()


def rows_of(plan) -> dict[str, dict]:
    return {row["code"]: row for city in plan["cities"] for row in city["counties"]}


def add_quota(county_code: str, level: str, count: int, campaign) -> QuotaAllocation:
    county = Region.objects.get(code=county_code)
    region = county if level == DispatchingUnit.Level.COUNTY else county.parent
    unit = DispatchingUnitFactory(level=level, region=region)
    return QuotaAllocation.objects.create(campaign=campaign, unit=unit, county=county, count=count)


def page(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("coverage:plan"), params)
    assert response.status_code == 200, response.status_code
    return response


# The numbers ---------------------------------------------------------------------------------


def test_kelan_gets_24_provincial_secretaries_and_backfills_the_rest(kelan_user, demo_categories, campaign):
    targets, poor = village_counts(KELAN)
    assert targets > KELAN_PROVINCIAL  # the demo gives 岢岚县 more target villages than quotas

    plan = coverage_plan(user=kelan_user, campaign=campaign)

    assert list(rows_of(plan)) == [KELAN]
    row = rows_of(plan)[KELAN]
    assert (row["targets"], row["poor"]) == (targets, poor)
    assert (row["provincial"], row["central"], row["city"], row["county"]) == (KELAN_PROVINCIAL, 0, 0, 0)
    assert row["backfill"] == targets - KELAN_PROVINCIAL
    assert row["warnings"] == []
    assert plan["total"]["backfill"] == targets - KELAN_PROVINCIAL


def test_city_and_county_quotas_reduce_the_backfill(kelan_user, demo_categories, campaign):
    targets, _ = village_counts(KELAN)
    add_quota(KELAN, DispatchingUnit.Level.CITY, 3, campaign)
    add_quota(KELAN, DispatchingUnit.Level.COUNTY, 10, campaign)

    row = rows_of(coverage_plan(user=kelan_user, campaign=campaign))[KELAN]

    assert (row["provincial"], row["city"], row["county"], row["quotas"]) == (KELAN_PROVINCIAL, 3, 10, KELAN_PROVINCIAL + 13)
    assert row["backfill"] == targets - KELAN_PROVINCIAL - 13


def test_a_county_without_target_villages_backfills_nothing_and_is_not_warned(kelan_user, reference_data, campaign):
    # Before any categories are marked 岢岚县 has no target village, yet 24 quotas.
    row = rows_of(coverage_plan(user=kelan_user, campaign=campaign))[KELAN]
    assert (row["targets"], row["backfill"], row["excess"]) == (0, 0, KELAN_PROVINCIAL)


def test_another_campaign_counts_only_its_own_quotas(kelan_user, demo_categories, campaign):
    other = Campaign.objects.create(name="2017年轮换", year=2017, notice_number="晋组通字〔2017〕1号", ledger_deadline="2017-07-15")
    add_quota(KELAN, DispatchingUnit.Level.CITY, 7, other)

    row = rows_of(coverage_plan(user=kelan_user, campaign=other))[KELAN]

    assert (row["provincial"], row["city"]) == (0, 7)
    assert row["backfill"] == village_counts(KELAN)[0] - 7


def test_without_a_campaign_every_quota_is_zero(kelan_user, demo_categories):
    row = rows_of(coverage_plan(user=kelan_user, campaign=None))[KELAN]
    assert row["quotas"] == 0
    assert row["backfill"] == row["targets"] == village_counts(KELAN)[0]


# Warnings ------------------------------------------------------------------------------------


def test_quotas_beyond_the_target_villages_are_warned(kelan_user, demo_categories, campaign):
    targets, _ = village_counts(KELAN)
    # County units' quotas: over the targets, but no provincial/city secretary beyond the poor villages.
    add_quota(KELAN, DispatchingUnit.Level.COUNTY, targets - KELAN_PROVINCIAL + 3, campaign)

    row = rows_of(coverage_plan(user=kelan_user, campaign=campaign))[KELAN]

    assert (row["excess"], row["backfill"], row["poor_excess"]) == (3, 0, 0)
    assert [w["text"] for w in row["warnings"]] == ["名额超过两类村数，多出 3 名"]


def test_provincial_and_city_quotas_beyond_the_poor_villages_are_warned(client, kelan_user, demo_categories, campaign):
    targets, poor = village_counts(KELAN)
    assert targets > poor  # so that the quotas below stay within the target villages
    add_quota(KELAN, DispatchingUnit.Level.CITY, poor - KELAN_PROVINCIAL + 1, campaign)

    row = rows_of(coverage_plan(user=kelan_user, campaign=campaign))[KELAN]

    assert (row["upper"], row["poor_excess"], row["excess"]) == (poor + 1, 1, 0)
    assert [w["text"] for w in row["warnings"]] == [f"省市两级名额 {poor + 1} 名，多于建档立卡贫困村 {poor} 个（多出 1 名）"]
    html = page(client, kelan_user).content.decode()
    assert 'data-testid="county-140929" class="warned"' in html
    assert f"② 省市两级名额 {poor + 1} 名，多于建档立卡贫困村 {poor} 个" in html
    assert 'class="num over" data-testid="provincial"' in html


def test_the_page_shows_the_warnings_in_red_with_a_legend(client, kelan_user, demo_categories, campaign):
    targets, _ = village_counts(KELAN)
    add_quota(KELAN, DispatchingUnit.Level.COUNTY, targets, campaign)  # 24 too many

    html = page(client, kelan_user).content.decode()

    assert '<tr data-county="140929" data-testid="county-140929" class="warned">' in html
    assert f"① 名额超过两类村数，多出 {KELAN_PROVINCIAL} 名" in html
    assert 'class="num over" data-testid="quotas"' in html
    assert 'data-testid="legend"' in html


# Scope ---------------------------------------------------------------------------------------


def test_a_county_department_sees_its_county_only(client, kelan_user, demo_categories):
    targets, poor = village_counts(KELAN)
    response = page(client, kelan_user)
    html = response.content.decode()

    assert [c["code"] for c in response.context["plan"]["cities"]] == [XINZHOU]
    assert 'data-testid="county-140929"' in html
    assert html.count('data-testid="county-1') == 1
    assert "五寨县" not in html
    assert "<td>小计</td>" not in html and "全省合计" not in html
    assert response.context["total_label"] == "合计"
    assert "县级兜底" in html


def test_xinzhou_sees_its_15_counties_and_nothing_of_lvliang(client, xinzhou_user, demo_categories, campaign):
    lvliang_with_quotas = QuotaAllocation.objects.filter(campaign=campaign, county__code__startswith="1411")
    assert lvliang_with_quotas.exists()  # 兴县, 临县 … have provincial secretaries too

    response = page(client, xinzhou_user)
    plan = response.context["plan"]
    html = response.content.decode()

    assert [c["code"] for c in plan["cities"]] == [XINZHOU]
    assert len(rows_of(plan)) == 15 == Region.objects.counties().filter(code__startswith="1409").count()
    assert all(code.startswith("1409") for code in rows_of(plan))
    for name in ("兴县", "临县", "吕梁市"):
        assert name not in html
    xinzhou_quotas = QuotaAllocation.objects.filter(campaign=campaign, county__code__startswith="1409")
    assert plan["total"]["provincial"] == sum(q.count for q in xinzhou_quotas)
    assert plan["total"]["targets"] == Village.objects.filter(code__startswith="1409").targets().count()


def test_the_province_sees_121_counties_and_the_provincial_total_148(client, province_user, demo_categories):
    response = page(client, province_user)
    plan = response.context["plan"]
    html = response.content.decode()

    assert len(plan["cities"]) == 11
    assert len(rows_of(plan)) == 121
    assert plan["total"]["provincial"] == PROVINCE_PROVINCIAL
    assert plan["total"]["central"] == 2 and plan["has_central"]  # 山西省国家税务局
    assert plan["total"]["targets"] == Village.objects.targets().count()
    assert plan["total"]["backfill"] == sum(row["backfill"] for row in rows_of(plan).values())
    assert "全省合计" in html
    assert html.count("<td>小计</td>") == 11
    assert "其中：<br>中央在晋" in html


def test_the_poverty_office_sees_the_whole_province_with_every_level_of_quota(client, poverty_office_user, demo_categories, campaign):
    add_quota(KELAN, DispatchingUnit.Level.CITY, 2, campaign)
    response = page(client, poverty_office_user)
    plan = response.context["plan"]
    assert len(rows_of(plan)) == 121
    assert plan["total"]["provincial"] == PROVINCE_PROVINCIAL
    assert plan["total"]["city"] == 2
    assert response.context["total_label"] == "全省合计"


def test_a_township_is_told_that_the_county_keeps_the_plan(client, lanyi_user, demo_categories):
    response = page(client, lanyi_user)
    html = response.content.decode()
    assert "由县委组织部掌握" in html
    assert 'data-testid="coverage-plan"' not in html
    assert response.context["plan"]["cities"] == []


@pytest.mark.parametrize("fixture", ["unit_user", "secretary_user"])
def test_units_and_secretaries_get_403(client, request, fixture, demo_categories):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("coverage:plan"))
    assert response.status_code == 403
    assert "无权查看" in response.content.decode()


@pytest.mark.django_db
def test_the_plan_needs_a_login(client):
    response = client.get(reverse("coverage:plan"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# The campaign choice -------------------------------------------------------------------------


def test_the_current_campaign_is_the_default_and_another_can_be_chosen(client, kelan_user, demo_categories, campaign):
    other = Campaign.objects.create(name="2017年轮换", year=2017, notice_number="晋组通字〔2017〕1号", ledger_deadline="2017-07-15")

    response = page(client, kelan_user)
    assert response.context["campaign"] == campaign
    assert f'<option value="{other.pk}">2017年轮换</option>' in response.content.decode()

    response = page(client, kelan_user, campaign=other.pk)
    assert response.context["campaign"] == other
    assert response.context["plan"]["total"]["provincial"] == 0


@pytest.mark.parametrize("value", ["999999", "abc"])
def test_an_unknown_campaign_answers_404(client, kelan_user, reference_data, value):
    client.force_login(kelan_user)
    assert client.get(reverse("coverage:plan"), {"campaign": value}).status_code == 404


# Queries -------------------------------------------------------------------------------------


def test_the_plan_takes_three_queries_whatever_the_scope(province_user, kelan_user, demo_categories, campaign):
    for user in (province_user, kelan_user):
        user.region  # the user's own row, loaded with the session in a request  # noqa: B018
        with CaptureQueriesContext(connection) as queries:
            coverage_plan(user=user, campaign=campaign)
        assert len(queries) == 3, [q["sql"] for q in queries]


def test_the_page_counts_in_as_many_queries_for_the_province_as_for_a_county(
    client, province_user, kelan_user, demo_categories, django_assert_max_num_queries
):
    counted = []
    for user in (province_user, kelan_user):
        client.force_login(user)
        client.get(reverse("coverage:plan"))  # warm up: content types, permissions
        # The header's region chain (山西省忻州市岢岚县) costs a county two queries more than the
        # province; the plan itself costs the same everywhere.
        with django_assert_max_num_queries(14), CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("coverage:plan")).status_code == 200
        counted.append([q["sql"] for q in queries if "villages_village" in q["sql"] or "dispatch_quotaallocation" in q["sql"]])
    assert len(counted[0]) == len(counted[1]) == 2
