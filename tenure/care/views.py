"""The care and training pages: who lacks what (the county, the unit, and those above, each its
own secretaries) and the forms that record training (the county), health checks and insurance
(the unit). Views parse, require the capability, call one service and redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from core.params import parse_id
from dispatch import roles
from secretaries.models import Posting
from tenure import selectors
from tenure.care import services
from tenure.care.forms import CareFilterForm, HealthCheckForm, InsuranceForm, TrainingForm
from tenure.care.selectors import LAPSE_WARNING_DAYS, Lack, lack_counts, lacking, lapse_date, reference_day

PAGE_SIZE = 50


def care_list(request):
    roles.require(request.user, roles.CARE_VIEW)
    form = CareFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    day = data.get("day") or reference_day(request.user)
    lack = data.get("lack") or Lack.ANY
    postings = lacking(request.user, day, lack).select_related("cadre", "unit", "village", "village__township", "village__county")
    for word in (data.get("q") or "").split():
        postings = postings.filter(Q(cadre__name__icontains=word) | Q(village__name__icontains=word))
    page = Paginator(postings.order_by("village__code"), PAGE_SIZE).get_page(request.GET.get("page"))
    for posting in page.object_list:
        posting.lapses_on = lapse_date(posting, day) if posting.ends_soon and posting.covered else None
    return render(
        request,
        "tenure/care/list.html",
        {
            "form": form,
            "page": page,
            "day": day,
            "lack": lack,
            "lack_label": dict(Lack.CHOICES)[lack],
            "counts": lack_counts(request.user, day),
            "warning_days": LAPSE_WARNING_DAYS,
            "can_train": roles.can(request.user, roles.CARE_RECORD_TRAINING),
            "can_unit": roles.can(request.user, roles.CARE_RECORD_UNIT),
        },
    )


def _record(request, *, capability, form_class, title: str, save, success, initial=None):
    """The page of one record form: GET shows it (?posting= preselects), POST calls ``save``."""
    roles.require(request.user, capability)
    postings = selectors.postings_in_office(request.user)
    if request.method == "POST":
        form = form_class(request.POST, postings=postings)
        if form.is_valid():
            try:
                record = save(form.cleaned_data)
            except Posting.DoesNotExist:
                raise Http404(services.NOT_IN_SCOPE) from None
            except ValidationError as e:
                form.attach(e)
            else:
                messages.success(request, success(record))
                return redirect(f"{reverse('tenure:care_list')}?lack=all")
        status = 400
    else:
        form = form_class(initial={"posting": parse_id(request.GET.get("posting")), **(initial or {})}, postings=postings)
        status = 200
    return render(request, "tenure/care/form.html", {"form": form, "title": title}, status=status)


def training_new(request):
    def save(data):
        return services.training_record(
            posting=data["posting"],
            by=request.user,
            kind=data["kind"],
            title=data["title"],
            organiser=data["organiser"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            hours=data["hours"],
        )

    organiser = request.user.region.name + "委组织部" if getattr(request.user, "region", None) else ""
    return _record(
        request,
        capability=roles.CARE_RECORD_TRAINING,
        form_class=TrainingForm,
        title="登记培训",
        save=save,
        success=lambda t: f"已登记：{t.posting.cadre.name} {t.get_kind_display()}“{t.title}”，{t.hours}学时。",
        initial={"kind": "induction", "organiser": organiser},
    )


def health_check_new(request):
    def save(data):
        return services.health_check_record(
            posting=data["posting"], by=request.user, year=data["year"], done=data["done"], date=data["date"], note=data["note"]
        )

    return _record(
        request,
        capability=roles.CARE_RECORD_UNIT,
        form_class=HealthCheckForm,
        title="登记体检",
        save=save,
        success=lambda c: f"已登记：{c.posting.cadre.name} {c.year}年度{'已体检' if c.done else '未体检'}。",
        initial={"year": selectors.today().year},
    )


def insurance_new(request):
    def save(data):
        return services.insurance_record(
            posting=data["posting"],
            by=request.user,
            insurer=data["insurer"],
            policy_number=data["policy_number"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            sum_insured=data["sum_insured"],
        )

    return _record(
        request,
        capability=roles.CARE_RECORD_UNIT,
        form_class=InsuranceForm,
        title="登记意外伤害保险",
        save=save,
        success=lambda p: f"已登记：{p.posting.cadre.name} 保单{p.policy_number}。",
    )
