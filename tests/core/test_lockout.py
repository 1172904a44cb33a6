"""Login lockout (等保 2.0 登录失败处理): 5 failures of one username from one address lock that
pair for 30 minutes, on the site's login page and the admin's; the message says until when;
the administrator can unlock; every login is recorded."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from core.models import LoginFailure, LoginLock, LoginRecord
from tests.factories import PASSWORD

OFFICE = "10.1.2.3"
ELSEWHERE = "10.9.9.9"


def attempt(client, username, password, address=OFFICE, url="/login/", **headers):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail_five_times(client, username, address=OFFICE, url="/login/", **headers):
    for _ in range(5):
        response = attempt(client, username, "wrong-password", address, url, **headers)
    return response


@pytest.mark.django_db
class TestLockout:
    def test_the_right_password_after_five_failures_is_refused_with_a_chinese_message_naming_the_time(self, client, kelan_user):
        for _ in range(4):
            assert attempt(client, "kelan", "wrong-password").status_code == 200
        assert attempt(client, "kelan", "wrong-password").status_code == 429

        response = attempt(client, "kelan", PASSWORD)

        assert response.status_code == 429
        assert not logged_in(client)
        page = response.content.decode()
        assert "登录已暂时锁定" in page and "连续 5 次密码错误" in page
        lock = AccessAttempt.objects.get(username="kelan", ip_address=OFFICE)
        until = (lock.attempt_time + datetime.timedelta(minutes=30)).astimezone(datetime.timezone(datetime.timedelta(hours=8)))
        assert f"{until:%H:%M}" in page and "后再试" in page

    def test_four_failures_then_the_right_password_logs_in_and_clears_the_count(self, client, kelan_user):
        for _ in range(4):
            attempt(client, "kelan", "wrong-password")
        assert attempt(client, "kelan", PASSWORD).status_code == 302
        assert logged_in(client)
        assert not AccessAttempt.objects.filter(username="kelan").exists()

    def test_the_lock_holds_one_username_from_one_address_only(self, client, kelan_user, wuzhai_user):
        fail_five_times(client, "kelan")

        assert attempt(client, "wuzhai", PASSWORD).status_code == 302  # a colleague in the same office
        client.logout()
        assert attempt(client, "kelan", PASSWORD, address=ELSEWHERE).status_code == 302  # the same user elsewhere

    def test_the_lock_ends_after_thirty_minutes(self, client, kelan_user):
        fail_five_times(client, "kelan")
        AccessAttempt.objects.filter(username="kelan").update(
            attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31)
        )

        assert attempt(client, "kelan", PASSWORD).status_code == 302
        assert logged_in(client)

    def test_the_admin_login_is_locked_the_same_way(self, client, admin_user):
        fail_five_times(client, "admin", url="/admin/login/")

        response = attempt(client, "admin", PASSWORD, url="/admin/login/")

        assert response.status_code == 429
        assert "登录已暂时锁定" in response.content.decode()
        assert not logged_in(client)

    def test_a_forwarded_for_header_is_ignored_without_a_trusted_proxy(self, client, kelan_user):
        for n in range(5):
            attempt(client, "kelan", "wrong-password", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

        response = attempt(client, "kelan", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")

        assert response.status_code == 429
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}

    def test_behind_a_trusted_proxy_the_client_address_comes_from_the_header(self, client, kelan_user, settings):
        settings.TRUSTED_PROXIES = ["10.1.0.0/16"]
        fail_five_times(client, "kelan", HTTP_X_FORWARDED_FOR="192.0.2.7")

        assert attempt(client, "kelan", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.7").status_code == 429
        # Another desk behind the same proxy is not locked out.
        assert attempt(client, "kelan", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.8").status_code == 302
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.7"}

    def test_logins_and_failures_are_recorded(self, client, kelan_user):
        attempt(client, "kelan", "wrong-password")
        attempt(client, "kelan", PASSWORD)

        assert LoginFailure.objects.filter(username="kelan", ip_address=OFFICE).count() == 1
        assert LoginRecord.objects.filter(username="kelan", ip_address=OFFICE).count() == 1


@pytest.mark.django_db
def test_the_administrator_unlocks_from_the_admin(client, kelan_user, admin_user):
    fail_five_times(client, "kelan")
    lock = LoginLock.objects.get(username="kelan")
    admin = client.__class__()
    admin.force_login(admin_user)

    listing = admin.get(reverse("admin:core_loginlock_changelist"))
    assert "登录失败与锁定" in listing.content.decode() and "kelan" in listing.content.decode()
    admin.post(reverse("admin:core_loginlock_changelist"), {"action": "unlock", "_selected_action": [lock.pk]})

    assert not LoginLock.objects.exists()
    assert attempt(client, "kelan", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_county_account_cannot_read_or_lift_locks(client, kelan_user, wuzhai_user):
    fail_five_times(client, "wuzhai")
    client.force_login(kelan_user)
    assert client.get(reverse("admin:core_loginlock_changelist")).status_code in (302, 403)
    lock = LoginLock.objects.get(username="wuzhai")
    client.post(reverse("admin:core_loginlock_changelist"), {"action": "unlock", "_selected_action": [lock.pk]})
    assert LoginLock.objects.filter(pk=lock.pk).exists()
