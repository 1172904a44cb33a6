"""Headers every answer carries, and how long a session lasts (等保 2.0, ASVS V3/V14)."""

import pytest
from django.conf import settings

from core.security import LOGIN_TIME
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_is_never_cached_and_carries_csp_and_permissions_policy(client, kelan_user):
    client.force_login(kelan_user)
    response = client.get("/postings/")

    assert response["Cache-Control"] == "no-store, private"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_login_page_says_the_same_about_policies(client):
    response = client.get("/login/")
    assert "Content-Security-Policy" in response and "Permissions-Policy" in response


def test_an_export_with_personal_data_is_not_cached(client, unit_user):
    client.force_login(unit_user)
    response = client.get("/roster/export/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store, private"


def test_a_session_ends_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_a_session_ends_a_working_day_after_the_login(client, kelan_user):
    assert client.post("/login/", {"username": "kelan", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1").status_code == 302
    assert client.get("/postings/").status_code == 200

    session = client.session
    session[LOGIN_TIME] -= settings.SESSION_ABSOLUTE_SECONDS + 60
    session.save()
    response = client.get("/postings/")

    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/postings/")
    assert "_auth_user_id" not in client.session


def test_logging_in_again_starts_a_new_working_day(client, kelan_user):
    client.post("/login/", {"username": "kelan", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    session = client.session
    session[LOGIN_TIME] -= settings.SESSION_ABSOLUTE_SECONDS + 60
    session.save()
    assert client.get("/postings/").status_code == 302  # the day is over: signed out

    client.post("/login/", {"username": "kelan", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert client.get("/postings/").status_code == 200
