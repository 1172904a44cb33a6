"""Pages of leave: the secretary asks and follows his requests (designed at 390 px first), the
township and county decide what the rule table gives them, the unit sees what it is informed
of. Each write is one service of tenure.leave; out of scope is 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dispatch import roles
from tenure.forms import LeaveAskForm, LeaveCloseForm, NoteForm, ReasonForm
from tenure.leave import (
    approver_label,
    chain_working_days,
    leave_approve,
    leave_ask,
    leave_cancel,
    leave_close,
    leave_return,
    leave_to_decide,
    leave_visible,
    may_decide,
)
from tenure.models import LeaveRequest
from tenure.presence_views import add_errors


def _leave_or_404(user, pk) -> LeaveRequest:
    try:
        return leave_visible(user).select_related("posting__cadre", "posting__village", "posting__unit", "extends").get(pk=pk)
    except LeaveRequest.DoesNotExist:
        raise Http404("没有这条请假记录，或不在您的管辖范围内。") from None


def leave_list(request):
    roles.require(request.user, roles.LEAVE_VIEW)
    related = ("posting__cadre", "posting__village")
    context = {
        "to_decide": leave_to_decide(request.user).select_related(*related).order_by("start_date"),
        "leave": leave_visible(request.user).select_related(*related)[:200],
        "may_ask": roles.can(request.user, roles.LEAVE_ASK) and hasattr(request.user, "secretary_account"),
    }
    return render(request, "tenure/leave/list.html", context)


def leave_new(request):
    roles.require(request.user, roles.LEAVE_ASK)
    account = getattr(request.user, "secretary_account", None)
    if account is None:
        raise Http404("您没有第一书记账号。")
    extends = None
    if request.GET.get("extends") or request.POST.get("extends"):
        extends = _leave_or_404(request.user, request.GET.get("extends") or request.POST.get("extends"))
    initial = {"kind": extends.kind, "reason": extends.reason} if extends else {}
    form = LeaveAskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            leave = leave_ask(
                posting=account.posting,
                by=request.user,
                kind=data["kind"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                reason=data["reason"],
                extends=extends,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, f"已提交{'续假' if extends else '请假'}申请，共{leave.working_days}个工作日，由{approver_label(leave)}审批。"
            )
            return redirect("tenure:leave_detail", pk=leave.pk)
    return render(request, "tenure/leave/new.html", {"form": form, "extends": extends})


def leave_detail(request, pk: int):
    roles.require(request.user, roles.LEAVE_VIEW)
    leave = _leave_or_404(request.user, pk)
    user = request.user
    today = timezone.localdate()
    own = getattr(getattr(user, "secretary_account", None), "posting_id", None) == leave.posting_id
    pending, approved = leave.state == LeaveRequest.State.PENDING, leave.state == LeaveRequest.State.APPROVED
    open_extension = leave.extensions.filter(state__in=(LeaveRequest.State.PENDING, LeaveRequest.State.APPROVED)).first()
    context = {
        "leave": leave,
        "events": leave.events.select_related("actor"),
        "chain_days": chain_working_days(leave),
        "approver": approver_label(leave),
        "may_decide": pending and may_decide(user, leave),
        "decides_elsewhere": pending
        and not may_decide(user, leave)
        and any(roles.can(user, c) for c in roles.LEAVE_APPROVER_CAPABILITY.values()),
        "may_cancel": own
        and roles.can(user, roles.LEAVE_ASK)
        and not open_extension
        and (pending or (approved and leave.start_date > today)),
        "may_extend": own and roles.can(user, roles.LEAVE_ASK) and approved and not open_extension,
        "may_close": approved and not open_extension and roles.can(user, roles.LEAVE_CLOSE),
        "open_extension": open_extension,
        "note_form": NoteForm(),
        "reason_form": ReasonForm(),
        "close_form": LeaveCloseForm(initial={"returned_on": min(today, leave.end_date)}),
    }
    return render(request, "tenure/leave/detail.html", context)


def _act(request, pk: int, action, done: str):
    leave = _leave_or_404(request.user, pk)
    try:
        action(leave)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(reverse("tenure:leave_detail", args=[leave.pk]))


@require_POST
def leave_approve_view(request, pk: int):
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _act(request, pk, lambda leave: leave_approve(leave=leave, by=request.user, note=note), "已批准。")


@require_POST
def leave_return_view(request, pk: int):
    reason = request.POST.get("reason", "")
    return _act(request, pk, lambda leave: leave_return(leave=leave, by=request.user, reason=reason), "已退回。")


@require_POST
def leave_cancel_view(request, pk: int):
    return _act(request, pk, lambda leave: leave_cancel(leave=leave, by=request.user), "已撤销该请假。")


@require_POST
def leave_close_view(request, pk: int):
    form = LeaveCloseForm(request.POST)

    def close(leave):
        if not form.is_valid():
            raise ValidationError("请填写实际返岗日期。")
        leave_close(leave=leave, by=request.user, returned_on=form.cleaned_data["returned_on"])

    return _act(request, pk, close, "已销假。")
