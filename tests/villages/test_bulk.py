"""update_rows: one statement for many rows with different values."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.bulk import update_rows
from villages.models import Village

FIELDS = ["name", "notes", "is_weak_organization", "is_registered_poor"]


def test_update_rows_writes_each_row_s_own_values_and_nothing_else(reference_data):
    rows = list(Village.objects.filter(county__name="岢岚县").order_by("code").values("id", "code", *FIELDS)[:3])
    untouched = Village.objects.filter(county__name="五寨县").order_by("code").first()
    rows[0].update(name="改名村", is_registered_poor=True)
    rows[1]["notes"] = "含'引号\"与换行\n的备注"
    rows[2]["is_weak_organization"] = True

    with CaptureQueriesContext(connection) as queries:
        assert update_rows(Village, rows, FIELDS, batch_size=2) == 3
    assert len(queries) == 2  # batches of two

    fresh = {v.code: v for v in Village.objects.filter(code__in=[r["code"] for r in rows])}
    assert (fresh[rows[0]["code"]].name, fresh[rows[0]["code"]].is_registered_poor) == ("改名村", True)
    assert fresh[rows[1]["code"]].notes == "含'引号\"与换行\n的备注"
    assert fresh[rows[2]["code"]].is_weak_organization and not fresh[rows[2]["code"]].is_registered_poor
    assert Village.objects.get(pk=untouched.pk).name == untouched.name


def test_update_rows_with_nothing_to_do_runs_no_query(reference_data):
    with CaptureQueriesContext(connection) as queries:
        assert update_rows(Village, [], ["name"]) == 0
    assert len(queries) == 0
