"""The village list as an .xlsx file, in the layout the import reads back (villages.columns)."""

from __future__ import annotations

import tempfile
from typing import IO

import xlsxwriter
from django.db.models import QuerySet

from villages.columns import VILLAGE_COLUMNS, village_export_row

CHUNK_SIZE = 2000


def villages_write_xlsx(*, villages: QuerySet, file: IO[bytes]) -> int:
    """Write ``villages`` (already scoped and filtered) to ``file``; returns the row count.

    XlsxWriter's constant-memory mode flushes each row to disk as it is written and the
    queryset is read in chunks, so the whole province (21,895 rows) never sits in memory.
    """
    workbook = xlsxwriter.Workbook(
        file,
        {
            "constant_memory": True,
            # Cell text is data, never a formula, a link or a number (codes keep their digits).
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet("村名单")
    header = workbook.add_format({"bold": True, "bg_color": "#F0F2F4", "border": 1})
    for index, column in enumerate(VILLAGE_COLUMNS):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, column.header, header)
    sheet.freeze_panes(1, 0)
    count = 0
    for village in villages.select_related("county__parent", "township").iterator(chunk_size=CHUNK_SIZE):
        count += 1
        for index, value in enumerate(village_export_row(village)):
            sheet.write_string(count, index, value or "")
    sheet.autofilter(0, 0, count, len(VILLAGE_COLUMNS) - 1)
    workbook.close()
    return count


def villages_xlsx_tempfile(*, villages: QuerySet) -> IO[bytes]:
    """The workbook in an anonymous temporary file, rewound; closing it deletes it."""
    file = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        villages_write_xlsx(villages=villages, file=file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file
