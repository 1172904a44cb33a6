"""The audit pages (/audit/): the audit trail of every tracked model (core.audit) and the
personal-data access log, read by the 审计员 (roles.VIEW_AUDIT) and by nobody else. Nothing here
writes: the audit is changed by no one through the application."""

from __future__ import annotations

import datetime

from django import forms
from django.core.paginator import Paginator
from django.db.models import CharField, Value
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import audit
from core.models import PersonalDataAccess
from core.params import parse_id
from dispatch import roles
from dispatch.models import User

PAGE_SIZE = 50


def _model_key(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _tracked() -> dict[str, type]:
    return {_model_key(m): m for m in audit.tracked_models()}


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(label="数据类别", required=False)
    object_id = forms.CharField(label="记录编号", required=False, max_length=20)
    user = forms.CharField(label="操作人（用户名）", required=False, max_length=150)
    date_from = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, with_model: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_model:
            choices = sorted(((k, str(m._meta.verbose_name)) for k, m in _tracked().items()), key=lambda c: c[1])
            self.fields["model"].choices = [("", "全部"), *choices]
        else:
            del self.fields["model"]
            del self.fields["object_id"]

    def clean_object_id(self):
        value = self.cleaned_data["object_id"].strip()
        if value and parse_id(value) is None:
            raise forms.ValidationError("记录编号应为正整数。")
        return parse_id(value)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "结束日期不能早于开始日期。")
        return data


def _day_bounds(data):
    """The date range as aware datetimes: from the first day's start to the last day's end."""
    start = end = None
    if data.get("date_from"):
        start = timezone.make_aware(datetime.datetime.combine(data["date_from"], datetime.time.min))
    if data.get("date_to"):
        end = timezone.make_aware(datetime.datetime.combine(data["date_to"] + datetime.timedelta(days=1), datetime.time.min))
    return start, end


def _error_lines(form) -> list[str]:
    return [f"{form.fields[name].label if name in form.fields else ''}：{e}" for name, errors in form.errors.items() for e in errors]


def _history_rows(data):
    """One values() queryset over every tracked model's history (a UNION when no model is
    chosen), newest first: the page then reads its 50 rows in full, model by model."""
    tracked = _tracked()
    keys = [data["model"]] if data.get("model") else list(tracked)
    start, end = _day_bounds(data)
    user_ids = None
    if data.get("user"):
        user_ids = list(User.objects.filter(username=data["user"].strip()).values_list("pk", flat=True))
    parts = []
    for key in keys:
        qs = audit.history_model(tracked[key]).objects.all()
        if data.get("object_id"):
            qs = qs.filter(id=data["object_id"])
        if user_ids is not None:
            qs = qs.filter(history_user_id__in=user_ids)
        if start:
            qs = qs.filter(history_date__gte=start)
        if end:
            qs = qs.filter(history_date__lt=end)
        parts.append(
            qs.annotate(model_key=Value(key, output_field=CharField())).values("history_id", "history_date", "model_key").order_by()
        )
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return rows.order_by("-history_date", "-history_id")


def _describe(page_rows) -> list[dict]:
    tracked = _tracked()
    wanted: dict[str, list[int]] = {}
    for row in page_rows:
        wanted.setdefault(row["model_key"], []).append(row["history_id"])
    records = {}
    for key, ids in wanted.items():
        for record, previous in audit.with_previous(audit.history_model(tracked[key]).objects.filter(history_id__in=ids)):
            records[(key, record.history_id)] = (record, previous)
    users = {u.pk: u for u in User.objects.filter(pk__in={r.history_user_id for r, _ in records.values() if r.history_user_id})}
    described = []
    for row in page_rows:
        record, previous = records.get((row["model_key"], row["history_id"]), (None, None))
        if record is None:
            continue
        model = tracked[row["model_key"]]
        changes = [{"field": f, "before": before, "after": after} for f, before, after in audit.changes(record, previous)]
        described.append(
            {
                "record": record,
                "model": model._meta.verbose_name,
                "model_key": row["model_key"],
                "object_id": record.id,
                "user": users.get(record.history_user_id),
                "type": {"+": "新增", "~": "修改", "-": "删除"}[record.history_type],
                "changes": changes,
            }
        )
    return described


@require_GET
def audit_trail(request):
    roles.require(request.user, roles.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    error_lines = _error_lines(form) if form.is_bound and not form.is_valid() else []
    page = Paginator(_history_rows(data), PAGE_SIZE).get_page(request.GET.get("page")) if not error_lines else None
    return render(
        request,
        "audit/trail.html",
        {
            "form": form,
            "error_lines": error_lines,
            "page": page,
            "rows": _describe(list(page.object_list)) if page else [],
            "retention_days": audit.retention_days(),
        },
    )


@require_GET
def access_log(request):
    roles.require(request.user, roles.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None, with_model=False)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    error_lines = _error_lines(form) if form.is_bound and not form.is_valid() else []
    rows = PersonalDataAccess.objects.all()
    if data.get("user"):
        rows = rows.filter(username=data["user"].strip())
    start, end = _day_bounds(data)
    if start:
        rows = rows.filter(at__gte=start)
    if end:
        rows = rows.filter(at__lt=end)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")) if not error_lines else None
    return render(request, "audit/access_log.html", {"form": form, "error_lines": error_lines, "page": page})
