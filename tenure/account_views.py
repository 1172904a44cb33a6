"""The county's page of its secretaries' accounts, and the 开通通知 with a first password.

Everything starts from ``SecretaryAccount.objects.visible_to(request.user)``: an account outside
the user's scope answers 404 like one that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dispatch import roles
from tenure.accounts import AccountStatus, account_password_issue
from tenure.models import SecretaryAccount

PAGE_SIZE = 50


def _accounts(user):
    return SecretaryAccount.objects.visible_to(user).select_related(
        "user", "posting__cadre", "posting__unit", "posting__village__township", "posting__county"
    )


def account_list(request):
    roles.require(request.user, roles.TENURE_MANAGE_ACCOUNTS)
    accounts = _accounts(request.user).order_by("posting__village__code")
    q = request.GET.get("q", "").strip()
    if q:
        accounts = accounts.filter(
            Q(posting__cadre__name__contains=q) | Q(posting__village__name__contains=q) | Q(user__username__iexact=q)
        )
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(a, AccountStatus.of(a.user)) for a in page.object_list]
    return render(request, "tenure/accounts/account_list.html", {"page": page, "rows": rows, "q": q, "status": AccountStatus})


@never_cache
@require_POST
def account_password(request, pk: int):
    """Issue a first password (or a new one) and show it, once, on the printable notice."""
    roles.require(request.user, roles.TENURE_MANAGE_ACCOUNTS)
    account = get_object_or_404(_accounts(request.user), pk=pk)
    first = not account.user.has_usable_password()
    try:
        password = account_password_issue(account=account, by=request.user)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect(reverse("tenure:accounts"))
    account.refresh_from_db()
    return render(
        request,
        "tenure/accounts/account_notice.html",
        {
            "account": account,
            "password": password,
            "first": first,
            "login_url": request.build_absolute_uri(reverse("login")),
        },
    )
