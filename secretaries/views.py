"""The pipeline's pages: the candidate list (with bulk actions), one posting with its timeline
and the actions the user may take now, one POST view for every action, and the assignment page.
Which actions there are, their forms and who may take them: secretaries.transitions.

Every page starts from ``Posting.objects.visible_to(request.user)``: a posting outside the scope
answers 404 like one that does not exist. Views parse a form and call one service; a refusal
(``TransitionRefused``) is shown as the service worded it, and nothing is written.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.filters import sort_links
from dispatch.roles import SEE_FULL_ID_NUMBERS, can
from secretaries import services
from secretaries.filters import PAGE_SIZE, PostingFilterSet
from secretaries.forms import AssignForm, BulkForm, attach_refusal, errors_text
from secretaries.models import Posting
from secretaries.selectors import assignment_suggestions
from secretaries.transitions import TRANSITIONS, TransitionRefused, allowed_actions, bulk_actions
from villages.models import Village


def masked_id(number: str) -> str:
    return f"{number[:6]}********{number[-4:]}" if len(number) == 18 else number


def _scoped(request):
    return Posting.objects.visible_to(request.user).select_related("cadre", "unit__region", "county", "village", "campaign")


def _posting_or_404(request, pk: int) -> Posting:
    return get_object_or_404(_scoped(request), pk=pk)


def _action_form(action: str, posting: Posting, data=None):
    return TRANSITIONS[action].make_form([posting], data, prefix=action)


def posting_list(request):
    filterset = PostingFilterSet(request.GET, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    bulk = bulk_actions(request.user)
    return render(
        request,
        "secretaries/posting_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "error_lines": filterset.error_lines(),
            "page": page,
            "sort": sort_links(request, ("name", "birth", "unit", "state", "county"), "-applied"),
            "bulk_form": BulkForm(actions=[(t.name, t.label) for t in bulk]),
            "can_bulk": bool(bulk),
            "bulk_recommends": "recommend" in {t.name for t in bulk},
        },
    )


@require_POST
def posting_bulk(request):
    """One action for each ticked posting, each through the same service; the refused ones are
    listed with their reasons, the others done."""
    back = reverse("secretaries:list") + (f"?{request.POST['query']}" if request.POST.get("query") else "")
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    visible = Posting.objects.visible_to(request.user).filter(pk__in=ids)
    form = BulkForm(request.POST, postings=visible, actions=[(t.name, t.label) for t in bulk_actions(request.user)])
    if not form.is_valid():
        messages.error(request, f"未执行：{errors_text(form)}")
        return redirect(back)
    action = form.cleaned_data["action"]
    label = TRANSITIONS[action].label
    done, refused = 0, []
    for posting in visible.select_related("cadre").order_by("cadre__name", "pk"):
        try:
            services.posting_perform(action=action, posting=posting, by=request.user, arguments=form.cleaned_data)
            done += 1
        except (TransitionRefused, Posting.DoesNotExist) as e:
            refused.append(f"{posting.cadre.name}：{e}")
    if done:
        messages.success(request, f"“{label}”已完成 {done} 人。")
    for line in refused:
        messages.error(request, line)
    return redirect(back)


def _detail(request, posting: Posting, *, bound=None, status: int = 200):
    """The posting page; ``bound`` is the (action, form) the user just submitted and that was
    refused, shown again with its input and errors."""
    actions = allowed_actions(posting=posting, user=request.user)
    forms = [
        {"name": a, "label": TRANSITIONS[a].label, "form": bound[1] if bound and bound[0] == a else _action_form(a, posting)}
        for a in actions
        if not TRANSITIONS[a].own_page
    ]
    cadre = posting.cadre
    return render(
        request,
        "secretaries/posting_detail.html",
        {
            "posting": posting,
            "cadre": cadre,
            "id_number": cadre.id_number if can(request.user, SEE_FULL_ID_NUMBERS) else masked_id(cadre.id_number),
            "events": posting.events.select_related("actor"),
            "action_forms": forms,
            "can_assign": "assign" in actions,
        },
        status=status,
    )


def posting_detail(request, pk: int):
    return _detail(request, _posting_or_404(request, pk))


@require_POST
def posting_act(request, pk: int, action: str):
    """One action. Refused with the form still on the page (a wrong date, a county outside the
    quota…): the page again with the user's input and the reason beside the form. Refused
    because the action is no longer this user's to take (done meanwhile, another role): back to
    the page with the reason as a message."""
    posting = _posting_or_404(request, pk)
    if action not in TRANSITIONS or TRANSITIONS[action].own_page:
        raise Http404("没有这项操作。")
    form = _action_form(action, posting, request.POST)
    label = TRANSITIONS[action].label
    if form.is_valid():
        try:
            services.posting_perform(action=action, posting=posting, by=request.user, arguments=form.cleaned_data)
        except TransitionRefused as e:
            attach_refusal(form, e)
        except Posting.DoesNotExist:
            raise Http404("没有这条选派记录，或不在您的管辖范围内。") from None
        else:
            messages.success(request, f"{posting.cadre.name}：已{label}。")
            return redirect("secretaries:detail", pk=posting.pk)
    posting.refresh_from_db()
    if action not in allowed_actions(posting=posting, user=request.user):
        # Not (or no longer) this user's to take: the page has no form to show the reason in.
        messages.error(request, f"未能{label}：{errors_text(form)}")
        return redirect("secretaries:detail", pk=posting.pk)
    messages.error(request, f"未能{label}：请按表单中的提示修改后重新提交。")
    return _detail(request, posting, bound=(action, form), status=400)


def posting_assign(request, pk: int):
    """The county's uncovered target villages, one "分配到此村" form per village. A refused
    assignment shows the page again with the reason in the village's row and the reason the
    user typed still in its field."""
    posting = _posting_or_404(request, pk)
    failed = None
    if request.method == "POST":
        form = AssignForm(request.POST)
        code = request.POST.get("village", "")[:12]
        if form.is_valid():
            village = form.cleaned_data["village"]
            try:
                services.posting_perform(action="assign", posting=posting, by=request.user, arguments=form.cleaned_data)
            except TransitionRefused as e:
                failed = {"village": code, "reason": form.cleaned_data["reason"], "error": str(e)}
            except Posting.DoesNotExist:
                raise Http404("没有这条选派记录，或不在您的管辖范围内。") from None
            else:
                messages.success(request, f"{posting.cadre.name}：已分配到{village.name}。")
                return redirect("secretaries:detail", pk=posting.pk)
        else:
            failed = {"village": code, "reason": request.POST.get("reason", ""), "error": errors_text(form)}
        messages.error(request, f"未能分配到村：{failed['error']}")
        posting.refresh_from_db()
    may_assign = "assign" in allowed_actions(posting=posting, user=request.user)
    search = request.GET.get("q", "")[:30]
    villages = assignment_suggestions(posting=posting, search=search) if posting.county_id and may_assign else Village.objects.none()
    page = Paginator(villages, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "secretaries/posting_assign.html",
        {
            "posting": posting,
            "page": page,
            "search": search,
            "may_assign": may_assign,
            "needs_reason": posting.unit.level != posting.unit.Level.COUNTY,
            "failed": failed,
        },
        status=400 if failed else 200,
    )
