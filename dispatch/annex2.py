"""附表2 省直单位选派机关优秀干部到村任第一书记名额分配表, laid out as the notice prints it.

One layout for both directions: the import (dispatch.quota_resources) reads these columns and
their variants, the export writes them — a title row, the header, one row per unit with 序号
and 县名 merged over each county's units, and a 合计 row — ready to print on A4.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from itertools import groupby

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core.columns import NAME, Column, RegionName, Text, WholeNumber, escape_formula
from dispatch.models import QuotaAllocation
from villages.models import Region
from villages.selectors import region_short_name

TITLE = "省直单位选派机关优秀干部到村任第一书记名额分配表"
ANNEX_LABEL = "附表2"

ANNEX2_COLUMNS = [
    Column("serial", "序号", ("编号",), parser=Text(kind="code"), width=8, example="1"),
    Column(
        "county",
        "县名",
        ("县", "县（市、区）", "县区", "县（区）"),
        required=True,
        parser=RegionName((Region.Level.COUNTY,)),
        width=14,
        example="岢岚县",
    ),
    Column(
        "unit",
        "省直单位",
        ("派出单位", "单位", "单位名称", "省直单位名称"),
        required=True,
        parser=NAME,
        width=44,
        example="山西省国土资源厅",
    ),
    Column("count", "选派人数", ("名额", "人数", "选派名额"), required=True, parser=WholeNumber("选派人数"), width=12, example="5"),
]

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
HEADER_ROW = 2  # the title is row 1


def annex2_quotas(quotas) -> list[QuotaAllocation]:
    """The order of the printed table: counties by division code, each county's units in the
    order their quotas were set (the notice's own order for the 2015 rows)."""
    return list(quotas.select_related("county", "unit").order_by("county__code", "pk"))


def annex2_workbook(quotas: Iterable[QuotaAllocation], *, campaign_name: str = "") -> bytes:
    """The .xlsx of 附表2 for ``quotas`` (already in annex2_quotas order)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ANNEX_LABEL
    width = len(ANNEX2_COLUMNS)
    last = get_column_letter(width)

    sheet.append([TITLE])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(name="宋体", size=16, bold=True)
    sheet["A1"].alignment = CENTER
    sheet.row_dimensions[1].height = 36

    sheet.append([c.header for c in ANNEX2_COLUMNS])
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(name="黑体", size=12, bold=True)
        cell.alignment = CENTER
        cell.border = BORDER
    sheet.row_dimensions[HEADER_ROW].height = 24

    row = HEADER_ROW
    total = 0
    by_county = groupby(quotas, key=lambda q: q.county_id)
    for serial, (_, group) in enumerate(by_county, start=1):
        group = list(group)
        first = row + 1
        for i, quota in enumerate(group):
            row += 1
            county = region_short_name(quota.county.name) if i == 0 else None
            # Text goes through the one escaping rule: openpyxl stores any text starting with "=" as
            # a formula (a unit named =HYPERLINK(...) would be a live link in the printed 附表2).
            sheet.append([serial if i == 0 else None, escape_formula(county), escape_formula(quota.unit.name), quota.count])
            total += quota.count
        if len(group) > 1:
            sheet.merge_cells(start_row=first, end_row=row, start_column=1, end_column=1)
            sheet.merge_cells(start_row=first, end_row=row, start_column=2, end_column=2)
    row += 1
    sheet.append(["合计", None, None, total])
    sheet.merge_cells(start_row=row, end_row=row, start_column=1, end_column=width - 1)

    body = Font(name="宋体", size=12)
    for cells in sheet.iter_rows(min_row=HEADER_ROW + 1, max_row=row, max_col=width):
        for cell in cells:
            cell.font = body
            cell.border = BORDER
            cell.alignment = {1: CENTER, 2: CENTER, 3: LEFT, 4: RIGHT}[cell.column]
    for cell in sheet[row]:
        cell.font = Font(name="宋体", size=12, bold=True)
    sheet.cell(row, 1).alignment = CENTER

    for i, column in enumerate(ANNEX2_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"1:{HEADER_ROW}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.6
    sheet.oddHeader.left.text = ANNEX_LABEL
    if campaign_name:
        sheet.oddFooter.left.text = campaign_name
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
