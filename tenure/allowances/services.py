"""Writes of the allowances (notice §五.6): the administrator sets the floor and the rates; the
unit draws up its monthly statement from the township's confirmed months and records that it
was paid. Each write runs in one transaction and locks its row; a statement's steps are
append-only AllowanceStatementEvents.

A month is payable once its PresenceMonth is confirmed (a reopened month waits for its new
confirmation). What is due for a month is ``days_on_post × daily rates``; what a statement
pays for it is the difference from what earlier statements gave for the same month — the whole
amount the first time (正常发放), the difference after a reopened month was confirmed with
other figures (更正), nothing when they agree. A paid statement is never changed."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from dispatch import roles
from dispatch.models import Campaign, DispatchingUnit
from tenure.allowances.models import CENT, AllowanceFloor, AllowanceLine, AllowanceRate, AllowanceStatement, AllowanceStatementEvent
from tenure.models import PresenceMonth

Statement = AllowanceStatement.State


def days_on_post(month: PresenceMonth) -> int:
    """实际在岗天数 of a confirmed month: days in the village and days away on official business
    (training, meetings called by the county or above: duty, not leave). Leave and unexplained
    days are not paid."""
    return month.in_village_days + month.official_absence_days


def floor_on(day: datetime.date) -> AllowanceFloor | None:
    return AllowanceFloor.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT)


@transaction.atomic
def floor_set(*, valid_from: datetime.date, living_daily_min: Decimal, basis: str, by) -> AllowanceFloor:
    """The administrator sets the floor of the daily 生活 rate from a date on."""
    roles.require(by, roles.ALLOWANCE_RATES)
    if living_daily_min < 0:
        raise ValidationError({"living_daily_min": "下限不能为负数。"})
    if not basis.strip():
        raise ValidationError({"basis": "请填写依据（差旅费伙食补助费标准的文件）。"})
    if AllowanceFloor.objects.filter(valid_from=valid_from).exists():
        raise ValidationError({"valid_from": f"{valid_from:%Y年%m月%d日}起已有下限，不能重复设置。"})
    return AllowanceFloor.objects.create(valid_from=valid_from, living_daily_min=_money(living_daily_min), basis=basis.strip(), set_by=by)


def rate_check(
    *,
    campaign: Campaign,
    unit_level: str,
    valid_from: datetime.date,
    living_daily: Decimal,
    transport_daily: Decimal,
    communication_daily: Decimal,
) -> None:
    """The rules of a rate, with the field each refusal names (the admin's form calls it too)."""
    errors: dict[str, str] = {}
    if valid_from.day != 1:
        errors["valid_from"] = "补贴标准从每月1日起执行，请填写某月1日。"
    for field, value in (
        ("living_daily", living_daily),
        ("transport_daily", transport_daily),
        ("communication_daily", communication_daily),
    ):
        if value is None or value < 0:
            errors[field] = "日标准不能为负数。"
    floor = floor_on(valid_from)
    if floor is not None and living_daily is not None and living_daily < floor.living_daily_min and "living_daily" not in errors:
        errors["living_daily"] = (
            f"生活补贴{_money(living_daily)}元/天低于{floor.valid_from:%Y年%m月%d日}起执行的下限{floor.living_daily_min}元/天（{floor.basis}）。"
        )
    if (
        "valid_from" not in errors
        and AllowanceRate.objects.filter(campaign=campaign, unit_level=unit_level, valid_from=valid_from).exists()
    ):
        errors["valid_from"] = f"{campaign}的{DispatchingUnit.Level(unit_level).label}级单位{valid_from:%Y年%m月%d日}起已有补贴标准。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def rate_set(
    *,
    campaign: Campaign,
    unit_level: str,
    valid_from: datetime.date,
    living_daily: Decimal,
    transport_daily: Decimal,
    communication_daily: Decimal,
    by,
) -> AllowanceRate:
    """The administrator sets the daily rates of a campaign and unit level from a month on. A
    rate is never edited: a new one from a later month replaces it."""
    roles.require(by, roles.ALLOWANCE_RATES)
    # The floor's rows are read under a lock so that a floor set at the same moment is seen.
    list(AllowanceFloor.objects.select_for_update().filter(valid_from__lte=valid_from))
    rate_check(
        campaign=campaign,
        unit_level=unit_level,
        valid_from=valid_from,
        living_daily=living_daily,
        transport_daily=transport_daily,
        communication_daily=communication_daily,
    )
    try:
        with transaction.atomic():
            return AllowanceRate.objects.create(
                campaign=campaign,
                unit_level=unit_level,
                valid_from=valid_from,
                living_daily=_money(living_daily),
                transport_daily=_money(transport_daily),
                communication_daily=_money(communication_daily),
                set_by=by,
            )
    except IntegrityError:
        raise ValidationError({"valid_from": "该日期起已有补贴标准。"}) from None


class RateTable:
    """Every rate of some campaigns, read once: the rate of a campaign and level for a month."""

    def __init__(self, campaign_ids):
        self._rates: dict[tuple[int, str], list[AllowanceRate]] = defaultdict(list)
        for rate in AllowanceRate.objects.filter(campaign_id__in=set(campaign_ids)).order_by("-valid_from"):
            self._rates[(rate.campaign_id, rate.unit_level)].append(rate)

    def for_month(self, campaign_id: int, unit_level: str, year: int, month: int) -> AllowanceRate | None:
        first = datetime.date(year, month, 1)
        return next((r for r in self._rates[(campaign_id, unit_level)] if r.valid_from <= first), None)


def _event(statement: AllowanceStatement, *, by, action: str, from_state: str, note: str = "") -> None:
    AllowanceStatementEvent.objects.create(
        statement=statement, actor=by, actor_role=by.role, action=action, from_state=from_state, to_state=statement.state, note=note
    )


def statement_prepare(*, unit: DispatchingUnit, year: int, month: int, by, today: datetime.date | None = None) -> AllowanceStatement:
    """The unit draws up its statement for a month: a line for every confirmed month of its
    secretaries up to that month not yet paid, and a correction line for every paid month whose
    confirmed figures now give another amount. Drawing up a statement not yet paid again
    rebuilds its lines from the figures of now."""
    try:
        return _statement_prepare(unit=unit, year=year, month=month, by=by, today=today)
    except IntegrityError:
        raise ValidationError(f"{year}年{month}月的发放表已生成（可能已被他人处理）。") from None


@transaction.atomic
def _statement_prepare(*, unit, year, month, by, today) -> AllowanceStatement:
    roles.require(by, roles.ALLOWANCE_PAY)
    today = today or timezone.localdate()
    if not 1 <= month <= 12:
        raise ValidationError("月份不对。")
    if (year, month) > (today.year, today.month):
        raise ValidationError(f"{year}年{month}月尚未到来，不能编制发放表。")
    # The unit's row is the lock: one statement at a time per unit.
    unit = DispatchingUnit.objects.visible_to(by).select_for_update(of=("self",)).get(pk=unit.pk)
    if by.scope.unit_id is not None and by.scope.unit_id != unit.pk:
        raise DispatchingUnit.DoesNotExist
    statements = AllowanceStatement.objects.filter(unit=unit)
    existing = statements.filter(year=year, month=month).first()
    if existing is not None and existing.is_paid:
        raise ValidationError(f"{year}年{month}月发放表已发放，不能重新编制；更正将列入下月发放表。")
    unpaid = statements.filter(state=Statement.PREPARED).exclude(pk=existing.pk if existing else None).first()
    if unpaid is not None:
        raise ValidationError(f"{unpaid.year}年{unpaid.month}月发放表尚未登记发放，请先登记后再编制新的发放表。")
    later = statements.filter(Q(year__gt=year) | Q(year=year, month__gt=month)).first()
    if later is not None:
        raise ValidationError(f"已有{later.year}年{later.month}月的发放表，不能再编制更早月份的发放表。")

    lines = _lines_due(unit, year, month, exclude_statement=existing)
    if existing is None:
        statement = AllowanceStatement(unit=unit, year=year, month=month, prepared_by=by)
        with transaction.atomic():
            statement.save(force_insert=True)
        action = "prepare"
    else:
        statement = existing
        # Not yet paid: its lines were a draft, drawn again from the figures of now.
        AllowanceLine.objects.filter(statement=statement).delete()
        statement.prepared_by = by
        statement.prepared_at = timezone.now()
        statement.save(update_fields=["prepared_by", "prepared_at"])
        action = "rebuild"
    for line in lines:
        line.statement = statement
    AllowanceLine.objects.bulk_create(lines)
    total = sum((line.amount for line in lines), Decimal("0"))
    _event(statement, by=by, action=action, from_state=existing.state if existing else "", note=f"{len(lines)}条明细，合计{total}元")
    return statement


def _lines_due(unit, year: int, month: int, *, exclude_statement: AllowanceStatement | None) -> list[AllowanceLine]:
    up_to = Q(year__lt=year) | Q(year=year, month__lte=month)
    months = list(
        PresenceMonth.objects.filter(up_to, posting__unit=unit, state=PresenceMonth.State.CONFIRMED)
        .select_related("posting__cadre", "posting__village")
        .order_by("posting__village__code", "year", "month")
    )
    given = AllowanceLine.objects.filter(posting__unit=unit)
    if exclude_statement is not None:
        given = given.exclude(statement=exclude_statement)
    before = {
        (row["posting_id"], row["year"], row["month"]): row["total"]
        for row in given.values("posting_id", "year", "month").annotate(total=Sum("amount"))
    }
    rates = RateTable({m.posting.campaign_id for m in months})
    missing = []
    lines = []
    for pm in months:
        rate = rates.for_month(pm.posting.campaign_id, unit.level, pm.year, pm.month)
        if rate is None:
            missing.append(f"{pm.posting.cadre.name}{pm.year}年{pm.month}月")
            continue
        days = days_on_post(pm)
        gross = _money(days * rate.daily_total)
        previously = before.get((pm.posting_id, pm.year, pm.month))
        if previously is not None and previously == gross:
            continue
        lines.append(
            AllowanceLine(
                posting=pm.posting,
                presence_month=pm,
                year=pm.year,
                month=pm.month,
                kind=AllowanceLine.Kind.REGULAR if previously is None else AllowanceLine.Kind.CORRECTION,
                days=days,
                rate=rate,
                living_daily=rate.living_daily,
                transport_daily=rate.transport_daily,
                communication_daily=rate.communication_daily,
                gross=gross,
                previously=previously or Decimal("0"),
                amount=gross - (previously or Decimal("0")),
            )
        )
    if missing:
        shown = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
        raise ValidationError(f"{DispatchingUnit.Level(unit.level).label}级单位没有适用的补贴标准：{shown}。请管理员先设置补贴标准。")
    return lines


@transaction.atomic
def statement_mark_paid(
    *, statement: AllowanceStatement, by, paid_on: datetime.date, today: datetime.date | None = None
) -> AllowanceStatement:
    """The unit records that the statement was paid: from then on it is locked. Refused when a
    month on it has been reopened or confirmed with other figures since it was drawn up."""
    roles.require(by, roles.ALLOWANCE_PAY)
    today = today or timezone.localdate()
    statement = AllowanceStatement.objects.visible_to(by).select_for_update(of=("self",)).get(pk=statement.pk)
    if by.scope.unit_id is not None and by.scope.unit_id != statement.unit_id:
        raise AllowanceStatement.DoesNotExist
    if statement.is_paid:
        raise ValidationError(f"{statement.title}已登记发放，不能重复登记。")
    if paid_on > today:
        raise ValidationError({"paid_on": "发放日期不能晚于今天。"})
    if paid_on < timezone.localdate(statement.prepared_at):
        raise ValidationError({"paid_on": "发放日期不能早于制表日期。"})
    lines = list(statement.lines.select_related("presence_month", "posting__cadre"))
    if not lines:
        raise ValidationError("发放表没有明细，无需登记发放。")
    changed = [
        f"{line.posting.cadre.name}{line.year}年{line.month}月"
        for line in lines
        if line.presence_month.state != PresenceMonth.State.CONFIRMED or days_on_post(line.presence_month) != line.days
    ]
    if changed:
        raise ValidationError(f"{'、'.join(changed)}的在岗情况在制表后已重新打开或更正，请重新编制发放表后再登记发放。")
    statement.state = Statement.PAID
    statement.paid_on = paid_on
    statement.paid_by = by
    statement.save(update_fields=["state", "paid_on", "paid_by"])
    _event(statement, by=by, action="paid", from_state=Statement.PREPARED, note=f"{paid_on:%Y-%m-%d}发放")
    return statement
