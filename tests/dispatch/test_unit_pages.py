"""The dispatching-unit pages (list, detail, export) and making a campaign current."""

import datetime

import pytest
from django.urls import reverse

from dispatch.models import Campaign, DispatchingUnit
from dispatch.services import campaign_set_current
from tests.factories import DispatchingUnitFactory
from tests.spreadsheets import read_xlsx


@pytest.fixture
def local_units(regions):
    """Units of 岢岚县, 五寨县, 忻州市 and 吕梁市 next to the 39 provincial units of 附表2."""
    return {
        "kelan": DispatchingUnitFactory(name="岢岚县农业委员会", level="county", region=regions["岢岚县"], is_agriculture_related=True),
        "wuzhai": DispatchingUnitFactory(name="五寨县农业委员会", level="county", region=regions["五寨县"]),
        "xinzhou": DispatchingUnitFactory(name="忻州市农业委员会", level="city", kind="institution", region=regions["忻州市"]),
        "lvliang": DispatchingUnitFactory(name="吕梁市农业委员会", level="city", region=regions["吕梁市"]),
    }


def names(response):
    return [u.name for u in response.context["page"].object_list]


def test_the_province_sees_every_unit(client, province_user, local_units):
    client.force_login(province_user)
    response = client.get(reverse("units:list"))
    assert response.context["page"].paginator.count == 39 + 4
    # Central units first, then provincial, city and county units: the notice's order.
    assert names(response)[0] == "山西省国家税务局"
    assert names(response)[-2:] == ["五寨县农业委员会", "岢岚县农业委员会"]


def test_a_county_sees_only_its_own_county_s_units(client, kelan_user, local_units):
    client.force_login(kelan_user)
    response = client.get(reverse("units:list"))
    assert names(response) == ["岢岚县农业委员会"]
    assert "county" not in response.context["form"].fields  # its own county offers no choice


def test_a_city_sees_its_own_and_its_counties_units(client, xinzhou_user, local_units):
    client.force_login(xinzhou_user)
    assert sorted(names(client.get(reverse("units:list")))) == ["五寨县农业委员会", "岢岚县农业委员会", "忻州市农业委员会"]


def test_a_unit_user_sees_its_own_unit(client, unit_user, local_units):
    client.force_login(unit_user)
    assert names(client.get(reverse("units:list"))) == ["山西省国土资源厅"]


def test_filters_search_and_sorting(client, province_user, local_units):
    client.force_login(province_user)
    url = reverse("units:list")
    assert names(client.get(url, {"level": "central"})) == ["山西省国家税务局"]
    assert len(names(client.get(url, {"kind": "university"}))) == 5
    assert sorted(names(client.get(url, {"agriculture": "true", "level": "province"}))) == [
        "山西省万家寨引黄工程管理局",
        "山西省农业厅",
        "山西省农机局",
        "山西省水利厅",
    ]
    assert sorted(names(client.get(url, {"city": "140900"}))) == ["五寨县农业委员会", "岢岚县农业委员会", "忻州市农业委员会"]
    assert names(client.get(url, {"county": "140929"})) == ["岢岚县农业委员会"]
    assert names(client.get(url, {"q": "农业"})) == [
        "山西省农业厅",
        "吕梁市农业委员会",
        "忻州市农业委员会",
        "五寨县农业委员会",
        "岢岚县农业委员会",
    ]
    by_name = names(client.get(url, {"q": "农业", "o": "-name"}))
    assert by_name == sorted(by_name, reverse=True)


def test_a_region_outside_the_scope_is_a_filter_error_not_a_leak(client, xinzhou_user, local_units):
    client.force_login(xinzhou_user)
    response = client.get(reverse("units:list"), {"county": "141102"})  # 吕梁市离石区
    assert response.context["error_lines"]
    assert response.context["page"].paginator.count == 0
    assert "吕梁市农业委员会" not in response.content.decode()


def test_roles_that_do_not_view_units_get_403(client, secretary_user):
    client.force_login(secretary_user)
    assert client.get(reverse("units:list")).status_code == 403


def test_detail_shows_the_current_campaign_s_quotas_and_the_unit_s_users(client, province_user, provincial_unit, unit_user):
    client.force_login(province_user)
    response = client.get(reverse("units:detail", args=[provincial_unit.pk]))
    page = response.content.decode()
    assert [(q.county.name, q.count) for q in response.context["quotas"]] == [("岢岚县", 5)]
    assert "2015年选派机关优秀干部到村任第一书记" in page
    assert "guotu" in page and "国土资源厅组织人事处" in page


def test_a_unit_out_of_scope_is_404(client, kelan_user, provincial_unit, local_units):
    client.force_login(kelan_user)
    assert client.get(reverse("units:detail", args=[provincial_unit.pk])).status_code == 404
    assert client.get(reverse("units:detail", args=[local_units["wuzhai"].pk])).status_code == 404
    assert client.get(reverse("units:detail", args=[local_units["kelan"].pk])).status_code == 200


def test_export_is_the_filtered_scoped_list(client, province_user, kelan_user, local_units):
    client.force_login(province_user)
    response = client.get(reverse("units:export"), {"city": "140900"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = read_xlsx(b"".join(response.streaming_content))
    assert rows[0] == ["单位名称", "单位层级", "单位性质", "所在区划", "涉农单位"]
    assert sorted(rows[1:]) == [
        ["五寨县农业委员会", "县", "党政机关", "忻州市五寨县", "否"],
        ["岢岚县农业委员会", "县", "党政机关", "忻州市岢岚县", "是"],
        ["忻州市农业委员会", "市", "事业单位", "忻州市", "否"],
    ]

    client.force_login(kelan_user)
    rows = read_xlsx(b"".join(client.get(reverse("units:export")).streaming_content))
    assert [r[0] for r in rows[1:]] == ["岢岚县农业委员会"]


def test_export_with_a_bad_filter_exports_nothing(client, xinzhou_user, local_units):
    client.force_login(xinzhou_user)
    response = client.get(reverse("units:export"), {"county": "141102"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("units:list"))


def test_export_escapes_formulas(client, province_user, regions):
    DispatchingUnitFactory(name="@SUM(A1)", region=regions["山西省"])
    client.force_login(province_user)
    rows = read_xlsx(b"".join(client.get(reverse("units:export"), {"q": "SUM"}).streaming_content))
    assert rows[1][0] == "'@SUM(A1)"


# --- campaigns ----------------------------------------------------------------------------


@pytest.fixture
def campaign_2017(reference_data):
    return Campaign.objects.create(
        name="2017年选派第一书记", year=2017, notice_number="晋组通字〔2017〕1号", ledger_deadline=datetime.date(2017, 7, 15)
    )


def test_campaign_set_current_moves_the_one_current_campaign(campaign_2017):
    old = Campaign.current()
    campaign_set_current(campaign=campaign_2017)
    assert Campaign.current() == campaign_2017
    assert list(Campaign.objects.filter(is_current=True)) == [campaign_2017]
    old.refresh_from_db()
    assert not old.is_current

    campaign_set_current(campaign=campaign_2017)  # again: nothing changes
    assert Campaign.objects.filter(is_current=True).count() == 1


def test_the_admin_action_sets_the_current_campaign(client, admin_user, campaign_2017):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:dispatch_campaign_changelist"), {"action": "make_current", "_selected_action": [campaign_2017.pk]}, follow=True
    )
    assert "已将“2017年选派第一书记”设为当前批次。" in response.content.decode()
    assert Campaign.current() == campaign_2017


def test_the_admin_action_refuses_two_campaigns(client, admin_user, campaign_2017):
    old = Campaign.current()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:dispatch_campaign_changelist"),
        {"action": "make_current", "_selected_action": [campaign_2017.pk, old.pk]},
        follow=True,
    )
    assert "请只选择一个批次设为当前批次。" in response.content.decode()
    assert Campaign.current() == old


def test_units_of_a_scope_follow_the_visible_to_rule(kelan_user, province_user, local_units):
    assert list(DispatchingUnit.objects.visible_to(kelan_user)) == [local_units["kelan"]]
    assert DispatchingUnit.objects.visible_to(province_user).count() == 43
