"""A county's own village list has no county column: the county comes from the 12-digit code or
from a county user's scope, and the column is asked for only where neither gives it (issue #11,
point 4)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.importing import FileRefused
from core.models import ImportBatch
from tests.spreadsheets import csv_bytes, xlsx_bytes
from villages.models import Village
from villages.resources import VillageResource

# The clerk's file: a title naming the county, 12-digit codes, no county column.
KELAN_FILE = [
    ["序号", "统计用区划代码", "乡（镇）", "村名", "党组织软弱涣散村", "建档立卡贫困村"],
    [1, "140929100201", "岚漪镇", "西街村", "是", ""],
    [2, "140929100202", "岚漪镇", "坪后沟村", "", "是"],
    [3, "140929101200", "三井镇", "三井村", "是", "是"],
]
TITLE = "岢岚县党组织软弱涣散村和建档立卡贫困村名单"


def preview(user, data, name="岢岚县两类村名单.xlsx"):
    return VillageResource().preview(data=data, file_name=name, user=user)


def errors_of(batch):
    return [f"第{r}行 {c}：{m}" for r, c, m in batch.errors]


@pytest.mark.parametrize("fixture", ["kelan_user", "province_user"])
def test_a_county_list_with_codes_and_no_county_column_imports(request, fixture):
    user = request.getfixturevalue(fixture)
    batch = preview(user, xlsx_bytes(KELAN_FILE, title=TITLE, blank_rows=1))

    assert errors_of(batch) == []
    assert batch.updated_count == 3
    VillageResource().confirm(batch=batch, user=user)
    assert Village.objects.get(code="140929101200").is_weak_organization
    assert Village.objects.get(code="140929100202").is_registered_poor


def test_a_county_user_s_list_without_codes_or_county_takes_the_county_from_the_scope(kelan_user):
    data = csv_bytes([["乡镇", "村名", "是否贫困村"], ["岚漪镇", "西街村", "是"], ["三井镇", "三井村", "是"]])
    batch = preview(kelan_user, data, "名单.csv")
    assert errors_of(batch) == []
    assert set(batch.rows.values_list("key", flat=True)) == {"140929100201", "140929101200"}


def test_a_code_outside_the_county_user_s_scope_is_still_refused(kelan_user):
    data = xlsx_bytes([KELAN_FILE[0], [1, "140928100201", "砚城镇", "某村", "是", ""]])
    batch = preview(kelan_user, data)
    assert errors_of(batch) == ["第2行 县（市、区）：五寨县的村不在您的管辖范围（山西省忻州市岢岚县）内。"]
    assert not batch.rows.exists()


def test_without_codes_or_a_county_scope_the_file_needs_the_county_column(province_user):
    data = csv_bytes([["乡镇", "村名", "是否贫困村"], ["岚漪镇", "西街村", "是"]])
    with pytest.raises(FileRefused, match=r"缺少必需的列：县（市、区）。文件没有统计用区划代码列，您的管辖范围（.*）也不能确定村所属的县"):
        preview(province_user, data, "名单.csv")
    assert not ImportBatch.objects.exists()


def test_a_row_without_a_code_in_a_file_without_county_names_its_row(province_user):
    data = xlsx_bytes([KELAN_FILE[0], [1, "140929100201", "岚漪镇", "西街村", "是", ""], [2, "", "岚漪镇", "坪后沟村", "", "是"]])
    batch = preview(province_user, data)
    assert errors_of(batch) == ["第3行 县（市、区）：不能为空：本行没有12位统计用区划代码，无法确定所属县（市、区）。"]
    assert not Village.objects.targets().exists()


def test_the_upload_page_says_why_and_the_admin_import_refuses_the_same_file(client, province_user, admin_user):
    data = csv_bytes([["乡镇", "村名", "是否贫困村"], ["岚漪镇", "西街村", "是"]])
    client.force_login(province_user)
    response = client.post(reverse("villages:import"), {"file": SimpleUploadedFile("名单.csv", data)})
    assert response.status_code == 400
    assert "缺少必需的列：县（市、区）" in response.content.decode()

    client.force_login(admin_user)
    workbook = xlsx_bytes([["乡镇", "村名", "是否贫困村"], ["岚漪镇", "西街村", "是"]])
    form = {"import_file": SimpleUploadedFile("名单.xlsx", workbook), "format": "0"}
    response = client.post(reverse("admin:villages_village_import"), form)
    html = response.content.decode()
    assert re.search(r"缺少必需的列：县（市、区）", html), html[-2000:]
    assert not ImportBatch.objects.exists()
    assert not Village.objects.targets().exists()
