"""The allowance workbooks in their printed layout (A4 landscape, title, one row per line, the
total, the signature line), written like the monthly work summary (tenure.exports): the
statement of one unit's month, and a year's total per secretary. Every text cell goes through
core.columns.escape_formula and is written as text: a name is never a formula."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from typing import IO

import xlsxwriter

from core.columns import escape_formula
from tenure.allowances.models import AllowanceLine, AllowanceStatement
from tenure.allowances.selectors import YearRow, total

MONEY = "#,##0.00"

STATEMENT_COLUMNS = [
    ("序号", 5),
    ("姓名", 9),
    ("派驻村", 20),
    ("所属月份", 10),
    ("类别", 10),
    ("在岗天数", 7),
    ("生活（元/天）", 8),
    ("交通（元/天）", 8),
    ("通讯（元/天）", 8),
    ("生活补贴", 10),
    ("交通补贴", 10),
    ("通讯补贴", 10),
    ("应发金额", 11),
    ("已发金额", 11),
    ("本次发放", 11),
    ("领取人签字", 12),
]
SIGNATURE = ["制表人：", "单位负责人（签字）：", "财务负责人（签字）：", "（单位盖章）　　年　　月　　日"]


def _tempfile(write: Callable[[IO[bytes]], None]) -> IO[bytes]:
    file = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        write(file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file


class _Sheet:
    """One printed sheet: formats, the title, the header, the signature line, the page setup."""

    def __init__(self, file, name: str, columns: Sequence[tuple[str, int]]):
        self.workbook = xlsxwriter.Workbook(file, {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
        self.sheet = self.workbook.add_worksheet(name)
        self.columns = columns
        self.last = len(columns) - 1
        font = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        add = self.workbook.add_format
        self.title = add({**font, "font_name": "黑体", "font_size": 16, "bold": True, "align": "center"})
        self.plain = add(font)
        self.head = add({**font, "bold": True, "align": "center", "border": 1, "bg_color": "#F2F2F2", "text_wrap": True})
        self.text = add({**font, "border": 1, "text_wrap": True})
        self.number = add({**font, "border": 1, "align": "right"})
        self.money = add({**font, "border": 1, "align": "right", "num_format": MONEY})
        self.bold_text = add({**font, "border": 1, "bold": True})
        self.bold_money = add({**font, "border": 1, "bold": True, "align": "right", "num_format": MONEY})
        for index, (_, width) in enumerate(columns):
            self.sheet.set_column(index, index, width)

    def header(self, title: str, facts: str) -> int:
        self.sheet.merge_range(0, 0, 0, self.last, escape_formula(title), self.title)
        self.sheet.set_row(0, 30)
        self.sheet.merge_range(1, 0, 1, self.last, escape_formula(facts), self.plain)
        row = 3
        for index, (name, _) in enumerate(self.columns):
            self.sheet.write_string(row, index, name, self.head)
        self.sheet.set_row(row, 30)
        self.sheet.repeat_rows(row)
        return row + 1

    def text_cell(self, row: int, col: int, value: str, fmt=None) -> None:
        self.sheet.write_string(row, col, escape_formula(str(value)), fmt or self.text)

    def signatures(self, row: int) -> None:
        row += 1
        step = max(1, (self.last + 1) // len(SIGNATURE))
        for index, label in enumerate(SIGNATURE):
            self.sheet.write_string(row, index * step, label, self.plain)

    def close(self) -> None:
        self.sheet.set_paper(9)  # A4
        self.sheet.set_landscape()
        self.sheet.fit_to_pages(1, 0)
        self.sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        self.sheet.set_footer("&C第 &P 页，共 &N 页")
        self.workbook.close()


def _place(posting) -> str:
    village = posting.village
    return "".join(r.name for r in (village.county, village.township) if r) + village.name


def statement_xlsx_tempfile(statement: AllowanceStatement, lines: Sequence[AllowanceLine]) -> IO[bytes]:
    """The unit's monthly statement, rewound in an anonymous temporary file."""
    return _tempfile(lambda file: _write_statement(file, statement, lines))


def _write_statement(file, statement: AllowanceStatement, lines: Sequence[AllowanceLine]) -> None:
    out = _Sheet(file, f"{statement.year}年{statement.month}月", STATEMENT_COLUMNS)
    state = f"已于{statement.paid_on:%Y年%m月%d日}发放" if statement.is_paid else "待发放"
    facts = f"派出单位：{statement.unit.name}　　制表日期：{statement.prepared_at:%Y年%m月%d日}　　状态：{state}　　单位：元"
    row = out.header(f"{statement.unit.name}{statement.title}", facts)
    for index, line in enumerate(lines, start=1):
        out.sheet.write_number(row, 0, index, out.number)
        out.text_cell(row, 1, line.posting.cadre.name)
        out.text_cell(row, 2, _place(line.posting))
        out.text_cell(row, 3, f"{line.year}年{line.month}月")
        out.text_cell(row, 4, line.get_kind_display())
        out.sheet.write_number(row, 5, line.days, out.number)
        for col, value in enumerate(
            (
                line.living_daily,
                line.transport_daily,
                line.communication_daily,
                line.living_amount,
                line.transport_amount,
                line.communication_amount,
                line.gross,
                line.previously,
                line.amount,
            ),
            start=6,
        ):
            out.sheet.write_number(row, col, float(value), out.money)
        out.text_cell(row, 15, "")
        row += 1
    if not lines:
        out.sheet.merge_range(row, 0, row, out.last, "本月没有应发放的补贴。", out.text)
        row += 1
    out.sheet.merge_range(row, 0, row, 13, "合计", out.bold_text)
    out.sheet.write_number(row, 14, float(total(lines)), out.bold_money)
    out.text_cell(row, 15, "", out.bold_text)
    row += 1
    out.sheet.merge_range(
        row,
        0,
        row,
        out.last,
        "说明：在岗天数为乡镇党委确认的当月在村天数与公务外出天数之和；更正行为月度在岗情况重新确认后的差额。",
        out.plain,
    )
    out.signatures(row + 1)
    out.close()


YEAR_COLUMNS = [
    ("序号", 5),
    ("姓名", 9),
    ("派驻村", 22),
    ("派出单位", 20),
    *((f"{m}月", 9) for m in range(1, 13)),
    ("在岗天数", 8),
    ("全年合计", 11),
]


def year_xlsx_tempfile(year: int, rows: Sequence[YearRow], *, scope_label: str) -> IO[bytes]:
    """A year's total per secretary (amounts by month as paid, corrections included)."""
    return _tempfile(lambda file: _write_year(file, year, rows, scope_label))


def _write_year(file, year: int, rows: Sequence[YearRow], scope_label: str) -> None:
    out = _Sheet(file, f"{year}年", YEAR_COLUMNS)
    row = out.header(f"{year}年第一书记生活、交通、通讯补贴年度汇总表", f"范围：{scope_label}　　单位：元")
    for index, item in enumerate(rows, start=1):
        out.sheet.write_number(row, 0, index, out.number)
        out.text_cell(row, 1, item.posting.cadre.name)
        out.text_cell(row, 2, _place(item.posting))
        out.text_cell(row, 3, item.posting.unit.name)
        for month in range(1, 13):
            if month in item.months:
                out.sheet.write_number(row, 3 + month, float(item.months[month]), out.money)
            else:
                out.text_cell(row, 3 + month, "")
        out.sheet.write_number(row, 16, item.total_days, out.number)
        out.sheet.write_number(row, 17, float(item.amount), out.money)
        row += 1
    out.sheet.merge_range(row, 0, row, 16, "合计", out.bold_text)
    out.sheet.write_number(row, 17, float(sum((r.amount for r in rows), total([]))), out.bold_money)
    out.signatures(row + 1)
    out.close()
