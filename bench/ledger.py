#!/usr/bin/env python3
"""The province-wide 附表3 writer, measured (bench/demo.py runs it on the demo database it has
just loaded): our writer (`reports.annex_xlsx.write_xlsx`, XlsxWriter in constant-memory mode)
against openpyxl's write-only mode writing the same rows with the same bordered cells, each
twice, alternating; and the province's 附表1 and 附表4 (database aggregates). Prints one JSON
object: seconds and peak Python allocations (tracemalloc) per writer, the rows, the tables' times.

    DATABASE_URL=postgres://…/first_secretary_bench_demo .venv/bin/python bench/ledger.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dispatch.settings")

import django  # noqa: E402

django.setup()

from openpyxl import Workbook  # noqa: E402
from openpyxl.cell import WriteOnlyCell  # noqa: E402
from openpyxl.styles import Alignment, Border, Side  # noqa: E402

from dispatch.models import Campaign, Role, User  # noqa: E402
from reports.annex_xlsx import write_xlsx  # noqa: E402
from reports.annexes import ANNEX3, ledger_rows, statistics_table, summary_table  # noqa: E402
from secretaries.models import PostingEvent  # noqa: E402
from villages.models import deployment_province  # noqa: E402

# The province's ledger as 省委组织部 reads it (everything); an unsaved user is enough for the scope.
READER = User(username="bench", role=Role.PROVINCIAL_ORG)


def ours(campaign, region, out) -> None:
    write_xlsx("3", campaign=campaign, region=region, user=READER, out=out)


def openpyxl_write_only(campaign, region, out) -> None:
    """The same rows and bordered cells (title and header rows left out: they are constant)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("附表3")
    thin = Side(style="thin")
    border, wrap = Border(left=thin, right=thin, top=thin, bottom=thin), Alignment(wrap_text=True, vertical="center")
    keys = [c.key for c in ANNEX3.columns]
    for row in ledger_rows(campaign=campaign, region=region, user=READER):
        cells = []
        for key in keys:
            cell = WriteOnlyCell(ws, value=row.get(key))
            cell.border, cell.alignment = border, wrap
            cells.append(cell)
        ws.append(cells)
    wb.save(out)


def measure(write, campaign, region) -> dict:
    """Time one untraced write, then measure the peak allocations of another under tracemalloc:
    tracing every allocation slows the writer several times over (the 838–933 rows/s this page
    once reported were traced runs; bench/national.py measures both)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        write(campaign, region, out)
        seconds = time.perf_counter() - started
        size = out.tell()
    with tempfile.TemporaryFile() as out:
        tracemalloc.start()
        write(campaign, region, out)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {"seconds": seconds, "peak_mib": peak / 2**20, "bytes": size}


def main() -> None:
    campaign = Campaign.objects.get(is_current=True)
    province = deployment_province()
    rows = sum(1 for _ in ledger_rows(campaign=campaign, region=province, user=READER))
    results = {"rows": rows, "events": PostingEvent.objects.count(), "XlsxWriter constant_memory (ours)": [], "openpyxl write_only": []}
    for _ in range(2):
        results["XlsxWriter constant_memory (ours)"].append(measure(ours, campaign, province))
        results["openpyxl write_only"].append(measure(openpyxl_write_only, campaign, province))
    # The two aggregate tables of the province, best of three.
    for name, build in (("附表1", summary_table), ("附表4", statistics_table)):
        times = []
        for _ in range(3):
            started = time.perf_counter()
            build(campaign=campaign, region=province, user=READER)
            times.append(time.perf_counter() - started)
        results[name] = min(times)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
