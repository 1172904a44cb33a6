"""The 待办 lines of assessments and the end of the term (registered in tenure's AppConfig)."""

from __future__ import annotations

from django.urls import reverse

from core.navigation import Todo
from dispatch import roles
from tenure.assessments.selectors import to_acknowledge
from tenure.selectors import today
from tenure.term import selectors


def term_todos(user):
    """The county: terms ending within 60 days and overdue, 不称职 waiting for 调整召回, villages a
    recall left without a secretary. The unit: the county's opinions it has not acknowledged."""
    page = reverse("tenure:term")
    if roles.can(user, roles.POSTING_END_TERM):
        day = today()
        yield Todo(f"任期将在{selectors.DUE_WITHIN.days}天内届满的第一书记", selectors.terms_due(user, today=day).count(), page + "#due")
        yield Todo("任期已届满、待办理期满免职或留任的第一书记", selectors.terms_overdue(user, today=day).count(), page + "#overdue")
    if roles.can(user, roles.POSTING_RECALL):
        yield Todo("考核不称职、待调整召回的第一书记", selectors.incompetent_in_office(user).count(), page + "#incompetent")
    if roles.can(user, roles.POSTING_ASSIGN):
        yield Todo("调整召回后待补派第一书记的村", selectors.recalled_awaiting_successor(user).count(), page + "#recalled")
    if roles.can(user, roles.ASSESSMENT_ACKNOWLEDGE):
        yield Todo("待确认的县委组织部考核意见和期满考察", to_acknowledge(user).count(), reverse("tenure:assessment_list") + "?pending=1")
