"""The import pages: who may import, upload → preview → confirm, history and original files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import ImportBatch
from tests.spreadsheets import read_xlsx, xlsx_bytes
from villages.models import Village, VillageCategoryChange
from villages.resources import VillageResource

HEADER = ["统计用区划代码", "县（市、区）", "乡（镇）", "村名", "党组织软弱涣散村", "建档立卡贫困村"]
XIJIE = "140929100201"


def upload(client, data, name="名单.xlsx"):
    return client.post(reverse("villages:import"), {"file": SimpleUploadedFile(name, data)})


def good_file():
    return xlsx_bytes([HEADER, [XIJIE, "岢岚县", "岚漪镇", "西街村", "是", "否"]])


@pytest.mark.parametrize("fixture", ["xinzhou_user", "lanyi_user", "unit_user", "secretary_user", "poverty_office_user"])
def test_roles_without_import_get_403(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("villages:import")).status_code == 403
    assert upload(client, good_file()).status_code == 403
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("fixture", ["kelan_user", "province_user", "admin_user"])
def test_county_province_and_admin_may_import(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("villages:import")).status_code == 200


def test_upload_preview_confirm(client, kelan_user):
    client.force_login(kelan_user)
    response = upload(client, good_file())
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("villages:import_preview", args=[batch.pk])

    page = client.get(response["Location"]).content.decode()
    assert "确认导入（新增 0，修改 1）" in page
    assert "党组织软弱涣散村：否 → 是" in page
    assert not Village.objects.get(code=XIJIE).is_weak_organization

    assert client.get(reverse("villages:import_confirm", args=[batch.pk])).status_code == 405
    response = client.post(reverse("villages:import_confirm", args=[batch.pk]), follow=True)
    assert "导入完成：新增 0 个村，修改 1 个村，0 个未变。" in response.content.decode()
    assert Village.objects.get(code=XIJIE).is_weak_organization

    # A double click's second request: refused with a message, nothing more written.
    response = client.post(reverse("villages:import_confirm", args=[batch.pk]), follow=True)
    assert "无需重复确认" in response.content.decode()
    assert VillageCategoryChange.objects.count() == 1


def test_a_refused_file_says_why_and_writes_nothing(client, kelan_user):
    client.force_login(kelan_user)
    response = upload(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "名单.xlsx")
    assert response.status_code == 400
    assert "文件未导入：文件不是 Excel 或 CSV 表格" in response.content.decode()
    assert not ImportBatch.objects.exists()

    response = client.post(reverse("villages:import"), {})
    assert response.status_code == 400
    assert "请选择要上传的文件" in response.content.decode()


def test_preview_errors_are_all_shown_and_confirm_is_not_offered(client, kelan_user):
    client.force_login(kelan_user)
    data = xlsx_bytes(
        [HEADER, ["1409291002", "岢岚县", "岚漪镇", "西街村", "是", "否"], [XIJIE, "岢岚县", "岚漪镇", "西街村", "大概", "否"]]
    )
    response = upload(client, data)
    page = client.get(response["Location"]).content.decode()
    assert "第2行 统计用区划代码：“1409291002”不是12位数字。" in page
    assert "第3行 党组织软弱涣散村：无法识别“大概”" in page
    assert "确认导入" not in page
    batch = ImportBatch.objects.get()
    client.post(reverse("villages:import_confirm", args=[batch.pk]))
    assert not Village.objects.targets().exists()


def test_someone_else_s_preview_is_404(client, kelan_user, province_user):
    batch = VillageResource().preview(data=good_file(), file_name="a.xlsx", user=kelan_user)
    client.force_login(province_user)
    assert client.get(reverse("villages:import_preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("villages:import_confirm", args=[batch.pk])).status_code == 404
    assert not Village.objects.targets().exists()


def test_history_is_scoped_and_the_province_downloads_the_original(client, kelan_user, wuzhai_user, province_user):
    data = good_file()
    batch = VillageResource().preview(data=data, file_name="岢岚县名单.xlsx", user=kelan_user)
    VillageResource().confirm(batch=batch, user=kelan_user)

    client.force_login(province_user)
    assert "岢岚县名单.xlsx" in client.get(reverse("villages:import_history")).content.decode()
    response = client.get(reverse("villages:import_download", args=[batch.pk]))
    assert b"".join(response.streaming_content) == data
    assert "filename*=utf-8''" in response["Content-Disposition"]

    client.force_login(wuzhai_user)
    assert "岢岚县名单.xlsx" not in client.get(reverse("villages:import_history")).content.decode()
    assert client.get(reverse("villages:import_download", args=[batch.pk])).status_code == 404


def test_the_exported_list_imports_back_unchanged(province_user):
    from villages.demo import mark_demo_categories

    mark_demo_categories()
    Village.objects.filter(code=XIJIE).update(notes='=HYPERLINK("http://x")', is_key_difficult=True)
    data = VillageResource().export(Village.objects.all()).export("xlsx")
    rows = read_xlsx(data)
    assert len(rows) == 21896
    xijie = next(r for r in rows if r[0] == XIJIE)
    assert xijie[-1] == '\'=HYPERLINK("http://x")'  # a spreadsheet will not run it

    batch = VillageResource().preview(data=data, file_name="全省村名单.xlsx", user=province_user)

    assert batch.errors == []
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 0, 21895)
