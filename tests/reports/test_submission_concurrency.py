"""Two submits, and two decisions, at the same moment on real concurrent connections: one
change each time, the other refused with a message."""

import threading

import pytest
from django.db import connection, connections

from reports.models import Submission, SubmissionEvent
from reports.services import SubmissionRefused, city_accept, county_submit
from tests.reports.test_submissions import campaign, categories, kelan_postings, media  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite serialises every write)"),
]


def at_once(action, users) -> list[str]:
    start = threading.Barrier(len(users))
    outcomes = []

    def run(user):
        try:
            start.wait()
            action(user)
            outcomes.append("done")
        except SubmissionRefused as refused:
            outcomes.append(str(refused))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(outcomes)


def test_two_simultaneous_submits_make_one_submission(kelan_postings, campaign, kelan_user, django_user_model):
    second_browser = django_user_model.objects.get(pk=kelan_user.pk)
    outcomes = at_once(lambda u: county_submit(campaign=campaign, by=u, seen_latest_id=0), [kelan_user, second_browser])
    assert outcomes[0] == "done"
    assert "已报送，正等待市委组织部接收，不能重复报送" in outcomes[1]
    assert Submission.objects.count() == 1 and SubmissionEvent.objects.count() == 1


def test_two_simultaneous_accepts_make_one_decision(kelan_postings, campaign, kelan_user, xinzhou_user, django_user_model):
    submission = county_submit(campaign=campaign, by=kelan_user)
    colleague = django_user_model.objects.get(pk=xinzhou_user.pk)
    outcomes = at_once(lambda u: city_accept(submission=submission, by=u, expected_state="submitted"), [xinzhou_user, colleague])
    assert outcomes[0] == "done"
    assert "当前为“已接收”，不能接收（可能已被他人处理" in outcomes[1]
    assert SubmissionEvent.objects.filter(submission=submission, action="accept").count() == 1
