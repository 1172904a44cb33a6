"""The assessment pages: the list (each reader its own secretaries'), recording an assessment
with the period's evidence prefilled, one assessment with the unit's acknowledgement, and the
township's 民主评议. Views parse, require the capability, call one service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.params import parse_id
from dispatch import roles
from secretaries.models import Posting
from tenure import selectors as tenure_selectors
from tenure.assessments import selectors
from tenure.assessments.forms import AcknowledgeForm, AssessmentForm, EvaluationForm, PeriodForm, kinds_for
from tenure.assessments.models import Assessment
from tenure.assessments.services import assessment_acknowledge, assessment_record, evaluation_record

PAGE_SIZE = 50
NOT_FOUND = "没有这位第一书记，或不在您的管辖范围内。"


def assessment_list(request):
    roles.require(request.user, roles.ASSESSMENT_VIEW)
    assessments = selectors.assessments_visible_to(request.user)
    evaluations = selectors.evaluations_visible_to(request.user)
    posting_id = parse_id(request.GET.get("posting"))
    if request.GET.get("posting") and posting_id is None:
        raise Http404(NOT_FOUND)
    if posting_id:
        assessments, evaluations = assessments.filter(posting_id=posting_id), evaluations.filter(posting_id=posting_id)
    kind = request.GET.get("kind", "")
    if kind in Assessment.Kind.values:
        assessments = assessments.filter(kind=kind)
    pending = request.GET.get("pending") == "1"
    if pending:
        assessments = assessments.filter(kind__in=Assessment.ACKNOWLEDGED_KINDS, acknowledged_at__isnull=True)
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tenure/assessments/list.html",
        {
            "page": page,
            "evaluations": evaluations[:PAGE_SIZE],
            "kinds": Assessment.Kind.choices,
            "kind": kind,
            "pending": pending,
            "own": tenure_selectors.own_posting(request.user),
            "can_record": bool(kinds_for(request.user)),
            "can_evaluate": roles.can(request.user, roles.DEMOCRATIC_EVALUATION_RECORD),
            "can_acknowledge": roles.can(request.user, roles.ASSESSMENT_ACKNOWLEDGE),
        },
    )


def _in_scope_or_404(postings, data) -> None:
    """A secretary named in the request but outside the user's scope (or no id at all) is 404,
    as everywhere, rather than the form's "not one of the choices"."""
    raw = data.get("posting")
    if raw:
        posting_id = parse_id(raw)
        if posting_id is None or not postings.filter(pk=posting_id).exists():
            raise Http404(NOT_FOUND)


def _evidence_context(form: PeriodForm) -> dict:
    """The period's evidence, the comment's prefill and the share of 优秀, for a valid choice."""
    data = form.cleaned_data
    posting, kind = data["posting"], data["kind"]
    start, end = data.get("period_start"), data.get("period_end")
    if not start or not end:
        start, end = selectors.default_period(posting, kind, tenure_selectors.today())
    if end < start:
        form.add_error("period_end", "考核期结束日期早于开始日期。")
        return {}
    evidence = selectors.assessment_evidence(posting=posting, start=start, end=end)
    return {
        "posting": posting,
        "kind_label": Assessment.Kind(kind).label,
        "start": start,
        "end": end,
        "evidence": selectors.evidence_for_display(evidence),
        "summary": selectors.evidence_summary(evidence),
        "share": selectors.excellent_share(posting=posting, kind=kind, period_start=start, period_end=end, adding=True),
        "reason_if_excellent": selectors.reason_required(evidence, "excellent"),
        "reason_any_grade": selectors.reason_required(evidence, "competent"),
    }


def assessment_new(request):
    """GET: choose the secretary, kind and period, and see the evidence with the form prefilled;
    POST: record it (assessment_record)."""
    kinds = kinds_for(request.user)
    if not kinds:
        roles.require(request.user, roles.ASSESSMENT_RECORD)
    postings = tenure_selectors.postings_in_office(request.user)
    _in_scope_or_404(postings, request.POST if request.method == "POST" else request.GET)
    context: dict = {}
    status = 200
    if request.method == "POST":
        form = AssessmentForm(request.POST, postings=postings, kinds=kinds)
        period = PeriodForm(request.POST, postings=postings, kinds=kinds)
        if form.is_valid():
            data = form.cleaned_data
            try:
                assessment = assessment_record(
                    posting=data["posting"],
                    by=request.user,
                    kind=data["kind"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    grade=data["grade"],
                    comment=data["comment"],
                    reason=data["reason"],
                )
            except Posting.DoesNotExist:
                raise Http404(NOT_FOUND) from None
            except ValidationError as e:
                form.attach(e)
            else:
                share = selectors.excellent_share(
                    posting=assessment.posting,
                    kind=assessment.kind,
                    period_start=assessment.period_start,
                    period_end=assessment.period_end,
                    adding=False,
                )
                messages.success(
                    request,
                    f"已登记{assessment.posting.cadre.name}的{assessment.get_kind_display()}"
                    f"{'：' + assessment.get_grade_display() if assessment.grade else ''}。",
                )
                if share and share["exceeded"]:
                    messages.warning(request, share["message"])
                return redirect("tenure:assessment_detail", assessment.pk)
        if period.is_valid():
            context = _evidence_context(period)
        status = 400
    else:
        period = PeriodForm(request.GET or None, postings=postings, kinds=kinds, initial={"kind": kinds[0][0]})
        form = None
        if request.GET and period.is_valid():
            context = _evidence_context(period)
            if context:
                form = AssessmentForm(
                    postings=postings,
                    kinds=kinds,
                    initial={
                        "posting": context["posting"].pk,
                        "kind": period.cleaned_data["kind"],
                        "period_start": context["start"],
                        "period_end": context["end"],
                        "comment": context["summary"] + "\n",
                    },
                )
                # The period form shows the dates it used (the kind's default when left empty).
                period = PeriodForm(
                    {**request.GET.dict(), "period_start": context["start"], "period_end": context["end"]}, postings=postings, kinds=kinds
                )
                period.is_valid()
        elif request.GET:
            status = 400
    return render(request, "tenure/assessments/form.html", {"period": period, "form": form, **context}, status=status)


def assessment_detail(request, pk: int):
    roles.require(request.user, roles.ASSESSMENT_VIEW)
    assessment = get_object_or_404(selectors.assessments_visible_to(request.user), pk=pk)
    may_acknowledge = (
        roles.can(request.user, roles.ASSESSMENT_ACKNOWLEDGE) and assessment.needs_acknowledgement and not assessment.acknowledged
    )
    return render(
        request,
        "tenure/assessments/detail.html",
        {
            "assessment": assessment,
            "evidence": selectors.evidence_for_display(assessment.evidence) if assessment.evidence else None,
            "events": assessment.events.select_related("actor").order_by("at", "pk"),
            "acknowledge_form": AcknowledgeForm() if may_acknowledge else None,
        },
    )


@require_POST
def assessment_acknowledge_view(request, pk: int):
    roles.require(request.user, roles.ASSESSMENT_ACKNOWLEDGE)
    assessment = get_object_or_404(selectors.assessments_visible_to(request.user), pk=pk)
    form = AcknowledgeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        assessment_acknowledge(assessment=assessment, by=request.user, note=note)
    except Assessment.DoesNotExist:
        raise Http404("没有这条考核记录，或不在您的管辖范围内。") from None
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, f"已确认{assessment.posting.cadre.name}的{assessment.get_kind_display()}。")
    return redirect("tenure:assessment_detail", assessment.pk)


def evaluation_new(request):
    roles.require(request.user, roles.DEMOCRATIC_EVALUATION_RECORD)
    postings = tenure_selectors.postings_in_office(request.user)
    _in_scope_or_404(postings, request.POST if request.method == "POST" else request.GET)
    if request.method == "POST":
        form = EvaluationForm(request.POST, postings=postings)
        if form.is_valid():
            data = form.cleaned_data
            try:
                evaluation = evaluation_record(by=request.user, **data)
            except Posting.DoesNotExist:
                raise Http404(NOT_FOUND) from None
            except ValidationError as e:
                form.attach(e)
            else:
                messages.success(request, f"已登记{evaluation.posting.cadre.name}的民主评议（参加{evaluation.participants:,}人）。")
                return redirect("tenure:assessment_list")
        status = 400
    else:
        form = EvaluationForm(
            postings=postings, initial={"date": tenure_selectors.today(), "posting": parse_id(request.GET.get("posting"))}
        )
        status = 200
    return render(request, "tenure/assessments/evaluation_form.html", {"form": form}, status=status)
