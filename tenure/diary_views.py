"""The 民情日记's pages: write (the secretary, or the township for him), read and search (the
township, county and unit, each its own secretaries), and the monthly work summary (page and
.xlsx). Views parse, call tenure.diary or tenure.selectors, and render or redirect."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dispatch import roles
from secretaries.models import Posting
from tenure import diary, selectors
from tenure.diary_forms import DiaryForm, DiarySearchForm
from tenure.exports import month_summary_xlsx_tempfile
from tenure.models import DiaryEntry, Duty

PAGE_SIZE = 30
NOT_FOUND = "没有这篇民情日记，或不在您的管辖范围内。"


def _entry_or_404(request, pk: int) -> DiaryEntry:
    return get_object_or_404(selectors.diary_entries_visible_to(request.user), pk=pk)


def _draft_key(request, entry: DiaryEntry | None = None) -> str:
    """Where the page keeps an unsaved draft in the browser (localStorage): one per user and
    entry, so that a shared computer never offers one person's draft to another."""
    return f"tenure-diary:{request.user.pk}:{entry.pk if entry else 'new'}"


def diary_list(request):
    roles.require(request.user, roles.DIARY_READ)
    own = selectors.own_posting(request.user)
    postings = None if own else selectors.postings_seen(request.user)
    form = DiarySearchForm(request.GET or None, postings=postings)
    search = selectors.DiarySearch()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        posting = data.get("posting")
        search = selectors.DiarySearch(
            text=data["q"],
            start=data["start"],
            end=data["end"],
            duty=data["duty"],
            state=data["state"],
            posting_id=posting.pk if posting else None,
        )
    entries = selectors.diary_search(request.user, search) if not form.errors else DiaryEntry.objects.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tenure/diary/list.html",
        {
            "form": form,
            "page": page,
            "own": own,
            "can_write": roles.can(request.user, roles.DIARY_WRITE),
            "summary_posting": own or (search.posting_id and form.cleaned_data.get("posting")),
            "cleared_draft": request.GET.get("saved"),
            "duty_choices": Duty.choices,
        },
    )


def diary_detail(request, pk: int):
    roles.require(request.user, roles.DIARY_READ)
    entry = _entry_or_404(request, pk)
    return render(
        request,
        "tenure/diary/detail.html",
        {
            "entry": entry,
            "duties": selectors.duty_labels(entry.duties),
            "can_edit": entry.written_by_id == request.user.pk and roles.can(request.user, roles.DIARY_WRITE),
            "own": selectors.own_posting(request.user),
            # Saved a moment ago: the browser's copy of the draft is no longer needed.
            "cleared_draft": request.GET.get("saved"),
        },
    )


def _write(request, *, entry: DiaryEntry | None):
    """The form of a new entry (entry None) or of an existing one, and its POST."""
    roles.require(request.user, roles.DIARY_WRITE)
    own = selectors.own_posting(request.user)
    postings = selectors.postings_in_office(request.user)
    key = _draft_key(request, entry)
    if request.method == "POST":
        form = DiaryForm(request.POST, postings=postings, fixed_posting=own)
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = diary.diary_save(
                    posting=entry.posting if entry else data["posting"],
                    by=request.user,
                    date=data["date"],
                    content=data["content"],
                    duties=data["duties"],
                    households_visited=data["households_visited"] or 0,
                    household_names=data["household_names"],
                    in_village=data["in_village"],
                    submit=submit,
                    entry=entry,
                    seen_updated_at=data["seen_updated_at"],
                )
            except (Posting.DoesNotExist, DiaryEntry.DoesNotExist):
                raise Http404(NOT_FOUND) from None
            except ValidationError as e:
                form.attach(e)
            else:
                day = f"{saved.date.month}月{saved.date.day}日"
                if saved.state == DiaryEntry.State.SUBMITTED:
                    messages.success(request, f"{day}的民情日记已提交。")
                else:
                    messages.success(request, f"{day}的民情日记已存为草稿，仅您本人可见。")
                return redirect(f"{reverse('tenure:diary_detail', args=[saved.pk])}?saved={key}")
        status = 400
    else:
        if entry is not None:
            initial = {
                "posting": entry.posting_id,
                "date": entry.date,
                "in_village": entry.in_village,
                "duties": entry.duties,
                "households_visited": entry.households_visited,
                "household_names": entry.household_names,
                "content": entry.content,
                "seen_updated_at": entry.updated_at,
            }
        else:
            initial = {"date": selectors.today(), "in_village": True, "households_visited": 0}
            if own is None and request.GET.get("posting"):
                initial["posting"] = request.GET["posting"]
        form = DiaryForm(initial=initial, postings=postings, fixed_posting=own)
        status = 200
    if own is None and entry is not None:
        form.fields["posting"].disabled = True
    return render(
        request,
        "tenure/diary/form.html",
        {"form": form, "entry": entry, "own": own, "draft_key": key},
        status=status,
    )


def diary_new(request):
    return _write(request, entry=None)


def diary_edit(request, pk: int):
    roles.require(request.user, roles.DIARY_WRITE)
    entry = _entry_or_404(request, pk)
    if entry.written_by_id != request.user.pk:
        raise PermissionDenied("只有填写人本人可以修改这篇民情日记。")
    return _write(request, entry=entry)


@require_POST
def diary_delete(request, pk: int):
    roles.require(request.user, roles.DIARY_WRITE)
    entry = _entry_or_404(request, pk)
    try:
        diary.diary_delete_draft(entry=entry, by=request.user)
    except (Posting.DoesNotExist, DiaryEntry.DoesNotExist):
        raise Http404(NOT_FOUND) from None
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect("tenure:diary_detail", pk=entry.pk)
    messages.success(request, f"{entry.date.month}月{entry.date.day}日的草稿已删除。")
    return redirect("tenure:diary_list")


# --- The monthly work summary -----------------------------------------------------------------


def _month(request) -> tuple[int, int]:
    """?month=YYYY-MM, by default this month; a malformed value is 404 rather than a guess."""
    value = request.GET.get("month")
    if not value:
        today = selectors.today()
        return today.year, today.month
    try:
        day = datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise Http404("月份格式不对，应为“2016-03”。") from None
    return day.year, day.month


def _summary(request, posting_id: int) -> selectors.MonthSummary:
    roles.require(request.user, roles.DIARY_READ)
    posting = get_object_or_404(selectors.postings_seen(request.user), pk=posting_id)
    year, month = _month(request)
    return selectors.month_summary(posting, year, month)


def diary_summary(request, posting_id: int):
    summary = _summary(request, posting_id)
    return render(
        request, "tenure/diary/summary.html", {"summary": summary, "own": selectors.own_posting(request.user), "duty_choices": Duty.choices}
    )


def diary_summary_xlsx(request, posting_id: int):
    summary = _summary(request, posting_id)
    return FileResponse(
        month_summary_xlsx_tempfile(summary),
        as_attachment=True,
        filename=f"工作小结-{summary.posting.cadre.name}-{summary.year}年{summary.month:02d}月.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
