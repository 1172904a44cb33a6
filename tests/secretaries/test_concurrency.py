"""Two users approving the same candidate at the same moment, on real concurrent connections."""

import datetime
import threading

import pytest
from django.db import connection, connections

from secretaries.models import PostingEvent
from secretaries.services import TransitionRefused, posting_approve, posting_qualify, posting_recommend

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite serialises every write)"),
]


def test_two_simultaneous_approvals_make_exactly_one_transition(applied, unit_user, poverty_office_user, kelan, django_user_model):
    posting_qualify(posting=applied, by=unit_user)
    posting_recommend(posting=applied, by=unit_user, meeting_date=datetime.date(2015, 7, 1), decision="同意", county=kelan)
    second_officer = django_user_model.objects.get(pk=poverty_office_user.pk)  # the same office, another browser
    start = threading.Barrier(2)
    outcomes = []

    def approve(user):
        try:
            start.wait()
            posting_approve(posting=applied, by=user)
            outcomes.append("approved")
        except TransitionRefused as refused:
            outcomes.append(str(refused))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (poverty_office_user, second_officer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes)[0] == "approved"
    assert "当前为“省扶贫办审核同意”，不能审核同意（可能已被他人处理" in sorted(outcomes)[1]
    assert PostingEvent.objects.filter(posting=applied, action="approve").count() == 1


def test_two_units_staff_recommending_for_the_last_quota_place_at_once_get_one_place(applied, unit_user, kelan, campaign):
    """The quota row is locked before its use is counted: the second waits, then counts the first."""
    from dispatch.models import QuotaAllocation
    from secretaries.models import Posting
    from secretaries.services import posting_apply
    from tests.secretaries.conftest import cadre_for

    QuotaAllocation.objects.filter(campaign=campaign, unit=unit_user.unit, county=kelan).update(count=1)
    other = posting_apply(cadre=cadre_for(unit_user.unit, name="王红"), campaign=campaign, by=unit_user)
    for posting in (applied, other):
        posting_qualify(posting=posting, by=unit_user)
    start = threading.Barrier(2)
    outcomes = []

    def recommend(posting):
        try:
            start.wait()
            posting_recommend(posting=posting, by=unit_user, meeting_date=datetime.date(2015, 7, 1), decision="同意", county=kelan)
            outcomes.append("recommended")
        except TransitionRefused as refused:
            outcomes.append(str(refused))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=recommend, args=(p,)) for p in (applied, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes)[0] == "recommended"
    assert "附表2名额为 1 人，已推荐、备案、分配或在任 1 人，名额已满" in sorted(outcomes)[1]
    assert Posting.objects.filter(pk__in=[applied.pk, other.pk], state=Posting.State.RECOMMENDED).count() == 1
    assert PostingEvent.objects.filter(action="recommend").count() == 1
