"""What an operator relies on: the health URL, and one structured log line per request."""

import json
import logging

import pytest
from django.urls import path

from core import health as health_module
from core.requestlog import JsonFormatter


@pytest.mark.django_db
def test_the_health_url_answers_without_a_login_and_checks_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["checks"]["database"]["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_health_url_answers_503_naming_the_failed_check(client, monkeypatch):
    def broken():
        raise ConnectionError("queue unreachable")

    monkeypatch.setitem(health_module.CHECKS, "tasks", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["tasks"] == {"status": "error", "error": "queue unreachable"}


@pytest.mark.django_db
def test_the_health_url_reports_unapplied_migrations(client, monkeypatch):
    monkeypatch.setattr(health_module.MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])

    response = client.get("/healthz")

    assert response.status_code == 503
    assert "1 migrations not applied" in response.json()["checks"]["database"]["error"]


@pytest.mark.django_db
def test_every_request_is_one_log_line_with_user_status_and_duration(client, kelan_user, caplog):
    client.force_login(kelan_user)
    with caplog.at_level(logging.INFO, logger="requests"):
        client.get("/villages/?q=宋家沟", REMOTE_ADDR="10.1.2.3")

    (record,) = [r for r in caplog.records if r.name == "requests"]
    assert (record.method, record.path, record.status, record.user, record.address) == ("GET", "/villages/", 200, "kelan", "10.1.2.3")
    assert record.duration_ms > 0
    line = json.loads(JsonFormatter().format(record))
    assert line["status"] == 200 and line["user"] == "kelan" and line["level"] == "INFO"
    assert "宋家沟" not in json.dumps(line, ensure_ascii=False)  # no query string values in the log


def explode(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", explode)]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_request_that_fails_is_logged_as_500(client, kelan_user, caplog):
    client.raise_request_exception = False
    client.force_login(kelan_user)
    with caplog.at_level(logging.INFO, logger="requests"):
        assert client.get("/boom/").status_code == 500
    assert [(r.path, r.status) for r in caplog.records if r.name == "requests"] == [("/boom/", 500)]
