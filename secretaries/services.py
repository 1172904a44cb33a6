"""The pipeline of notice §三: one function per transition. Each checks the acting user's
role and scope, the posting's current state and the notice's rules, changes the posting in one
transaction with its row locked, and writes one PostingEvent. Nothing else sets Posting.state.

Two users acting on the same posting at once (or a double click): the second waits for the
row lock, then finds the state changed and is refused with a message; one event is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation, Role, User
from secretaries.models import Cadre, Posting, PostingEvent
from villages.models import Village

State = Posting.State


class TransitionRefused(Exception):
    """Why the action cannot be done, in Chinese; nothing was written."""

    def __init__(self, *reasons: str):
        super().__init__("；".join(reasons))
        self.reasons = list(reasons)


@dataclass(frozen=True)
class Transition:
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the state stays (留任)
    may: Callable[[User, Posting], bool]  # the acting role, beyond the scope


def _unit_staff(user: User, posting: Posting) -> bool:
    return user.role == Role.UNIT and user.unit_id == posting.unit_id


def _poverty_office(user: User, posting: Posting) -> bool:
    return user.role == Role.POVERTY_OFFICE and posting.unit.level == DispatchingUnit.Level.PROVINCE


def _filing_department(user: User, posting: Posting) -> bool:
    """审核备案 by the organization department of the unit's level (notice §三)."""
    level = posting.unit.level
    if level in (DispatchingUnit.Level.PROVINCE, DispatchingUnit.Level.CENTRAL):
        return user.role == Role.PROVINCIAL_ORG
    wanted = Role.CITY_ORG if level == DispatchingUnit.Level.CITY else Role.COUNTY_ORG
    return user.role == wanted and user.region_id is not None and posting.unit.region.code.startswith(user.region.scope_prefix)


def _receiving_county(user: User, posting: Posting) -> bool:
    return user.role == Role.COUNTY_ORG and posting.county_id is not None and user.region_id == posting.county_id


def _filed_source(posting: Posting) -> tuple[str, ...]:
    return (State.APPROVED,) if posting.unit.level == DispatchingUnit.Level.PROVINCE else (State.RECOMMENDED,)


TRANSITIONS: dict[str, Transition] = {
    "qualify": Transition("资格审查通过", (State.APPLIED,), State.QUALIFIED, _unit_staff),
    "reject": Transition("资格审查不通过", (State.APPLIED, State.QUALIFIED), State.REJECTED, _unit_staff),
    "recommend": Transition("组织推荐", (State.QUALIFIED,), State.RECOMMENDED, _unit_staff),
    "approve": Transition("审核同意", (State.RECOMMENDED,), State.APPROVED, _poverty_office),
    "return": Transition("退回单位", (State.RECOMMENDED,), State.QUALIFIED, _poverty_office),
    "file": Transition("审核备案", (State.RECOMMENDED, State.APPROVED), State.FILED, _filing_department),
    "assign": Transition("分配到村", (State.FILED,), State.ASSIGNED, _receiving_county),
    "take_office": Transition("履岗任职", (State.ASSIGNED,), State.IN_OFFICE, _receiving_county),
    "end_term": Transition("期满免职", (State.IN_OFFICE,), State.ENDED, _receiving_county),
    "extend": Transition("留任", (State.IN_OFFICE,), None, _receiving_county),
    "recall": Transition("调整召回", (State.IN_OFFICE,), State.RECALLED, _receiving_county),
    "withdraw": Transition(
        "撤回", (State.APPLIED, State.QUALIFIED, State.RECOMMENDED, State.APPROVED, State.FILED, State.ASSIGNED), State.WITHDRAWN, _unit_staff
    ),
}


def allowed_actions(*, posting: Posting, user: User) -> list[str]:
    """The actions this user may take on this posting now (for the page's buttons)."""
    actions = []
    for name, t in TRANSITIONS.items():
        sources = _filed_source(posting) if name == "file" else t.sources
        if posting.state in sources and t.may(user, posting):
            actions.append(name)
    return actions


@transaction.atomic
def _transition(posting_id: int, *, by: User, action: str, note: str = "", check: Callable[[Posting], None] | None = None, **changes) -> Posting:
    t = TRANSITIONS[action]
    # Locked for the whole transaction: a concurrent action on the same posting waits here,
    # then sees the state this one leaves (docs/architecture.md).
    posting = Posting.objects.visible_to(by).select_for_update(of=("self",)).select_related("unit__region", "cadre", "county", "campaign").filter(pk=posting_id).first()
    if posting is None:
        raise Posting.DoesNotExist("没有这条选派记录，或不在您的管辖范围内。")
    sources = _filed_source(posting) if action == "file" else t.sources
    if posting.state not in sources:
        raise TransitionRefused(f"该记录当前为“{posting.get_state_display()}”，不能{t.label}（可能已被他人处理，请刷新页面）。")
    if not t.may(by, posting):
        raise TransitionRefused(f"{by.get_role_display() or '您的角色'}不能对{posting.unit.name}的人选进行“{t.label}”。")
    if check is not None:
        check(posting)
    before = posting.state
    for field, value in changes.items():
        setattr(posting, field, value)
    if t.target is not None:
        posting.state = t.target
    try:
        with transaction.atomic():
            posting.save(update_fields=["state", "updated_at", *changes])
    except IntegrityError:
        raise TransitionRefused("该村已有分配或在任的第一书记。") from None
    PostingEvent.objects.create(posting=posting, action=action, actor=by, actor_role=by.role, from_state=before, to_state=posting.state, note=note)
    return posting


# --- 个人报名 ---------------------------------------------------------------------------------
@transaction.atomic
def posting_apply(*, cadre: Cadre, campaign: Campaign, by: User, note: str = "") -> Posting:
    """A cadre applies in a campaign through the unit's HR (the unit's own user)."""
    if by.role != Role.UNIT or by.unit_id != cadre.unit_id:
        raise TransitionRefused("只有本单位组织人事部门可以登记报名。")
    if not campaign.is_open:
        raise TransitionRefused(f"“{campaign.name}”已结束，不能报名。")
    first = Posting.objects.filter(cadre=cadre, campaign=campaign).exclude(state__in=[State.REJECTED, State.WITHDRAWN]).select_related("unit").first()
    if first is not None:
        raise TransitionRefused(f"{cadre.name}（{cadre.id_number}）已由{first.unit.name}在本批次报名，不能重复报名。")
    posting = Posting.objects.create(cadre=cadre, campaign=campaign, unit=cadre.unit)
    PostingEvent.objects.create(posting=posting, action="apply", actor=by, actor_role=by.role, from_state="", to_state=State.APPLIED, note=note)
    return posting


# --- 资格审查 ---------------------------------------------------------------------------------
def eligibility_failures(cadre: Cadre, *, on: datetime.date | None = None) -> list[str]:
    """The basic conditions of notice §二 that the cadre does not meet, each with its reason."""
    on = on or timezone.localdate()
    failures = []
    if cadre.political_status != Cadre.PoliticalStatus.MEMBER:
        status = "中共预备党员" if cadre.political_status == Cadre.PoliticalStatus.PROBATIONARY else "非中共党员"
        failures.append(f"须为中共正式党员，该干部为{status}")
    two_years_ago = on.replace(year=on.year - 2) if not (on.month == 2 and on.day == 29) else on.replace(year=on.year - 2, day=28)
    if cadre.work_start_date > two_years_ago:
        failures.append(f"须有两年以上工作经历，该干部 {cadre.work_start_date:%Y年%m月} 参加工作")
    if not cadre.fit_for_duty:
        failures.append("须具有正常履行职责的身体条件")
    if cadre.is_township_cadre:
        failures.append("乡镇干部不应作为选派人选")
    return failures


def posting_qualify(*, posting: Posting, by: User, note: str = "") -> Posting:
    def check(p: Posting) -> None:
        # Judged on the day the cadre applied: a 2015 application keeps its 2015 verdict.
        failures = eligibility_failures(p.cadre, on=timezone.localdate(p.applied_at))
        if failures:
            raise TransitionRefused(*failures)

    return _transition(posting.pk, by=by, action="qualify", note=note, check=check)


def posting_reject(*, posting: Posting, by: User, reason: str) -> Posting:
    if not reason.strip():
        raise TransitionRefused("请填写不通过的理由。")
    return _transition(posting.pk, by=by, action="reject", note=reason)


# --- 组织推荐 ---------------------------------------------------------------------------------
def posting_recommend(*, posting: Posting, by: User, meeting_date: datetime.date, decision: str, county) -> Posting:
    """The unit's party committee decides on the candidate and, having talked to the receiving
    county (notice §三.4), names it: a provincial unit one of its quota counties, a city unit a
    county of its city, a county unit its own county. The county then sees the candidate."""
    if meeting_date > timezone.localdate():
        raise TransitionRefused("党委（党组）研究日期不能晚于今天。")

    def check(p: Posting) -> None:
        level = p.unit.level
        if level in (DispatchingUnit.Level.PROVINCE, DispatchingUnit.Level.CENTRAL):
            if not QuotaAllocation.objects.filter(campaign=p.campaign, unit=p.unit, county=county).exists():
                raise TransitionRefused(f"{p.unit.name}在{county.name}没有名额，只能派往其名额所在县。")
        elif not county.code.startswith(p.unit.region.scope_prefix):
            raise TransitionRefused(f"{p.unit.name}只能向{p.unit.region.name}的县派出第一书记。")

    note = f"{meeting_date:%Y年%m月%d日}党委（党组）研究：{decision}；拟派往{county.name}"
    return _transition(
        posting.pk, by=by, action="recommend", note=note, check=check, recommended_on=meeting_date, recommendation=decision, county=county
    )


def posting_approve(*, posting: Posting, by: User, note: str = "") -> Posting:
    return _transition(posting.pk, by=by, action="approve", note=note)


def posting_return(*, posting: Posting, by: User, reason: str) -> Posting:
    if not reason.strip():
        raise TransitionRefused("请填写退回的理由。")
    return _transition(posting.pk, by=by, action="return", note=reason)


def posting_file(*, posting: Posting, by: User, note: str = "") -> Posting:
    return _transition(posting.pk, by=by, action="file", note=note)


# --- 研究确定：分配到村 -----------------------------------------------------------------------
def posting_assign(*, posting: Posting, by: User, village: Village, reason: str = "") -> Posting:
    """The receiving county's department assigns a filed secretary to one of its target villages."""

    def check(p: Posting) -> None:
        if village.county_id != p.county_id:
            raise TransitionRefused(f"{village.name}不属于{p.county.name}，只能分配到本县的村。")
        if not village.is_target:
            raise TransitionRefused(f"{village.name}不是两类村（党组织软弱涣散村或建档立卡贫困村）。")
        if Posting.objects.filter(village=village, state__in=Posting.COVERING_STATES).exists():
            raise TransitionRefused(f"{village.name}已有分配或在任的第一书记。")
        level = p.unit.level
        if level in (DispatchingUnit.Level.PROVINCE, DispatchingUnit.Level.CENTRAL):
            quota = QuotaAllocation.objects.filter(campaign=p.campaign, unit=p.unit, county=village.county).first()
            if quota is None:
                raise TransitionRefused(f"{p.unit.name}在{village.county.name}没有名额，省直单位只能派往其名额所在县。")
            used = Posting.objects.filter(
                campaign=p.campaign, unit=p.unit, county=village.county, state__in=Posting.COVERING_STATES
            ).count()
            if used >= quota.count:
                raise TransitionRefused(f"{p.unit.name}在{village.county.name}的 {quota.count} 个名额已用完。")
        if level != DispatchingUnit.Level.COUNTY and not village.is_registered_poor and not reason.strip():
            raise TransitionRefused("省、市两级选派的第一书记主要到建档立卡贫困村任职；派往非贫困村须填写理由。")

    return _transition(
        posting.pk, by=by, action="assign", note=reason, check=check, village=village, assignment_reason=reason.strip()
    )


# --- 履岗任职、期满免职 ------------------------------------------------------------------------
def posting_take_office(*, posting: Posting, by: User, start_date: datetime.date, party_relation_transferred: bool) -> Posting:
    term = posting.campaign.term_years
    end = start_date.replace(year=start_date.year + term) if not (start_date.month == 2 and start_date.day == 29) else start_date.replace(year=start_date.year + term, day=28)
    note = f"{start_date:%Y年%m月%d日}到村任职；党组织关系{'已' if party_relation_transferred else '尚未'}转入"
    return _transition(
        posting.pk, by=by, action="take_office", note=note, start_date=start_date, end_date=end,
        party_relation_transferred=party_relation_transferred,
    )


def posting_end_term(*, posting: Posting, by: User, end_date: datetime.date, note: str = "") -> Posting:
    def check(p: Posting) -> None:
        if p.start_date and end_date < p.start_date:
            raise TransitionRefused("免职日期不能早于任职日期。")

    return _transition(posting.pk, by=by, action="end_term", note=note or f"{end_date:%Y年%m月%d日}期满免职", check=check, end_date=end_date)


def posting_extend(*, posting: Posting, by: User, new_end_date: datetime.date, unit_consent: bool, note: str = "") -> Posting:
    """留任: approved by the organization department with the dispatching unit's consent."""

    def check(p: Posting) -> None:
        if not unit_consent:
            raise TransitionRefused("继续留任须经派出单位同意。")
        if p.end_date and new_end_date <= p.end_date:
            raise TransitionRefused(f"新的任期届满日期应晚于原日期 {p.end_date:%Y年%m月%d日}。")

    return _transition(posting.pk, by=by, action="extend", note=note or f"留任至 {new_end_date:%Y年%m月%d日}（派出单位同意）", check=check, end_date=new_end_date)


def posting_recall(*, posting: Posting, by: User, reason: str) -> Posting:
    """调整: the village then needs a replacement (it is no longer covered)."""
    if not reason.strip():
        raise TransitionRefused("请填写调整的理由。")
    return _transition(posting.pk, by=by, action="recall", note=reason)


def posting_withdraw(*, posting: Posting, by: User, reason: str) -> Posting:
    if not reason.strip():
        raise TransitionRefused("请填写撤回的理由。")
    return _transition(posting.pk, by=by, action="withdraw", note=reason)


def uncovered_target_villages(*, county) -> Iterable[Village]:
    """Target villages of a county with no secretary assigned or in office."""
    covered = Posting.objects.filter(state__in=Posting.COVERING_STATES, village__isnull=False).values("village")
    return Village.objects.targets().filter(county=county).exclude(pk__in=covered)
