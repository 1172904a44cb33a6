"""The request body's size, refused before anything reads it.

Django limits the fields of a form (DATA_UPLOAD_MAX_MEMORY_SIZE) but not the files of an upload:
a multipart body is read whole, and CsrfViewMiddleware reads it before any view can look at the
file's size. This middleware answers 413 from the Content-Length alone, before the session, the
CSRF check or the view touch the body. Under WSGI a body without a Content-Length is not read at
all (Django reads at most Content-Length bytes), and the web server refuses larger bodies first
(deploy/nginx.conf, client_max_body_size: the same figure).
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render


def declared_body_size(request) -> int | None:
    """The Content-Length the client declared, or None when it is absent or no number."""
    value = request.META.get("CONTENT_LENGTH") or ""
    return int(value) if value.isascii() and value.isdigit() else None


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        size = declared_body_size(request)
        if size is not None and size > settings.REQUEST_MAX_BODY_BYTES:
            return render(
                request,
                "413.html",
                {"size_mb": size / (1024 * 1024), "limit_mb": settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)},
                status=413,
            )
        return self.get_response(request)
