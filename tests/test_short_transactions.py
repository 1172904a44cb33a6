"""Write transactions stay short: what can be read before the transaction is read before it.

On SQLite a write transaction holds the database's one write lock from its first statement
(settings: transaction_mode IMMEDIATE): every other writer waits for it. The import preview
checks every row of the file and writes each checked chunk's staged rows in a short write of
its own; a ledger submission reads the ledger and writes two workbooks before its transaction
begins.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.services import county_submit
from tests.reports.test_submissions import campaign, categories, kelan_postings, media  # noqa: F401  (fixtures)
from tests.spreadsheets import xlsx_bytes
from villages.models import Village
from villages.resources import VillageResource

pytestmark = pytest.mark.django_db


def inside_outer_transaction(queries: list[dict]) -> list[str]:
    """The SQL run inside the outermost transaction (a savepoint here: each test runs in one)."""
    inside, depth = [], 0
    for sql in (q["sql"] for q in queries):
        if re.match(r"\s*SAVEPOINT", sql):
            depth += 1
        elif re.match(r"\s*RELEASE SAVEPOINT", sql):
            depth -= 1
        elif re.match(r"\s*ROLLBACK TO SAVEPOINT", sql):
            continue
        elif depth:
            inside.append(sql)
    return inside


def test_an_import_preview_reads_no_village_inside_a_write_transaction(province_user):
    villages = Village.objects.filter(code__startswith="140929").select_related("county", "township").order_by("code")[:50]
    header = ["统计用区划代码", "县（市、区）", "乡（镇）", "村名", "党组织软弱涣散村", "建档立卡贫困村"]
    data = xlsx_bytes([header] + [[v.code, v.county.name, v.township.name, v.name, "是", "否"] for v in villages])
    with CaptureQueriesContext(connection) as queries:
        batch = VillageResource().preview(data=data, file_name="岢岚县.xlsx", user=province_user)
    assert batch.updated_count == 50 and batch.rows.count() == 50
    sql = [q["sql"] for q in queries.captured_queries]
    assert [s for s in sql if s.lstrip().startswith("SELECT") and 'FROM "villages_village"' in s], "the rows were checked"
    assert [s for s in sql if 'INSERT INTO "villages_importrow"' in s], "and staged"
    inside = inside_outer_transaction(queries.captured_queries)
    assert not [s for s in inside if "villages_village" in s], inside


def test_a_submission_reads_its_ledger_before_the_write_transaction(kelan_postings, campaign, kelan_user):
    with CaptureQueriesContext(connection) as queries:
        submission = county_submit(campaign=campaign, by=kelan_user)
    assert submission.row_count == 3
    inside = inside_outer_transaction(queries.captured_queries)
    assert any("reports_submission" in sql for sql in inside)
    assert not [sql for sql in inside if "secretaries_posting" in sql], inside
