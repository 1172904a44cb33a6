"""The coverage plan page (全覆盖): what the quotas cover in each county of the user's scope and
what the county backfills. Read-only; the numbers come from ``dispatch.coverage``."""

from __future__ import annotations

from django.shortcuts import render

from dispatch import roles
from dispatch.coverage import coverage_plan
from dispatch.selectors import chosen_campaign
from villages.models import Region


def coverage_plan_view(request):
    user = request.user
    roles.require(user, roles.VIEW_COVERAGE)
    campaign, campaigns = chosen_campaign(request)
    plan = coverage_plan(user=user, campaign=campaign)
    return render(
        request,
        "dispatch/coverage_plan.html",
        {
            "plan": plan,
            "campaign": campaign,
            "campaigns": campaigns,
            "show_subtotals": len(plan["cities"]) > 1,
            "total_label": plan["total_label"],
            # The plan is made by county: a township's department is told who keeps it.
            "is_township": len(user.scope.region_prefix or "") > Region.PREFIX_LENGTH[Region.Level.COUNTY],
        },
    )
