"""Reads of the end of the term: whose term ends within 60 days or is overdue, who was graded
不称职 and waits for 调整召回, which villages a recall left without a secretary. Each list
starts from the postings the user may see (tenure.presence.tenure_postings)."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, QuerySet

from secretaries.models import Posting
from tenure.assessments.models import Assessment
from tenure.assessments.selectors import incompetent_in_office
from tenure.models import TenureEventQuerySet
from tenure.presence import tenure_postings
from tenure.term.models import ExtensionConsent

DUE_WITHIN = datetime.timedelta(days=60)

__all__ = ["DUE_WITHIN", "incompetent_in_office", "term_review_done", "terms_due", "terms_overdue", "recalled_awaiting_successor"]


def _in_office(user) -> QuerySet[Posting]:
    return tenure_postings(user).filter(state=Posting.State.IN_OFFICE).select_related("cadre", "unit", "village", "village__township")


def terms_due(user, *, today: datetime.date) -> QuerySet[Posting]:
    """In office, the term ending today or within the next 60 days (任期届满)."""
    return _in_office(user).filter(end_date__gte=today, end_date__lte=today + DUE_WITHIN).order_by("end_date", "pk")


def terms_overdue(user, *, today: datetime.date) -> QuerySet[Posting]:
    """In office after the term's end date: neither 期满免职 nor 留任 was recorded."""
    return _in_office(user).filter(end_date__lt=today).order_by("end_date", "pk")


def recalled_awaiting_successor(user) -> QuerySet[Posting]:
    """Postings recalled (调整召回) whose village has no secretary assigned or in office now
    (Posting.COVERING_STATES, the one definition of a covered village, as the coverage plan
    counts it): the village waits for a successor. The latest recall of each village."""
    successor = Posting.objects.filter(village=OuterRef("village"), state__in=Posting.COVERING_STATES)
    later_recall = Posting.objects.filter(village=OuterRef("village"), state=Posting.State.RECALLED, pk__gt=OuterRef("pk"))
    return (
        tenure_postings(user)
        .filter(state=Posting.State.RECALLED)
        .exclude(Exists(successor))
        .exclude(Exists(later_recall))
        .select_related("cadre", "unit", "village", "village__township")
        .order_by("village__code")
    )


def term_review_done(posting: Posting) -> Assessment | None:
    """The posting's completed 期满考察: recorded by the county, acknowledged by the unit."""
    return (
        Assessment.objects.filter(posting=posting, kind=Assessment.Kind.TERM_END, acknowledged_at__isnull=False)
        .order_by("-period_end", "-pk")
        .first()
    )


def latest_extension_consent(posting: Posting) -> ExtensionConsent | None:
    return ExtensionConsent.objects.filter(posting=posting).order_by("-at", "-pk").first()


def consents_visible_to(user) -> TenureEventQuerySet:
    return ExtensionConsent.objects.visible_to(user).select_related("posting__cadre", "actor")
