"""The pipeline of notice §三 as one table: one declaration per transition.

Each ``Transition`` says what the action is called, from which states it goes and to which,
who may take it — the capability of the acting user's role (``dispatch.roles.POSTING_*``) and
the user's relation to the posting (its unit's own staff, 省扶贫办 for provincial units, the
filing department of the unit's level, the receiving county) —, the rule of the notice that
decides it (the field changes and the event note, or ``TransitionRefused``), the fields it may
change, the form that collects its arguments, whether the list page offers it as a bulk action
and the admin's intermediate page.

Everything else reads this table: the executor (``services.postings_perform``) and the
``posting_*`` services, the posting page's forms and its one action view, the list page's bulk
actions, the admin's actions and the 待办 list's relations. A new transition is one entry here
plus its rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from dispatch import roles
from dispatch.models import DispatchingUnit, User
from dispatch.roles import Capability, can
from secretaries import forms as f
from secretaries.models import Cadre, Posting
from villages.models import Region, Village

if TYPE_CHECKING:
    from secretaries.services import Facts

State = Posting.State
Level = DispatchingUnit.Level
NOTHING = Q(pk__in=[])  # Django's "match nothing" that still composes


class TransitionRefused(Exception):
    """Why the action cannot be done, in Chinese; nothing was written."""

    def __init__(self, *reasons: str):
        super().__init__("；".join(reasons))
        self.reasons = list(reasons)


# --- Who may: the user's relation to the posting, beyond the scope and the capability --------
@dataclass(frozen=True)
class Relation:
    """How the acting user must stand to a posting to take a step on it: ``holds`` judges one
    posting (the executor), ``q`` is the same as a query on postings (the 待办 counts)."""

    label: str
    holds: Callable[[User, Posting], bool]
    q: Callable[[User], Q]


def _filing_level(region: Region | None) -> tuple[str, ...]:
    """The unit levels whose candidates the organization department of ``region`` files
    (notice §三): the province's files provincial and central units', a city's its city units',
    a county's its county units'."""
    if region is None:
        return ()
    return {
        Region.Level.PROVINCE: (Level.PROVINCE, Level.CENTRAL),
        Region.Level.CITY: (Level.CITY,),
        Region.Level.COUNTY: (Level.COUNTY,),
    }.get(region.level, ())


def _files(user: User, posting: Posting) -> bool:
    levels = _filing_level(user.region)
    return posting.unit.level in levels and posting.unit.region.code.startswith(user.region.scope_prefix)


def _files_q(user: User) -> Q:
    levels = _filing_level(user.region)
    return Q(unit__level__in=levels, unit__region__code__startswith=user.region.scope_prefix) if levels else NOTHING


UNIT_STAFF = Relation(
    "本单位组织人事部门",
    lambda user, posting: user.unit_id is not None and user.unit_id == posting.unit_id,
    lambda user: Q(unit=user.unit_id) if user.unit_id else NOTHING,
)
PROVINCIAL_UNITS = Relation(
    "省直单位的人选",
    lambda user, posting: posting.unit.level == Level.PROVINCE,
    lambda user: Q(unit__level=Level.PROVINCE),
)
FILING_DEPARTMENT = Relation("派出单位同级党委组织部", _files, _files_q)
RECEIVING_COUNTY = Relation(
    "派驻县党委组织部",
    lambda user, posting: user.region_id is not None and user.region_id == posting.county_id,
    lambda user: Q(county=user.region_id) if user.region_id else NOTHING,
)


# --- The rules ---------------------------------------------------------------------------------
# Each rule takes the locked posting, the facts (services.Facts) and the action's arguments —
# the cleaned data of the transition's form —, raises TransitionRefused when the notice forbids
# the action, and returns (field changes, event note).
Rule = Callable[..., tuple[dict, str]]


def eligibility_failures(cadre: Cadre, *, on: datetime.date | None = None) -> list[str]:
    """The basic conditions of notice §二 that the cadre does not meet, each with its reason."""
    on = on or timezone.localdate()
    failures = []
    if cadre.political_status != Cadre.PoliticalStatus.MEMBER:
        status = "中共预备党员" if cadre.political_status == Cadre.PoliticalStatus.PROBATIONARY else "非中共党员"
        failures.append(f"须为中共正式党员，该干部为{status}")
    two_years_ago = on.replace(year=on.year - 2) if not (on.month == 2 and on.day == 29) else on.replace(year=on.year - 2, day=28)
    if cadre.work_start_date > two_years_ago:
        failures.append(f"须有两年以上工作经历，该干部 {date_format(cadre.work_start_date, 'YEAR_MONTH_FORMAT')} 参加工作")
    if not cadre.fit_for_duty:
        failures.append("须具有正常履行职责的身体条件")
    if cadre.is_township_cadre:
        failures.append("乡镇干部不应作为选派人选")
    return failures


def _rule_qualify(p: Posting, facts: Facts, *, note: str = "") -> tuple[dict, str]:
    # Judged on the day the cadre applied: a 2015 application keeps its 2015 verdict.
    failures = eligibility_failures(p.cadre, on=timezone.localdate(p.applied_at))
    if failures:
        raise TransitionRefused(*failures)
    return {}, note


def _rule_with_reason(missing: str) -> Rule:
    def rule(p: Posting, facts: Facts, *, reason: str) -> tuple[dict, str]:
        if not reason.strip():
            raise TransitionRefused(missing)
        return {}, reason.strip()

    return rule


def _rule_plain(p: Posting, facts: Facts, *, note: str = "") -> tuple[dict, str]:
    return {}, note


def _rule_recommend(p: Posting, facts: Facts, *, meeting_date: datetime.date, decision: str, county: Region) -> tuple[dict, str]:
    if meeting_date > timezone.localdate():
        raise TransitionRefused("党委（党组）研究日期不能晚于今天。")
    quota = facts.quota(p.unit_id, county.pk)
    if p.unit.level in (Level.PROVINCE, Level.CENTRAL):
        if quota is None:
            raise TransitionRefused(f"{p.unit.name}在{county.name}没有名额，只能派往其名额所在县。")
    elif not county.code.startswith(p.unit.region.scope_prefix):
        raise TransitionRefused(f"{p.unit.name}只能向{p.unit.region.name}的县派出第一书记。")
    if quota is not None:
        # The quota row is locked before its use is counted: two recommendations racing for the
        # last place queue here, and the second counts the first.
        used = facts.quota_use_locked(p.unit_id, county.pk)
        if used >= quota:
            raise TransitionRefused(
                f"{p.unit.name}在{county.name}的附表2名额为 {quota} 人，已推荐、备案、分配或在任 {used} 人，名额已满，不能再推荐。"
            )
    note = f"{date_format(meeting_date)}党委（党组）研究：{decision}；拟派往{county.name}"
    return {"recommended_on": meeting_date, "recommendation": decision, "county": county}, note


def _rule_assign(p: Posting, facts: Facts, *, village: Village, reason: str = "") -> tuple[dict, str]:
    _check_village(p, facts, village, reason)
    return {"village": village, "assignment_reason": reason.strip()}, reason.strip()


def _check_village(p: Posting, facts: Facts, village: Village, reason: str, *, counted: bool = False) -> None:
    """The assignment rule: a target village of the posting's county with no secretary, within a
    provincial unit's quota (``counted``: the posting already covers a village of the county, as
    when it is moved to another), a reason for a provincial or city cadre in a non-poor village."""
    if village.county_id != p.county_id:
        raise TransitionRefused(f"{village.name}不属于{p.county.name}，只能分配到本县的村。")
    if not village.is_target:
        raise TransitionRefused(f"{village.name}不是两类村（党组织软弱涣散村或建档立卡贫困村）。")
    if facts.village_taken(village):
        raise TransitionRefused(f"{village.name}已有分配或在任的第一书记。")
    level = p.unit.level
    if level in (Level.PROVINCE, Level.CENTRAL):
        quota = facts.quota(p.unit_id, village.county_id)
        if quota is None:
            raise TransitionRefused(f"{p.unit.name}在{p.county.name}没有名额，省直单位只能派往其名额所在县。")
        if not counted and facts.used(p.unit_id, village.county_id) >= quota:
            raise TransitionRefused(f"{p.unit.name}在{p.county.name}的 {quota} 个名额已用完。")
    if level != Level.COUNTY and not village.is_registered_poor and not reason.strip():
        raise TransitionRefused("省、市两级选派的第一书记主要到建档立卡贫困村任职；派往非贫困村须填写理由。")


def _rule_unassign(p: Posting, facts: Facts, *, reason: str) -> tuple[dict, str]:
    """撤销分配: the county takes an assigned secretary off the village before 履岗任职; the
    village is uncovered again and the secretary waits to be assigned (审核备案)."""
    if not reason.strip():
        raise TransitionRefused("请填写撤销分配的理由。")
    return {"village": None, "assignment_reason": ""}, f"撤销分配（原派驻{p.village.name}）：{reason.strip()}"


def _rule_reassign(p: Posting, facts: Facts, *, village: Village, change_reason: str, reason: str = "") -> tuple[dict, str]:
    """改派: another village of the county, by the same rule as the assignment."""
    if not change_reason.strip():
        raise TransitionRefused("请填写改派的理由。")
    if village.pk == p.village_id:
        raise TransitionRefused(f"已分配到{village.name}，请选择另一个村。")
    _check_village(p, facts, village, reason, counted=True)
    note = f"改派：{p.village.name} → {village.name}；理由：{change_reason.strip()}"
    return {"village": village, "assignment_reason": reason.strip()}, note


def _term_end(start: datetime.date, years: int) -> datetime.date:
    return start.replace(year=start.year + years, day=28 if (start.month, start.day) == (2, 29) else start.day)


def _rule_take_office(p: Posting, facts: Facts, *, start_date: datetime.date, party_relation_transferred: bool) -> tuple[dict, str]:
    note = f"{date_format(start_date)}到村任职；党组织关系{'已' if party_relation_transferred else '尚未'}转入"
    changes = {
        "start_date": start_date,
        "end_date": _term_end(start_date, p.campaign.term_years),
        "party_relation_transferred": party_relation_transferred,
    }
    return changes, note


def _rule_end_term(p: Posting, facts: Facts, *, end_date: datetime.date, note: str = "") -> tuple[dict, str]:
    if p.start_date and end_date < p.start_date:
        raise TransitionRefused("免职日期不能早于任职日期。")
    return {"end_date": end_date}, note or f"{date_format(end_date)}期满免职"


def _rule_extend(p: Posting, facts: Facts, *, new_end_date: datetime.date, unit_consent: bool, note: str = "") -> tuple[dict, str]:
    """留任: approved by the organization department with the dispatching unit's consent."""
    if not unit_consent:
        raise TransitionRefused("继续留任须经派出单位同意。")
    if p.end_date and new_end_date <= p.end_date:
        raise TransitionRefused(f"新的任期届满日期应晚于原日期 {date_format(p.end_date)}。")
    return {"end_date": new_end_date}, note or f"留任至 {date_format(new_end_date)}（派出单位同意）"


def _rule_recall(p: Posting, facts: Facts, *, reason_code: str, reason: str) -> tuple[dict, str]:
    """调整召回 with a coded reason (stored on the posting) and the text of the event's note."""
    if reason_code not in Posting.RecallReason.values:
        raise TransitionRefused("请选择调整召回的原因（不胜任、不称职、健康、工作需要或其他）。")
    if not reason.strip():
        raise TransitionRefused("请填写调整的理由。")
    label = Posting.RecallReason(reason_code).label
    return {"recall_reason": reason_code}, f"调整召回（{label}）：{reason.strip()}"


def _filed_source(posting: Posting) -> tuple[str, ...]:
    """审核备案 follows 省扶贫办's approval for provincial units, the recommendation for the others."""
    return (State.APPROVED,) if posting.unit.level == Level.PROVINCE else (State.RECOMMENDED,)


# --- What the forms offer to choose ------------------------------------------------------------
# Imported when called: the selectors read through services, which import this module.
def _recommend_choices(postings: Sequence[Posting]) -> dict:
    from secretaries.selectors import recommend_counties, unit_quota_use

    choices = {"counties": recommend_counties(postings=postings)}
    units = {(p.unit_id, p.campaign_id) for p in postings}
    if len(units) == 1:  # one unit: each county offered with its quota and use
        unit, campaign = units.pop()
        choices["quota_use"] = unit_quota_use(unit_id=unit, campaign_id=campaign)
    return choices


def _assign_choices(postings: Sequence[Posting]) -> dict:
    from secretaries.selectors import assignment_suggestions

    return {"villages": assignment_suggestions(posting=postings[0]).select_related("county")}


# --- The declaration -------------------------------------------------------------------------
@dataclass(frozen=True)
class Transition:
    """One step of the pipeline, as every interface reads it (see the module's docstring)."""

    name: str
    label: str
    sources: tuple[str, ...]  # every state it may start from (``sources_for``: for this posting)
    target: str | None  # None: the state stays (留任)
    capability: Capability  # the role's part of "who may" (dispatch.roles)
    relation: Relation  # the user's relation to the posting
    rule: Rule
    form: type[forms.Form]  # its arguments; the form's cleaned data is what the rule takes
    changed_fields: tuple[str, ...] = ()  # besides state and updated_at
    reads: tuple[str, ...] = ()  # what the rule reads beyond the unit and its region (joined when locking)
    source_rule: Callable[[Posting], tuple[str, ...]] | None = None  # sources that depend on the posting
    choices: Callable[[Sequence[Posting]], dict] | None = None  # the form's choices for these postings
    bulk: bool = False  # offered as a bulk action on the list page
    admin_form: type[forms.Form] | None = None  # the admin's intermediate page; None: the action bar's note
    one_at_a_time: bool = False  # the admin takes one posting per action (its choices depend on it)
    own_page: bool = False  # the posting page links to its own page instead of showing its form
    danger: bool = False  # it sends the candidate back or out (the page's red button)

    def sources_for(self, posting: Posting) -> tuple[str, ...]:
        return self.source_rule(posting) if self.source_rule else self.sources

    def may(self, user: User, posting: Posting) -> bool:
        """The user's role holds the capability and the user stands in the relation (the scope is the query's)."""
        return can(user, self.capability) and self.relation.holds(user, posting)

    def refusal(self, user: User, posting: Posting) -> TransitionRefused | None:
        """Why ``user`` cannot take this step on ``posting`` now, before its rule is asked: the
        posting's state, or who may. None when the rule is next to decide."""
        if posting.state not in self.sources_for(posting):
            return TransitionRefused(f"该记录当前为“{posting.get_state_display()}”，不能{self.label}（可能已被他人处理，请刷新页面）。")
        if not self.may(user, posting):
            return TransitionRefused(f"{user.get_role_display() or '您的角色'}不能对{posting.unit.name}的人选进行“{self.label}”。")
        return None

    def make_form(self, postings: Sequence[Posting], data=None, *, form_class: type[forms.Form] | None = None, **kwargs) -> forms.Form:
        """Its form (or ``form_class``, e.g. the admin's) with the choices for ``postings``."""
        choices = self.choices(postings) if self.choices and postings else {}
        return (form_class or self.form)(data, **choices, **kwargs)

    def arguments(self, data: dict) -> dict:
        """The rule's arguments out of cleaned data that may hold other fields (the bulk form's)."""
        return {name: data[name] for name in self.form.base_fields if name in data}


def _declare(*transitions: Transition) -> dict[str, Transition]:
    return {t.name: t for t in transitions}


TRANSITIONS: dict[str, Transition] = _declare(
    Transition(
        "qualify",
        "资格审查通过",
        (State.APPLIED,),
        State.QUALIFIED,
        roles.POSTING_QUALIFY,
        UNIT_STAFF,
        _rule_qualify,
        f.NoteForm,
        reads=("cadre",),
        bulk=True,
    ),
    Transition(
        "reject",
        "资格审查不通过",
        (State.APPLIED, State.QUALIFIED),
        State.REJECTED,
        roles.POSTING_REJECT,
        UNIT_STAFF,
        _rule_with_reason("请填写不通过的理由。"),
        f.ReasonForm,
        admin_form=f.ReasonForm,
        danger=True,
    ),
    Transition(
        "recommend",
        "组织推荐",
        (State.QUALIFIED,),
        State.RECOMMENDED,
        roles.POSTING_RECOMMEND,
        UNIT_STAFF,
        _rule_recommend,
        f.RecommendForm,
        changed_fields=("recommended_on", "recommendation", "county"),
        choices=_recommend_choices,
        bulk=True,
        admin_form=f.RecommendForm,
    ),
    Transition(
        "approve",
        "审核同意",
        (State.RECOMMENDED,),
        State.APPROVED,
        roles.POSTING_APPROVE,
        PROVINCIAL_UNITS,
        _rule_plain,
        f.NoteForm,
        bulk=True,
    ),
    Transition(
        "return",
        "退回单位",
        (State.RECOMMENDED,),
        State.QUALIFIED,
        roles.POSTING_RETURN,
        PROVINCIAL_UNITS,
        _rule_with_reason("请填写退回的理由。"),
        f.ReasonForm,
        admin_form=f.ReasonForm,
        danger=True,
    ),
    Transition(
        "file",
        "审核备案",
        (State.RECOMMENDED, State.APPROVED),
        State.FILED,
        roles.POSTING_FILE,
        FILING_DEPARTMENT,
        _rule_plain,
        f.NoteForm,
        source_rule=_filed_source,
        bulk=True,
    ),
    Transition(
        "file_return",
        "退回单位",
        (State.RECOMMENDED, State.APPROVED),
        State.QUALIFIED,
        roles.POSTING_FILE,
        FILING_DEPARTMENT,
        _rule_with_reason("请填写退回的理由。"),
        f.ReasonForm,
        source_rule=_filed_source,
        admin_form=f.ReasonForm,
        danger=True,
    ),
    Transition(
        "assign",
        "分配到村",
        (State.FILED,),
        State.ASSIGNED,
        roles.POSTING_ASSIGN,
        RECEIVING_COUNTY,
        _rule_assign,
        f.AssignForm,
        changed_fields=("village", "assignment_reason"),
        choices=_assign_choices,
        admin_form=f.AssignForm,
        one_at_a_time=True,
        own_page=True,
    ),
    Transition(
        "reassign",
        "改派",
        (State.ASSIGNED,),
        None,
        roles.POSTING_ASSIGN,
        RECEIVING_COUNTY,
        _rule_reassign,
        f.ReassignForm,
        changed_fields=("village", "assignment_reason"),
        reads=("village",),
        choices=_assign_choices,
        admin_form=f.ReassignForm,
        one_at_a_time=True,
    ),
    Transition(
        "unassign",
        "撤销分配",
        (State.ASSIGNED,),
        State.FILED,
        roles.POSTING_ASSIGN,
        RECEIVING_COUNTY,
        _rule_unassign,
        f.ReasonForm,
        changed_fields=("village", "assignment_reason"),
        reads=("village",),
        admin_form=f.ReasonForm,
        danger=True,
    ),
    Transition(
        "take_office",
        "履岗任职",
        (State.ASSIGNED,),
        State.IN_OFFICE,
        roles.POSTING_TAKE_OFFICE,
        RECEIVING_COUNTY,
        _rule_take_office,
        f.TakeOfficeForm,
        changed_fields=("start_date", "end_date", "party_relation_transferred"),
        reads=("campaign",),
        admin_form=f.TakeOfficeForm,
    ),
    Transition(
        "end_term",
        "期满免职",
        (State.IN_OFFICE,),
        State.ENDED,
        roles.POSTING_END_TERM,
        RECEIVING_COUNTY,
        _rule_end_term,
        f.EndTermForm,
        changed_fields=("end_date",),
        admin_form=f.EndTermForm,
    ),
    Transition(
        "extend",
        "留任",
        (State.IN_OFFICE,),
        None,
        roles.POSTING_EXTEND,
        RECEIVING_COUNTY,
        _rule_extend,
        f.ExtendForm,
        changed_fields=("end_date",),
        admin_form=f.ExtendForm,
    ),
    Transition(
        "recall",
        "调整召回",
        (State.IN_OFFICE,),
        State.RECALLED,
        roles.POSTING_RECALL,
        RECEIVING_COUNTY,
        _rule_recall,
        f.RecallForm,
        changed_fields=("recall_reason",),
        admin_form=f.RecallForm,
        danger=True,
    ),
    Transition(
        "withdraw",
        "撤回",
        (State.APPLIED, State.QUALIFIED, State.RECOMMENDED, State.APPROVED, State.FILED, State.ASSIGNED),
        State.WITHDRAWN,
        roles.POSTING_WITHDRAW,
        UNIT_STAFF,
        _rule_with_reason("请填写撤回的理由。"),
        f.ReasonForm,
        admin_form=f.ReasonForm,
        danger=True,
    ),
)


# --- Guards: preconditions a later app adds to a step ------------------------------------------
# A later app (tenure) may refuse a step for what it records and secretaries cannot import (the
# layers): 期满免职 requires the completed 期满考察. Each guard takes the locked posting and the
# step's arguments and raises TransitionRefused; the executor runs the step's guards after its
# rule, inside the step's transaction, so what a guard reads cannot change before the commit's
# end for a row it locks. Registered once, in the app's AppConfig.ready().
Guard = Callable[..., None]
_GUARDS: dict[str, dict[str, Guard]] = {}


def register_guard(action: str, name: str, guard: Guard) -> None:
    """Add (or, under the same name, replace) a precondition of ``action``."""
    if action not in TRANSITIONS:
        raise KeyError(f"no transition {action!r}")
    _GUARDS.setdefault(action, {})[name] = guard


def run_guards(action: str, posting: Posting, arguments: dict) -> None:
    for guard in _GUARDS.get(action, {}).values():
        guard(posting, **arguments)


def allowed_actions(*, posting: Posting, user: User) -> list[str]:
    """The actions this user may take on this posting now (the page's buttons)."""
    return [t.name for t in TRANSITIONS.values() if posting.state in t.sources_for(posting) and t.may(user, posting)]


def bulk_actions(user: User) -> list[Transition]:
    """The bulk actions the list page offers this user: those its role's capabilities take."""
    return [t for t in TRANSITIONS.values() if t.bulk and can(user, t.capability)]
