"""The 附表2 matrix page: counties × units in scope, totals, and the province's edits."""

import json
import re

import pytest
from django.conf import settings

from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation
from dispatch.quota_services import quota_set
from villages.models import Region

XINZHOU, LVLIANG, KELAN = "140900", "141100", "140929"


def region(code):
    return Region.objects.get(code=code)


def unit(name):
    return DispatchingUnit.objects.get(name=name)


def count(county_name, unit_name):
    quota = QuotaAllocation.objects.filter(campaign=Campaign.current(), county__name=county_name, unit__name=unit_name).first()
    return quota.count if quota else 0


def cell(county_name, unit_name):
    return f"{region_by_name(county_name).pk}-{unit(unit_name).pk}"


def region_by_name(name):
    return Region.objects.get(name=name, level=Region.Level.COUNTY)


def kelan_form(**changes):
    """The POST the page sends for 岢岚's four cells, with ``changes`` typed in by unit name."""
    data = {}
    for name, value in {"山西省国土资源厅": 5, "山西省煤炭地质局": 5, "山西省统计局": 6, "山西省住房和城乡建设厅": 8}.items():
        key = cell("岢岚县", name)
        data[f"o-{key}"] = str(value)
        data[f"c-{key}"] = str(changes.get(name, value))
    return data


def row_total(html, county):
    match = re.search(rf'data-county="{county}".*?data-testid="row-total">(\d+)<', html, re.S)
    return int(match.group(1))


def test_the_city_sees_its_counties_with_totals_and_not_another_city_s(client, xinzhou_user):
    client.force_login(xinzhou_user)
    html = client.get("/quotas/").content.decode()
    for county in ["神池县", "五寨县", "岢岚县", "河曲县", "保德县", "偏关县"]:
        assert f'data-county="{county}"' in html
    assert 'data-county="临县"' not in html and "山西省发展和改革委员会" not in html
    assert row_total(html, "岢岚县") == 24
    assert re.search(r'data-testid="grand-total">(\d+)<', html).group(1) == "76"  # 11 + 18 + 24 + 8 + 7 + 8
    # A city reads; it does not edit.
    assert 'name="c-' not in html


def test_a_chosen_city_lists_all_its_counties_with_column_totals(client, province_user):
    client.force_login(province_user)
    html = client.get(f"/quotas/?city={region(XINZHOU).code}").content.decode()
    assert 'data-county="忻府区"' in html and row_total(html, "忻府区") == 0
    assert 'data-county="兴县"' not in html
    totals = [int(t) for t in re.findall(r'data-testid="column-total">(\d+)<', html)]
    assert len(totals) == 19 and sum(totals) == 76


def test_the_city_is_chosen_by_its_division_code_as_on_the_village_and_unit_lists(client, province_user):
    client.force_login(province_user)
    xinzhou = region(XINZHOU)
    response = client.get("/quotas/", {"city": XINZHOU})
    assert response.status_code == 200 and response.context["city"] == xinzhou
    html = response.content.decode()
    # The picker, the export link and the add-a-unit form carry the code too.
    assert f'<option value="{XINZHOU}" selected>忻州市</option>' in html
    assert f"/quotas/export/?campaign={Campaign.current().pk}&amp;city={XINZHOU}" in html
    assert f'<input type="hidden" name="city" value="{XINZHOU}">' in html
    export = client.get("/quotas/export/", {"city": XINZHOU})
    assert "忻州市" in export["Content-Disposition"] or "%E5%BF%BB%E5%B7%9E%E5%B8%82" in export["Content-Disposition"]
    # A database id is no division code.
    assert client.get("/quotas/", {"city": str(xinzhou.pk)}).status_code == 404


def test_a_county_user_sees_only_its_county(client, kelan_user):
    client.force_login(kelan_user)
    html = client.get("/quotas/").content.decode()
    assert re.findall(r'data-county="([^"]+)"', html) == ["岢岚县"]
    assert row_total(html, "岢岚县") == 24


def test_a_city_out_of_scope_is_not_found(client, xinzhou_user):
    client.force_login(xinzhou_user)
    assert client.get(f"/quotas/?city={region(LVLIANG).code}").status_code == 404


def test_the_province_edits_cells_and_the_page_shows_the_new_totals(client, province_user):
    client.force_login(province_user)
    url = f"/quotas/?city={region(XINZHOU).code}"
    response = client.post(url, kelan_form(山西省统计局="7", 山西省煤炭地质局="0"))
    assert response.status_code == 302 and response["Location"] == url
    assert count("岢岚县", "山西省统计局") == 7
    assert not QuotaAllocation.objects.filter(county__name="岢岚县", unit__name="山西省煤炭地质局").exists()  # 0 deletes
    html = client.get(url).content.decode()
    assert "已保存 2 处修改。" in html
    assert row_total(html, "岢岚县") == 20


def test_a_new_cell_creates_a_quota(client, province_user):
    client.force_login(province_user)
    key = cell("岢岚县", "山西省农业厅")
    client.post("/quotas/", {f"o-{key}": "0", f"c-{key}": "3"})
    assert count("岢岚县", "山西省农业厅") == 3


@pytest.mark.parametrize("value", ["-1", "2.5", "三", "１"])
def test_a_bad_value_refuses_the_whole_save(client, province_user, value):
    client.force_login(province_user)
    response = client.post("/quotas/", kelan_form(山西省统计局="7", 山西省国土资源厅=value))
    assert response.status_code == 400
    assert f"岢岚县·山西省国土资源厅：“{value}”不是有效的人数，应填 0 或正整数。" in response.content.decode()
    assert (count("岢岚县", "山西省统计局"), count("岢岚县", "山西省国土资源厅")) == (6, 5)


def test_a_stale_form_is_refused_naming_the_cell(client, province_user):
    client.force_login(province_user)
    form = kelan_form(山西省统计局="7")
    QuotaAllocation.objects.filter(county__name="岢岚县", unit__name="山西省住房和城乡建设厅").update(count=9)
    form = {**form, f"c-{cell('岢岚县', '山西省住房和城乡建设厅')}": "10"}
    response = client.post("/quotas/", form)
    assert response.status_code == 409
    assert "岢岚县·山西省住房和城乡建设厅：页面打开后已被他人改为 9" in response.content.decode()
    assert (count("岢岚县", "山西省统计局"), count("岢岚县", "山西省住房和城乡建设厅")) == (6, 9)


def test_a_county_user_cannot_edit(client, kelan_user):
    client.force_login(kelan_user)
    response = client.post("/quotas/", kelan_form(山西省统计局="7"))
    assert response.status_code == 403
    assert count("岢岚县", "山西省统计局") == 6


def test_the_service_refuses_a_user_without_the_permission(kelan_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        quota_set(campaign=Campaign.current(), unit=unit("山西省统计局"), county=region(KELAN), count=1, by=kelan_user)


def test_the_export_is_the_scoped_annex2(client, xinzhou_user):
    import io

    import openpyxl

    client.force_login(xinzhou_user)
    response = client.get("/quotas/export/")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    counties = {row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if row[1] and row[1] != "合计"}
    assert counties == {"神池", "五寨", "岢岚", "河曲", "保德", "偏关"}
    assert sheet.cell(sheet.max_row, 4).value == 76


def test_the_admin_lists_quotas_in_scope(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/dispatch/quotaallocation/")
    assert response.status_code == 200
    assert "山西省统计局" in response.content.decode()


def test_an_earlier_campaign_stays_readable_but_not_editable(client, province_user):
    from dispatch.services import campaign_set_current

    old = Campaign.current()
    new = Campaign.objects.create(name="2017年选派第一书记", year=2017, notice_number="晋组通字〔2017〕1号", ledger_deadline="2017-07-15")
    campaign_set_current(campaign=new)
    client.force_login(province_user)

    current = client.get("/quotas/").content.decode()
    assert 'data-county="岢岚县"' not in current  # the new campaign has no quotas yet

    earlier = client.get(f"/quotas/?campaign={old.pk}&city={region(XINZHOU).code}").content.decode()
    assert row_total(earlier, "岢岚县") == 24
    assert 'name="c-' not in earlier  # read only
    response = client.post(f"/quotas/?campaign={old.pk}", kelan_form(山西省统计局=7))
    assert response.status_code == 403
    assert QuotaAllocation.objects.get(campaign=old, county__name="岢岚县", unit__name="山西省统计局").count == 6

    assert client.get("/quotas/?campaign=99999").status_code == 404


def test_a_role_without_the_quota_capability_is_refused_the_page_and_the_menu_drops_it(client, xinzhou_user, monkeypatch):
    from dispatch import roles
    from dispatch.models import Role

    client.force_login(xinzhou_user)
    assert '<a href="/quotas/">名额分配</a>' in client.get("/").content.decode()

    monkeypatch.setitem(roles.ROLE_CAPABILITIES, Role.CITY_ORG, roles.ROLE_CAPABILITIES[Role.CITY_ORG] - {roles.VIEW_QUOTAS})
    for url in ("/quotas/", "/quotas/export/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "您的角色无权查看名额分配。" in response.content.decode()
    assert 'href="/quotas/"' not in client.get("/").content.decode()


# --- The whole province's grid (issue #11, point 2) ---------------------------------------------


@pytest.fixture
def province_grid(regions):
    """附表2 as large as the demo's: besides the notice's rows, one generated provincial unit with
    a quota in each of the 58 poor counties, so that the province's default view (the counties
    that have quotas × the units that have quotas) has thousands of cells."""
    from dispatch.quota_services import QuotaCell, quotas_set
    from tests.factories import DispatchingUnitFactory

    counties = list(Region.objects.filter(level=Region.Level.COUNTY).poor_counties().order_by("code"))
    units = DispatchingUnitFactory.create_batch(len(counties))
    quotas_set(campaign=Campaign.current(), cells=[QuotaCell(u, c, 2) for u, c in zip(units, counties, strict=True)], by=None)
    return counties, units


def grid_cells(html):
    return re.findall(r'data-cell="(\d+)-(\d+)" data-original="(\d+)"', html)


def test_the_whole_province_grid_would_not_fit_in_one_post_so_its_inputs_carry_no_names(client, province_user, province_grid):
    client.force_login(province_user)
    html = client.get("/quotas/").content.decode()
    cells = grid_cells(html)
    assert len(cells) > 4000
    # The old form posted two fields a cell: Django refuses such a POST outright (400,
    # TooManyFieldsSent) before the view sees it, and every typed value was lost.
    old_form = {}
    for county, unit, original in cells:
        old_form[f"c-{county}-{unit}"] = old_form[f"o-{county}-{unit}"] = original
    assert len(old_form) > settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    response = client.post("/quotas/", old_form)
    assert response.status_code == 400
    # So the grid's inputs have no names (a browser without the script cannot send that form)…
    assert 'name="c-' not in html and 'name="o-' not in html
    # …while one city's grid does, for use without the script.
    assert 'name="c-' in client.get(f"/quotas/?city={XINZHOU}").content.decode()


def test_the_page_posts_only_the_changed_cells_as_one_json_field(client, province_user, province_grid):
    counties, units = province_grid
    client.force_login(province_user)
    far = (counties[-1], units[0])  # a cell far from 岢岚's, empty so far
    changes = [
        {"county": region(KELAN).pk, "unit": unit("山西省统计局").pk, "original": 6, "text": "9"},
        {"county": far[0].pk, "unit": far[1].pk, "original": 0, "text": "4"},
    ]
    response = client.post("/quotas/", {"changes": json.dumps(changes)})
    assert response.status_code == 302
    assert count("岢岚县", "山西省统计局") == 9
    assert QuotaAllocation.objects.get(campaign=Campaign.current(), county=far[0], unit=far[1]).count == 4
    assert "已保存 2 处修改。" in client.get("/quotas/").content.decode()


def test_a_refused_json_save_comes_back_with_the_typed_values_and_the_cell_named(client, province_user):
    client.force_login(province_user)
    kelan, tongji, guotu = region(KELAN), unit("山西省统计局"), unit("山西省国土资源厅")
    changes = [
        {"county": kelan.pk, "unit": tongji.pk, "original": 6, "text": "9"},
        {"county": kelan.pk, "unit": guotu.pk, "original": 5, "text": "五"},
    ]
    response = client.post(f"/quotas/?city={XINZHOU}", {"changes": json.dumps(changes)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "岢岚县·山西省国土资源厅：“五”不是有效的人数，应填 0 或正整数。" in html
    # Both typed values are back in their cells, over what the page had shown; the bad one is marked.
    assert re.search(rf'data-cell="{kelan.pk}-{tongji.pk}" data-original="6" name="c-{kelan.pk}-{tongji.pk}" value="9"', html)
    assert re.search(r'class="num has changed invalid" title="岢岚县·山西省国土资源厅[^"]*">\s*<input[^>]*value="五"', html)
    assert "已修改 2 处（尚未保存）" in html
    assert (count("岢岚县", "山西省统计局"), count("岢岚县", "山西省国土资源厅")) == (6, 5)


def test_a_stale_cell_shows_what_is_there_now_and_the_other_typed_values_stay(client, province_user):
    client.force_login(province_user)
    kelan, tongji, zhujian = region(KELAN), unit("山西省统计局"), unit("山西省住房和城乡建设厅")
    QuotaAllocation.objects.filter(county=kelan, unit=zhujian).update(count=9)  # a colleague's save
    changes = [
        {"county": kelan.pk, "unit": tongji.pk, "original": 6, "text": "7"},
        {"county": kelan.pk, "unit": zhujian.pk, "original": 8, "text": "10"},
    ]
    response = client.post("/quotas/", {"changes": json.dumps(changes)})
    assert response.status_code == 409
    html = response.content.decode()
    assert "岢岚县·山西省住房和城乡建设厅：页面打开后已被他人改为 9（您填写的“10”未保存）" in html
    assert re.search(rf'data-cell="{kelan.pk}-{zhujian.pk}" data-original="9"[^>]* value="9"', html)  # not overwritten
    assert re.search(rf'data-cell="{kelan.pk}-{tongji.pk}" data-original="6"[^>]* value="7"', html)  # kept, still to save
    assert (count("岢岚县", "山西省统计局"), count("岢岚县", "山西省住房和城乡建设厅")) == (6, 9)


@pytest.mark.parametrize(
    "payload",
    ["not json", '{"county": 1}', '[{"county": "x", "unit": 1, "original": 0, "text": "1"}]', '[{"county": 1, "unit": 1}]'],
)
def test_an_unreadable_changes_field_is_refused_with_a_message_and_changes_nothing(client, province_user, payload):
    client.force_login(province_user)
    response = client.post("/quotas/", {"changes": payload})
    assert response.status_code == 400
    assert "提交的修改无法读取" in response.content.decode()
    assert count("岢岚县", "山西省统计局") == 6


def test_a_json_cell_out_of_scope_or_unknown_is_not_found(client, province_user):
    client.force_login(province_user)
    changes = [{"county": region(KELAN).pk, "unit": 999999, "original": 0, "text": "1"}]
    assert client.post("/quotas/", {"changes": json.dumps(changes)}).status_code == 404


def test_the_province_view_groups_counties_by_city_with_subtotals(client, province_user):
    client.force_login(province_user)
    html = client.get("/quotas/").content.decode()
    cities = re.findall(r'data-city="([^"]+)"', html)
    assert {"忻州市", "吕梁市"} <= set(cities)
    xinzhou_total = re.search(r'data-city="忻州市".*?data-testid="city-total">(\d+)<', html, re.S).group(1)
    assert int(xinzhou_total) == 76
    # The city's row comes before its counties.
    assert html.index('data-city="忻州市"') < html.index('data-county="岢岚县"') < html.index('data-city="吕梁市"')
