"""Givens of the end of the term for tests of other parts (the pipeline, the pages): the
completed 期满考察 that 期满免职 requires, the unit's consent that 留任 requires. Made directly;
tests/tenure/test_term.py goes through the services."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dispatch.models import Role
from secretaries.models import Posting
from tenure.assessments.models import Assessment, Grade
from tenure.term.models import ExtensionConsent
from tests.factories import UserFactory


def _county_clerk(posting):
    return UserFactory(role=Role.COUNTY_ORG, region=posting.county)


def _unit_clerk(posting):
    return UserFactory(role=Role.UNIT, unit=posting.unit)


def term_review_completed(posting, *, grade: str = Grade.COMPETENT) -> Assessment:
    """The 期满考察 of ``posting`` recorded by a county and acknowledged by the unit."""
    posting = Posting.objects.get(pk=posting.pk)  # as it stands now (a test may hold an older copy)
    now = timezone.now()
    return Assessment.objects.create(
        posting=posting,
        kind=Assessment.Kind.TERM_END,
        period_start=posting.start_date or datetime.date(2015, 8, 10),
        period_end=posting.end_date or datetime.date(2017, 8, 9),
        grade=grade,
        comment="期满考察",
        recorded_by=_county_clerk(posting),
        recorder_role=Role.COUNTY_ORG,
        acknowledged_by=_unit_clerk(posting),
        acknowledged_at=now,
    )


def extension_consented(posting, new_end_date: datetime.date) -> ExtensionConsent:
    """The unit agreed that ``posting``'s secretary stays on until ``new_end_date``."""
    posting = Posting.objects.get(pk=posting.pk)
    return ExtensionConsent.objects.create(posting=posting, new_end_date=new_end_date, actor=_unit_clerk(posting), actor_role=Role.UNIT)
