"""Odd input never answers 5xx: every URL pattern of the project, taken from the resolver (so
that a page added later is covered without touching this file), is requested by every role
with odd values in each of its path parameters and in the query parameters the pages read —
and posted to with the same values. A refusal (400, 403, 404, 405, a form error) is fine; a
server error is not.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from dispatch.models import Role

ODD_NUMBERS = ["9" * 25, "-1", "²"]
ODD_TEXT = ["²", "'\"<script>", "a" * 300]
# The query parameters list pages, filters, pickers and bulk forms read.
QUERY_NAMES = [
    "campaign",
    "city",
    "county",
    "township",
    "village",
    "unit",
    "page",
    "q",
    "sort",
    "o",
    "add",
    "ids",
    "state",
    "level",
    "kind",
    "year",
    "month",
    "next",
    "category",
    "covered",
    "posting",
    "batch",
    "action",
    "_selected_action",
]
# Pages whose POST ends the session or changes the password of the client itself.
NOT_POSTED = {"logout/", "password/"}


def url_patterns(resolver: URLResolver | None = None, prefix: str = ""):
    """(route, pattern) for every leaf of the URL tree; regex routes (the admin's) as they are."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<regex_name>\w+)>[^)]*\)")


def odd_urls(route: str):
    """The route with odd values in its parameters, one URL per odd value."""
    if not PARAMETER.search(route):
        yield "/" + route
        return
    for numbers, text in zip(ODD_NUMBERS, ODD_TEXT, strict=True):

        def fill(match, numbers=numbers, text=text):
            return numbers if match.group("converter") == "int" else text

        yield "/" + PARAMETER.sub(fill, route)


ROLE_FIXTURES = [
    "admin_user",
    "province_user",
    "poverty_office_user",
    "xinzhou_user",
    "kelan_user",
    "lanyi_user",
    "unit_user",
    "secretary_user",
    "auditor_user",
]


@pytest.fixture
def users(request, reference_data):
    return [request.getfixturevalue(name) for name in ROLE_FIXTURES]


@pytest.mark.django_db
def test_no_url_answers_a_server_error_to_odd_input(users):
    routes = sorted({route for route, _ in url_patterns()})
    assert len(routes) > 50  # the walk sees the whole project
    failures = []
    for user in users:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for route in routes:
            if route.startswith("admin/") and user.role != Role.ADMIN:
                continue  # the admin site turns every other role away before any view runs
            for url in odd_urls(route):
                # Odd text in every query parameter, then an odd number; and the same posted.
                for method, value in (("get", "²"), ("get", ODD_NUMBERS[0]), ("post", "²")):
                    if method == "post" and route in NOT_POSTED:
                        continue
                    response = getattr(client, method)(url, {name: value for name in QUERY_NAMES})
                    if response.status_code >= 500:
                        failures.append(f"{user.username} {method.upper()} {url} …={value} → {response.status_code}")
    assert failures == []
