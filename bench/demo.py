#!/usr/bin/env python3
"""The demo load benchmark (`make bench` runs it after the import benchmark): how long
``manage.py load_demo`` takes on a fresh database — SQLite, what `make run` uses, and
PostgreSQL — with the reference data loaded first. Target of issue #5: under a minute.

Each database is created afresh, migrated and given the reference data (not timed); then
``load_demo`` runs in a child process, timed with its peak memory. On the PostgreSQL demo
database, bench/ledger.py then times the province-wide 附表3 writers (ours, XlsxWriter in
constant-memory mode, against openpyxl's write-only mode). The figures replace the section
between the demo markers in docs/performance.md.

    .venv/bin/python bench/demo.py            # both databases, rewrites the section
    .venv/bin/python bench/demo.py --sqlite   # SQLite only, prints, no rewrite
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DB = "first_secretary_bench_demo"
BEGIN, END = "<!-- demo:begin -->", "<!-- demo:end -->"
TARGET_SECONDS = 60
LOAD_AT_START = os.getloadavg()[0]  # other work on the machine slows every figure here


def manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_ENV": "development"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)


# Runs a command and prints the peak RSS (KiB) of that command alone.
PEAK_OF = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"  # noqa: E501


def measure(database_url: str) -> dict:
    manage(database_url, "migrate", "--noinput", "-v0")
    manage(database_url, "load_reference_data")
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_ENV": "development"}
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", PEAK_OF, sys.executable, "manage.py", "load_demo", "--quiet-accounts"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    *output, peak_kib = run.stdout.strip().splitlines()
    return {"seconds": seconds, "peak_mib": int(peak_kib) / 1024, "output": "\n".join(output)}


def postgres_url() -> str:
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", PG_DB], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DB], check=True)
    return f"{PG}/{PG_DB}"


def ledger_writers(database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_ENV": "development"}
    run = subprocess.run([sys.executable, "bench/ledger.py"], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(run.stdout)


def render(results: dict[str, dict], writers: dict | None) -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
        platform.processor(),
    )
    events = f", {writers['events']:,} events" if writers else ""
    lines = [
        BEGIN,
        "## Demo load and the province-wide annexes (issues #5 and #6)",
        "",
        f"`make bench` ({Path(__file__).name}), {datetime.date.today():%Y-%m-%d}, on {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}:",  # noqa: E501
        "`manage.py load_demo` on a fresh database holding the reference data — 9,557 cadres applied,",
        "9,395 walked through apply → qualify → recommend → (approve) → file → assign → take office by",
        f"the services{events}, then 岢岚县's 2016 in office (diaries, leave, inspections, confirmed months,",
        "assessments, allowances, training, a work team) and the province's last week of diaries.",
        f"Target: under a minute. The machine's load average when the benchmark started: {LOAD_AT_START:.1f}.",
        "",
        "| database | seconds | peak memory of the process | target met |",
        "|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {r['seconds']:.1f} | {r['peak_mib']:.0f} MiB | {'yes' if r['seconds'] < TARGET_SECONDS else 'no'} |")
    lines += [
        "",
        "Each action runs once per acting user (a unit's HR for its own candidates, a county for the",
        "postings into it) through `postings_perform`: one lock query per thousand postings, one",
        "UPDATE and one INSERT of events per two thousand. The first batched version took six",
        "minutes: each batch read every covered village of the province, and `bulk_update`'s CASE",
        "expressions cost three of them; facts read per county, `core.bulk.update_rows` and",
        "events inserted from arrays brought it to half a minute. The time in office and the audit",
        "trail then took it to 90 s; the walk's batches now share one `Facts` (each county read once,",
        "not once per acting user), `core.bulk.insert_rows` runs one prepared INSERT over the rows on",
        "SQLite instead of building a model instance per row, and the demo password is hashed once.",
    ]
    if writers:
        lines += [
            "",
            f"### 附表3 for the whole province: {writers['rows']:,} rows, 22 bordered columns",
            "",
            "Written into a temporary file from the demo database, twice each, alternating, timed without",
            "tracing; peak is Python's own allocations (tracemalloc) during one more, traced write. Ours also",
            "writes the title, the two-level header, the footer and fitted row heights; the openpyxl variant only the rows.",
            "",
            "| writer | best of 2 | rows/s | peak allocations | file |",
            "|---|---|---|---|---|",
        ]
        for name in ("XlsxWriter constant_memory (ours)", "openpyxl write_only"):
            best = min(writers[name], key=lambda r: r["seconds"])
            lines.append(
                f"| {name} | {best['seconds']:.1f} s | {writers['rows'] / best['seconds']:,.0f} | {best['peak_mib']:.1f} MiB | {best['bytes'] / 2**10:,.0f} KiB |"  # noqa: E501
            )
        lines += [
            "",
            f"The province's 附表1 takes {writers['附表1'] * 1000:.0f} ms and its 附表4 {writers['附表4'] * 1000:.0f} ms (best of three; each a",  # noqa: E501
            "database aggregate over the demo's postings and villages).",
        ]
    lines.append(END)
    return "\n".join(lines)


def write_doc(section: str) -> None:
    text = DOC.read_text()
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", action="store_true", help="SQLite only; print, do not rewrite docs/performance.md")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite (`make run`)"] = measure(f"sqlite:///{tmp}/demo.sqlite3")
    writers = None
    if not args.sqlite:
        url = postgres_url()
        results["PostgreSQL 15"] = measure(url)
        writers = ledger_writers(url)
        print(json.dumps(writers))
    for name, r in results.items():
        print(f"{name}: {r['seconds']:.1f} s, peak {r['peak_mib']:.0f} MiB — {r['output'].splitlines()[-1]}")
    if not args.sqlite:
        write_doc(render(results, writers))


if __name__ == "__main__":
    main()
