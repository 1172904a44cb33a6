"""附表2 import and export in the printed layout: merged 序号 and 县名, a title, a 合计 row."""

import io

import openpyxl
import pytest

from core.importing import ImportConflict
from dispatch.annex2 import TITLE, annex2_quotas, annex2_workbook
from dispatch.models import Campaign, QuotaAllocation
from dispatch.quota_resources import QuotaResource
from dispatch.reference import annex2_fixture_records
from tests.spreadsheets import xlsx_bytes

HEADER = ["序号", "县名", "省直单位", "选派人数"]


def printed_layout(records: list[dict], *, title: str = TITLE) -> bytes:
    """The fixture rows laid out as the notice prints them: 序号 and 县名 only on each county's
    first row, merged down over its units."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.merge_cells("A1:D1")
    sheet.append(HEADER)
    first = None
    for r in records:
        if r["serial"]:
            if first is not None and sheet.max_row > first:
                sheet.merge_cells(start_row=first, end_row=sheet.max_row, start_column=1, end_column=1)
                sheet.merge_cells(start_row=first, end_row=sheet.max_row, start_column=2, end_column=2)
            first = sheet.max_row + 1
        sheet.append([int(r["serial"]) if r["serial"] else None, r["county"] or None, r["unit"], int(r["count"])])
    if sheet.max_row > first:
        sheet.merge_cells(start_row=first, end_row=sheet.max_row, start_column=1, end_column=1)
        sheet.merge_cells(start_row=first, end_row=sheet.max_row, start_column=2, end_column=2)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def fixture_rows() -> list[dict]:
    return [record for _, record in annex2_fixture_records()]


def filled(rows: list[dict]) -> list[tuple]:
    """(序号, 县名, 单位, 人数) with 序号 and 县名 filled down, as people read the printed table."""
    out, serial, county = [], "", ""
    for r in rows:
        serial, county = r["serial"] or serial, r["county"] or county
        out.append((int(serial), county, r["unit"], int(r["count"])))
    return out


def read_printed(data: bytes) -> list[list]:
    """The sheet as printed: every cell of a merged range reads as its top-left value."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    for merged in sheet.merged_cells.ranges:
        top_left = sheet.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                values[r - 1][c - 1] = top_left
    return values


def preview(user, data, name="附表2.xlsx"):
    return QuotaResource().preview(data=data, file_name=name, user=user)


def errors_of(batch):
    return [f"第{r}行 {c}：{m}" for r, c, m in batch.errors]


def current_quotas():
    return {
        (q.county.name, q.unit.name): q.count
        for q in QuotaAllocation.objects.filter(campaign=Campaign.current()).select_related("county", "unit")
    }


def test_the_seed_s_annex2_imports_from_the_printed_layout_and_exports_back_identical(province_user):
    expected = current_quotas()
    assert len(expected) == 39
    campaign = Campaign.current()
    # Given a database without the quotas of three counties and with changed counts elsewhere,
    QuotaAllocation.objects.filter(campaign=campaign, county__name__in=["神池县", "岢岚县", "方山县"]).delete()
    QuotaAllocation.objects.filter(campaign=campaign, county__name="临县").update(count=9)
    data = printed_layout(fixture_rows())

    # when the printed table is imported,
    batch = preview(province_user, data)
    assert errors_of(batch) == []
    assert (batch.total_rows, batch.created_count, batch.updated_count, batch.unchanged_count) == (39, 9, 5, 25)
    staged = {r.key: r.diff for r in batch.rows.filter(action="update")}
    assert staged["临县·山西省发展和改革委员会"] == {"count": [9, 6]}
    QuotaResource().confirm(batch=batch, user=province_user)

    # then the 39 quotas are the notice's,
    assert current_quotas() == expected

    # and the export, read back as printed, carries the fixture's rows exactly.
    exported = annex2_workbook(annex2_quotas(QuotaAllocation.objects.filter(campaign=campaign)))
    sheet = read_printed(exported)
    assert sheet[0][0] == TITLE
    assert sheet[1] == HEADER
    body, total = sheet[2:-1], sheet[-1]
    # 序号 counts from 1 in the export: the database holds counties 14–24 of the notice only.
    assert [(serial + 13, county, unit, count) for serial, county, unit, count in body] == filled(fixture_rows())
    assert total == ["合计", "合计", "合计", 148]


def test_the_export_is_laid_out_for_print(reference_data):
    data = annex2_workbook(annex2_quotas(QuotaAllocation.objects.filter(campaign=Campaign.current())))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    # Title, then 序号 and 县名 over each county's units (岢岚: rows 10–13), and the 合计 label.
    assert {"A1:D1", "A10:A13", "B10:B13", "A42:C42"} <= merged
    assert sheet["B10"].value == "岢岚" and sheet["A10"].value == 3
    assert sheet["D11"].alignment.horizontal == "right"
    assert sheet["C11"].border.left.style == "thin"
    assert sheet.print_title_rows == "$1:$2"
    assert (sheet.page_setup.paperSize, sheet.page_setup.orientation) == (9, "portrait")
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width


def test_re_importing_the_export_changes_nothing(province_user):
    before = current_quotas()
    data = annex2_workbook(annex2_quotas(QuotaAllocation.objects.filter(campaign=Campaign.current())))
    batch = preview(province_user, data)
    assert errors_of(batch) == []
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 0, 39)
    assert current_quotas() == before


def test_rows_absent_from_the_file_are_kept(province_user):
    data = xlsx_bytes([["县名", "派出单位", "名额"], ["岢岚县", "山西省统计局", 7]])
    batch = preview(province_user, data)
    assert errors_of(batch) == []
    QuotaResource().confirm(batch=batch, user=province_user)
    quotas = current_quotas()
    assert quotas[("岢岚县", "山西省统计局")] == 7
    assert len(quotas) == 39


def test_every_error_is_listed_with_its_row_and_column_and_nothing_is_written(province_user):
    before = current_quotas()
    data = xlsx_bytes(
        [
            HEADER,
            [1, "神池", "山西省文化厅", 9],  # row 3: fine
            [None, None, "山西社会主义学院", -1],  # row 4: negative
            [2, "城区", "山西省统计局", 2],  # row 5: two counties are called 城区
            [3, "火星县", "山西省统计局", 2],  # row 6: no such county
            [4, "岢岚", "山西省煤炭地质局", "两"],  # row 7: not a number
            [None, None, "山西省统计局", 2.5],  # row 8: fractional
            [None, None, "山西省国土资源厅", None],  # row 9: empty
            [None, None, "山西省统计局", 3],  # row 10: same unit and county as row 8
        ],
        title=TITLE,
    )
    batch = preview(province_user, data)
    assert errors_of(batch) == [
        "第4行 选派人数：“-1”是负数，选派人数应为 0 或正整数。",
        "第5行 县名：“城区”对应多个县（晋城市城区、阳泉市城区），请写明是哪一个。",
        "第6行 县名：找不到名为“火星县”的县（市、区）。",
        "第7行 选派人数：“两”不是数字。",
        "第8行 选派人数：“2.5”不是整数，选派人数应为整数。",
        "第9行 选派人数：不能为空。",
        "第10行 省直单位：岢岚县的“山西省统计局”与第8行重复。",
    ]
    assert current_quotas() == before


def test_only_the_province_may_import(kelan_user, province_user):
    assert province_user.has_perm("dispatch.import_quotaallocation")
    assert not kelan_user.has_perm("dispatch.import_quotaallocation")


def test_a_quota_changed_since_the_preview_rolls_the_whole_import_back(province_user):
    data = xlsx_bytes([HEADER, [1, "岢岚", "山西省统计局", 7], [None, None, "山西省煤炭地质局", 6]])
    batch = preview(province_user, data)
    assert batch.updated_count == 2
    QuotaAllocation.objects.filter(county__name="岢岚县", unit__name="山西省煤炭地质局").update(count=1)

    with pytest.raises(ImportConflict) as conflict:
        QuotaResource().confirm(batch=batch, user=province_user)

    assert [str(e) for e in conflict.value.errors] == ["第3行 选派人数：预览后已被他人修改（现为 1），请重新上传预览。"]
    assert current_quotas()[("岢岚县", "山西省统计局")] == 6


def test_the_import_pages_serve_the_province_and_refuse_a_county(client, province_user, kelan_user):
    client.force_login(province_user)
    page = client.get("/quotas/import/")
    assert page.status_code == 200
    assert "导入名额分配表（附表2）" in page.content.decode()
    assert "导入到当前选派批次“2015年选派机关优秀干部到村任第一书记”" in page.content.decode()
    upload = io.BytesIO(xlsx_bytes([HEADER, [1, "岢岚", "山西省统计局", 7]]))
    upload.name = "附表2.xlsx"
    response = client.post("/quotas/import/", {"file": upload})
    assert response.status_code == 302
    preview_page = client.get(response["Location"])
    assert "岢岚县·山西省统计局" in preview_page.content.decode()
    done = client.post(response["Location"] + "confirm/")
    assert done.status_code == 302
    assert current_quotas()[("岢岚县", "山西省统计局")] == 7

    client.force_login(kelan_user)
    assert client.get("/quotas/import/").status_code == 403


def test_a_unit_the_system_does_not_know_is_offered_for_creation_and_created_on_confirm(province_user):
    from dispatch.models import DispatchingUnit

    data = xlsx_bytes(
        [HEADER, [1, "岢岚", "山西省林业厅", 3], [2, "神池", "山西省林业厅", 2], [None, None, "山西省文化厅", 8]], title=TITLE
    )
    batch = preview(province_user, data)

    assert batch.errors == []
    staged = list(batch.rows.order_by("row_number", "id").values_list("key", "values"))
    assert staged[0] == (
        "新增单位·山西省林业厅",
        {"new_unit": "山西省林业厅", "name": "新增派出单位：省直、党政机关（导入后可在派出单位页修改）"},
    )
    assert [key for key, _ in staged[1:]] == ["岢岚县·山西省林业厅", "神池县·山西省林业厅"]
    assert not DispatchingUnit.objects.filter(name="山西省林业厅").exists()  # only offered

    QuotaResource().confirm(batch=batch, user=province_user)

    unit = DispatchingUnit.objects.get(name="山西省林业厅")
    assert (unit.level, unit.kind, unit.region.name) == ("province", "party_government", "山西省")
    assert dict(QuotaAllocation.objects.filter(unit=unit).values_list("county__name", "count")) == {"岢岚县": 3, "神池县": 2}


def test_an_offered_unit_created_meanwhile_by_someone_else_rolls_back(province_user):
    from dispatch.models import DispatchingUnit
    from villages.models import Region

    batch = preview(province_user, xlsx_bytes([HEADER, [1, "岢岚", "山西省林业厅", 3]], title=TITLE))
    DispatchingUnit.objects.create(name="山西省林业厅", region=Region.objects.get(code="140000"), level="province", kind="institution")
    with pytest.raises(ImportConflict) as conflict:
        QuotaResource().confirm(batch=batch, user=province_user)
    assert "预览后已有人新增了派出单位“山西省林业厅”" in str(conflict.value.errors[0])
    assert not QuotaAllocation.objects.filter(unit__name="山西省林业厅").exists()
