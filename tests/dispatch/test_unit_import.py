"""The dispatching-unit import: preview every row, then confirm all or nothing."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.importing import FileRefused, ImportConflict
from core.models import ImportBatch
from dispatch.models import DispatchingUnit
from dispatch.unit_resources import UNIT_COLUMNS, DispatchingUnitResource
from tests.spreadsheets import csv_bytes, read_xlsx, xlsx_bytes

HEADER = ["派出单位", "单位层级", "单位性质", "所在区划", "涉农单位"]


def preview(user, rows, header=HEADER):
    return DispatchingUnitResource().preview(data=xlsx_bytes([header, *rows]), file_name="派出单位.xlsx", user=user)


def errors_of(batch):
    return [f"第{r}行 {c}：{m}" for r, c, m in batch.errors]


def unit(name, region_name=None):
    units = DispatchingUnit.objects.filter(name=name)
    return units.get(region__name=region_name) if region_name else units.get()


def test_new_units_of_every_level_preview_then_confirm(province_user):
    batch = preview(
        province_user,
        [
            ["山西省林业厅", "省直", "党政机关", "", "√"],
            ["国家统计局山西调查总队", "中央", "党政机关", "山西省", ""],
            ["忻州市农业委员会", "市直", "党政机关", "忻州", "是"],
            ["岢岚县农业委员会", "县", "党政机关", "岢岚", "1"],
            ["城区农业局", "县级", "党政机关", "阳泉市城区", "Y"],
            ["岢岚县人民医院", "县", "事业单位", "山西省忻州市岢岚县", "否"],
        ],
    )

    assert batch.errors == []
    assert (batch.total_rows, batch.created_count, batch.updated_count) == (6, 6, 0)
    assert not DispatchingUnit.objects.filter(name="山西省林业厅").exists()  # the preview writes nothing

    DispatchingUnitResource().confirm(batch=batch, user=province_user)

    created = {
        u.name: (u.level, u.region.full_name, u.is_agriculture_related)
        for u in DispatchingUnit.objects.filter(name__in=[r.values["name"] for r in batch.rows.all()])
    }
    assert created == {
        "山西省林业厅": ("province", "山西省", True),
        "国家统计局山西调查总队": ("central", "山西省", False),
        "忻州市农业委员会": ("city", "山西省忻州市", True),
        "岢岚县农业委员会": ("county", "山西省忻州市岢岚县", True),
        "城区农业局": ("county", "山西省阳泉市城区", True),
        "岢岚县人民医院": ("county", "山西省忻州市岢岚县", False),
    }
    assert unit("岢岚县人民医院").kind == DispatchingUnit.Kind.INSTITUTION


def test_a_known_unit_is_updated_and_the_preview_shows_labels(province_user):
    batch = preview(province_user, [["山西省国土资源厅", "省", "事业单位", "山西省", "是"], ["山西省文化厅", "省", "党政机关", "", "否"]])
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 1, 1)
    assert batch.rows.get().diff == {"kind": ["党政机关", "事业单位"], "is_agriculture_related": ["否", "是"]}

    DispatchingUnitResource().confirm(batch=batch, user=province_user)
    land = unit("山西省国土资源厅")
    assert (land.kind, land.is_agriculture_related) == ("institution", True)


def test_without_the_agriculture_column_the_flag_is_left_alone(province_user):
    batch = preview(province_user, [["山西省水利厅", "省", "党政机关"]], header=["单位名称", "单位层级", "单位性质"])
    assert (batch.errors, batch.unchanged_count) == ([], 1)
    assert unit("山西省水利厅").is_agriculture_related


def test_every_error_is_listed_with_its_row_and_column_and_nothing_is_written(province_user):
    batch = preview(
        province_user,
        [
            ["", "省", "党政机关", "", ""],  # row 2
            ["某局", "乡", "党政机关", "", ""],  # row 3
            ["某局", "省", "机关", "", ""],  # row 4
            ["某局", "省", "党政机关", "忻州市", ""],  # row 5
            ["某局", "市", "党政机关", "岢岚县", ""],  # row 6
            ["某局", "县", "党政机关", "忻州市", ""],  # row 7
            ["某局", "县", "党政机关", "城区", ""],  # row 8
            ["某局", "县", "党政机关", "不存在县", ""],  # row 9
            ["某局", "市", "党政机关", "", ""],  # row 10
            ["某局", "县", "党政机关", "岢岚县", "可能"],  # row 11
            ["岢岚县某局", "县", "党政机关", "岢岚县", ""],  # row 12
            ["岢岚县某局", "县", "事业单位", "忻州市岢岚县", ""],  # row 13: same unit as row 12
        ],
    )

    assert errors_of(batch) == [
        "第2行 派出单位：不能为空。",
        "第3行 单位层级：无法识别“乡”，应填 中央在晋单位、省、市 或 县。",
        "第4行 单位性质：无法识别“机关”，应填 党政机关、事业单位、国有企业、高等院校、人民团体。",
        "第5行 所在区划：省级单位的所在区划应为山西省（可不填），不能是“忻州市”。",
        "第6行 所在区划：“岢岚县”不是市：市级单位应填所在市，如“忻州市”。",
        "第7行 所在区划：“忻州市”不是县（市、区）：县级单位应填所在县（市、区），如“忻州市岢岚县”。",
        "第8行 所在区划：“城区”对应多个县（晋城市城区、阳泉市城区），请连同所在市填写，如“晋城市城区”。",
        "第9行 所在区划：找不到名为“不存在县”的县（市、区）。",
        "第10行 所在区划：市级单位须填写所在市。",
        "第11行 涉农单位：无法识别“可能”，应填 是/否、√/空白、1/0 或 Y/N。",
        "第13行 派出单位：“岢岚县某局”与第12行是同一区划的同名单位。",
    ]
    assert batch.created_count == 1  # row 12 alone is fine, but nothing may be confirmed
    assert not DispatchingUnit.objects.filter(name__endswith="某局").exists()


def test_a_county_imports_only_its_own_county_s_units(kelan_user):
    batch = preview(
        kelan_user,
        [
            ["岢岚县农业委员会", "县", "党政机关", "岢岚县", "是"],
            ["五寨县农业委员会", "县", "党政机关", "五寨县", "是"],
            ["忻州市农业委员会", "市", "党政机关", "忻州市", "是"],
            ["山西省林业厅", "省", "党政机关", "", "是"],
        ],
    )
    assert errors_of(batch) == [
        "第3行 所在区划：五寨县的单位不在您的管辖范围（山西省忻州市岢岚县）内。",
        "第4行 所在区划：忻州市的单位不在您的管辖范围（山西省忻州市岢岚县）内。",
        "第5行 所在区划：山西省的单位不在您的管辖范围（山西省忻州市岢岚县）内。",
    ]


def test_a_city_imports_its_own_and_its_counties_units(xinzhou_user):
    batch = preview(
        xinzhou_user,
        [
            ["忻州市农业委员会", "市", "党政机关", "忻州市", "是"],
            ["岢岚县农业委员会", "县", "党政机关", "岢岚县", "是"],
            ["吕梁市农业委员会", "市", "党政机关", "吕梁市", ""],
        ],
    )
    assert errors_of(batch) == ["第4行 所在区划：吕梁市的单位不在您的管辖范围（山西省忻州市）内。"]


def test_a_missing_required_column_refuses_the_file(province_user):
    with pytest.raises(FileRefused, match="缺少必需的列：单位性质"):
        DispatchingUnitResource().preview(data=csv_bytes([["单位名称", "单位层级"], ["某局", "省"]]), file_name="a.csv", user=province_user)
    assert not ImportBatch.objects.exists()


def test_confirm_refuses_a_unit_changed_since_the_preview_and_writes_nothing(province_user):
    batch = preview(province_user, [["山西省林业厅", "省", "党政机关", "", ""], ["山西省国土资源厅", "省", "事业单位", "", ""]])
    DispatchingUnit.objects.filter(name="山西省国土资源厅").update(kind=DispatchingUnit.Kind.STATE_ENTERPRISE)  # meanwhile

    with pytest.raises(ImportConflict) as conflict:
        DispatchingUnitResource().confirm(batch=batch, user=province_user)

    assert [str(e) for e in conflict.value.errors] == ["第3行 单位性质：预览后已被他人修改（现为“国有企业”），请重新上传预览。"]
    assert not DispatchingUnit.objects.filter(name="山西省林业厅").exists()


def test_confirm_refuses_a_unit_created_since_the_preview(province_user, regions):
    batch = preview(province_user, [["山西省林业厅", "省", "党政机关", "", ""]])
    DispatchingUnit.objects.create(name="山西省林业厅", level="province", kind="party_government", region=regions["山西省"])
    with pytest.raises(ImportConflict) as conflict:
        DispatchingUnitResource().confirm(batch=batch, user=province_user)
    assert [str(e) for e in conflict.value.errors] == ["第2行 单位名称：预览后已有人新增了“山西省林业厅”，请重新上传预览。"]


def test_confirm_rechecks_scope(kelan_user, regions):
    from dispatch.services import user_set_role

    batch = preview(kelan_user, [["岢岚县农业委员会", "县", "党政机关", "岢岚县", "是"]])
    user_set_role(user=kelan_user, role="county_org", region=regions["五寨县"])
    with pytest.raises(ImportConflict) as conflict:
        DispatchingUnitResource().confirm(batch=batch, user=kelan_user)
    assert "已不在您的管辖范围内" in str(conflict.value.errors[0])
    assert not DispatchingUnit.objects.filter(name="岢岚县农业委员会").exists()


def test_the_exported_units_import_back_unchanged(province_user, regions):
    DispatchingUnit.objects.create(name='=HYPERLINK("x")', level="county", kind="institution", region=regions["岢岚县"])
    data = DispatchingUnitResource().export(DispatchingUnit.objects.all()).export("xlsx")
    rows = read_xlsx(data)
    assert rows[0] == [c.header for c in UNIT_COLUMNS]
    assert len(rows) == 1 + 39 + 1
    assert ["山西省国家税务局", "中央在晋单位", "党政机关", "山西省", "否"] in rows
    assert ['\'=HYPERLINK("x")', "县", "事业单位", "忻州市岢岚县", "否"] in rows  # a spreadsheet will not run it

    batch = DispatchingUnitResource().preview(data=data, file_name="派出单位.xlsx", user=province_user)
    assert batch.errors == []
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 0, 40)


# --- the import pages (ImportPages) ---------------------------------------------------------


def test_upload_preview_confirm_through_the_pages(client, xinzhou_user):
    client.force_login(xinzhou_user)
    data = xlsx_bytes([HEADER, ["岢岚县农业委员会", "县", "党政机关", "岢岚县", "是"]])
    response = client.post(reverse("units:import"), {"file": SimpleUploadedFile("单位.xlsx", data)})
    batch = ImportBatch.objects.get()
    assert batch.kind == "units"
    assert response["Location"] == reverse("units:import_preview", args=[batch.pk])
    assert "确认导入（新增 1，修改 0）" in client.get(response["Location"]).content.decode()

    response = client.post(reverse("units:import_confirm", args=[batch.pk]), follow=True)
    assert "导入完成：新增 1 个单位，修改 0 个单位，0 个未变。" in response.content.decode()
    assert unit("岢岚县农业委员会").region.name == "岢岚县"


@pytest.mark.parametrize("fixture", ["poverty_office_user", "unit_user", "lanyi_user", "secretary_user"])
def test_roles_without_import_get_403(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("units:import")).status_code == 403


# --- the admin (django-import-export) ---------------------------------------------------------


def admin_import(client, data):
    return client.post(
        reverse("admin:dispatch_dispatchingunit_import"),
        {"import_file": SimpleUploadedFile("单位.xlsx", data), "format": "0", "resource": "0"},
    )


def test_admin_import_shows_the_same_errors_and_writes_nothing(client, admin_user):
    client.force_login(admin_user)
    html = admin_import(
        client, xlsx_bytes([HEADER, ["某局", "县", "党政机关", "城区", ""], ["某局", "省", "机关", "", ""]])
    ).content.decode()
    assert "“城区”对应多个县（晋城市城区、阳泉市城区）" in html
    assert "无法识别“机关”" in html
    assert not DispatchingUnit.objects.filter(name="某局").exists()
    assert not ImportBatch.objects.exists()


def test_admin_import_previews_then_confirms(client, admin_user):
    client.force_login(admin_user)
    html = admin_import(client, xlsx_bytes([HEADER, ["山西省林业厅", "省", "党政机关", "", "是"]])).content.decode()
    assert not DispatchingUnit.objects.filter(name="山西省林业厅").exists()
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    assert "import_file_name" in hidden, html[-3000:]

    response = client.post(reverse("admin:dispatch_dispatchingunit_process_import"), hidden)
    assert response.status_code == 302
    assert unit("山西省林业厅").is_agriculture_related
    assert ImportBatch.objects.get().status == ImportBatch.Status.CONFIRMED


def test_admin_export_has_the_import_s_columns(client, admin_user):
    client.force_login(admin_user)
    rows = read_xlsx(client.get(reverse("admin:dispatch_dispatchingunit_export")).content)
    assert rows[0] == [c.header for c in UNIT_COLUMNS]
    assert len(rows) == 40
