"""The 附表2 matrix page: counties × units in scope, totals, and the province's edits."""

import re

import pytest

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
