"""The village registry pages: the list and its filters, the export, one village, the county
summary. Everything is scoped: 岢岚县's department sees 岢岚县's 104 villages and nothing else."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import ImportBatch
from dispatch import roles
from dispatch.models import Role
from villages.columns import VILLAGE_COLUMNS
from villages.demo import mark_demo_categories
from villages.models import POOR_COUNTY, Region, Village, VillageCategoryChange
from villages.selectors import county_category_summary
from villages.services import villages_set_categories

KELAN, WUZHAI, XINZHOU, LVLIANG = "140929", "140928", "1409", "1411"
KELAN_VILLAGES = 104
XIJIE = "140929100201"  # 西街村, 岚漪镇, 岢岚县


@pytest.fixture
def demo_categories(reference_data):
    mark_demo_categories()


def grant_export(user):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="villages", codename="export_village"))


def listed(client, **params):
    response = client.get(reverse("villages:list"), params)
    assert response.status_code == 200
    return response


def codes_on_page(response) -> list[str]:
    return [v.code for v in response.context["page"].object_list]


def total(response) -> int:
    return response.context["page"].paginator.count


def export(client, **params):
    response = client.get(reverse("villages:export"), params)
    assert response.status_code == 200, response.status_code
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    return response, rows[0], rows[1:]


# The list ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_needs_a_login(client):
    response = client.get(reverse("villages:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_county_department_sees_its_own_104_villages_only(client, kelan_user):
    client.force_login(kelan_user)
    response = listed(client)

    assert total(response) == KELAN_VILLAGES == Village.objects.filter(code__startswith=KELAN).count()
    assert all(code.startswith(KELAN) for code in codes_on_page(response))
    html = response.content.decode()
    assert "共 <strong>104</strong> 个村" in html
    # A county department has no city or county to choose, only its townships.
    assert 'name="city"' not in html and 'name="county"' not in html
    assert '<option value="140929100">岚漪镇</option>' in html


def test_a_township_sees_its_own_villages_and_no_region_selects(client, lanyi_user):
    client.force_login(lanyi_user)
    response = listed(client, county=WUZHAI)  # a filter the township does not have is ignored

    assert total(response) == Village.objects.filter(code__startswith="140929100").count() > 0
    assert all(code.startswith("140929100") for code in codes_on_page(response))
    assert not {"city", "county", "township"} & set(response.context["form"].fields)


def test_a_city_department_chooses_among_its_own_counties_only(client, xinzhou_user):
    client.force_login(xinzhou_user)
    response = listed(client)

    offered = [r.code for r in response.context["form"].fields["county"].queryset]
    assert sorted(offered) == sorted(Region.objects.filter(level="county", code__startswith=XINZHOU).values_list("code", flat=True))
    assert total(response) == Village.objects.filter(code__startswith=XINZHOU).count()


def test_a_region_outside_the_scope_is_an_invalid_choice_that_shows_nothing(client, xinzhou_user):
    client.force_login(xinzhou_user)
    response = listed(client, county="141102")  # 吕梁市离石区

    assert total(response) == 0
    html = response.content.decode()
    assert "筛选条件有误" in html
    assert "县（市、区）：选择一个有效的选项" in html
    assert "离石区" not in html


def test_choosing_a_city_narrows_the_counties_and_the_list(client, province_user):
    client.force_login(province_user)
    response = listed(client, city="140900")

    assert total(response) == Village.objects.filter(code__startswith=XINZHOU).count()
    assert {r.parent.code for r in response.context["form"].fields["county"].queryset} == {"140900"}
    # 岢岚县 lies in 忻州市, 离石区 does not: asking for both is an error.
    assert total(listed(client, city="140900", county=KELAN)) == KELAN_VILLAGES
    assert total(listed(client, city="140900", county="141102")) == 0


def test_townships_are_offered_once_a_county_is_chosen(client, xinzhou_user):
    client.force_login(xinzhou_user)
    html = listed(client).content.decode()
    # The city's townships load on demand (static/js/region-select.js), not with every page.
    assert 'value="140929100"' not in html and 'value="140928100"' not in html
    # A township chosen by a link is accepted and offered among its county's townships.
    response = listed(client, township="140928100")
    assert total(response) == Village.objects.filter(township__code="140928100").count() > 0
    assert '<option value="140928100" selected>砚城镇</option>' in response.content.decode()

    html = listed(client, county=KELAN).content.decode()
    assert '<option value="140929100">岚漪镇</option>' in html
    assert 'value="140928100"' not in html
    assert total(listed(client, county=KELAN, township="140928100")) == 0  # a 五寨县 township


def test_filter_by_township(client, kelan_user):
    client.force_login(kelan_user)
    response = listed(client, township="140929100")

    assert total(response) == Village.objects.filter(township__code="140929100").count() > 0
    assert all(code.startswith("140929100") for code in codes_on_page(response))


CATEGORIES = {
    "target": Q(is_weak_organization=True) | Q(is_registered_poor=True),
    "weak": Q(is_weak_organization=True),
    "poor": Q(is_registered_poor=True),
    "both": Q(is_weak_organization=True, is_registered_poor=True),
    "none": Q(is_weak_organization=False, is_registered_poor=False),
}


def test_filter_by_category(client, kelan_user, demo_categories):
    client.force_login(kelan_user)
    for category, condition in CATEGORIES.items():
        response = listed(client, category=category)

        expected = Village.objects.filter(condition, code__startswith=KELAN)
        assert 0 < total(response) < KELAN_VILLAGES, category
        assert total(response) == expected.count(), category
        assert set(codes_on_page(response)) <= set(expected.values_list("code", flat=True)), category
    rows = listed(client, category="poor").content.decode().split("<tbody>")[1]
    assert 'class="tag tag-poor"' in rows and "非两类村" not in rows


def test_filter_by_key_difficult(client, kelan_user):
    Village.objects.filter(code__in=[XIJIE, "140929100202"]).update(is_registered_poor=True, is_key_difficult=True)
    client.force_login(kelan_user)
    assert codes_on_page(listed(client, key_difficult="true")) == ["140929100201", "140929100202"]
    assert total(listed(client, key_difficult="false")) == KELAN_VILLAGES - 2


def test_filter_by_poor_county(client, province_user):
    client.force_login(province_user)
    in_poor = Village.objects.filter(county__in=Region.objects.filter(POOR_COUNTY)).count()

    assert 0 < total(listed(client, poor_county="true")) == in_poor
    assert total(listed(client, poor_county="false")) == 21895 - in_poor


def test_search_by_name(client, kelan_user):
    client.force_login(kelan_user)
    response = listed(client, q="西街")

    assert XIJIE in codes_on_page(response)
    assert all("西街" in v.name for v in response.context["page"].object_list)


def test_search_by_code_prefix(client, kelan_user):
    client.force_login(kelan_user)
    response = listed(client, q="140929101")

    assert total(response) == Village.objects.filter(code__startswith="140929101").count() > 0
    assert all(code.startswith("140929101") for code in codes_on_page(response))


def test_search_never_reaches_outside_the_scope(client, kelan_user):
    client.force_login(kelan_user)
    assert total(listed(client, q=WUZHAI)) == 0


def test_sort_by_code_descending(client, kelan_user):
    client.force_login(kelan_user)
    codes = codes_on_page(listed(client, o="-code"))
    assert codes == sorted(codes, reverse=True)
    assert codes[0] == Village.objects.filter(code__startswith=KELAN).order_by("-code").first().code


def test_sort_by_name(client, kelan_user):
    client.force_login(kelan_user)
    codes = codes_on_page(listed(client, o="name"))
    expected = list(Village.objects.filter(code__startswith=KELAN).order_by("name", "code").values_list("code", flat=True)[:50])
    assert codes == expected != sorted(codes)


def test_sort_by_county_in_official_order_then_by_name(client, xinzhou_user):
    client.force_login(xinzhou_user)
    villages = listed(client, o="-county").context["page"].object_list
    last_county = Region.objects.filter(level="county", code__startswith=XINZHOU).order_by("-code").first()
    assert {v.county.code for v in villages} == {last_county.code}
    expected = Village.objects.filter(county=last_county).order_by("name", "code").values_list("code", flat=True)[:50]
    assert [v.code for v in villages] == list(expected)


def test_pages_of_fifty_with_a_chinese_pager(client, kelan_user):
    client.force_login(kelan_user)
    first, third = listed(client), listed(client, page=3)

    assert len(codes_on_page(first)) == 50
    assert len(codes_on_page(third)) == KELAN_VILLAGES - 100
    assert "第 3 / 3 页" in third.content.decode()
    assert "上一页" in third.content.decode() and 'rel="next"' not in third.content.decode()
    assert 'href="?page=2" rel="next"' in first.content.decode()
    assert set(codes_on_page(first)).isdisjoint(codes_on_page(third))


def test_a_page_number_out_of_range_or_not_a_number_does_not_fail(client, kelan_user):
    client.force_login(kelan_user)
    assert listed(client, page=99).context["page"].number == 3
    assert listed(client, page="abc").context["page"].number == 1


def test_the_pager_keeps_the_filters(client, province_user):
    client.force_login(province_user)
    html = listed(client, county=KELAN, o="name").content.decode()
    assert 'href="?county=140929&amp;o=name&amp;page=2" rel="next"' in html


def test_invalid_filter_values_show_chinese_errors_not_a_crash(client, kelan_user):
    client.force_login(kelan_user)
    response = listed(client, category="bogus", o="zzz", township="999999999", key_difficult="maybe", page="x")

    html = response.content.decode()
    assert "类别：选择一个有效的选项。 bogus 不在可用的选项中。" in html
    assert "排序：选择一个有效的选项" in html
    assert "乡（镇）：选择一个有效的选项" in html
    assert total(response) == 0


def test_the_list_costs_the_same_few_queries_for_one_row_or_fifty(client, province_user):
    client.force_login(province_user)
    with CaptureQueriesContext(connection) as one:
        assert len(codes_on_page(listed(client, q=XIJIE))) == 1
    with CaptureQueriesContext(connection) as fifty:
        assert len(codes_on_page(listed(client, q=KELAN))) == 50
    assert len(one) == len(fifty) <= 15


def test_the_navigation_offers_the_village_list(client, kelan_user):
    client.force_login(kelan_user)
    html = client.get(reverse("home")).content.decode()
    assert '<a href="/villages/">村庄</a>' in html


# The export ----------------------------------------------------------------------------------


def test_the_export_is_a_real_xlsx_of_the_filtered_list(client, kelan_user):
    Village.objects.filter(code__startswith="140929100").update(is_registered_poor=True)
    grant_export(kelan_user)
    client.force_login(kelan_user)
    response, header, rows = export(client, category="poor")

    assert list(header) == [c.header for c in VILLAGE_COLUMNS]
    expected = Village.objects.filter(code__startswith=KELAN, is_registered_poor=True)
    assert 0 < len(rows) == expected.count() < KELAN_VILLAGES
    assert [r[0] for r in rows] == list(expected.order_by("code").values_list("code", flat=True))
    assert {r[7] for r in rows} == {"是"}  # 建档立卡贫困村
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    today = timezone.localdate().strftime("%Y%m%d")
    # 村名单-YYYYMMDD.xlsx, RFC 5987-encoded for the Chinese name.
    assert f"filename*=utf-8''%E6%9D%91%E5%90%8D%E5%8D%95-{today}.xlsx" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")


def test_the_export_header_is_bold_and_frozen_and_codes_stay_text(client, kelan_user):
    grant_export(kelan_user)
    client.force_login(kelan_user)
    response = client.get(reverse("villages:export"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active

    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert sheet["A2"].data_type == "s" and len(sheet["A2"].value) == 12
    assert sheet.column_dimensions["A"].width == pytest.approx(VILLAGE_COLUMNS[0].width, abs=1)


def test_the_export_escapes_text_that_a_spreadsheet_would_run_as_a_formula(client, kelan_user):
    Village.objects.filter(code=XIJIE).update(notes='=HYPERLINK("http://example.com","点我")')
    grant_export(kelan_user)
    client.force_login(kelan_user)
    _, _, rows = export(client, q="西街村")

    row = next(r for r in rows if r[0] == XIJIE)
    assert row[-1] == '\'=HYPERLINK("http://example.com","点我")'


def test_the_export_is_scoped_like_the_list(client, kelan_user):
    grant_export(kelan_user)
    client.force_login(kelan_user)
    _, _, rows = export(client)

    assert len(rows) == KELAN_VILLAGES
    assert {r[2] for r in rows} == {"岢岚县"}
    assert all(r[0].startswith(KELAN) for r in rows)


def test_the_export_of_invalid_filters_sends_back_to_the_list(client, kelan_user):
    grant_export(kelan_user)
    client.force_login(kelan_user)
    response = client.get(reverse("villages:export"), {"township": "140928100"})  # a 五寨县 township
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('villages:list')}?township=140928100"


def test_the_export_needs_the_permission(client, kelan_user, monkeypatch):
    # The county department's role without the export capability (dispatch.roles).
    held = roles.ROLE_CAPABILITIES[Role.COUNTY_ORG] - {roles.EXPORT_VILLAGES}
    monkeypatch.setitem(roles.ROLE_CAPABILITIES, Role.COUNTY_ORG, held)
    client.force_login(kelan_user)
    response = client.get(reverse("villages:export"))
    assert response.status_code == 403
    assert "无权导出村名单" in response.content.decode()
    assert "导出 Excel" not in listed(client).content.decode()


def test_the_export_link_carries_the_filters_but_not_the_page(client, kelan_user):
    grant_export(kelan_user)
    client.force_login(kelan_user)
    html = listed(client, category="poor", page=2).content.decode()
    assert 'href="/villages/export/?category=poor"' in html


# One village ---------------------------------------------------------------------------------


def test_a_village_page_shows_its_place_and_categories(client, kelan_user):
    Village.objects.filter(code=XIJIE).update(is_registered_poor=True, is_key_difficult=True, notes="2015年省定贫困村")
    client.force_login(kelan_user)
    response = client.get(reverse("villages:detail", args=[XIJIE]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "山西省忻州市岢岚县岚漪镇" in html
    assert '<span class="tag tag-poor">建档立卡贫困村</span>' in html
    assert '<span class="tag tag-key">重点难点村</span>' in html
    assert "党组织软弱涣散村</span>" not in html
    assert "国家扶贫开发工作重点县" in html
    assert "2015年省定贫困村" in html


def test_a_village_outside_the_scope_answers_404(client, wuzhai_user, lvliang_user, xinzhou_user):
    url = reverse("villages:detail", args=[XIJIE])
    for user in (wuzhai_user, lvliang_user):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(xinzhou_user)
    assert client.get(url).status_code == 200


def test_an_unknown_village_code_answers_404(client, province_user):
    client.force_login(province_user)
    assert client.get(reverse("villages:detail", args=["140929100999"])).status_code == 404
    assert client.get("/villages/14092910020/").status_code == 404  # not 12 digits


def test_a_village_page_lists_its_category_history(client, kelan_user, province_user):
    village = Village.objects.get(code=XIJIE)
    villages_set_categories(changes={village.id: {"is_registered_poor": True}}, by=kelan_user, note="县委常委会研究确定")
    batch = ImportBatch.objects.create(
        kind="villages", status=ImportBatch.Status.CONFIRMED, created_by=province_user, file_name="忻州市两类村名单.xlsx"
    )
    VillageCategoryChange.objects.create(
        village=village,
        field="is_key_difficult",
        old_value=None,
        new_value=True,
        import_batch=batch,
        changed_by=province_user,
        changed_at=timezone.now() + timedelta(minutes=1),
    )
    client.force_login(kelan_user)
    html = client.get(reverse("villages:detail", args=[XIJIE])).content.decode()
    history = html.split('data-testid="category-history"')[1]
    rows = history.split("<tr>")[2:]

    assert len(rows) == 2
    newest, oldest = rows
    assert "重点难点村" in newest and "<td>—</td>\n        <td>是</td>" in newest
    assert "省委组织部" in newest and "忻州市两类村名单.xlsx" in newest
    assert "建档立卡贫困村" in oldest and "<td>否</td>\n        <td>是</td>" in oldest
    assert "岢岚县委组织部" in oldest and "县委常委会研究确定" in oldest
    local = timezone.localtime(VillageCategoryChange.objects.filter(field="is_registered_poor").get().changed_at)
    assert f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}" in oldest


# The county summary --------------------------------------------------------------------------


def test_the_province_summary_adds_up_to_the_notice_s_figures(client, province_user, demo_categories):
    client.force_login(province_user)
    response = client.get(reverse("villages:summary"))

    t = response.context["summary"]["total"]
    assert (t["total"], t["weak"], t["poor"], t["both"], t["targets"]) == (21895, 2697, 7993, 794, 9896)
    assert t["check_ok"]
    html = response.content.decode()
    assert "全省合计" in html
    assert "两类村合计 9,896 = 党组织软弱涣散村 2,697 + 建档立卡贫困村 7,993 − 两类兼有 794" in html
    assert "✓ 相符" in html
    assert len(response.context["summary"]["cities"]) == 11
    assert html.count('class="subtotal"') == 11
    # A city's subtotal is the city's own count.
    xinzhou = next(c for c in response.context["summary"]["cities"] if c["code"] == "140900")
    villages = Village.objects.filter(code__startswith=XINZHOU)
    assert xinzhou["name"] == "忻州市"
    assert xinzhou["subtotal"]["total"] == villages.count()
    assert xinzhou["subtotal"]["weak"] == villages.filter(is_weak_organization=True).count()
    assert xinzhou["subtotal"]["targets"] == villages.targets().count()


def mark_some(prefix: str) -> None:
    """A few villages in each category, without the demo's cost."""
    codes = list(Village.objects.filter(code__startswith=prefix).order_by("code").values_list("code", flat=True))
    Village.objects.filter(code__in=codes[0:10]).update(is_weak_organization=True)
    Village.objects.filter(code__in=codes[5:25]).update(is_registered_poor=True)


def test_a_county_s_row_equals_a_direct_count(client, kelan_user):
    mark_some(KELAN)
    mark_some(WUZHAI)
    client.force_login(kelan_user)
    response = client.get(reverse("villages:summary"))

    cities = response.context["summary"]["cities"]
    assert [c["name"] for c in cities] == ["忻州市"]
    [row] = cities[0]["counties"]
    villages = Village.objects.filter(county__code=KELAN)
    assert row["name"] == "岢岚县"
    assert row["total"] == KELAN_VILLAGES
    assert row["weak"] == villages.filter(is_weak_organization=True).count()
    assert row["poor"] == villages.filter(is_registered_poor=True).count()
    assert row["both"] == villages.filter(is_weak_organization=True, is_registered_poor=True).count()
    assert row["targets"] == villages.targets().count() > 0
    html = response.content.decode()
    assert "全省合计" not in html and ">合计</th>" in html


def test_a_city_summary_has_only_its_counties(client, xinzhou_user):
    mark_some(KELAN)
    mark_some("1411")  # 吕梁市
    client.force_login(xinzhou_user)
    response = client.get(reverse("villages:summary"))

    [city] = response.context["summary"]["cities"]
    counties = {row["code"] for row in city["counties"]}
    assert counties == set(Region.objects.filter(level="county", code__startswith=XINZHOU).values_list("code", flat=True))
    assert response.context["summary"]["total"]["targets"] == Village.objects.filter(code__startswith=XINZHOU).targets().count() == 25
    assert "离石区" not in response.content.decode()


def test_the_summary_is_one_aggregate_query(province_user, django_assert_num_queries):
    with django_assert_num_queries(1):
        summary = county_category_summary(user=province_user)
    assert sum(len(c["counties"]) for c in summary["cities"]) == Region.objects.filter(level="county").count()


# Who may: the capability table -------------------------------------------------------------


def test_a_role_without_the_village_capability_is_refused_the_pages_and_the_menu_drops_them(client, kelan_user, monkeypatch):
    client.force_login(kelan_user)
    menu = client.get(reverse("home")).content.decode()
    assert '<a href="/villages/">村庄</a>' in menu and '<a href="/villages/summary/">两类村汇总</a>' in menu

    monkeypatch.setitem(roles.ROLE_CAPABILITIES, Role.COUNTY_ORG, roles.ROLE_CAPABILITIES[Role.COUNTY_ORG] - {roles.VIEW_VILLAGES})
    for url in (reverse("villages:list"), reverse("villages:summary"), reverse("villages:detail", args=[XIJIE])):
        response = client.get(url)
        assert response.status_code == 403
        assert "您的角色无权查看村庄。" in response.content.decode()
    menu = client.get(reverse("home")).content.decode()
    assert 'href="/villages/"' not in menu and 'href="/villages/summary/"' not in menu
