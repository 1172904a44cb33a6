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
from secretaries.models import Posting, PostingEvent
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
    counties = Region.objects.of_deployment().filter(level=Region.Level.COUNTY)
    postings = [posting] if posting is not None else list(postings)
    wanted = Q(pk__in=[])
    for unit, campaign in {(p.unit, p.campaign_id) for p in postings}:
        if unit.level in (Level.PROVINCE, Level.CENTRAL):
            wanted |= Q(pk__in=QuotaAllocation.objects.filter(campaign=campaign, unit=unit).values("county"))
        else:
            wanted |= Q(code__startswith=unit.region.scope_prefix)
    return counties.filter(wanted).order_by("code")


def quota_use(*, campaign_id: int, unit_id: int | None = None, county_id: int | None = None) -> dict[tuple[int, int], int]:
    """{(unit id, county id): places used} of the 附表2 quotas in a campaign: the postings
    recommended, approved, filed, assigned or in office (Posting.QUOTA_STATES) — the figure the
    recommend rule refuses on, the recommend form shows and the review pages show."""
    postings = Posting.objects.all()
    if unit_id is not None:
        postings = postings.filter(unit_id=unit_id)
    if county_id is not None:
        postings = postings.filter(county_id=county_id)
    return postings.quota_use(campaign_id)


def unit_quota_use(*, unit_id: int, campaign_id: int) -> dict[int, tuple[int, int]]:
    """{county id: (quota, used)} for each county where the unit has a quota in the campaign."""
    used = quota_use(campaign_id=campaign_id, unit_id=unit_id)
    quotas = QuotaAllocation.objects.filter(campaign_id=campaign_id, unit_id=unit_id).values_list("county_id", "count")
    return {county: (count, used.get((unit_id, county), 0)) for county, count in quotas}


def posting_quota(*, posting: Posting) -> tuple[int, int] | None:
    """(quota, used) of the posting's unit in its county, or None without a quota there."""
    if posting.county_id is None:
        return None
    return unit_quota_use(unit_id=posting.unit_id, campaign_id=posting.campaign_id).get(posting.county_id)


def assignment_suggestions(*, posting: Posting, search: str = "") -> QuerySet[Village]:
    """The uncovered target villages of the posting's county; registered-poor villages first for
    provincial (and central) and city cadres, who go mainly there (notice §三)."""
    villages = uncovered_target_villages(county=posting.county).select_related("township")
    if search.strip():
        villages = villages.search(search)
    if posting.unit.level != Level.COUNTY:
        return villages.order_by("-is_registered_poor", "code")
    return villages.order_by("code")


def filed_to_assign(*, user: User) -> QuerySet[Posting]:
    """The filed secretaries waiting for this county user to assign them a village."""
    return (
        Posting.objects.visible_to(user)
        .filter(RECEIVING_COUNTY.q(user), state=State.FILED, campaign__is_current=True)
        .select_related("cadre", "unit")
        .order_by("unit__level", "unit__name", "cadre__name", "pk")
    )


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
        returned = Posting.returned_q()
        fresh = UNIT_STAFF.q(user) & Q(state=State.QUALIFIED) & ~returned
        lines.append(("待组织推荐的人选", fresh, {"state": State.QUALIFIED, "returned": "no"}))
        lines.append((RETURNED_LABEL, UNIT_STAFF.q(user) & returned, {"returned": "yes"}))
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
    todos = [Todo(label, counts[f"line{i}"], _list_url(**params)) for i, (label, _, params) in enumerate(lines)]
    return [_with_reason(t, postings.filter(UNIT_STAFF.q(user))) if t.label == RETURNED_LABEL and t.count else t for t in todos]


RETURNED_LABEL = "被退回的人选"


def _with_reason(todo: Todo, postings: QuerySet[Posting]) -> Todo:
    """The returned candidates' line says who sent back the latest one and why."""
    event = (
        PostingEvent.objects.filter(posting__in=postings.returned(), action__in=("return", "file_return"))
        .select_related("posting__cadre")
        .order_by("-at", "-pk")
        .first()
    )
    if event is None:
        return todo
    label = f"{RETURNED_LABEL}（最近一人：{event.posting.cadre.name}，{event.get_actor_role_display()}退回，理由：{event.note}）"
    return Todo(label, todo.count, todo.url)
