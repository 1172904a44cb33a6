"""The writes of the 驻村工作组 (notice §六.2), each by the county, in one transaction that locks
the village (forming) or the team (joining, leaving, dissolving), each writing a WorkTeamEvent.

Refused with a Chinese message, nothing written: a village that is not a 重点难点村, a village
without a secretary in office, a village that already has a team (also a double POST), fewer
than 3 or more than 5 active members, a member already in an active team (or whose membership
of another team overlaps the dates), a bad 身份证号, dates in the future or out of order. A
village or team outside the county's scope is not there (DoesNotExist, a 404 to the views).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dispatch import roles
from dispatch.models import User
from secretaries.idcard import InvalidIdNumber, parse_id_number
from secretaries.models import Cadre, Posting
from tenure.teams.models import MAX_MEMBERS, MIN_MEMBERS, TeamMember, WorkTeam, WorkTeamEvent
from villages.models import Village

NO_VILLAGE = "没有这个村，或不在您的管辖范围内。"
NO_TEAM = "没有这个驻村工作组，或不在您的管辖范围内。"


def _day(date: datetime.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


@dataclass(frozen=True)
class NewMember:
    """A person joining a team, as the form gives him."""

    name: str
    id_number: str
    unit_name: str
    level: str
    phone: str = ""


def _member_errors(member: NewMember, *, label: str) -> tuple[str, list[str]]:
    """(the normalised 身份证号, what is wrong with this member, each naming him)."""
    errors = []
    if not member.name.strip():
        errors.append(f"{label}：请填写姓名。")
    number = ""
    try:
        number, _, _ = parse_id_number(member.id_number)
    except InvalidIdNumber as e:
        errors.append(f"{label}：身份证号{e}")
    if not member.unit_name.strip():
        errors.append(f"{label}：请填写工作单位。")
    if member.level not in TeamMember.Level.values:
        errors.append(f"{label}：单位层级应为市级部门、县级部门或乡镇。")
    return number, errors


def _busy_elsewhere(number: str, since: datetime.date) -> TeamMember | None:
    """A membership (of any team, this one included) that holds ``number`` on or after
    ``since``: a person is in one team at a time."""
    memberships = TeamMember.objects.select_for_update().filter(id_number=number).filter(Q(left_on__isnull=True) | Q(left_on__gte=since))
    return memberships.select_related("team__village").first()


def _busy_message(label: str, busy: TeamMember) -> str:
    where = f"{busy.team.village.name}驻村工作组"
    if busy.left_on is None:
        return f"{label}：{busy.name}已是{where}的在组成员，同一人不能同时参加两个驻村工作组。"
    return f"{label}：{busy.name}在{where}的时间到{_day(busy.left_on)}，与加入日期重叠。"


def _event(*, team: WorkTeam, by: User, action: str, on: datetime.date, member: TeamMember | None = None, note: str = "") -> None:
    WorkTeamEvent.objects.create(team=team, member=member, actor=by, actor_role=by.role, action=action, on=on, note=note)


def _check_date(
    date: datetime.date | None, *, field: str, label: str, not_before: datetime.date | None = None, before_label: str = ""
) -> dict:
    if date is None:
        return {field: f"请填写{label}。"}
    if date > timezone.localdate():
        return {field: f"{label}{_day(date)}晚于今天。"}
    if not_before is not None and date < not_before:
        return {field: f"{label}{_day(date)}早于{before_label}{_day(not_before)}。"}
    return {}


@transaction.atomic
def team_form(*, village: Village, by: User, formed_on: datetime.date | None, members: list[NewMember], note: str = "") -> WorkTeam:
    """Form the 驻村工作组 of a 重点难点村, led by its secretary in office, with 3–5 members who
    join on the day it is formed."""
    roles.require(by, roles.TEAM_MANAGE)
    # The village row is the lock: two forms of the same village wait for each other, and the
    # second sees the first's team.
    locked = Village.objects.visible_to(by).select_for_update().filter(pk=village.pk).first()
    if locked is None:
        raise Village.DoesNotExist(NO_VILLAGE)
    errors: dict[str, list[str] | str] = {}
    leader = None
    if not locked.is_key_difficult:
        errors["village"] = f"{locked.name}不是重点难点村：驻村工作组只为扶贫开发、软弱涣散整顿任务繁重的重点难点村组建。"
    else:
        leader = Posting.objects.filter(village=locked, state=Posting.State.IN_OFFICE).select_related("cadre").first()
        if leader is None:
            errors["village"] = f"{locked.name}目前没有在任的第一书记：工作组由第一书记带领，请先安排第一书记到任。"
        elif WorkTeam.objects.filter(village=locked, dissolved_on__isnull=True).exists():
            errors["village"] = f"{locked.name}已有驻村工作组，请在该工作组中调整成员。"
    errors.update(_check_date(formed_on, field="formed_on", label="组建日期"))
    if not errors.get("formed_on") and leader is not None and leader.start_date and formed_on < leader.start_date:
        errors["formed_on"] = f"组建日期{_day(formed_on)}早于第一书记{leader.cadre.name}到村的日期{_day(leader.start_date)}。"
    if not MIN_MEMBERS <= len(members) <= MAX_MEMBERS:
        errors["members"] = f"驻村工作组应有{MIN_MEMBERS}至{MAX_MEMBERS}名成员，现在是{len(members)}名。"
    member_errors, numbers = [], []
    for i, member in enumerate(members, start=1):
        label = f"第{i}名成员{member.name.strip() or ''}"
        number, problems = _member_errors(member, label=label)
        member_errors += problems
        if number and number in numbers:
            member_errors.append(f"{label}：与第{numbers.index(number) + 1}名成员的身份证号相同。")
        numbers.append(number)
        if number and formed_on and (busy := _busy_elsewhere(number, formed_on)):
            member_errors.append(_busy_message(label, busy))
    if member_errors:
        errors.setdefault("members", [])
        errors["members"] = ([errors["members"]] if isinstance(errors["members"], str) else errors["members"]) + member_errors
    if errors:
        raise ValidationError(errors)
    team = WorkTeam.objects.create(village=locked, leader=leader, formed_on=formed_on, note=(note or "").strip(), formed_by=by)
    _event(team=team, by=by, action=WorkTeamEvent.Action.FORMED, on=formed_on, note=team.note)
    for member, number in zip(members, numbers, strict=True):
        _add_member(team=team, by=by, member=member, number=number, joined_on=formed_on)
    return team


def _add_member(*, team: WorkTeam, by: User, member: NewMember, number: str, joined_on: datetime.date) -> TeamMember:
    row = TeamMember.objects.create(
        team=team,
        name=member.name.strip(),
        id_number=number,
        cadre=Cadre.objects.filter(id_number=number).first(),
        unit_name=member.unit_name.strip(),
        level=member.level,
        phone=(member.phone or "").strip(),
        joined_on=joined_on,
    )
    _event(team=team, by=by, action=WorkTeamEvent.Action.JOINED, on=joined_on, member=row)
    return row


def _locked_team(by: User, team: WorkTeam) -> WorkTeam:
    locked = WorkTeam.objects.visible_to(by).select_for_update(of=("self",)).filter(pk=team.pk).select_related("village").first()
    if locked is None:
        raise WorkTeam.DoesNotExist(NO_TEAM)
    if not locked.is_active:
        raise ValidationError(f"{locked.village.name}驻村工作组已于{_day(locked.dissolved_on)}撤销，不能再调整成员。")
    return locked


@transaction.atomic
def team_member_join(*, team: WorkTeam, by: User, member: NewMember, joined_on: datetime.date | None) -> TeamMember:
    """A person joins an active team (at most 5 active members)."""
    roles.require(by, roles.TEAM_MANAGE)
    locked = _locked_team(by, team)
    active = locked.members.filter(left_on__isnull=True).count()
    errors: dict[str, list[str] | str] = {}
    if active >= MAX_MEMBERS:
        errors["members"] = f"该工作组已有{active}名成员，最多{MAX_MEMBERS}名：请先办理成员离开。"
    errors.update(_check_date(joined_on, field="joined_on", label="加入日期", not_before=locked.formed_on, before_label="工作组组建日期"))
    number, problems = _member_errors(member, label=member.name.strip() or "成员")
    if problems:
        errors["members"] = [*([errors["members"]] if "members" in errors else []), *problems]
    elif joined_on and "joined_on" not in errors and (busy := _busy_elsewhere(number, joined_on)):
        errors["id_number"] = _busy_message(member.name.strip(), busy)
    if errors:
        raise ValidationError(errors)
    return _add_member(team=locked, by=by, member=member, number=number, joined_on=joined_on)


@transaction.atomic
def team_member_leave(*, member: TeamMember, by: User, left_on: datetime.date | None, note: str = "") -> TeamMember:
    """A member leaves his team; the team keeps at least 3 (to go below, dissolve it)."""
    roles.require(by, roles.TEAM_MANAGE)
    row = TeamMember.objects.visible_to(by).filter(pk=member.pk).first()
    if row is None:
        raise TeamMember.DoesNotExist("没有这名工作组成员，或不在您的管辖范围内。")
    locked = _locked_team(by, row.team)
    row = TeamMember.objects.select_for_update().get(pk=row.pk)
    if row.left_on is not None:
        raise ValidationError(f"{row.name}已于{_day(row.left_on)}离开工作组。")
    errors = _check_date(left_on, field="left_on", label="离开日期", not_before=row.joined_on, before_label="加入日期")
    active = locked.members.filter(left_on__isnull=True).count()
    if active - 1 < MIN_MEMBERS:
        errors["members"] = f"{row.name}离开后工作组只剩{active - 1}名成员，不足{MIN_MEMBERS}名：请先增补成员，或撤销工作组。"
    if errors:
        raise ValidationError(errors)
    row.left_on = left_on
    row.save(update_fields=["left_on"])
    _event(team=locked, by=by, action=WorkTeamEvent.Action.LEFT, on=left_on, member=row, note=(note or "").strip())
    return row


@transaction.atomic
def team_dissolve(*, team: WorkTeam, by: User, on: datetime.date | None, note: str = "") -> WorkTeam:
    """Dissolve a team: every member still in it leaves that day."""
    roles.require(by, roles.TEAM_MANAGE)
    locked = _locked_team(by, team)
    errors = _check_date(on, field="on", label="撤销日期", not_before=locked.formed_on, before_label="组建日期")
    active = list(locked.members.select_for_update().filter(left_on__isnull=True))
    late_joiner = max((m.joined_on for m in active), default=None)
    if not errors and late_joiner and on < late_joiner:
        errors["on"] = f"撤销日期{_day(on)}早于成员加入日期{_day(late_joiner)}。"
    if not (note or "").strip():
        errors["note"] = "请填写撤销原因。"
    if errors:
        raise ValidationError(errors)
    for member in active:
        member.left_on = on
        member.save(update_fields=["left_on"])
        _event(team=locked, by=by, action=WorkTeamEvent.Action.LEFT, on=on, member=member, note="工作组撤销")
    locked.dissolved_on = on
    locked.save(update_fields=["dissolved_on"])
    _event(team=locked, by=by, action=WorkTeamEvent.Action.DISSOLVED, on=on, note=note.strip())
    return locked
