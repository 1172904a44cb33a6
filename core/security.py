"""Login protection (等保 2.0 登录失败处理): the client's address, and the page a locked-out
login gets.

django-axes counts the failures. It is configured in settings to lock one *username from one
address* after 5 failures for 30 minutes — not the address alone and not forever, which behind
one proxy would lock out a whole office — on the site's login page and the admin's alike.

The client's address is read from ``X-Forwarded-For`` only when the request comes from a proxy
listed in ``TRUSTED_PROXIES``; otherwise anyone could choose his own address by sending the
header, and a locked-out attacker would simply change it.
"""

from __future__ import annotations

import ipaddress

from axes.models import AccessAttempt
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in getattr(settings, "TRUSTED_PROXIES", []) if entry.strip()]


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request) -> str | None:
    """The address of the person at the keyboard, as far as we can trust it.

    Without trusted proxies: REMOTE_ADDR, whatever headers say. Behind trusted proxies: walk
    X-Forwarded-For from the right (the nearest hop) past every trusted proxy; the first address
    that is not one is the client's."""
    remote = request.META.get("REMOTE_ADDR")
    networks = _networks()
    if not remote or not networks or not _is_trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote
    return remote


def locked_until(username: str | None, address: str | None):
    """When the lock of this username from this address ends (None if it is not locked)."""
    attempt = AccessAttempt.objects.filter(username=username, ip_address=address).order_by("-attempt_time").first()
    if attempt is None or attempt.failures_since_start < settings.AXES_FAILURE_LIMIT:
        return None
    return attempt.attempt_time + settings.AXES_COOLOFF_TIME


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, saying in Chinese that this account is locked from here and until
    when; HTTP 429. The same for the admin's login page."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    until = locked_until(username, client_ip(request))
    until_text = date_format(timezone.localtime(until), "Y年n月j日 H:i") if until else None
    context = {"username": username, "until": until_text, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/locked.html", context, status=429)


# --- Headers and sessions (等保 2.0, ASVS V3 and V14) ------------------------------------------

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=()"


class PrivateResponseMiddleware:
    """What a signed-in user is shown — ID numbers, phones, diaries, ledgers — is never kept by
    the browser's or a proxy's cache (Cache-Control: no-store), so that the next person at a
    shared office computer cannot page back to it. Every response also says that the pages use
    no camera, microphone or location (Permissions-Policy): nothing here tracks anyone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response


LOGIN_TIME = "login_at"


def start_session_clock(sender, request, user, **kwargs):
    """At every login the working day's clock starts again (user_logged_in)."""
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_TIME] = timezone.now().timestamp()


class SessionLimitMiddleware:
    """A session ends after SESSION_COOKIE_AGE idle (Django's own, renewed on every request) and
    in any case SESSION_ABSOLUTE_SECONDS after the login: a working day, then sign in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.contrib.auth.views import redirect_to_login

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(LOGIN_TIME)
            now = timezone.now().timestamp()
            if started is None:
                request.session[LOGIN_TIME] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, "您已登录超过一个工作日，为安全起见请重新登录。")
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
