"""The coverage plan shows, beside the planned quotas, the target villages with a secretary in
office, assigned, or neither — the figures of the dashboard and of the village list's filter
(issue #11, point 10)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dispatch.coverage import coverage_plan
from reports.dashboards import coverage_by_region
from tests.secretaries.conftest import cadre_for, campaign, categories, county_unit, county_unit_user, kelan  # noqa: F401 (fixtures)
from tests.villages.test_coverage_filter import kelan_targets, three_secretaries  # noqa: F401 (fixtures)
from villages.filters import VillageFilterSet


def kelan_row(plan):
    return next(row for city in plan["cities"] for row in city["counties"] if row["code"] == "140929")


def list_count(rf, user, **params):
    request = rf.get("/villages/", params)
    request.user = user
    return VillageFilterSet(params, request=request).qs.count()


def test_the_plan_counts_in_office_assigned_and_uncovered_as_the_dashboard_and_the_list(
    rf, kelan_user, province_user, three_secretaries, kelan_targets, campaign
):
    row = kelan_row(coverage_plan(user=kelan_user, campaign=campaign))
    # One in office, one assigned; the recalled secretary's village is uncovered again.
    assert (row["targets"], row["in_office"], row["assigned"]) == (len(kelan_targets), 1, 1)
    assert row["uncovered"] == len(kelan_targets) - 2

    dashboard = coverage_by_region(user=province_user, region=kelan_user.region.parent)
    county = next(r for r in dashboard["rows"] if r.code == "140929")
    assert (county.in_office, county.assigned, county.uncovered) == (row["in_office"], row["assigned"], row["uncovered"])
    for key in ("in_office", "assigned", "uncovered"):
        assert list_count(rf, kelan_user, coverage=key) == row[key]

    # The province's total adds its counties' figures.
    total = coverage_plan(user=province_user, campaign=campaign)["total"]
    assert (total["in_office"], total["assigned"]) == (1, 1)


def test_the_counts_cost_no_extra_query(kelan_user, three_secretaries, campaign):
    kelan_user.region  # noqa: B018
    with CaptureQueriesContext(connection) as queries:
        coverage_plan(user=kelan_user, campaign=campaign)
    assert len(queries) == 3


def test_the_page_shows_them_beside_the_quotas_with_links_to_the_villages(client, kelan_user, three_secretaries, campaign):
    client.force_login(kelan_user)
    page = client.get(reverse("coverage:plan")).content.decode()
    assert "目前两类村第一书记" in page
    assert 'data-testid="in_office"><a href="/villages/?county=140929&amp;coverage=in_office&amp;category=target">1</a>' in page
    assert 'data-testid="assigned"><a href="/villages/?county=140929&amp;coverage=assigned&amp;category=target">1</a>' in page
