"""The coverage plan page (全覆盖): what the quotas cover in each county of the user's scope and
what the county backfills. Read-only; the numbers come from ``dispatch.coverage``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from dispatch.coverage import coverage_plan
from dispatch.models import Role
from dispatch.selectors import chosen_campaign

# Units and secretaries plan nothing by county; the plan is the organization departments'.
NO_PLAN_ROLES = (Role.UNIT, Role.SECRETARY)


def coverage_plan_view(request):
    user = request.user
    if user.role in NO_PLAN_ROLES:
        raise PermissionDenied("选派覆盖计划由各级党委组织部掌握，派出单位和第一书记用户无权查看。")
    campaign, campaigns = chosen_campaign(request)
    plan = coverage_plan(user=user, campaign=campaign)
    scope = user.scope
    return render(
        request,
        "dispatch/coverage_plan.html",
        {
            "plan": plan,
            "campaign": campaign,
            "campaigns": campaigns,
            "show_subtotals": len(plan["cities"]) > 1,
            # The province's departments see all of Shanxi: that total is the province's.
            "total_label": "全省合计" if scope.everything or len(scope.region_prefix or "") == 2 else "合计",
            "is_township": user.role == Role.TOWNSHIP,
        },
    )
