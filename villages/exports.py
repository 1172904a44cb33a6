"""The village list as an .xlsx file, in the layout its import reads back."""

from __future__ import annotations

from typing import IO

from django.db.models import QuerySet

from core.exports import CHUNK_SIZE, list_xlsx_tempfile
from villages.columns import VILLAGE_COLUMNS, village_export_row


def villages_xlsx_tempfile(*, villages: QuerySet) -> IO[bytes]:
    """``villages`` (already scoped and filtered) as the village list."""
    rows = (village_export_row(v) for v in villages.select_related("county__parent", "township").iterator(chunk_size=CHUNK_SIZE))
    return list_xlsx_tempfile(columns=VILLAGE_COLUMNS, rows=rows, sheet_name="村名单")
