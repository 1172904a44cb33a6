"""Reads for the pipeline's pages: the counties a unit may name, the villages a county may
assign, and what waits for each role (the home page's 待办). Everything starts from
``Posting.objects.visible_to(user)`` or the posting a view already fetched that way."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from core.navigation import Todo
from dispatch.models import DispatchingUnit, Role, User
from secretaries.models import Posting
from secretaries.services import uncovered_target_villages
from villages.models import Region, Village

State = Posting.State
Level = DispatchingUnit.Level


def recommend_counties(*, posting: Posting) -> QuerySet[Region]:
    """The counties the unit may name when it recommends (as posting_recommend checks): a
    provincial or central unit its quota counties in the posting's campaign, a city or county
    unit the counties of its own region."""
    counties = Region.objects.filter(level=Region.Level.COUNTY)
    if posting.unit.level in (Level.PROVINCE, Level.CENTRAL):
        return counties.filter(quotas__campaign=posting.campaign, quotas__unit=posting.unit).distinct().order_by("code")
    return counties.filter(code__startswith=posting.unit.region.scope_prefix).order_by("code")


def assignment_suggestions(*, posting: Posting, search: str = "") -> QuerySet[Village]:
    """The uncovered target villages of the posting's county; registered-poor villages first for
    provincial (and central) and city cadres, who go mainly there (notice §三)."""
    villages = uncovered_target_villages(county=posting.county).select_related("township")
    if search.strip():
        villages = villages.search(search)
    if posting.unit.level != Level.COUNTY:
        return villages.order_by("-is_registered_poor", "code")
    return villages.order_by("code")


def _list_url(**params: str) -> str:
    return f"{reverse('secretaries:list')}?{urlencode(params)}"


def posting_todos(user: User) -> list[Todo]:
    """What waits for this user in the current campaign: one aggregate query for the role."""
    postings = Posting.objects.visible_to(user).filter(campaign__is_current=True)
    role = user.role
    if role == Role.UNIT:
        counts = postings.aggregate(
            applied=Count("pk", filter=Q(state=State.APPLIED)),
            qualified=Count("pk", filter=Q(state=State.QUALIFIED)),
        )
        return [
            Todo("待资格审查的报名人选", counts["applied"], _list_url(state=State.APPLIED)),
            Todo("待组织推荐的人选", counts["qualified"], _list_url(state=State.QUALIFIED)),
        ]
    if role == Role.POVERTY_OFFICE:
        count = postings.filter(state=State.RECOMMENDED, unit__level=Level.PROVINCE).count()
        return [Todo("待审核的省直单位人选", count, _list_url(state=State.RECOMMENDED, unit_level=Level.PROVINCE))]
    if role == Role.PROVINCIAL_ORG:
        counts = postings.aggregate(
            province=Count("pk", filter=Q(state=State.APPROVED, unit__level=Level.PROVINCE)),
            central=Count("pk", filter=Q(state=State.RECOMMENDED, unit__level=Level.CENTRAL)),
        )
        return [
            Todo("待审核备案的省直单位人选", counts["province"], _list_url(state=State.APPROVED, unit_level=Level.PROVINCE)),
            Todo("待审核备案的中央在晋单位人选", counts["central"], _list_url(state=State.RECOMMENDED, unit_level=Level.CENTRAL)),
        ]
    if role in (Role.CITY_ORG, Role.COUNTY_ORG) and user.region_id is not None:
        level = Level.CITY if role == Role.CITY_ORG else Level.COUNTY
        own_units = Q(unit__level=level, unit__region__code__startswith=user.region.scope_prefix)
        if role == Role.CITY_ORG:
            count = postings.filter(own_units, state=State.RECOMMENDED).count()
            return [Todo("待审核备案的市直单位人选", count, _list_url(state=State.RECOMMENDED, unit_level=level))]
        counts = postings.aggregate(
            to_file=Count("pk", filter=own_units & Q(state=State.RECOMMENDED)),
            to_assign=Count("pk", filter=Q(county=user.region_id, state=State.FILED)),
            to_take_office=Count("pk", filter=Q(county=user.region_id, state=State.ASSIGNED)),
        )
        county = user.region.code
        return [
            Todo("待审核备案的县直单位人选", counts["to_file"], _list_url(state=State.RECOMMENDED, unit_level=level)),
            Todo("待分配到村的第一书记", counts["to_assign"], _list_url(state=State.FILED, county=county)),
            Todo("已分配待履岗任职的第一书记", counts["to_take_office"], _list_url(state=State.ASSIGNED, county=county)),
        ]
    return []
