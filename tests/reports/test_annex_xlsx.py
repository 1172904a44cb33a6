"""The annexes as workbooks that print like the paper forms, read back with openpyxl."""

from __future__ import annotations

import io

import openpyxl
import pytest

from dispatch.models import Role, User
from reports.annex_xlsx import write_xlsx
from reports.annexes import ANNEX1, ANNEX3, ANNEX4
from tests.reports.test_annexes import campaign, ledger, region, units  # noqa: F401 (fixtures)

# The workbooks as 省委组织部 reads them (everything); an unsaved user is enough for the scope.
READER = User(username="reader", role=Role.PROVINCIAL_ORG)


def workbook(annex: str, campaign, code: str):  # noqa: F811
    out = io.BytesIO()
    write_xlsx(annex, campaign=campaign, region=region(code), user=READER, out=out)
    out.seek(0)
    return openpyxl.load_workbook(out)


def cell_texts(sheet, row: int) -> list:
    return [c.value for c in sheet[row]]


def merged(sheet) -> set[str]:
    return {str(r) for r in sheet.merged_cells.ranges}


def test_the_ledger_workbook_is_the_printed_form(campaign, ledger):  # noqa: F811
    sheet = workbook("3", campaign, "140929").active
    width = len(ANNEX3.columns)  # 22 columns: A … V
    assert width == 22 and sheet.title == "附表3"
    # Title merged across the table, then the 填报单位 line.
    assert sheet["A1"].value == "选派机关优秀干部到村任第一书记工作台账"
    assert sheet["A1"].font.b and sheet["A1"].alignment.horizontal == "center"
    assert {"A1:V1", "A2:V2"} <= merged(sheet)
    assert sheet["A2"].value.startswith("填报单位（盖章）：岢岚县委组织部")
    assert "填报时间：" in sheet["A2"].value and "年" in sheet["A2"].value
    # Two header rows: the 村类型 group over its three columns, the other columns over both rows.
    upper, lower = cell_texts(sheet, 3), cell_texts(sheet, 4)
    assert upper[:6] == ["序号", "市", "县（市、区）", "乡（镇）", "村", "村类型"]
    assert lower[5:8] == ["党组织软弱涣散村", "建档立卡贫困村", "两类兼有"]
    assert upper[8:] == [
        "姓名",
        "性别",
        "民族",
        "出生年月",
        "政治面貌",
        "学历",
        "派出单位",
        "派出单位层级",
        "现任职务（职级）",
        "干部类别",
        "任职时间（到村时间）",
        "任期",
        "联系电话",
        "备注",
    ]
    assert "F3:H3" in merged(sheet)
    assert {"A3:A4", "E3:E4", "I3:I4", "V3:V4"} <= merged(sheet)
    assert sheet["F3"].border.left.style == "thin" and sheet["A4"].border.bottom.style == "thin"
    # The rows: five counted postings, numbered, with √ marks and hand-written dates.
    rows = [cell_texts(sheet, r) for r in range(5, 10)]
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]  # 序号: number cells, as Excel sorts and sums them
    wang = next(r for r in rows if r[8] == "王秀英")
    assert wang[1:5] == ["忻州市", "岢岚县", ledger["k_weak"].village.township.name, ledger["k_weak"].village.name]
    assert [v or "" for v in wang[5:8]] == ["√", "", ""]
    assert (wang[11], wang[15], wang[18]) == ("1979.08", "县直机关", "2015.08")
    assert all(sheet.cell(r, c).border.top.style == "thin" for r in range(5, 10) for c in range(1, width + 1))
    # Nothing after the rows but a blank line and the signature footer.
    assert sheet["A10"].value in (None, "")
    assert sheet["A11"].value.replace("　", "").replace(" ", "") == "填表人：联系电话：审核人（部长签字）："
    assert "A11:V11" in merged(sheet)
    # Printing: A4 landscape, one page wide, the header rows on every page.
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize in (9, "9")
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # fitToWidth is left out when it is 1, the default of the file format.
    assert (int(sheet.page_setup.fitToWidth or 1), int(sheet.page_setup.fitToHeight)) == (1, 0)
    assert sheet.print_title_rows == "$3:$4"
    assert sheet.column_dimensions["O"].width > sheet.column_dimensions["J"].width  # 派出单位 wider than 性别


def test_the_statistics_workbook_has_numbers_right_aligned_and_a_bold_total(campaign, ledger):  # noqa: F811
    sheet = workbook("4", campaign, "140900").active
    last = len(ANNEX4.columns)
    assert sheet["A1"].value == ANNEX4.title
    assert cell_texts(sheet, 3)[:3] == ["地区（单位）", "选派总数", "按派出单位"]
    assert cell_texts(sheet, 4)[2:7] == ["中央单位", "省直机关", "市直机关", "县直机关", "国有企业、事业单位"]
    # 忻州市's 15 counties, then 合计.
    counties = [cell_texts(sheet, r)[0] for r in range(5, 20)]
    assert counties[0] == "忻府区" and "岢岚县" in counties
    total = cell_texts(sheet, 20)
    assert total[:2] == ["合计", 7]
    assert sheet.cell(20, 1).font.b and sheet.cell(20, 2).font.b
    assert sheet.cell(6, 2).alignment.horizontal == "right" and not sheet.cell(6, 2).font.b
    kelan = next(r for r in range(5, 20) if sheet.cell(r, 1).value == "岢岚县")
    assert sheet.cell(kelan, 2).value == 5
    assert sheet.cell(21, 1).value == "注：年龄按 2015年8月15日 计算。"
    assert sheet.cell(23, 1).value.startswith("填表人：")
    assert sheet.max_column == last


def test_the_provinces_summary_workbook_has_city_subtotals_and_the_provincial_total(campaign, ledger):  # noqa: F811
    sheet = workbook("1", campaign, "140000").active
    assert sheet["A1"].value == "全省“两类村”汇总统计情况表"
    assert cell_texts(sheet, 3) == [c.label for c in ANNEX1.columns]
    labels = {sheet.cell(r, 1).value: r for r in range(4, sheet.max_row + 1)}
    xinzhou = labels["忻州市小计"]
    assert f"A{xinzhou}:C{xinzhou}" in merged(sheet)
    assert [sheet.cell(xinzhou, c).value for c in range(4, 10)][1:5] == [3, 7, 2, 8]
    total = labels["全省合计"]
    assert sheet.cell(total, 4).value == 21895 and sheet.cell(total, 8).value == 9
    assert sheet.cell(total, 1).font.b
    assert sheet.print_title_rows == "$3:$3"


def test_an_unknown_annex_is_refused(campaign):  # noqa: F811
    with pytest.raises(ValueError):
        write_xlsx("2", campaign=campaign, region=region("140929"), user=READER, out=io.BytesIO())


def test_the_downloaded_ledger_prints_title_headers_and_footer_on_its_first_page(client, kelan_user, campaign, ledger, tmp_path):  # noqa: F811
    """LibreOffice (Debian's libreoffice-calc) prints the workbook to PDF; the first page carries
    the title, both header rows and the signature footer. Page 1 is also saved as an image in
    test-artifacts/annex3-page1.png for a person to look at."""
    import shutil
    import subprocess
    from pathlib import Path

    if not (shutil.which("libreoffice") and shutil.which("pdftotext")):
        pytest.fail("libreoffice-calc and poppler-utils are needed: run `make browser-deps`")
    client.force_login(kelan_user)
    response = client.get("/annexes/3/xlsx/")
    assert response.status_code == 200
    xlsx = tmp_path / "annex3.xlsx"
    xlsx.write_bytes(b"".join(response.streaming_content))
    # A profile of its own, so that parallel runs (and a desktop LibreOffice) do not clash.
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    subprocess.run(
        ["libreoffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "annex3.pdf"
    assert pdf.exists()
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(artifacts / "annex3-page1")], check=True
    )
    assert (artifacts / "annex3-page1.png").stat().st_size > 0
    text = subprocess.run(["pdftotext", "-raw", "-f", "1", "-l", "1", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    flat = "".join(text.split())
    assert "选派机关优秀干部到村任第一书记工作台账" in flat
    assert "填报单位（盖章）：岢岚县委组织部" in flat
    for upper in ("序号", "村类型", "姓名", "出生年月", "派出单位层级", "干部类别", "联系电话", "备注"):
        assert upper in flat
    for lower in ("党组织软弱涣散村", "建档立卡贫困村", "两类兼有"):
        assert lower in flat
    assert "王秀英" in flat and "1979.08" in flat
    assert "填表人：" in flat and "联系电话：" in flat and "审核人（部长签字）：" in flat
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    width, height = (float(v) for v in next(line for line in info.splitlines() if line.startswith("Page size")).split()[2:5:2])
    assert width > height  # landscape
