"""The writes and checks of the end of the term.

- ``extension_consent_give``: the dispatching unit agrees that its secretary stays on (留任).
- ``require_term_review`` and ``require_unit_consent``: the guards tenure registers with
  secretaries.transitions (AppConfig.ready) on 期满免职 and 留任, which run inside the step's
  transaction with the posting's row locked.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from dispatch import roles
from dispatch.models import User
from secretaries.models import Posting
from secretaries.transitions import TransitionRefused
from tenure.presence import tenure_postings
from tenure.term.models import ExtensionConsent
from tenure.term.selectors import latest_extension_consent, term_review_done


@transaction.atomic
def extension_consent_give(
    *, posting: Posting, by: User, new_end_date: datetime.date, note: str = "", at: datetime.datetime | None = None
) -> ExtensionConsent:
    """The unit's HR records that the unit agrees to its secretary's 留任 until ``new_end_date``;
    the county then decides the 留任 itself (its own consent is its step)."""
    roles.require(by, roles.EXTENSION_CONSENT)
    locked = tenure_postings(by).select_for_update(of=("self",)).select_related("cadre").filter(pk=posting.pk).first()
    if locked is None or locked.unit_id != by.unit_id:
        raise Posting.DoesNotExist("没有这位第一书记，或不在您的管辖范围内。")
    if locked.state != Posting.State.IN_OFFICE:
        raise ValidationError(f"{locked.cadre.name}当前为“{locked.get_state_display()}”，不能办理留任。")
    if new_end_date is None:
        raise ValidationError({"new_end_date": "请填写同意留任至的日期。"})
    if locked.end_date and new_end_date <= locked.end_date:
        raise ValidationError({"new_end_date": f"同意留任至的日期应晚于任期届满日期{date_format(locked.end_date)}。"})
    latest = latest_extension_consent(locked)
    if latest is not None and latest.new_end_date == new_end_date:
        # A double click, or the same consent again (not yet acted on: it still lies beyond the term).
        raise ValidationError({"new_end_date": f"已同意留任至{date_format(new_end_date)}，不能重复提交。"})
    return ExtensionConsent.objects.create(
        posting=locked,
        new_end_date=new_end_date,
        actor=by,
        actor_role=by.role,
        at=at or timezone.now(),
        note=(note or "").strip(),
    )


def require_term_review(posting: Posting, **arguments) -> None:
    """期满免职 requires the completed 期满考察 (recorded by the county, acknowledged by the unit)."""
    if term_review_done(posting) is None:
        raise TransitionRefused("期满免职前须完成期满考察：县委组织部登记期满考察，派出单位确认后方可办理。")


def require_unit_consent(posting: Posting, *, new_end_date: datetime.date, **arguments) -> None:
    """留任 requires the dispatching unit's consent, given through its own account, to at least
    the new end date."""
    consent = latest_extension_consent(posting)
    if consent is None or (posting.end_date and consent.new_end_date <= posting.end_date):
        raise TransitionRefused(f"继续留任须经派出单位同意：{posting.unit.name}尚未在系统中同意留任。")
    if new_end_date > consent.new_end_date:
        raise TransitionRefused(f"{posting.unit.name}同意留任至{date_format(consent.new_end_date)}，新的任期届满日期不能晚于此日。")
