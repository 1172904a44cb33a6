"""The village-list import: preview every row, then confirm all or nothing."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from core.importing import FileRefused, ImportConflict, ImportRefused, clear_stale_previews
from core.models import ImportBatch, ImportRow
from tests.spreadsheets import csv_bytes, xlsx_bytes
from villages.models import Village, VillageCategoryChange
from villages.resources import VillageResource

HEADER = ["村代码", "县", "乡镇", "村名称", "是否软弱涣散村", "是否贫困村", "备注"]
# Three villages of 岚漪镇, 岢岚县.
XIJIE, POHOUGOU, QIAOJIAWAN = "140929100201", "140929100202", "140929100204"
VILLAGES = ((XIJIE, "西街村"), (POHOUGOU, "坪后沟村"), (QIAOJIAWAN, "乔家湾村"))


def preview(user, data, name="岢岚县两类村.xlsx"):
    return VillageResource().preview(data=data, file_name=name, user=user)


def errors_of(batch):
    return [f"第{r}行 {c}：{m}" for r, c, m in batch.errors]


def flags(code):
    v = Village.objects.get(code=code)
    return v.is_weak_organization, v.is_registered_poor


def test_a_county_file_with_title_rows_and_header_variants_previews_then_confirms(kelan_user):
    data = xlsx_bytes(
        [
            HEADER,
            ["１４０９２９１００２０１", "岢岚县", "岚漪镇", "西街村", "√", "", "重点帮扶"],
            [" 140929100202 ", "岢岚", " 岚漪镇", "坪后沟村", "", "是", ""],
            ["140929100204", "岢岚县", "岚漪镇", "乔家湾村", "1", "Y", ""],
        ],
        title="岢岚县党组织软弱涣散村和建档立卡贫困村名单",
        blank_rows=1,
    )
    batch = preview(kelan_user, data)

    assert batch.errors == []
    assert (batch.total_rows, batch.created_count, batch.updated_count, batch.unchanged_count) == (3, 0, 3, 0)
    staged = {r.key: r.diff for r in batch.rows.all()}
    assert staged[XIJIE] == {"is_weak_organization": [False, True], "notes": ["", "重点帮扶"]}
    assert staged[POHOUGOU] == {"is_registered_poor": [False, True]}
    # Nothing is written by the preview.
    assert flags(XIJIE) == (False, False)
    assert not VillageCategoryChange.objects.exists()

    VillageResource().confirm(batch=batch, user=kelan_user)

    assert flags(XIJIE) == (True, False)
    assert flags(POHOUGOU) == (False, True)
    assert flags(QIAOJIAWAN) == (True, True)
    assert Village.objects.get(code=XIJIE).notes == "重点帮扶"
    history = VillageCategoryChange.objects.filter(village__code=QIAOJIAWAN)
    assert {(h.field, h.old_value, h.new_value) for h in history} == {
        ("is_weak_organization", False, True),
        ("is_registered_poor", False, True),
    }
    assert all(h.changed_by == kelan_user and h.import_batch == batch for h in history)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CONFIRMED and batch.confirmed_at
    assert batch.file.read() == data  # the original is kept

    again = preview(kelan_user, data)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)


def test_every_error_is_listed_with_its_row_and_column_and_nothing_is_written(kelan_user):
    data = xlsx_bytes(
        [
            HEADER,
            ["14092910020", "岢岚县", "岚漪镇", "西街村", "是", "否", ""],  # row 2: 11 digits
            [POHOUGOU, "五寨县", "岚漪镇", "坪后沟村", "是", "否", ""],  # row 3: county disagrees with code
            [QIAOJIAWAN, "岢岚县", "岚漪镇", "乔家湾村", "可能", "否", ""],  # row 4: unknown flag
            [QIAOJIAWAN, "岢岚县", "岚漪镇", "乔家湾村", "是", "否", ""],  # row 5: same code as row 4
            ["140928100200", "五寨县", "砚城镇", "某村", "是", "否", ""],  # row 6: outside 岢岚县
            ["", "岢岚县", "岚漪镇", "不存在村", "是", "否", ""],  # row 7: no such village
            ["", "城区", "某街道", "某村", "是", "否", ""],  # row 8: 城区 is two counties
        ]
    )
    batch = preview(kelan_user, data)

    assert errors_of(batch) == [
        "第2行 村代码：“14092910020”不是12位数字。",
        "第3行 县：“五寨县”与统计用区划代码不符：代码 140929100202 属于岢岚县。",
        "第4行 是否软弱涣散村：无法识别“可能”，应填 是/否、√/空白、1/0 或 Y/N。",
        "第5行 村代码：140929100204 与第4行重复。",
        "第6行 县：五寨县的村不在您的管辖范围（山西省忻州市岢岚县）内。",
        "第7行 村名称：岚漪镇找不到名为“不存在村”的村，请填写统计用区划代码。",
        "第8行 县：“城区”对应多个县（晋城市城区、阳泉市城区），请填写“市”列或统计用区划代码。",
    ]
    with pytest.raises(ImportRefused, match="预览中有错误"):
        VillageResource().confirm(batch=batch, user=kelan_user)
    assert not Village.objects.targets().exists()


def test_rows_without_a_code_match_by_county_township_and_name(kelan_user):
    data = csv_bytes(
        [
            ["县（市、区）", "乡（镇）", "村名", "党组织软弱涣散村"],
            ["岢岚县", "岚漪镇", "西街", "是"],
            ["岢岚县", "岚漪镇", "坪后沟村委会", "是"],
        ]
    )
    batch = preview(kelan_user, data, "名单.csv")
    assert batch.errors == []
    assert set(batch.rows.values_list("key", flat=True)) == {XIJIE, POHOUGOU}


def test_gbk_csv_from_chinese_excel_is_read(kelan_user):
    data = csv_bytes([["县", "乡镇", "村名", "是否贫困村"], ["岢岚县", "岚漪镇", "西街村", "是"]], encoding="gb18030")
    batch = preview(kelan_user, data, "名单.csv")
    assert batch.errors == [] and batch.updated_count == 1


def test_a_code_not_yet_known_creates_the_village(province_user):
    data = xlsx_bytes(
        [["统计用区划代码", "县（市、区）", "乡（镇）", "村名", "建档立卡贫困村"], ["140929100299", "岢岚县", "岚漪镇", "新合并村", "是"]]
    )
    batch = preview(province_user, data)
    assert batch.created_count == 1
    VillageResource().confirm(batch=batch, user=province_user)
    village = Village.objects.get(code="140929100299")
    assert (village.name, village.township.name, village.county.name, village.is_registered_poor) == ("新合并村", "岚漪镇", "岢岚县", True)
    assert list(village.category_changes.values_list("field", "old_value", "new_value")) == [("is_registered_poor", None, True)]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "不是 Excel 或 CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "旧版 Excel（.xls）"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64, "已设置密码"),
        (b"PK\x03\x04" + b"garbage" * 20, "已损坏"),
        (b"", "文件是空的"),
        (csv_bytes([["县", "乡镇", "备注"], ["岢岚县", "岚漪镇", ""]]), "缺少必需的列：村名"),
        (csv_bytes([["姓名", "性别"], ["张三", "男"]]), "没有找到表头"),
    ],
    ids=["png-named-xlsx", "xls", "encrypted", "corrupt-zip", "empty", "missing-column", "no-header"],
)
def test_unreadable_files_are_refused_and_nothing_is_written(kelan_user, data, message):
    with pytest.raises(FileRefused, match=message):
        preview(kelan_user, data)
    assert not ImportBatch.objects.exists()


def test_a_zip_without_a_workbook_is_refused(kelan_user):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    with pytest.raises(FileRefused, match="不是 Excel 工作簿"):
        preview(kelan_user, out.getvalue())


def test_a_workbook_that_unzips_too_large_is_refused_before_parsing(kelan_user, settings):
    settings.IMPORT_MAX_UNZIPPED_BYTES = 1024 * 1024
    rows = [HEADER] + [[XIJIE, "岢岚县", "岚漪镇", "西街村", "是", "否", "x" * 200]] * 8000
    data = xlsx_bytes(rows)
    assert len(data) < 1024 * 1024  # small on the wire, large unzipped
    with pytest.raises(FileRefused, match="解压后过大"):
        preview(kelan_user, data)


def test_a_file_over_the_size_limit_is_refused(kelan_user, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(FileRefused, match="文件过大"):
        preview(kelan_user, csv_bytes([HEADER] + [[XIJIE, "岢岚县", "岚漪镇", "西街村", "是", "否", "x" * 50]] * 30))


def test_confirm_refuses_rows_changed_since_the_preview_and_writes_nothing(kelan_user, province_user):
    data = xlsx_bytes(
        [HEADER, [XIJIE, "岢岚县", "岚漪镇", "西街村", "是", "否", ""], [POHOUGOU, "岢岚县", "岚漪镇", "坪后沟村", "是", "否", ""]]
    )
    batch = preview(kelan_user, data)
    # Meanwhile the province marks 坪后沟村 itself.
    VillageResource().confirm(
        batch=preview(province_user, xlsx_bytes([HEADER, [POHOUGOU, "岢岚县", "岚漪镇", "坪后沟村", "否", "是", ""]])), user=province_user
    )

    with pytest.raises(ImportConflict) as conflict:
        VillageResource().confirm(batch=batch, user=kelan_user)

    assert [str(e) for e in conflict.value.errors] == ["第3行 建档立卡贫困村：预览后已被他人修改（现为“是”），请重新上传预览。"]
    assert flags(XIJIE) == (False, False)  # row 2 was fine, but nothing is written
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_a_second_confirm_is_refused_and_writes_nothing_more(kelan_user):
    batch = preview(kelan_user, xlsx_bytes([HEADER, [XIJIE, "岢岚县", "岚漪镇", "西街村", "是", "否", ""]]))
    VillageResource().confirm(batch=batch, user=kelan_user)
    with pytest.raises(ImportRefused, match="无需重复确认"):
        VillageResource().confirm(batch=ImportBatch.objects.get(pk=batch.pk), user=kelan_user)
    assert VillageCategoryChange.objects.count() == 1


def test_only_the_uploader_confirms(kelan_user, province_user):
    batch = preview(kelan_user, xlsx_bytes([HEADER, [XIJIE, "岢岚县", "岚漪镇", "西街村", "是", "否", ""]]))
    with pytest.raises(ImportRefused, match="只能确认自己上传的文件"):
        VillageResource().confirm(batch=batch, user=province_user)


def test_abandoned_previews_are_cleared_after_an_hour(kelan_user):
    batch = preview(kelan_user, xlsx_bytes([HEADER, [XIJIE, "岢岚县", "岚漪镇", "西街村", "是", "否", ""]]))
    path = batch.file.path
    assert clear_stale_previews(now=timezone.now() + timedelta(minutes=59)) == 0
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=61))
    with pytest.raises(ImportRefused, match="超过 1 小时"):
        VillageResource().confirm(batch=ImportBatch.objects.get(pk=batch.pk), user=kelan_user)

    assert clear_stale_previews() == 1
    assert not ImportBatch.objects.filter(pk=batch.pk).exists()
    assert not ImportRow.objects.exists()
    import os

    assert not os.path.exists(path)


def test_confirm_rechecks_scope(kelan_user, regions):
    from dispatch.services import user_set_role

    batch = preview(kelan_user, xlsx_bytes([HEADER, [XIJIE, "岢岚县", "岚漪镇", "西街村", "是", "否", ""]]))
    user_set_role(user=kelan_user, role="county_org", region=regions["五寨县"])  # moved to 五寨县 meanwhile
    with pytest.raises(ImportConflict) as conflict:
        VillageResource().confirm(batch=batch, user=kelan_user)
    assert "不在您的管辖范围内" in str(conflict.value.errors[0])
    assert flags(XIJIE) == (False, False)


def test_workbook_xml_is_parsed_through_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_clear_stale_imports_command(kelan_user, capsys):
    from django.core.management import call_command

    batch = preview(kelan_user, xlsx_bytes([HEADER, [XIJIE, "岢岚县", "岚漪镇", "西街村", "是", "否", ""]]))
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(hours=2))
    call_command("clear_stale_imports")
    assert "已清除 1 个过期的导入预览" in capsys.readouterr().out
    assert not ImportBatch.objects.exists()


def test_a_flag_changed_in_the_admin_keeps_its_history(client, admin_user):
    from django.urls import reverse

    village = Village.objects.get(code=XIJIE)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:villages_village_change", args=[village.pk]),
        {"name": "西街村", "urban_rural_code": "", "is_registered_poor": "on", "notes": "核实后补录"},
    )
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.is_registered_poor and village.notes == "核实后补录"
    change = village.category_changes.get()
    assert (change.field, change.old_value, change.new_value, change.changed_by, change.note) == (
        "is_registered_poor",
        False,
        True,
        admin_user,
        "管理后台修改",
    )


def test_each_chunk_is_staged_as_soon_as_it_is_checked_not_held_for_the_whole_file(kelan_user, monkeypatch):
    """The nation's 620,000 rows would otherwise be held in memory until the end of the preview."""
    resource = VillageResource()
    monkeypatch.setattr(resource, "chunk_size", 1)
    seen = []
    check = resource.check_chunk

    def checking(chunk, *, user):
        batch = ImportBatch.objects.get()
        seen.append((batch.status, ImportRow.objects.filter(batch=batch).count()))
        return check(chunk, user=user)

    monkeypatch.setattr(resource, "check_chunk", checking)
    rows = [
        [code, "岢岚县", "岚漪镇", name, "是", "否", ""]
        for code, name in ((XIJIE, "西街村"), (POHOUGOU, "坪后沟村"), (QIAOJIAWAN, "乔家湾村"))
    ]
    batch = resource.preview(data=xlsx_bytes([HEADER, *rows]), file_name="岢岚县.xlsx", user=kelan_user)

    # Checked one row at a time: before the n-th, the n-1 before it are already staged.
    assert seen == [(ImportBatch.Status.CHECKING, 0), (ImportBatch.Status.CHECKING, 1), (ImportBatch.Status.CHECKING, 2)]
    batch.refresh_from_db()
    assert (batch.status, batch.rows.count(), batch.updated_count) == (ImportBatch.Status.PREVIEWED, 3, 3)


def test_a_file_refused_halfway_leaves_no_batch_and_no_staged_rows(kelan_user, monkeypatch):
    resource = VillageResource()
    monkeypatch.setattr(resource, "chunk_size", 1)
    check = resource.check_chunk
    calls = []

    def failing(chunk, *, user):
        calls.append(1)
        if len(calls) == 3:  # two rows staged already
            raise FileRefused("第4行：单元格内容过长。")
        return check(chunk, user=user)

    monkeypatch.setattr(resource, "check_chunk", failing)
    rows = [
        [code, "岢岚县", "岚漪镇", name, "是", "否", ""]
        for code, name in ((XIJIE, "西街村"), (POHOUGOU, "坪后沟村"), (QIAOJIAWAN, "乔家湾村"))
    ]
    with pytest.raises(FileRefused):
        resource.preview(data=xlsx_bytes([HEADER, *rows]), file_name="岢岚县.xlsx", user=kelan_user)
    assert not ImportBatch.objects.exists() and not ImportRow.objects.exists()
    assert flags(XIJIE) == (False, False)


def test_a_batch_still_being_checked_cannot_be_confirmed_and_is_cleared_if_left_behind(kelan_user):
    batch = preview(kelan_user, xlsx_bytes([HEADER, [XIJIE, "岢岚县", "岚漪镇", "西街村", "是", "否", ""]]))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.CHECKING)  # as a process that died mid-check
    with pytest.raises(ImportRefused, match="预览已失效"):
        VillageResource().confirm(batch=ImportBatch.objects.get(pk=batch.pk), user=kelan_user)
    assert flags(XIJIE) == (False, False)
    assert clear_stale_previews(now=timezone.now() + timedelta(minutes=61)) == 1
    assert not ImportBatch.objects.exists() and not ImportRow.objects.exists()
