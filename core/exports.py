"""Lists as .xlsx files in the layout their imports read back (core.columns.Column)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from typing import IO

import xlsxwriter

from core.columns import Column, escape_formula

CHUNK_SIZE = 2000


def list_xlsx_tempfile(*, columns: Sequence[Column], rows: Iterable[Sequence], sheet_name: str) -> IO[bytes]:
    """One sheet with a frozen, filterable header and one row per item, in an anonymous temporary
    file, rewound (closing it deletes it). XlsxWriter's constant-memory mode flushes each row as it
    is written, so a province-wide list never sits in memory; every cell is text, never a
    formula, a link or a number (codes keep their digits; the rows escape formula-like text)."""
    file = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        workbook = xlsxwriter.Workbook(
            file, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        )
        sheet = workbook.add_worksheet(sheet_name)
        header = workbook.add_format({"bold": True, "bg_color": "#F0F2F4", "border": 1})
        for index, column in enumerate(columns):
            sheet.set_column(index, index, column.width)
            sheet.write_string(0, index, column.header, header)
        sheet.freeze_panes(1, 0)
        count = 0
        for row in rows:
            count += 1
            for index, value in enumerate(row):
                sheet.write_string(count, index, escape_formula(value or ""))
        sheet.autofilter(0, 0, count, len(columns) - 1)
        workbook.close()
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file
