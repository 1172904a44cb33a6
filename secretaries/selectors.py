"""Reads for the pipeline's pages: the counties a unit may name, the villages a county may
assign, and what waits for each role (the home page's 待办). Everything starts from
``Posting.objects.visible_to(user)`` or the posting a view already fetched that way."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from core.navigation import Todo
from dispatch import roles
from dispatch.models import DispatchingUnit, QuotaAllocation, User
from dispatch.roles import can
from secretaries.models import Posting
from secretaries.services import uncovered_target_villages
from secretaries.transitions import FILING_DEPARTMENT, PROVINCIAL_UNITS, RECEIVING_COUNTY, UNIT_STAFF
from villages.models import Region, Village

State = Posting.State
Level = DispatchingUnit.Level


def recommend_counties(*, posting: Posting | None = None, postings: Sequence[Posting] = ()) -> QuerySet[Region]:
    """The counties the unit may name when it recommends (as the recommend rule checks): a
    provincial or central unit its quota counties in the posting's campaign, a city or county
    unit the counties of its own region. For several postings (the admin's recommend page), the
    counties any of them may name; the rule judges each."""
    counties = Region.objects.filter(level=Region.Level.COUNTY)
    postings = [posting] if posting is not None else list(postings)
    wanted = Q(pk__in=[])
    for unit, campaign in {(p.unit, p.campaign_id) for p in postings}:
        if unit.level in (Level.PROVINCE, Level.CENTRAL):
            wanted |= Q(pk__in=QuotaAllocation.objects.filter(campaign=campaign, unit=unit).values("county"))
        else:
            wanted |= Q(code__startswith=unit.region.scope_prefix)
    return counties.filter(wanted).order_by("code")


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
    """What waits for this user in the current campaign: one line per step the user's role takes
    (its capability) and the postings it stands in that step's relation to, all counted in one
    aggregate query. A line that counts nothing is left off the home page."""
    lines = []  # (label, condition, list filter)
    if can(user, roles.POSTING_QUALIFY):
        lines.append(("待资格审查的报名人选", UNIT_STAFF.q(user) & Q(state=State.APPLIED), {"state": State.APPLIED}))
    if can(user, roles.POSTING_RECOMMEND):
        lines.append(("待组织推荐的人选", UNIT_STAFF.q(user) & Q(state=State.QUALIFIED), {"state": State.QUALIFIED}))
    if can(user, roles.POSTING_APPROVE):
        waiting = {"state": State.RECOMMENDED, "unit_level": Level.PROVINCE}
        lines.append(("待审核的省直单位人选", PROVINCIAL_UNITS.q(user) & Q(state=State.RECOMMENDED), waiting))
    if can(user, roles.POSTING_FILE):
        files = FILING_DEPARTMENT.q(user)
        for label, state, level in (
            ("待审核备案的省直单位人选", State.APPROVED, Level.PROVINCE),
            ("待审核备案的中央在晋单位人选", State.RECOMMENDED, Level.CENTRAL),
            ("待审核备案的市直单位人选", State.RECOMMENDED, Level.CITY),
            ("待审核备案的县直单位人选", State.RECOMMENDED, Level.COUNTY),
        ):
            lines.append((label, files & Q(state=state, unit__level=level), {"state": state, "unit_level": level}))
    county = {"county": user.region.code} if user.region_id else {}
    if can(user, roles.POSTING_ASSIGN):
        lines.append(("待分配到村的第一书记", RECEIVING_COUNTY.q(user) & Q(state=State.FILED), {"state": State.FILED, **county}))
    if can(user, roles.POSTING_TAKE_OFFICE):
        arrived = RECEIVING_COUNTY.q(user) & Q(state=State.ASSIGNED)
        lines.append(("已分配待履岗任职的第一书记", arrived, {"state": State.ASSIGNED, **county}))
    if not lines:
        return []
    postings = Posting.objects.visible_to(user).filter(campaign__is_current=True)
    counts = postings.aggregate(**{f"line{i}": Count("pk", filter=condition) for i, (_, condition, _) in enumerate(lines)})
    return [Todo(label, counts[f"line{i}"], _list_url(**params)) for i, (label, _, params) in enumerate(lines)]
