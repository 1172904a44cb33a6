"""Leave (请假 / 续假 / 销假, issue #12 point 4): one service per step, each in one transaction,
each writing its append-only LeaveEvent.

- ``leave_ask``: the secretary asks (kind, dates, reason). Who approves is the
  ``LeaveApprovalRule`` covering its working days — for an extension (续假, ``extends``), the
  working days of the whole chain — stored on the request with whether the unit is informed.
- ``leave_approve`` / ``leave_return``: the level the rule names decides (a return needs a
  reason); another level, a decided request or a request outside the user's scope is refused.
- ``leave_cancel``: the secretary withdraws a request not yet decided, or approved leave that
  has not begun.
- ``leave_close`` (销假): the actual return date; ``days_taken`` is the working days from the
  first day to the day before the return.

Refusals are ValidationErrors with a Chinese message naming the field, and write nothing. A
request outside the user's scope is ``LeaveRequest.DoesNotExist`` (or ``Posting.DoesNotExist``),
which the pages answer with 404.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format as d

from dispatch import roles
from dispatch.models import Role
from secretaries.models import Posting
from tenure.calendar import ONE_DAY, calendar_for
from tenure.locks import refuse_if_locked, refuse_outside_term
from tenure.models import LeaveApprovalRule, LeaveEvent, LeaveRequest
from tenure.presence import leave_days, tenure_postings

State = LeaveRequest.State
# Requests that hold their dates: another request may not overlap them.
HOLDING_STATES = (State.PENDING, State.APPROVED, State.CLOSED)


def _event(leave: LeaveRequest, *, by, action: str, from_state: str, note: str = "") -> LeaveEvent:
    return LeaveEvent.objects.create(
        leave=leave, actor=by, actor_role=by.role, action=action, from_state=from_state, to_state=leave.state, note=note
    )


# The preset of migration 0002: up to 3 working days by the township, longer by the county with
# the unit informed. An empty rule table (a database emptied and reloaded) means the preset.
PRESET_RULES = ((3, "township", False), (None, "county_org", True))


def rule_for(working_days: int) -> LeaveApprovalRule:
    """The rule with the smallest bound that covers this many working days."""
    if not LeaveApprovalRule.objects.exists():
        for bound, role, inform in PRESET_RULES:
            LeaveApprovalRule.objects.get_or_create(max_working_days=bound, defaults={"approver_role": role, "inform_unit": inform})
    rule = (
        LeaveApprovalRule.objects.filter(Q(max_working_days__gte=working_days) | Q(max_working_days__isnull=True))
        .order_by(F("max_working_days").asc(nulls_last=True))
        .first()
    )
    if rule is None:
        raise ValidationError(f"没有适用于{working_days}个工作日的请假审批规则，请系统管理员在“请假审批规则”中补充。")
    return rule


def chain_working_days(leave: LeaveRequest | None) -> int:
    """The working days of a request and every request it extends."""
    total = 0
    while leave is not None:
        total += leave.working_days
        leave = leave.extends
    return total


def _lock_posting(posting, by) -> Posting:
    # Asks for one posting queue on its row, so two overlapping requests cannot both pass the
    # overlap check.
    return tenure_postings(by).select_for_update(of=("self",)).get(pk=posting.pk)


def _lock(leave, by) -> LeaveRequest:
    # Out of scope is "does not exist" (404 at the page).
    return LeaveRequest.objects.visible_to(by).select_for_update(of=("self",)).select_related("posting").get(pk=leave.pk)


def _refuse_overlap(posting, start, end, *, exclude=None) -> None:
    others = LeaveRequest.objects.filter(posting=posting, state__in=HOLDING_STATES, start_date__lte=end, end_date__gte=start)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    for other in others:
        covered = leave_days(other)
        if covered and covered[0] <= end and covered[1] >= start:
            raise ValidationError(
                {"start_date": f"与已有的请假（{d(other.start_date)}至{d(other.end_date)}，{other.get_state_display()}）重叠。"}
            )


@transaction.atomic
def leave_ask(
    *,
    posting: Posting,
    by,
    kind: str,
    start_date: datetime.date,
    end_date: datetime.date,
    reason: str,
    extends: LeaveRequest | None = None,
) -> LeaveRequest:
    """The secretary asks for leave (or, with ``extends``, for an extension: 续假)."""
    roles.require(by, roles.LEAVE_ASK)
    posting = _lock_posting(posting, by)
    if posting.state != Posting.State.IN_OFFICE:
        raise ValidationError(f"{posting.cadre.name}当前不在任（{posting.get_state_display()}），不能请假。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写请假事由。"})
    refuse_outside_term(posting, start_date, end_date)
    if extends is not None:
        extends = LeaveRequest.objects.select_for_update(of=("self",)).get(pk=extends.pk, posting=posting)
        if extends.state != State.APPROVED:
            raise ValidationError(f"只能为已批准的假期续假；该请假{extends.get_state_display()}。")
        if extends.extensions.filter(state__in=(State.PENDING, State.APPROVED)).exists():
            raise ValidationError("该假期已有续假申请，请在续假申请上继续办理。")
        if start_date <= extends.end_date:
            raise ValidationError({"start_date": f"续假应从原假期结束（{d(extends.end_date)}）之后开始。"})
        gap = calendar_for(extends.end_date + ONE_DAY, start_date - ONE_DAY).working_days(extends.end_date + ONE_DAY, start_date - ONE_DAY)
        if gap:
            raise ValidationError({"start_date": f"续假应紧接原假期：{d(gap[0])}是工作日，未包含在内。"})
    working_days = calendar_for(start_date, end_date).count(start_date, end_date)
    if working_days == 0:
        raise ValidationError({"start_date": f"{d(start_date)}至{d(end_date)}均为休息日或节假日，无需请假。"})
    _refuse_overlap(posting, start_date, end_date)
    refuse_if_locked(posting, start_date, end_date, field="start_date")
    rule = rule_for(working_days + chain_working_days(extends))
    leave = LeaveRequest.objects.create(
        posting=posting,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        reason=reason.strip(),
        extends=extends,
        working_days=working_days,
        approver_role=rule.approver_role,
        inform_unit=rule.inform_unit,
        state=State.PENDING,
        requested_by=by,
    )
    _event(leave, by=by, action="extend" if extends else "ask", from_state="", note=leave.reason)
    return leave


def approver_label(leave: LeaveRequest) -> str:
    return Role(leave.approver_role).label if leave.approver_role else "—"


def may_decide(user, leave: LeaveRequest) -> bool:
    """Whether this user's role is the level the rule named for this request."""
    capability = roles.LEAVE_APPROVER_CAPABILITY.get(leave.approver_role)
    return capability is not None and user.role == leave.approver_role and roles.can(user, capability)


def _refuse_decision(leave: LeaveRequest, by) -> None:
    if not may_decide(by, leave):
        total = chain_working_days(leave)
        raise PermissionDenied(f"该请假共{total}个工作日，按请假审批规则应由{approver_label(leave)}审批，您无权审批。")
    if leave.state != State.PENDING:
        raise ValidationError(f"该请假申请{leave.get_state_display()}，不能再审批（可能已被他人处理）。")


@transaction.atomic
def leave_approve(*, leave: LeaveRequest, by, note: str = "") -> LeaveRequest:
    leave = _lock(leave, by)
    _refuse_decision(leave, by)
    refuse_if_locked(leave.posting, leave.start_date, leave.end_date)
    leave.state = State.APPROVED
    leave.save(update_fields=["state"])
    _event(leave, by=by, action="approve", from_state=State.PENDING, note=note)
    return leave


@transaction.atomic
def leave_return(*, leave: LeaveRequest, by, reason: str) -> LeaveRequest:
    leave = _lock(leave, by)
    _refuse_decision(leave, by)
    if not reason.strip():
        raise ValidationError({"reason": "退回请填写理由。"})
    leave.state = State.RETURNED
    leave.save(update_fields=["state"])
    _event(leave, by=by, action="return", from_state=State.PENDING, note=reason.strip())
    return leave


@transaction.atomic
def leave_cancel(*, leave: LeaveRequest, by, reason: str = "", today: datetime.date | None = None) -> LeaveRequest:
    """The secretary withdraws a pending request, or approved leave that has not begun."""
    roles.require(by, roles.LEAVE_ASK)
    today = today or timezone.localdate()
    leave = _lock(leave, by)
    if leave.state == State.APPROVED and leave.start_date <= today:
        raise ValidationError("假期已经开始，不能撤销；返岗后请办理销假。")
    if leave.state not in (State.PENDING, State.APPROVED):
        raise ValidationError(f"该请假申请{leave.get_state_display()}，不能撤销。")
    if leave.extensions.filter(state__in=(State.PENDING, State.APPROVED)).exists():
        raise ValidationError("该假期已有续假申请，请先撤销续假。")
    refuse_if_locked(leave.posting, leave.start_date, leave.end_date)
    from_state = leave.state
    leave.state = State.CANCELLED
    leave.save(update_fields=["state"])
    _event(leave, by=by, action="cancel", from_state=from_state, note=reason.strip())
    return leave


@transaction.atomic
def leave_close(*, leave: LeaveRequest, by, returned_on: datetime.date, today: datetime.date | None = None) -> LeaveRequest:
    """销假: the actual return date; the days taken are the working days before it."""
    roles.require(by, roles.LEAVE_CLOSE)
    today = today or timezone.localdate()
    leave = _lock(leave, by)
    if leave.state != State.APPROVED:
        raise ValidationError(f"该请假申请{leave.get_state_display()}，不能销假。")
    if leave.extensions.filter(state__in=(State.PENDING, State.APPROVED)).exists():
        raise ValidationError("该假期已续假，请在续假申请上销假。")
    if returned_on < leave.start_date:
        raise ValidationError({"returned_on": f"实际返岗日期早于假期开始日期（{d(leave.start_date)}）。"})
    if returned_on > today:
        raise ValidationError({"returned_on": "实际返岗日期不能晚于今天。"})
    calendar = calendar_for(leave.start_date, max(returned_on, leave.end_date))
    overstay = calendar.count(leave.end_date + ONE_DAY, returned_on - ONE_DAY)
    if overstay:
        raise ValidationError({"returned_on": f"返岗日期超出假期{overstay}个工作日，超出部分未请假；请先申请续假，再销假。"})
    refuse_if_locked(leave.posting, leave.start_date, max(leave.start_date, returned_on - ONE_DAY), field="returned_on")
    leave.state = State.CLOSED
    leave.returned_on = returned_on
    leave.days_taken = calendar.count(leave.start_date, returned_on - ONE_DAY)
    leave.save(update_fields=["state", "returned_on", "days_taken"])
    _event(leave, by=by, action="close", from_state=State.APPROVED, note=f"{d(returned_on)}返岗，实际请假{leave.days_taken}个工作日")
    return leave


# --- reads -----------------------------------------------------------------------------------


def leave_to_decide(user) -> QuerySet:
    """Pending requests in this user's scope that the rule table gives to this user's level."""
    capability = roles.LEAVE_APPROVER_CAPABILITY.get(user.role)
    if capability is None or not roles.can(user, capability):
        return LeaveRequest.objects.none()
    return LeaveRequest.objects.visible_to(user).filter(state=State.PENDING, approver_role=user.role)


def leave_visible(user) -> QuerySet:
    """The leave this user sees; the unit only the requests the rule says it is informed of."""
    qs = LeaveRequest.objects.visible_to(user)
    if user.role == Role.UNIT:
        qs = qs.filter(inform_unit=True)
    return qs
