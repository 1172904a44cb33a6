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
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import access_log
from core.filters import sort_links
from core.masking import mask_id_number, mask_phone
from core.params import parse_ids
from dispatch import roles
from dispatch.models import Campaign
from dispatch.roles import SEE_FULL_ID_NUMBERS, SEE_PHONES, can
from secretaries import services
from secretaries.filters import PAGE_SIZE, PostingFilterSet
from secretaries.forms import ApplicantForm, AssignForm, BulkForm, attach_refusal, errors_text
from secretaries.models import Posting
from secretaries.selectors import assignment_suggestions, filed_to_assign, posting_quota, recommend_counties, unit_quota_use
from secretaries.transitions import TRANSITIONS, TransitionRefused, allowed_actions, bulk_actions
from villages.models import Village


def _scoped(request):
    return Posting.objects.visible_to(request.user).select_related("cadre", "unit__region", "county", "village", "campaign")


def _posting_or_404(request, pk: int) -> Posting:
    return get_object_or_404(_scoped(request), pk=pk)


def _action_form(action: str, posting: Posting, data=None):
    return TRANSITIONS[action].make_form([posting], data, prefix=action)


def _list_query(request) -> str:
    """The list's filter and sort as a query string, carried by the posting pages (下一位, the
    way back) and their forms; without the page number."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _next_in_list(request, posting: Posting, query: str) -> Posting | None:
    """The posting after this one in the list filtered and sorted as the clerk left it. When this
    one has left the list (the step just taken moved it out of the filter), the first one still
    in it: the next of a work queue such as 待审核备案."""
    filterset = PostingFilterSet(QueryDict(query), request=request)
    if not filterset.is_valid():
        return None
    ids = list(filterset.qs.values_list("pk", flat=True))
    if posting.pk in ids:
        i = ids.index(posting.pk)
        return _scoped(request).filter(pk=ids[i + 1]).first() if i + 1 < len(ids) else None
    return _scoped(request).filter(pk=ids[0]).first() if ids else None


def _bulk_form_choices(request) -> dict:
    """A unit recommends in bulk to one of its counties: offered with each quota and its use."""
    campaign = Campaign.current()
    if request.user.unit_id is None or campaign is None:
        return {}
    unit = request.user.unit
    return {
        "counties": recommend_counties(postings=[Posting(unit=unit, campaign=campaign)]),
        "quota_use": unit_quota_use(unit_id=unit.pk, campaign_id=campaign.pk),
    }


def posting_list(request):
    filterset = PostingFilterSet(request.GET, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    bulk = bulk_actions(request.user)
    recommends = "recommend" in {t.name for t in bulk}
    return render(
        request,
        "secretaries/posting_list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "error_lines": filterset.error_lines(),
            "page": page,
            "sort": sort_links(request, ("name", "birth", "unit", "state", "county"), "-applied"),
            "bulk_form": BulkForm(actions=[(t.name, t.label) for t in bulk], **(_bulk_form_choices(request) if recommends else {})),
            "can_bulk": bool(bulk),
            "bulk_recommends": recommends,
            "list_query": _list_query(request),
            "can_bulk_assign": can(request.user, roles.POSTING_ASSIGN) and request.user.region_id is not None,
            "can_add_applicant": can(request.user, roles.POSTING_APPLY) and can(request.user, roles.REGISTER_CADRES),
            "full_id": can(request.user, SEE_FULL_ID_NUMBERS),
        },
    )


@require_POST
def posting_bulk(request):
    """One action for each ticked posting, each through the same service; the refused ones are
    listed with their reasons, the others done."""
    back = reverse("secretaries:list") + (f"?{request.POST['query']}" if request.POST.get("query") else "")
    ids = parse_ids(request.POST.getlist("ids"))
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
        {
            "name": a,
            "label": TRANSITIONS[a].label,
            "danger": TRANSITIONS[a].danger,
            "form": bound[1] if bound and bound[0] == a else _action_form(a, posting),
        }
        for a in actions
        if not TRANSITIONS[a].own_page
    ]
    cadre = posting.cadre
    query = _list_query(request)
    latest_return = posting.latest_return()
    full_id, full_phone = can(request.user, SEE_FULL_ID_NUMBERS), can(request.user, SEE_PHONES)
    if full_id or (full_phone and cadre.phone):
        access_log.record(request, what=f"选派记录：{cadre.name}", people=1)
    return render(
        request,
        "secretaries/posting_detail.html",
        {
            "posting": posting,
            "cadre": cadre,
            # Without the full number, the birth year only: a birth date beside a masked number
            # gives it back (core.masking).
            "id_number": cadre.id_number if full_id else mask_id_number(cadre.id_number),
            "full_id": full_id,
            "phone": cadre.phone if full_phone else mask_phone(cadre.phone),
            "events": posting.events.select_related("actor"),
            "action_forms": forms,
            "can_assign": "assign" in actions,
            "latest_return": latest_return,
            # Still waiting on the return: nothing was done since.
            "return_pending": latest_return is not None and posting.events.filter(pk__gt=latest_return.pk).count() == 0,
            "quota": posting_quota(posting=posting),
            "list_query": query,
            "next_posting": _next_in_list(request, posting, query),
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
    the page with the reason as a message. The list's filter rides along in the query string."""
    posting = _posting_or_404(request, pk)
    if action not in TRANSITIONS or TRANSITIONS[action].own_page:
        raise Http404("没有这项操作。")
    form = _action_form(action, posting, request.POST)
    label = TRANSITIONS[action].label
    back = _with_query(reverse("secretaries:detail", args=[posting.pk]), _list_query(request))
    if form.is_valid():
        try:
            services.posting_perform(action=action, posting=posting, by=request.user, arguments=form.cleaned_data)
        except TransitionRefused as e:
            attach_refusal(form, e)
        except Posting.DoesNotExist:
            raise Http404("没有这条选派记录，或不在您的管辖范围内。") from None
        else:
            messages.success(request, f"{posting.cadre.name}：已{label}。")
            return redirect(back)
    posting.refresh_from_db()
    if action not in allowed_actions(posting=posting, user=request.user):
        # Not (or no longer) this user's to take: the page has no form to show the reason in.
        messages.error(request, f"未能{label}：{errors_text(form)}")
        return redirect(back)
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


BULK_ASSIGN_MAX = 200  # a county has far fewer filed secretaries waiting at once


def posting_bulk_assign(request):
    """分配到村 for several filed secretaries in one form: a village (and, for a provincial or
    city cadre in a non-poor village, the reason) per row. Row by row: each chosen row goes
    through the same service and rule as the one-at-a-time assignment, in its own transaction;
    the rows done are reported, each refused row keeps its input and gets its reason
    ("第N行 姓名：…"), and rows left without a village are left alone."""
    roles.require(request.user, roles.POSTING_ASSIGN)
    county = request.user.region
    if county is None or county.level != county.Level.COUNTY:
        raise Http404("批量分配到村由派驻县党委组织部办理。")
    rows = list(filed_to_assign(user=request.user)[:BULK_ASSIGN_MAX])
    entered, errors, done = {}, {}, []
    if request.method == "POST":
        for number, posting in enumerate(rows, start=1):
            code = request.POST.get(f"village_{posting.pk}", "").strip()[:12]
            reason = request.POST.get(f"reason_{posting.pk}", "").strip()[:200]
            if not code:
                continue
            entered[posting.pk] = {"village": code, "reason": reason}
            form = AssignForm({"village": code, "reason": reason})
            try:
                if not form.is_valid():
                    raise TransitionRefused(errors_text(form))
                services.posting_perform(action="assign", posting=posting, by=request.user, arguments=form.cleaned_data)
            except (TransitionRefused, Posting.DoesNotExist) as e:
                errors[posting.pk] = f"第{number}行 {posting.cadre.name}：{e}"
            else:
                done.append(f"{posting.cadre.name} → {form.cleaned_data['village'].name}")
        if done:
            messages.success(request, f"已分配到村 {len(done)} 人：{'；'.join(done)}。")
        for line in errors.values():
            messages.error(request, f"未能分配：{line}")
        if not entered:
            messages.error(request, "未分配：请至少为一人选择村。")
        if not errors and done:
            return redirect("secretaries:bulk_assign")
        rows = list(filed_to_assign(user=request.user)[:BULK_ASSIGN_MAX])
    villages = list(uncovered_target_villages_of(county))
    return render(
        request,
        "secretaries/posting_bulk_assign.html",
        {
            "county": county,
            "rows": [{"posting": p, "entered": entered.get(p.pk, {}), "error": errors.get(p.pk)} for p in rows],
            "villages": villages,
            "truncated": len(rows) == BULK_ASSIGN_MAX,
        },
        status=400 if errors else 200,
    )


def uncovered_target_villages_of(county):
    """The county's villages that can still be chosen: registered-poor first (provincial and city
    cadres go mainly there), then by code."""
    return services.uncovered_target_villages(county=county).select_related("township").order_by("-is_registered_poor", "code")


def posting_add(request):
    """One applicant typed in (个人报名) without a roster file: the cadre by the roster import's
    rules and the application in the current campaign, both or neither."""
    roles.require(request.user, roles.POSTING_APPLY)
    roles.require(request.user, roles.REGISTER_CADRES)
    campaign = Campaign.current()
    form = ApplicantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cadre = form.save(commit=False)
        cadre.unit = request.user.unit
        try:
            posting = services.cadre_register_and_apply(cadre=cadre, campaign=campaign, by=request.user)
        except services.CadresRefused as e:
            for field, message in next(iter(e.errors.values())).items():
                form.add_error(field if field in form.fields else None, message)
        except TransitionRefused as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"{posting.cadre.name}：已登记报名，请进行资格审查。")
            return redirect("secretaries:detail", pk=posting.pk)
    if form.is_bound:
        messages.error(request, "未能登记报名：请按表单中的提示修改后重新提交。")
    return render(
        request,
        "secretaries/posting_add.html",
        {"form": form, "campaign": campaign},
        status=400 if form.is_bound else 200,
    )
