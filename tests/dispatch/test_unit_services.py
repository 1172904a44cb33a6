"""Every writer of dispatching units and quotas goes through their services: the unit import,
the 附表2 import, the reference loader, the demo and the admin. A rule of the services is
refused the same way whichever door a write comes in by."""

import pytest
from django.core.exceptions import ValidationError

from core.importing import ImportConflict
from dispatch import reference
from dispatch.demo import load_demo
from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation
from dispatch.quota_resources import QuotaResource
from dispatch.quota_services import QuotaCell, QuotaRefused, quota_set, quotas_set
from dispatch.services import UnitsRefused, units_create, units_update
from dispatch.unit_resources import DispatchingUnitResource
from tests.spreadsheets import xlsx_bytes

WRONG_REGION = "县级单位的所在区划应为县（市、区），而“忻州市”是市。"


def unit_preview(user, rows):
    header = ["派出单位", "单位层级", "单位性质", "所在区划", "涉农单位"]
    return DispatchingUnitResource().preview(data=xlsx_bytes([header, *rows]), file_name="派出单位.xlsx", user=user)


def quota_preview(user, rows):
    return QuotaResource().preview(data=xlsx_bytes([["序号", "县名", "省直单位", "选派人数"], *rows]), file_name="附表2.xlsx", user=user)


@pytest.fixture
def refuse_banned_names(monkeypatch):
    """A rule of the model's own (DispatchingUnit.clean): no unit may be called 禁用…"""
    clean = DispatchingUnit.clean

    def banned(self):
        if self.name.startswith("禁用"):
            raise ValidationError({"name": "测试规则：不能以“禁用”开头。"})
        clean(self)

    monkeypatch.setattr(DispatchingUnit, "clean", banned)


# --- one rule, every entry point -------------------------------------------------------------
def test_the_service_refuses_a_county_unit_outside_a_county(regions):
    with pytest.raises(UnitsRefused) as refused:
        units_create(rows=[{"name": "某局", "level": "county", "kind": "party_government", "region": regions["忻州市"]}], by=None)
    assert refused.value.errors == {0: {"region": [WRONG_REGION]}}
    assert not DispatchingUnit.objects.filter(name="某局").exists()


def test_the_admin_refuses_a_county_unit_outside_a_county(client, admin_user, regions):
    client.force_login(admin_user)
    form = {"name": "某局", "level": "county", "kind": "party_government", "region": regions["忻州市"].pk}
    response = client.post("/admin/dispatch/dispatchingunit/add/", form)
    assert response.status_code == 200 and WRONG_REGION in response.content.decode()
    assert not DispatchingUnit.objects.filter(name="某局").exists()

    form["region"] = regions["岢岚县"].pk
    assert client.post("/admin/dispatch/dispatchingunit/add/", form).status_code == 302
    unit = DispatchingUnit.objects.get(name="某局")
    response = client.post(f"/admin/dispatch/dispatchingunit/{unit.pk}/change/", {**form, "region": regions["忻州市"].pk})
    assert WRONG_REGION in response.content.decode()
    assert DispatchingUnit.objects.get(name="某局").region == regions["岢岚县"]


def test_the_unit_import_s_confirm_writes_through_the_service(province_user, regions):
    batch = unit_preview(province_user, [["某局", "县", "党政机关", "岢岚县", ""]])
    assert batch.errors == []
    # A staged row the service refuses (as if the rules had changed since the preview).
    staged = batch.rows.get()
    staged.values["region_id"] = regions["忻州市"].pk
    staged.save()
    with pytest.raises(ImportConflict) as conflict:
        DispatchingUnitResource().confirm(batch=batch, user=province_user)
    assert [str(e) for e in conflict.value.errors] == [f"第2行 所在区划：{WRONG_REGION}"]
    assert not DispatchingUnit.objects.filter(name="某局").exists()


def test_a_model_rule_is_refused_by_every_writer_of_units(refuse_banned_names, province_user, admin_user, client, regions, tmp_path):
    message = "测试规则：不能以“禁用”开头。"
    # the unit import
    batch = unit_preview(province_user, [["禁用局", "省", "党政机关", "", ""]])
    with pytest.raises(ImportConflict) as conflict:
        DispatchingUnitResource().confirm(batch=batch, user=province_user)
    assert [str(e) for e in conflict.value.errors] == [f"第2行 单位名称：{message}"]
    # the 附表2 import's new units
    batch = quota_preview(province_user, [[1, "岢岚", "禁用厅", 2]])
    with pytest.raises(ImportConflict) as conflict:
        QuotaResource().confirm(batch=batch, user=province_user)
    assert [str(e) for e in conflict.value.errors] == [f"第2行 省直单位：{message}"]
    # the reference loader
    units = tmp_path / "units.csv"
    units.write_text(reference.UNITS_FIXTURE.read_text(encoding="utf-8") + "禁用厅,province,party_government,0\n", encoding="utf-8")
    reference.UNITS_FIXTURE, saved = units, reference.UNITS_FIXTURE
    try:
        with pytest.raises(UnitsRefused, match=message):
            reference.load_campaign_2015()
    finally:
        reference.UNITS_FIXTURE = saved
    # the admin
    client.force_login(admin_user)
    form = {"name": "禁用局", "level": "province", "kind": "party_government", "region": regions["山西省"].pk}
    assert message in client.post("/admin/dispatch/dispatchingunit/add/", form).content.decode()
    assert not DispatchingUnit.objects.filter(name__startswith="禁用").exists()


def test_the_demo_creates_its_unit_through_the_service(refuse_banned_names, monkeypatch, regions):
    from dispatch import demo

    monkeypatch.setitem(demo.DEMO_UNIT, "name", "禁用演示单位")
    with pytest.raises(UnitsRefused):
        load_demo()


# --- the services themselves ------------------------------------------------------------------
def test_units_are_created_and_changed_in_batches_all_or_nothing(regions, django_assert_max_num_queries):
    rows = [{"name": f"批量局{i}", "level": "county", "kind": "party_government", "region_id": regions["岢岚县"].pk} for i in range(50)]
    with django_assert_max_num_queries(6):
        created = units_create(rows=rows, by=None)
    assert len(created) == 50 and all(u.pk for u in created)
    with pytest.raises(UnitsRefused) as refused:
        units_create(rows=[rows[0]], by=None)
    assert refused.value.errors == {0: {"name": ["岢岚县已有名为“批量局0”的派出单位。"]}}
    with django_assert_max_num_queries(6):
        units_update(changes=[(u, {"kind": "institution"}) for u in created], by=None)
    assert set(DispatchingUnit.objects.filter(name__startswith="批量局").values_list("kind", flat=True)) == {"institution"}


def test_the_units_service_keeps_to_the_user_s_scope(kelan_user, regions):
    row = {"name": "某局", "level": "county", "kind": "party_government", "region": regions["五寨县"]}
    with pytest.raises(UnitsRefused) as refused:
        units_create(rows=[row], by=kelan_user)
    assert refused.value.errors == {0: {"region": ["五寨县的单位不在您的管辖范围内。"]}}


# --- quotas --------------------------------------------------------------------------------------
def kelan_quota(name="山西省统计局"):
    return QuotaAllocation.objects.get(campaign=Campaign.current(), county__name="岢岚县", unit__name=name)


def test_a_count_below_zero_is_refused_by_the_service_for_one_cell_or_many(province_user):
    quota = kelan_quota()
    with pytest.raises(QuotaRefused) as refused:
        quota_set(campaign=quota.campaign, unit=quota.unit, county=quota.county, count=-1, by=province_user)
    assert refused.value.messages == ["岢岚县·山西省统计局：选派人数不能为负数。"]
    other = kelan_quota("山西省煤炭地质局")
    with pytest.raises(QuotaRefused) as refused:
        quotas_set(
            campaign=quota.campaign, cells=[QuotaCell(other.unit, other.county, 9), QuotaCell(quota.unit, quota.county, -1)], by=None
        )
    assert refused.value.errors == {1: "岢岚县·山西省统计局：选派人数不能为负数。"}
    assert (kelan_quota().count, kelan_quota("山西省煤炭地质局").count) == (6, 5)  # nothing written


def test_the_quota_import_s_confirm_writes_through_the_service(province_user):
    batch = quota_preview(province_user, [[1, "岢岚", "山西省统计局", 7]])
    staged = batch.rows.get()
    staged.values["count"] = -1  # a staged count the service refuses
    staged.save()
    with pytest.raises(ImportConflict) as conflict:
        QuotaResource().confirm(batch=batch, user=province_user)
    assert [str(e) for e in conflict.value.errors] == ["第2行 选派人数：岢岚县·山西省统计局：选派人数不能为负数。"]
    assert kelan_quota().count == 6


def test_the_reference_loader_writes_quotas_through_the_service(monkeypatch, reference_data):
    records = list(reference.annex2_records(reference.annex2_fixture_records()))
    kelan = next(i for i, (_, r) in enumerate(records) if r["unit"] == "山西省统计局" and r["county"] == "岢岚")
    records[kelan][1]["count"] = "-1"
    monkeypatch.setattr(reference, "annex2_fixture_records", lambda: records)
    with pytest.raises(QuotaRefused, match="岢岚县·山西省统计局：选派人数不能为负数。"):
        reference.load_campaign_2015()
    assert kelan_quota().count == 6


def test_the_admin_sets_a_quota_through_the_service(client, admin_user):
    quota = kelan_quota()
    client.force_login(admin_user)
    response = client.post(f"/admin/dispatch/quotaallocation/{quota.pk}/change/", {"count": 0})
    assert response.status_code == 302
    assert not QuotaAllocation.objects.filter(pk=quota.pk).exists()  # the service's rule: 0 removes the quota
