"""附表1, 附表3 and 附表4 as .xlsx workbooks that print like the paper form.

Laid out from the one declaration in reports.annexes: the title merged across the table, the
填报单位（盖章）/填报时间 line, the header (two levels with merged group cells where the layout
has groups), the rows with borders on every cell, 小计/合计 in bold, then the signature footer
填表人 / 联系电话 / 审核人（部长签字）. A4 landscape, fitted to the page width, the header rows
repeated on every printed page.

Written with XlsxWriter in constant-memory mode: each row goes to disk as soon as the next one
starts, so the province-wide ledger (附表3) streams from ``ledger_rows`` to the file without
ever being held in memory. That mode needs every row written in order, top to bottom; the one
place it matters is the two-row header, see ``_write_header``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

import xlsxwriter
from django.utils.formats import date_format

from core.columns import escape_formula
from dispatch.models import Campaign, User
from reports.annexes import LAYOUTS, Layout, department_name, ledger_rows, statistics_table, summary_table
from villages.models import Region

FONT = "宋体"
TITLE_ROW, STAMP_ROW, HEADER_ROW = 0, 1, 2


class _Formats:
    def __init__(self, workbook: xlsxwriter.Workbook):
        base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
        cell = {**base, "border": 1, "text_wrap": True}
        self.title = workbook.add_format({**base, "font_size": 16, "bold": True, "align": "center"})
        self.stamp = workbook.add_format({**base, "font_size": 11, "align": "left"})
        self.footer = workbook.add_format({**base, "font_size": 11, "align": "left"})
        self.note = workbook.add_format({**base, "font_size": 10, "align": "left", "text_wrap": True})
        self.header = workbook.add_format({**cell, "bold": True, "align": "center", "bg_color": "#F2F2F2"})
        self.cells = {}
        for bold in (False, True):
            for align in ("left", "center", "right"):
                fmt = {**cell, "align": align, "bold": bold}
                if align == "right":
                    fmt["num_format"] = "#,##0"
                self.cells[align, bold] = workbook.add_format(fmt)

    def cell(self, align: str, bold: bool = False):
        return self.cells[align, bold]


def _write_header(sheet, layout: Layout, formats: _Formats) -> int:
    """Write the header rows from HEADER_ROW; returns the last header row.

    A column without a group spans both header rows. In constant-memory mode ``merge_range``
    would write the cell below before the rest of the upper row (and flush the upper row
    half-written), so the upper row is written whole, then the lower one, and only then are the
    vertical ranges declared — XlsxWriter keeps declared ranges in ``sheet.merge`` and writes
    them at the end of the sheet, where merges belong."""
    header = layout.header_rows()
    last = HEADER_ROW + len(header) - 1
    vertical = []
    for offset, cells in enumerate(header):
        row = HEADER_ROW + offset
        for cell in cells:
            col = cell["col"]
            if cell["colspan"] > 1:
                sheet.merge_range(row, col, row, col + cell["colspan"] - 1, cell["label"], formats.header)
            else:
                sheet.write_string(row, col, cell["label"], formats.header)
            if cell["rowspan"] > 1:
                vertical.append(col)
        if offset == 1:
            for col in vertical:
                sheet.write_blank(row, col, None, formats.header)
    for col in vertical:
        sheet.merge.append([HEADER_ROW, col, last, col])
    sheet.set_row(HEADER_ROW, 30 if len(header) == 1 else 24)
    if len(header) > 1:
        sheet.set_row(last, 66)
    return last


LINE_HEIGHT = 13.5  # points per line of 10-point text


def _display_width(text: str) -> int:
    """Width in Excel character units: a CJK character (three bytes in UTF-8) takes two, an ASCII
    one (one byte) takes one — counted in C rather than character by character."""
    return (len(text.encode("utf-8")) + len(text)) // 2


def _row_height(layout: Layout, values: dict, start: int) -> float:
    """Row heights are not fitted to wrapped text when LibreOffice (or Excel) opens a file that
    does not give them, so the writer estimates the lines of the fullest cell."""
    lines = 1
    for column in layout.columns[start:]:
        text = values.get(column.key, "")
        if isinstance(text, str) and text:
            usable = max(1.0, column.width - 1)
            lines = max(lines, -(-_display_width(text) // int(usable)))
    return lines * LINE_HEIGHT + 3


def _write_row(sheet, row: int, layout: Layout, formats: _Formats, values: dict, *, label: str = "", bold: bool = False) -> None:
    start = 0
    sheet.set_row(row, _row_height(layout, values, layout.label_span if label else 0))
    if label:
        span = layout.label_span
        if span > 1:
            sheet.merge_range(row, 0, row, span - 1, escape_formula(label), formats.cell("center", True))
        else:
            sheet.write_string(row, 0, escape_formula(label), formats.cell("center", True))
        start = span
    for col, column in enumerate(layout.columns[start:], start=start):
        value = values.get(column.key, "")
        fmt = formats.cell(column.align, bold)
        if isinstance(value, int) and not isinstance(value, bool):
            # Counts, and 序号 and ages too: a number cell, which Excel sorts and sums as one.
            sheet.write_number(row, col, value, fmt)
        elif value is None or value == "":
            sheet.write_blank(row, col, None, fmt)  # the border without an empty string to write
        else:
            sheet.write_string(row, col, escape_formula(str(value)), fmt)


def _start(out: IO[bytes], layout: Layout, region: Region, title: str):
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    workbook.set_properties({"title": f"{layout.label} {title}", "company": department_name(region)})
    sheet = workbook.add_worksheet(layout.label)
    formats = _Formats(workbook)
    width = len(layout.columns)
    for col, column in enumerate(layout.columns):
        sheet.set_column(col, col, column.width)
    sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, width - 1, escape_formula(title), formats.title)
    sheet.set_row(TITLE_ROW, 32)
    sheet.merge_range(STAMP_ROW, 0, STAMP_ROW, width - 1, layout.stamp_line.format(unit=department_name(region)), formats.stamp)
    sheet.set_row(STAMP_ROW, 22)
    last_header = _write_header(sheet, layout, formats)

    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # one page wide, as many long as it takes
    sheet.repeat_rows(HEADER_ROW, last_header)
    sheet.center_horizontally()
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_header(f"&L{layout.label}")
    sheet.set_footer("&C第 &P 页，共 &N 页")
    sheet.freeze_panes(last_header + 1, 0)
    return workbook, sheet, formats, last_header


def _finish(workbook, sheet, layout: Layout, formats: _Formats, last_row: int) -> None:
    footer_row = last_row + 2
    sheet.merge_range(footer_row, 0, footer_row, len(layout.columns) - 1, layout.footer, formats.footer)
    sheet.set_row(footer_row, 24)
    workbook.close()


def _write_ledger(out: IO[bytes], *, campaign: Campaign, region: Region, user: User, rows: Iterable[dict] | None = None) -> int:
    layout = LAYOUTS["3"]
    workbook, sheet, formats, row = _start(out, layout, region, layout.title_for(region))
    count = 0
    for values in rows if rows is not None else ledger_rows(campaign=campaign, region=region, user=user):
        row += 1
        count += 1
        _write_row(sheet, row, layout, formats, values)
    _finish(workbook, sheet, layout, formats, row)
    return count


def _write_table(out: IO[bytes], table) -> None:
    layout = table.layout
    workbook, sheet, formats, row = _start(out, layout, table.region, table.title)
    for item in table.rows:
        row += 1
        _write_row(sheet, row, layout, formats, item.values, label=item.label, bold=item.is_total)
    if table.reference_date:
        row += 1
        note = f"注：年龄按 {date_format(table.reference_date)} 计算。"
        sheet.merge_range(row, 0, row, len(layout.columns) - 1, note, formats.stamp)
    for note in table.notes:
        row += 1
        sheet.merge_range(row, 0, row, len(layout.columns) - 1, note, formats.note)
        sheet.set_row(row, 30)
    _finish(workbook, sheet, layout, formats, row)


def write_xlsx(annex: str, *, campaign: Campaign, region: Region, user: User, out: IO[bytes]) -> None:
    """Write 附表``annex`` ("1", "3" or "4") of ``campaign`` for ``region`` (province, city or
    county; the caller has checked it is in the user's scope), as ``user`` sees it, as a
    workbook to the binary file object ``out``."""
    if annex == "3":
        _write_ledger(out, campaign=campaign, region=region, user=user)
    elif annex == "1":
        _write_table(out, summary_table(campaign=campaign, region=region, user=user))
    elif annex == "4":
        _write_table(out, statistics_table(campaign=campaign, region=region, user=user))
    else:
        raise ValueError(f"no annex {annex!r}: expected one of 1, 3, 4")
