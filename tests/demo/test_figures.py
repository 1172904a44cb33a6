"""On the demo, the figures agree: the village list's 未覆盖 counts what the dashboard counts
(target villages without a secretary), and the coverage plan shows the same in office and
assigned (issue #11, point 10). One demo load, checked from each side."""

import pytest
from django.test import RequestFactory

from dispatch.coverage import coverage_plan
from dispatch.models import Campaign, User
from reports.dashboards import coverage_by_region
from villages.filters import VillageFilterSet
from villages.models import Region

pytestmark = pytest.mark.django_db


def listed(user, **params) -> int:
    request = RequestFactory().get("/villages/", params)
    request.user = user
    filterset = VillageFilterSet(params, request=request)
    assert filterset.is_valid(), filterset.errors
    return filterset.qs.count()


def test_the_village_list_the_dashboard_and_the_coverage_plan_agree_on_the_demo(demo):
    campaign = Campaign.current()
    province, kelan = User.objects.get(username="shengzzb"), User.objects.get(username="kelan")

    total = coverage_by_region(user=province, region=Region.objects.get(code="140000"))["total"]
    assert total.uncovered == 9896 - 9395  # the demo leaves 501 target villages uncovered
    for key in ("in_office", "assigned", "uncovered"):
        # Whether or not the list is narrowed to 两类村: 未覆盖 is of target villages only.
        assert listed(province, coverage=key) == getattr(total, key), key
    assert listed(province, coverage="uncovered", category="target") == total.uncovered
    assert listed(province, coverage="uncovered", category="none") == 0

    plan = coverage_plan(user=province, campaign=campaign)["total"]
    assert (plan["in_office"], plan["assigned"], plan["uncovered"]) == (total.in_office, total.assigned, total.uncovered)

    kelan_county = Region.objects.get(code="140929")
    county = next(r for r in coverage_by_region(user=province, region=kelan_county.parent)["rows"] if r.code == "140929")
    assert listed(kelan, coverage="uncovered") == county.uncovered > 0
    row = coverage_plan(user=kelan, campaign=campaign)["total"]
    assert (row["in_office"], row["assigned"], row["uncovered"]) == (county.in_office, county.assigned, county.uncovered)
