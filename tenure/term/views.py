"""The end of the term: the county's (and unit's) page of terms ending within 60 days and
overdue, secretaries graded 不称职 waiting for 调整召回, villages a recall left without a
secretary; and the unit's consent to 留任."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dispatch import roles
from secretaries.models import Posting
from tenure import selectors as tenure_selectors
from tenure.presence import tenure_postings
from tenure.term import selectors
from tenure.term.forms import ExtensionConsentForm
from tenure.term.services import extension_consent_give

LIST_LIMIT = 200


def term_overview(request):
    roles.require(request.user, roles.TERM_VIEW)
    today = tenure_selectors.today()
    user = request.user
    due = selectors.terms_due(user, today=today)
    overdue = selectors.terms_overdue(user, today=today)
    incompetent = selectors.incompetent_in_office(user).select_related("cadre", "unit", "village", "village__township")
    recalled = selectors.recalled_awaiting_successor(user)
    sections = [
        ("due", f"任期将在{selectors.DUE_WITHIN.days}天内届满", due),
        ("overdue", "任期已届满、尚未办理期满免职或留任", overdue),
        ("incompetent", "考核不称职、待调整召回", incompetent),
        ("recalled", "调整召回后待补派第一书记的村", recalled),
    ]
    rows = []
    for key, title, postings in sections:
        items = list(postings[:LIST_LIMIT])
        reviewed = _reviewed_ids(items) if key in ("due", "overdue") else set()
        rows.append({"key": key, "title": title, "count": postings.count(), "items": items, "reviewed": reviewed})
    return render(
        request,
        "tenure/term/overview.html",
        {
            "sections": rows,
            "today": today,
            "can_consent": roles.can(user, roles.EXTENSION_CONSENT),
            "consent_form": ExtensionConsentForm(),
            "limit": LIST_LIMIT,
        },
    )


def _reviewed_ids(postings: list[Posting]) -> set[int]:
    from tenure.assessments.models import Assessment

    return set(
        Assessment.objects.filter(posting__in=postings, kind=Assessment.Kind.TERM_END, acknowledged_at__isnull=False).values_list(
            "posting_id", flat=True
        )
    )


@require_POST
def extension_consent(request, posting_id: int):
    roles.require(request.user, roles.EXTENSION_CONSENT)
    posting = get_object_or_404(tenure_postings(request.user).select_related("cadre"), pk=posting_id)
    form = ExtensionConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "未能提交：" + "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("tenure:term")
    try:
        consent = extension_consent_give(by=request.user, posting=posting, **form.cleaned_data)
    except Posting.DoesNotExist:
        raise Http404("没有这位第一书记，或不在您的管辖范围内。") from None
    except ValidationError as e:
        messages.error(request, "未能提交：" + "；".join(e.messages))
    else:
        messages.success(
            request,
            f"已同意{posting.cadre.name}留任至{consent.new_end_date.year}年{consent.new_end_date.month}月{consent.new_end_date.day}日，请县委组织部办理留任。",
        )
    return redirect("tenure:term")
