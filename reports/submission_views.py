"""The submission pages: the overview of each level (its regions against the deadline and the
submissions it may see), one submission with its frozen snapshot, history, diff and the
decisions this user may take now, the submit page of a county or a city, one POST view per
decision and the downloads of the frozen files.

Every page starts from ``Submission.objects.visible_to(request.user)``: a submission outside
the scope answers 404 like one that does not exist. Views parse a form and call one service;
a refusal (``SubmissionRefused``) is shown as the service worded it, and nothing is written.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core import access_log
from dispatch import roles
from dispatch.models import Campaign
from dispatch.selectors import chosen_campaign
from reports import selectors, services
from reports.models import Submission, SubmissionEvent, deadline_for
from reports.services import DECISIONS, SubmissionRefused
from reports.submission_forms import DECISION_FORMS, CitySubmitForm, CountySubmitForm, WithdrawForm
from secretaries.forms import errors_text

# Columns of the snapshot shown on the page; the frozen 附表3 has them all.
PAGE_COLUMNS = ("serial", "county", "township", "village", "name", "sex", "birth", "unit", "unit_level", "start", "notes")


def _scoped(request):
    roles.require(request.user, roles.VIEW_SUBMISSIONS)
    return Submission.objects.visible_to(request.user).select_related("region", "campaign", "submitted_by", "decided_by")


def submission_list(request):
    user = request.user
    roles.require(user, roles.VIEW_SUBMISSIONS)
    campaign, campaigns = chosen_campaign(request)
    context = {"campaign": campaign, "campaigns": campaigns, "submits": selectors.submitting_level(user) is not None}
    if campaign is not None:
        overseen = selectors.overseen_regions(campaign=campaign, user=user)
        if overseen is not None:
            context.update(regions=overseen.statuses, regions_title=overseen.title)
        own = selectors.own_status(campaign=campaign, user=user)
        context.update(
            own=own,
            own_lock=selectors.lock_reason(own.latest) if own else "",
            submissions=_scoped(request).without_snapshot().filter(campaign=campaign),
        )
    return render(request, "reports/submission_list.html", context)


def submission_detail(request, pk: int):
    submission = get_object_or_404(_scoped(request).select_related("previous"), pk=pk)
    user = request.user
    decisions = [
        {"name": a, "label": DECISIONS[a][0], "form": DECISION_FORMS[a](initial={"expected_state": submission.state}, prefix=a)}
        for a in services.allowed_decisions(submission=submission, user=user)
    ]
    own_region = user.region_id == submission.region_id
    latest = selectors.latest_submission(campaign=submission.campaign, region=submission.region)
    may_withdraw = submission.state == Submission.State.SUBMITTED and services.may_withdraw(submission=submission, user=user)
    withdrawal = submission.events.filter(action=SubmissionEvent.Action.WITHDRAW).select_related("actor").last()
    keys = {key for key, _ in submission.columns}
    columns = [[key, label] for key, label in submission.columns if key in PAGE_COLUMNS and key in keys]
    return render(
        request,
        "reports/submission_detail.html",
        {
            "submission": submission,
            "decisions": decisions,
            "withdraw_form": WithdrawForm(initial={"expected_state": submission.state}, prefix="withdraw") if may_withdraw else None,
            "withdrawal": withdrawal,
            "events": selectors.history(submission),
            "diff": selectors.diff_since_previous(submission),
            "columns": columns,
            "rows": [[row.get(key, "") for key, _ in columns] for row in submission.rows],
            "is_latest": latest is not None and latest.pk == submission.pk,
            "next": getattr(submission, "next", None) if latest is None or latest.pk != submission.pk else None,
            "lock_reason": selectors.lock_reason(submission) if own_region and submission.is_locked else "",
            "own_region": own_region,
            "may_resubmit": own_region
            and submission.state in Submission.REOPENED_STATES
            and latest is not None
            and latest.pk == submission.pk,
        },
    )


def submission_new(request):
    """The county's or the city's submit page: what will be frozen, what changed since the
    returned submission, and (for a city) which counties are not accepted yet."""
    user = request.user
    roles.require(user, roles.VIEW_SUBMISSIONS)
    level = selectors.submitting_level(user)
    campaign = Campaign.current()
    if level is None:
        raise PermissionDenied("只有县委组织部和市委组织部报送台账。")
    if campaign is None:
        messages.error(request, "没有当前选派批次，无法报送。")
        return redirect("submissions:list")
    form_class = CitySubmitForm if level == Submission.Level.CITY else CountySubmitForm
    latest = selectors.latest_submission(campaign=campaign, region=user.region)
    # A county's ledger's gaps, listed for an explicit confirmation (none while it cannot submit).
    lock = selectors.lock_reason(latest)
    gaps = None
    if level == Submission.Level.COUNTY and not lock:
        gaps = selectors.ledger_gaps(campaign=campaign, county=user.region, user=user)
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if gaps is not None:
            form.require_acknowledgement(gaps)
        if not form.is_valid():
            messages.error(request, f"未能报送：{errors_text(form)}")
        else:
            data = form.cleaned_data
            try:
                if level == Submission.Level.CITY:
                    submission = services.city_submit(
                        campaign=campaign,
                        by=user,
                        signer=data["signer"],
                        scan=data["scan"],
                        note=data["note"],
                        seen_latest_id=data["seen_latest"],
                    )
                else:
                    submission = services.county_submit(
                        campaign=campaign,
                        by=user,
                        note=data["note"],
                        seen_latest_id=data["seen_latest"],
                        acknowledge_gaps=data.get("acknowledge", False),
                    )
            except SubmissionRefused as e:
                messages.error(request, f"未能报送：{e}")
            else:
                messages.success(
                    request, f"已报送{submission.region.name}{submission.get_level_display()}（{submission.row_count:,} 条台账记录）。"
                )
                return redirect("submissions:detail", pk=submission.pk)
        return redirect("submissions:new")
    preview = None if lock else selectors.take_preview(campaign=campaign, region=user.region, user=user, previous=latest)
    form = form_class(initial={"seen_latest": latest.pk if latest else 0})
    if gaps is not None:
        form.require_acknowledgement(gaps)
    return render(
        request,
        "reports/submission_new.html",
        {
            "campaign": campaign,
            "level": Submission.Level(level),
            "region": user.region,
            "deadline": deadline_for(campaign=campaign, level=level),
            "latest": latest,
            "lock_reason": lock,
            "preview": preview,
            "gaps": gaps,
            "form": form,
        },
    )


@require_POST
def submission_decide(request, pk: int, action: str):
    submission = get_object_or_404(_scoped(request), pk=pk)
    if action not in DECISION_FORMS:
        raise Http404("没有这项操作。")
    label = DECISIONS[action][0]
    form = DECISION_FORMS[action](request.POST, prefix=action)
    if not form.is_valid():
        messages.error(request, f"未能{label}：{errors_text(form)}")
        return redirect("submissions:detail", pk=submission.pk)
    data = form.cleaned_data
    call = {
        (Submission.Level.COUNTY, "accept"): lambda: services.city_accept(
            submission=submission, by=request.user, note=data["note"], expected_state=data["expected_state"]
        ),
        (Submission.Level.COUNTY, "return"): lambda: services.city_return(
            submission=submission, by=request.user, reason=data["reason"], expected_state=data["expected_state"]
        ),
        (Submission.Level.CITY, "accept"): lambda: services.province_accept(
            submission=submission, by=request.user, note=data["note"], expected_state=data["expected_state"]
        ),
        (Submission.Level.CITY, "return"): lambda: services.province_return(
            submission=submission, by=request.user, reason=data["reason"], expected_state=data["expected_state"]
        ),
    }[(submission.level, action)]
    try:
        call()
    except SubmissionRefused as e:
        messages.error(request, f"未能{label}：{e}")
    except Submission.DoesNotExist:
        raise Http404("没有这份报送，或不在您的管辖范围内。") from None
    else:
        messages.success(request, f"已{label}{submission.region.name}的{submission.get_level_display()}。")
    return redirect("submissions:detail", pk=submission.pk)


@require_POST
def submission_withdraw(request, pk: int):
    """The submitter takes back a submission the level above has not decided yet."""
    submission = get_object_or_404(_scoped(request).without_snapshot(), pk=pk)
    form = WithdrawForm(request.POST, prefix="withdraw")
    if not form.is_valid():
        messages.error(request, f"未能撤回：{errors_text(form)}")
        return redirect("submissions:detail", pk=submission.pk)
    try:
        services.submission_withdraw(
            submission=submission, by=request.user, reason=form.cleaned_data["reason"], expected_state=form.cleaned_data["expected_state"]
        )
    except SubmissionRefused as e:
        messages.error(request, f"未能撤回：{e}")
    except Submission.DoesNotExist:
        raise Http404("没有这份报送，或不在您的管辖范围内。") from None
    else:
        messages.success(request, f"已撤回{submission.region.name}的{submission.get_level_display()}；修改后可重新报送。")
    return redirect("submissions:detail", pk=submission.pk)


def submission_file(request, pk: int, kind: str):
    """One of the frozen files, as it was stored when submitted."""
    submission = get_object_or_404(_scoped(request).without_snapshot(), pk=pk)
    file = {"ledger": submission.ledger_file, "statistics": submission.statistics_file, "scan": submission.scan}.get(kind)
    if not file:
        raise Http404("没有这个文件。")
    name = file.name.rsplit("/", 1)[-1]
    if kind == "ledger":
        # 附表3 holds every secretary's phone: who downloaded it is logged.
        access_log.record(request, what=f"报送的工作台账：{name}", people=submission.row_count)
    return FileResponse(file.open("rb"), as_attachment=True, filename=name)
