"""One province per deployment, the nation's regions allowed beside it (#15 point 4): the
province is a setting, loaders and imports find it by its code, the province's pages show
Shanxi only, and region selects offer the user's scope only, the next level on demand."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from core.filters import PAGE_SIZE
from core.scope import Scope, deployment_province_prefix
from dispatch.models import DispatchingUnit, QuotaAllocation, Role
from dispatch.reference import load_campaign_2015
from secretaries.models import Posting
from tests.dispatch.test_quota_import import errors_of, fixture_rows, preview, printed_layout
from tests.factories import UserFactory, secretary_in_office
from villages.demo import mark_demo_categories
from villages.models import Region, Village, deployment_province
from villages.services import regions_load, villages_load

HEBEI = "13"


def hebei_region(code, name, level, parent_code):
    return dict(
        code=code,
        name=name,
        level=level,
        parent_code=parent_code,
        is_national_key_county=False,
        is_contiguous_poor_area_county=False,
        is_provincial_poor_county=False,
        former_names="",
    )


@pytest.fixture
def second_province(reference_data):
    """河北省 beside Shanxi, with a county named like one of 附表2's (神池县) and 3 villages."""
    regions_load(
        rows=[
            hebei_region("130000", "河北省", "province", None),
            hebei_region("130100", "石家庄市", "city", "130000"),
            hebei_region("130102", "神池县", "county", "130100"),
            hebei_region("130102001", "城关镇", "township", "130102"),
        ]
    )
    villages_load(rows=[{"code": f"130102001{200 + i:03d}", "name": f"河北{i}村", "township_code": "130102001"} for i in range(3)])
    assert Region.objects.filter(level="province").count() == 2


def listed(client, **params):
    return client.get(reverse("villages:list"), params)


def offered(response, name: str) -> list[str]:
    return [value for value, _ in response.context["form"].fields[name].choices if value]


# --- the setting -----------------------------------------------------------------------------
def test_the_deployment_s_province_is_shanxi_by_default(reference_data):
    assert deployment_province_prefix() == "14"
    assert deployment_province().name == "山西省"


def test_the_province_is_a_setting_and_everything_means_that_province(second_province, province_user):
    with override_settings(PROVINCE_CODE="130000"):
        assert deployment_province().name == "河北省"
        assert set(Village.objects.visible_to(province_user).values_list("code", flat=True)) == {
            "130102001200",
            "130102001201",
            "130102001202",
        }
    assert not Village.objects.visible_to(province_user).filter(code__startswith=HEBEI).exists()


# --- a second province loaded beside Shanxi ------------------------------------------------------
def test_the_reference_data_loads_again_beside_another_province(second_province):
    call_command("load_reference_data", "--no-villages", stdout=open("/dev/null", "w"))
    load_campaign_2015()
    # 附表2's 神池 is Shanxi's 神池县, not 河北's namesake; its units are Shanxi's.
    assert not DispatchingUnit.objects.filter(region__code__startswith=HEBEI).exists()
    assert not QuotaAllocation.objects.filter(county__code__startswith=HEBEI).exists()


def test_the_annex2_import_finds_shanxi_s_counties_and_province(second_province, province_user):
    batch = preview(province_user, printed_layout(fixture_rows()))
    assert errors_of(batch) == []
    assert batch.total_rows == 39


def test_the_province_s_pages_show_shanxi_only(client, second_province, province_user):
    mark_demo_categories()
    client.force_login(province_user)
    response = listed(client)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == Village.objects.filter(code__startswith="14").count()
    assert offered(response, "city") == list(Region.objects.filter(level="city", code__startswith="14").values_list("code", flat=True))
    for name in ("villages:summary", "coverage:plan", "annexes:index", "dashboard:index", "units:list"):
        html = client.get(reverse(name)).content.decode()
        assert "石家庄" not in html and "河北" not in html, name
    assert client.get(reverse("villages:list"), {"city": "130100"}).context["page"].paginator.count == 0


# --- region selects: the scope only, the next level on demand ------------------------------------
def test_a_province_is_offered_its_cities_and_the_counties_of_the_chosen_city(client, province_user):
    client.force_login(province_user)
    response = listed(client)
    assert len(offered(response, "city")) == 11
    assert offered(response, "county") == offered(response, "township") == []
    html = response.content.decode()
    assert 'data-region-child="county"' in html and "js/region-select.js" in html

    response = listed(client, city="140900")
    counties = offered(response, "county")
    assert counties == list(Region.objects.filter(level="county", parent__code="140900").values_list("code", flat=True))
    assert offered(response, "township") == []

    response = listed(client, city="140900", county="140929")
    assert offered(response, "township") == list(Region.objects.filter(parent__code="140929").values_list("code", flat=True))


def test_a_county_chosen_by_a_link_is_offered_among_its_city_s_counties(client, province_user):
    client.force_login(province_user)
    response = listed(client, county="140929")
    assert response.context["page"].paginator.count == Village.objects.filter(code__startswith="140929").count()
    assert "140928" in offered(response, "county") and "141102" not in offered(response, "county")


def test_the_page_renders_dozens_of_options_not_the_province_s_townships(client, province_user):
    client.force_login(province_user)
    html = listed(client).content.decode()
    assert html.count("<option") < 60


def test_a_county_is_offered_its_own_townships(client, kelan_user):
    client.force_login(kelan_user)
    response = listed(client)
    assert offered(response, "township") == list(Region.objects.filter(parent__code="140929").values_list("code", flat=True))


def test_the_units_page_offers_the_chosen_city_s_counties(client, province_user):
    client.force_login(province_user)
    response = client.get(reverse("units:list"))
    assert len(offered(response, "city")) == 11 and offered(response, "county") == []
    response = client.get(reverse("units:list"), {"city": "141100"})
    assert set(offered(response, "county")) == set(Region.objects.filter(parent__code="141100").values_list("code", flat=True))


# --- the on-demand endpoint -------------------------------------------------------------------
def regions_json(client, **params):
    return client.get(reverse("villages:regions"), params)


def test_the_endpoint_answers_the_children_of_a_region_in_scope(client, xinzhou_user, second_province):
    client.force_login(xinzhou_user)
    response = regions_json(client, parent="140900")
    assert response.status_code == 200
    assert response.json()["regions"][0] == {"code": "140902", "name": "忻府区"}
    assert {r["code"] for r in response.json()["regions"]} == set(
        Region.objects.filter(parent__code="140900").values_list("code", flat=True)
    )
    assert [r["code"] for r in regions_json(client).json()["regions"]] == ["140900"]
    townships = regions_json(client, parent="140929").json()["regions"]
    assert {"code": "140929100", "name": "岚漪镇"} in townships


@pytest.mark.parametrize("parent", ["141100", "130100", "140000", "abc", "²", "1409", "9" * 25])
def test_the_endpoint_answers_404_outside_the_scope_or_for_no_code(client, xinzhou_user, second_province, parent):
    client.force_login(xinzhou_user)
    assert regions_json(client, parent=parent).status_code == 404


def test_the_endpoint_for_a_province_lists_shanxi_s_cities_only(client, province_user, second_province):
    client.force_login(province_user)
    codes = [r["code"] for r in regions_json(client).json()["regions"]]
    assert len(codes) == 11 and all(c.startswith("14") for c in codes)
    assert regions_json(client, parent="130100").status_code == 404


def test_the_endpoint_needs_a_login_and_a_get(client, kelan_user):
    # Every role holds VIEW_VILLAGES (dispatch.roles): the scope is what narrows the answer.
    response = regions_json(client, parent="140929")
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(kelan_user)
    assert client.post(reverse("villages:regions"), {"parent": "140929"}).status_code == 405


def test_a_provincial_unit_is_answered_the_cities_of_its_quotas_counties_only(client, unit_user, second_province):
    # A provincial unit sees the counties of its 附表2 quotas and postings (issue #14 point 8),
    # and so is offered their cities, not Shanxi's eleven.
    cities = set(QuotaAllocation.objects.filter(unit=unit_user.unit).values_list("county__parent__code", flat=True))
    client.force_login(unit_user)
    assert {r["code"] for r in regions_json(client).json()["regions"]} == cities != set()
    assert len(cities) < 11
    assert regions_json(client, parent="130100").status_code == 404


# --- a county's postings: a UNION of indexed id subqueries --------------------------------------
def test_a_county_s_postings_are_the_union_of_its_county_and_its_units(kelan_user, kelan_county_unit_user, lanyi_village, unit_user):
    secretary_in_office(unit_user=kelan_county_unit_user, county_user=kelan_user, village=lanyi_village, name="张建国")
    prefix = "140929"
    old = Q(county__code__startswith=prefix) | Q(unit__region__code__startswith=prefix) | Q(village__code__startswith=prefix)
    expected = set(Posting.objects.filter(old).values_list("pk", flat=True))
    visible = Posting.objects.visible_to(kelan_user)
    assert set(visible.values_list("pk", flat=True)) == expected and expected
    assert "UNION" in str(visible.query)
    assert "LEFT OUTER JOIN" not in str(visible.query)


# --- the last page of the village list ---------------------------------------------------------
def test_the_last_page_shows_the_last_villages_in_order(client, province_user):
    client.force_login(province_user)
    villages = Village.objects.filter(code__startswith="14").order_by("code")
    count = villages.count()
    last = -(-count // PAGE_SIZE)
    response = listed(client, page=str(last))
    shown = [v.code for v in response.context["page"].object_list]
    assert shown == list(villages.values_list("code", flat=True)[(last - 1) * PAGE_SIZE :])
    response = listed(client, page="2", o="-name")
    shown = [v.code for v in response.context["page"].object_list]
    assert shown == list(villages.order_by("-name", "code").values_list("code", flat=True)[PAGE_SIZE : 2 * PAGE_SIZE])


# --- query counts that do not grow with the data -------------------------------------------------
PAGES = [
    ("villages:list", {}),
    ("villages:list", {"coverage": "in_office"}),
    ("villages:summary", {}),
    ("villages:regions", {"parent": "140929"}),
    ("secretaries:list", {}),
    ("units:list", {}),
    ("coverage:plan", {}),
]


def queries_per_page(client, user) -> dict[str, int]:
    client.force_login(user)
    counts = {}
    for name, params in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name), params).status_code == 200
        counts[f"{name} {params}"] = len(queries)
    return counts


def test_query_counts_do_not_grow_with_the_data(client, kelan_user, province_user, kelan_county_unit_user, second_province):
    mark_demo_categories()
    targets = list(Village.objects.targets().filter(code__startswith="140929").order_by("code")[:6])
    secretary_in_office(unit_user=kelan_county_unit_user, county_user=kelan_user, village=targets[0], name="张一")
    small = {user.username: queries_per_page(client, user) for user in (kelan_user, province_user)}

    # More secretaries, units and villages, in the scope and beside it:
    for n, village in enumerate(targets[1:], start=2):
        secretary_in_office(unit_user=kelan_county_unit_user, county_user=kelan_user, village=village, name=f"张{n}")
    other = DispatchingUnit.objects.create(name="岢岚县农业局", level="county", kind="party_government", region=kelan_user.region)
    UserFactory(username="kelan_nyj", role=Role.UNIT, unit=other)
    villages_load(rows=[{"code": f"130102001{300 + i:03d}", "name": f"新{i}村", "township_code": "130102001"} for i in range(40)])
    larger = {user.username: queries_per_page(client, user) for user in (kelan_user, province_user)}

    assert larger == small


def test_scope_of_a_province_user_is_everything_of_shanxi(province_user):
    assert Scope.of(province_user).everything
