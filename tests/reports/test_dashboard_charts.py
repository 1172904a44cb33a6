"""The dashboard's charts stay readable: the pipeline on a logarithmic axis when one step dwarfs
the rest, the quotas sorted by shortfall with the furthest units charted and all in the table
(issue #11, point 12)."""

import pytest

from reports.dashboard_views import QUOTA_CHART_TOP, pipeline_needs_log_scale
from tests.reports.test_dashboards import data  # noqa: F401 (fixtures)
from tests.secretaries.conftest import cadre_for, campaign, categories, county_unit, county_unit_user, kelan  # noqa: F401 (fixtures)


@pytest.mark.parametrize(
    "counts, log",
    [
        ([0, 3, 20, 4, 9395, 0], True),  # the demo's shape: in office dwarfs every other step
        ([1, 2, 3, 5, 0], False),
        ([0, 0, 500, 0], False),  # one bar alone needs no log scale
        ([0, 0, 0], False),
    ],
)
def test_the_pipeline_needs_a_log_scale_only_when_one_step_dwarfs_another(counts, log):
    assert pipeline_needs_log_scale(counts) is log


def test_the_quota_chart_shows_the_largest_shortfalls_and_the_table_lists_every_unit(client, province_user, data):
    client.force_login(province_user)
    response = client.get("/dashboard/")
    rows = [item["row"] for item in response.context["quota_rows"]]
    assert len(rows) > QUOTA_CHART_TOP  # the 2015 附表2's provincial units
    shortfalls = [r.missing for r in rows]
    assert shortfalls == sorted(shortfalls, reverse=True)
    chart = response.context["charts"]["quota"]
    assert chart["categories"] == [r.unit_name for r in rows[:QUOTA_CHART_TOP]]
    missing = next(s for s in chart["series"] if s["name"] == "缺额")
    assert missing["data"] == shortfalls[:QUOTA_CHART_TOP]
    page = response.content.decode()
    assert f"图中为缺额最多的前 {QUOTA_CHART_TOP} 个单位，全部 {len(rows)} 个单位见下表" in page
    assert page.count('data-testid="quota-') >= len(rows)


def test_the_pipeline_chart_data_says_when_it_is_logarithmic(client, province_user, data):
    client.force_login(province_user)
    response = client.get("/dashboard/")
    counts = [r.count for r in response.context["pipeline"]["rows"]]
    assert response.context["charts"]["pipeline"]["log"] is pipeline_needs_log_scale(counts)
