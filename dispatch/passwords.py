"""First passwords and the rule that their owner changes them.

A password someone else has seen (a secretary's 开通通知 printed by the county, a reset) is a
first password: ``first_password_set`` makes a random one, stores only its hash and marks the
account ``must_change_password``; until the owner sets his own on the password page
(``PasswordChangeView`` here, which clears the mark), every page sends him there
(``PasswordChangeRequiredMiddleware``)."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse

from dispatch.models import User

# Read off paper and typed on a phone: lower-case letters and digits without the look-alikes
# (0/o, 1/l/i). Twelve of 31 signs: about 59 bits, and the owner replaces it at once.
FIRST_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
FIRST_PASSWORD_LENGTH = 12


def random_first_password() -> str:
    return "".join(secrets.choice(FIRST_PASSWORD_ALPHABET) for _ in range(FIRST_PASSWORD_LENGTH))


@transaction.atomic
def first_password_set(*, user: User) -> str:
    """Give ``user`` a new random first password, which he must change at his next login, and
    return it: the caller shows it once and keeps no copy."""
    password = random_first_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return password


def password_changed(*, user: User) -> None:
    """The owner has set his own password: the first one's mark goes."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password page; a changed password is the owner's own."""

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(user=form.user)
        return response


class PasswordChangeRequiredMiddleware:
    """An account with a first password reaches only the password page (and can log out) until
    its owner has changed it."""

    ALLOWED_URL_NAMES = ("password_change", "password_change_done", "logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse(name) for name in self.ALLOWED_URL_NAMES}
            if request.path not in allowed:
                messages.info(request, "您正在使用初始密码，请先设置您自己的新密码。")
                return redirect("password_change")
        return self.get_response(request)
