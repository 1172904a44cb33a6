"""The writes of care and training (notice §五.3, §五.6): one function per record, each in one
transaction, locking the secretary's posting (so that a double click gets the message, not a
second row) and writing a CareEvent. Refused with a Chinese message naming the field, nothing
written: a secretary outside the recorder's scope (Posting.DoesNotExist, a 404 to the views),
the wrong role (PermissionDenied), bad dates or amounts, a second 任职培训, a second record of
the same health check or policy."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dispatch import roles
from dispatch.models import User
from secretaries.models import Posting
from tenure.care.models import CareEvent, HealthCheck, Insurance, Training
from tenure.selectors import postings_in_office

NOT_IN_SCOPE = "没有这位在任的第一书记，或不在您的管辖范围内。"
MAX_HOURS_PER_DAY = 12


def _day(date: datetime.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def _locked_posting(by: User, posting: Posting) -> Posting:
    locked = postings_in_office(by).select_for_update(of=("self",)).filter(pk=posting.pk).first()
    if locked is None:
        raise Posting.DoesNotExist(NOT_IN_SCOPE)
    return locked


def _event(*, posting: Posting, by: User, action: str, record, details: dict, at: datetime.datetime | None) -> None:
    CareEvent.objects.create(
        posting=posting,
        actor=by,
        actor_role=by.role,
        action=action,
        record_id=record.pk,
        details=details,
        at=at or timezone.now(),
    )


@transaction.atomic
def training_record(
    *,
    posting: Posting,
    by: User,
    kind: str,
    title: str,
    organiser: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    hours: Decimal | None,
    at: datetime.datetime | None = None,
) -> Training:
    """Record one training ``posting``'s secretary attended (the county, §五.3)."""
    roles.require(by, roles.CARE_RECORD_TRAINING)
    locked = _locked_posting(by, posting)
    errors = {}
    if kind not in Training.Kind.values:
        errors["kind"] = "请选择培训类别。"
    elif kind == Training.Kind.INDUCTION and Training.objects.filter(posting=locked, kind=kind).exists():
        errors["kind"] = f"{locked.cadre.name}的任职培训已经登记过，不能重复登记。"
    title, organiser = (title or "").strip(), (organiser or "").strip()
    if not title:
        errors["title"] = "请填写培训名称。"
    if not organiser:
        errors["organiser"] = "请填写主办单位。"
    today = timezone.localdate()
    if start_date is None:
        errors["start_date"] = "请填写开始日期。"
    elif start_date > today:
        errors["start_date"] = f"开始日期{_day(start_date)}晚于今天：培训结束后再登记。"
    if end_date is None:
        errors["end_date"] = "请填写结束日期。"
    elif start_date and end_date < start_date:
        errors["end_date"] = f"结束日期{_day(end_date)}早于开始日期{_day(start_date)}。"
    elif end_date > today:
        errors["end_date"] = f"结束日期{_day(end_date)}晚于今天：培训结束后再登记。"
    if hours is None or hours <= 0:
        errors["hours"] = "学时应大于0。"
    elif start_date and end_date and end_date >= start_date and hours > MAX_HOURS_PER_DAY * ((end_date - start_date).days + 1):
        errors["hours"] = f"学时{hours}超过培训天数×{MAX_HOURS_PER_DAY}学时，请核对。"
    if not errors and Training.objects.filter(posting=locked, kind=kind, start_date=start_date, title=title).exists():
        errors["title"] = f"{locked.cadre.name}{_day(start_date)}的“{title}”已经登记过。"
    if errors:
        raise ValidationError(errors)
    training = Training.objects.create(
        posting=locked,
        kind=kind,
        title=title,
        organiser=organiser,
        start_date=start_date,
        end_date=end_date,
        hours=hours,
        recorded_by=by,
        recorded_at=at or timezone.now(),
    )
    details = {"kind": kind, "title": title, "start_date": str(start_date), "end_date": str(end_date), "hours": str(hours)}
    _event(posting=locked, by=by, action=CareEvent.Action.TRAINING, record=training, details=details, at=at)
    return training


@transaction.atomic
def health_check_record(
    *,
    posting: Posting,
    by: User,
    year: int | None,
    done: bool | None,
    date: datetime.date | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
) -> HealthCheck:
    """Record the year's health check of the unit's secretary (§五.6): done on a date, or not
    done (with why). A year recorded as not done may later be recorded as done; a year already
    done is refused."""
    roles.require(by, roles.CARE_RECORD_UNIT)
    locked = _locked_posting(by, posting)
    today = timezone.localdate()
    errors = {}
    if year is None or not (2000 <= year <= today.year):
        errors["year"] = f"年度应在2000年至{today.year}年之间。"
    if done is None:
        errors["done"] = "请选择是否已体检。"
    elif done:
        if date is None:
            errors["date"] = "已体检的，请填写体检日期。"
        elif date > today:
            errors["date"] = f"体检日期{_day(date)}晚于今天。"
        elif year is not None and date.year != year:
            errors["date"] = f"体检日期{_day(date)}不在{year}年度内。"
    elif date is not None:
        errors["date"] = "未体检的，不填体检日期。"
    note = (note or "").strip()
    existing = HealthCheck.objects.filter(posting=locked, year=year).first() if "year" not in errors else None
    if existing is not None and (existing.done or not done):
        errors["year"] = f"{locked.cadre.name}{year}年度的体检已经登记过（{'已体检' if existing.done else '未体检'}）。"
    if errors:
        raise ValidationError(errors)
    if existing is not None:
        # Not done earlier in the year, done now: the same year's row, its event says so.
        existing.done, existing.date, existing.note, existing.recorded_by = True, date, note, by
        existing.recorded_at = at or timezone.now()
        existing.save(update_fields=["done", "date", "note", "recorded_by", "recorded_at"])
        check = existing
    else:
        check = HealthCheck.objects.create(
            posting=locked, year=year, done=done, date=date, note=note, recorded_by=by, recorded_at=at or timezone.now()
        )
    details = {"year": year, "done": done, "date": str(date) if date else "", "note": note}
    _event(posting=locked, by=by, action=CareEvent.Action.HEALTH_CHECK, record=check, details=details, at=at)
    return check


@transaction.atomic
def insurance_record(
    *,
    posting: Posting,
    by: User,
    insurer: str,
    policy_number: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    sum_insured: Decimal | None,
    at: datetime.datetime | None = None,
) -> Insurance:
    """Record an accident insurance policy the unit took out for its secretary (§五.6)."""
    roles.require(by, roles.CARE_RECORD_UNIT)
    locked = _locked_posting(by, posting)
    insurer, policy_number = (insurer or "").strip(), (policy_number or "").strip()
    errors = {}
    if not insurer:
        errors["insurer"] = "请填写保险公司。"
    if not policy_number:
        errors["policy_number"] = "请填写保单号。"
    elif Insurance.objects.filter(posting=locked, policy_number=policy_number).exists():
        errors["policy_number"] = f"{locked.cadre.name}的保单{policy_number}已经登记过。"
    if start_date is None:
        errors["start_date"] = "请填写保险起期。"
    if end_date is None:
        errors["end_date"] = "请填写保险止期。"
    elif start_date and end_date < start_date:
        errors["end_date"] = f"保险止期{_day(end_date)}早于起期{_day(start_date)}。"
    if sum_insured is None or sum_insured <= 0:
        errors["sum_insured"] = "保险金额应大于0元。"
    if errors:
        raise ValidationError(errors)
    policy = Insurance.objects.create(
        posting=locked,
        insurer=insurer,
        policy_number=policy_number,
        start_date=start_date,
        end_date=end_date,
        sum_insured=sum_insured,
        recorded_by=by,
        recorded_at=at or timezone.now(),
    )
    details = {
        "insurer": insurer,
        "policy_number": policy_number,
        "start_date": str(start_date),
        "end_date": str(end_date),
        "sum_insured": str(sum_insured),
    }
    _event(posting=locked, by=by, action=CareEvent.Action.INSURANCE, record=policy, details=details, at=at)
    return policy
