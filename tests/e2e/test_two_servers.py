"""Several application servers side by side (issue: national scale and production).

Two gunicorn servers with production settings and a background worker run against one
PostgreSQL database and one media directory, as deploy/ sets them up behind nginx. Whatever
server a request lands on, the session, an import's preview and its uploaded file, and a
background export's progress and file are there. PostgreSQL only: production's
database (SQLite is the one-machine trial).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.spreadsheets import read_xlsx, xlsx_bytes
from villages.models import Village

ROOT = Path(__file__).resolve().parents[2]
XIJIE = "140929100201"  # 岢岚县岚漪镇西街村 (the village import tests' row)

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="several servers share one PostgreSQL database"),
    pytest.mark.django_db(transaction=True),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn on {port} exited: {process.stdout.read()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn on {port} did not become healthy")


@pytest.fixture(scope="module")
def servers(django_db_setup, tmp_path_factory):
    """Two production servers on two ports: their base URLs."""
    tmp = tmp_path_factory.mktemp("production")
    ports = [free_port(), free_port()]
    conf = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dispatch.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": "two-servers-" + uuid.uuid4().hex * 2,
        "DATABASE_URL": f"postgres://{conf['USER']}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": ",".join(f"http://127.0.0.1:{p}" for p in ports),
        "SECURE_PROXY_SSL_HEADER": "1",  # as behind nginx, which terminates TLS
        "TRUSTED_PROXIES": "127.0.0.1",
        "MEDIA_ROOT": str(tmp / "media"),  # one media directory for both
        "STATIC_ROOT": str(tmp / "static"),
        "GUNICORN_WORKERS": "2",
        "CONN_MAX_AGE": "0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    processes = []
    try:
        for port in ports:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "dispatch.wsgi"],
                cwd=ROOT,
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            processes.append(process)
        # And one background worker (long exports), as deploy/first-secretary-worker@.service runs it.
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "jobs_worker", "--no-reload", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port, process in zip(ports, processes, strict=True):
            wait_healthy(port, process)
        processes.append(worker)
        yield [f"http://127.0.0.1:{p}" for p in ports]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


class Visitor:
    """One person's browser without the browser: one cookie jar, whichever server answers.
    It says it came through the TLS-terminating proxy (X-Forwarded-Proto), as nginx would."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, base: str, method: str, path: str, body: bytes | None = None, content_type: str | None = None):
        port = int(base.rsplit(":", 1)[1])
        headers = {"X-Forwarded-Proto": "https", "Origin": base, "Referer": base + path}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.getheader("Location"), response.read().decode("utf-8", "replace")

    def csrf(self, base: str, path: str) -> str:
        status, _, page = self.request(base, "GET", path)
        assert status == 200, (status, path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post(self, base: str, path: str, fields: dict, files: dict | None = None, form_page: str | None = None):
        fields = {"csrfmiddlewaretoken": self.csrf(base, form_page or path), **fields}
        if not files:
            return self.request(base, "POST", path, urlencode(fields).encode(), "application/x-www-form-urlencoded")
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, data) in files.items():
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(base, "POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")

    def log_in(self, base: str, username: str) -> None:
        status, location, _ = self.post(base, "/login/", {"username": username, "password": PASSWORD})
        assert (status, location) == (302, "/"), status


@pytest.fixture
def kelan(kelan_user):
    # The servers run with production's password hashers, not the tests' fast one.
    kelan_user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    kelan_user.save(update_fields=["password"])
    return kelan_user


def test_a_session_started_on_one_server_continues_on_the_other(servers, kelan):
    a, b = servers
    visitor = Visitor()
    visitor.log_in(a, "kelan")

    status, _, page = visitor.request(b, "GET", "/")
    assert status == 200 and "岢岚县委组织部" in page

    visitor.post(b, "/logout/", {}, form_page="/")
    status, location, _ = visitor.request(a, "GET", "/")
    assert status == 302 and location.startswith("/login/")


def test_an_import_previewed_on_one_server_is_confirmed_on_the_other(servers, kelan, reference_data):
    a, b = servers
    visitor = Visitor()
    visitor.log_in(a, "kelan")
    header = ["统计用区划代码", "县（市、区）", "乡（镇）", "村名称", "党组织软弱涣散村", "建档立卡贫困村"]
    data = xlsx_bytes([header, [XIJIE, "岢岚县", "岚漪镇", "西街村", "是", "否"]])

    status, location, _ = visitor.post(a, "/villages/import/", {}, files={"file": ("岢岚县名单.xlsx", data)})
    assert status == 302, status
    batch = location.rstrip("/").rsplit("/", 1)[1]

    status, _, page = visitor.request(b, "GET", location)
    assert status == 200 and "西街村" in page
    status, _, _ = visitor.request(b, "GET", f"/villages/import/{batch}/file/")
    assert status == 200  # the uploaded original, stored by server a, served by server b
    status, _, _ = visitor.post(b, f"/villages/import/{batch}/confirm/", {}, form_page=f"/villages/import/{batch}/")
    assert status == 302
    assert Village.objects.get(code=XIJIE).is_weak_organization is True


def test_an_export_started_on_one_server_is_run_by_the_worker_and_downloaded_from_the_other(servers, kelan, reference_data):
    a, b = servers
    visitor = Visitor()
    visitor.log_in(a, "kelan")

    status, location, _ = visitor.post(a, "/exports/start/", {"kind": "villages", "query": "township=140929100"}, form_page="/")
    assert status == 302 and re.fullmatch(r"/exports/[0-9]+/", location), (status, location)
    deadline = time.monotonic() + 60
    while True:
        status, _, body = visitor.request(b, "GET", location + "status/")
        job = json.loads(body)
        if job["finished"] or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert job["state"] == "done", job

    port = int(b.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "GET", job["download"], headers={"X-Forwarded-Proto": "https", "Cookie": "; ".join(f"{k}={v}" for k, v in visitor.cookies.items())}
    )
    response = conn.getresponse()
    data = response.read()
    assert response.status == 200 and data.startswith(b"PK")  # written by the worker, served by server b
    expected = Village.objects.filter(township__code="140929100").count()
    assert len(read_xlsx(data)) == expected + 1  # the header and one row per village


def test_a_login_and_a_page_in_chromium_through_one_server(servers, kelan, browser):
    a, _ = servers
    context = browser.new_context(locale="zh-CN", extra_http_headers={"X-Forwarded-Proto": "https"})
    page = context.new_page()
    failures = []
    page.on("console", lambda message: failures.append(message.text) if message.type == "error" else None)
    page.on("requestfailed", lambda request: failures.append(f"{request.url} {request.failure}"))
    page.on("response", lambda response: failures.append(f"{response.status} {response.url}") if response.status >= 400 else None)
    try:
        page.goto(f"{a}/login/")
        page.get_by_label("用户名").fill("kelan")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_test_id("scope")).to_have_text("山西省忻州市岢岚县")
        page.goto(f"{a}/villages/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        # The stylesheet came from collectstatic's hashed files through WhiteNoise.
        assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor") == "rgb(168, 32, 26)"
        stylesheet = page.evaluate("document.querySelector('link[rel=stylesheet]').href")
        assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), stylesheet
        assert failures == []
    finally:
        context.close()
