"""A county office's afternoon on the default install: SQLite, one file, many users at once.

Ledger submissions, pipeline transitions, village-list import previews and readers hit a live
server at the same moment, each request on its own connection to a SQLite *file* — what `make
run` serves, not the in-memory test database (which the live server shares between threads
through one connection, so it never sees a lock). No request may answer 500 ("database is
locked" was what users saw); every write is either done, as the database shows afterwards, or
refused with a Chinese message.
"""

from __future__ import annotations

import datetime
import http.client
import http.cookies
import sqlite3
import threading
import uuid
from collections import Counter

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection, connections
from django.test import Client
from django.test.testcases import LiveServerThread

from core.models import ImportBatch
from reports.models import Submission, SubmissionEvent
from secretaries.models import Posting, PostingEvent
from secretaries.services import posting_apply, posting_qualify, posting_recommend
from tests.factories import UserFactory
from tests.reports.test_submissions import county_unit_user, in_office, target_villages
from tests.secretaries.conftest import cadre_for, campaign  # noqa: F401  (the pipeline's fixture)
from tests.spreadsheets import xlsx_bytes
from villages.models import Village

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's locking is what this checks; PostgreSQL has row locks"),
]

# Any 32 letters and digits make a CSRF secret; sent as cookie and header, as the pages' script does.
CSRF = "a" * 32


@pytest.fixture(scope="module")
def sqlite_file(django_db_setup, django_db_blocker, tmp_path_factory):
    """Point the default connection at a file copy of the test database for this module, so
    that the live server's request threads open connections of their own (with the settings'
    PRAGMAs and transaction mode), as the real server does."""
    conn = connections["default"]
    with django_db_blocker.unblock():
        conn.ensure_connection()
        memory_name = conn.settings_dict["NAME"]
        # The in-memory test database lives as long as one connection to it is open.
        keeper = sqlite3.connect(memory_name, uri=True)
        path = tmp_path_factory.mktemp("sqlite") / "db.sqlite3"
        target = sqlite3.connect(path)
        conn.connection.backup(target)
        target.close()
        conn.settings_dict["NAME"] = str(path)
        conn.connection.close()
        conn.connection = None
        yield path
        conn.close()
        conn.settings_dict["NAME"] = memory_name
        conn.ensure_connection()
        keeper.close()


class Server(ThreadedWSGIServer):
    # runserver's listen backlog (10) resets connections when thirty users click at the same
    # instant, before any database work; a production server (gunicorn: 2048) queues them.
    request_queue_size = 128


class ServerThread(LiveServerThread):
    """The test's live server: a thread per request, each with its own database connection."""

    server_class = Server


def start_server() -> ServerThread:
    thread = ServerThread("localhost", StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    return thread


class Browser:
    """One user's browser: its session and CSRF cookies, redirects followed, cookies kept
    (the refusal messages travel in a cookie to the page after the redirect)."""

    def __init__(self, server: ServerThread, user):
        client = Client()
        client.force_login(user)
        self.host, self.port = server.host, server.port
        self.cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}

    def request(self, method: str, path: str, fields: dict | None = None, files: dict | None = None) -> list[tuple[int, str]]:
        """Every response on the way (the POST's, then each redirect's), as (status, body)."""
        responses = []
        body, content_type = encode(fields or {}, files or {}) if method == "POST" else (None, None)
        for _ in range(5):
            http_conn = http.client.HTTPConnection(self.host, self.port, timeout=90)
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "X-CSRFToken": CSRF}
            if content_type:
                headers["Content-Type"] = content_type
            http_conn.request(method, path, body=body, headers=headers)
            response = http_conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in http.cookies.SimpleCookie(header).items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            http_conn.close()
            responses.append((response.status, text))
            if response.status not in (301, 302, 303) or not response.getheader("Location"):
                return responses
            method, path, body, content_type = "GET", response.getheader("Location"), None, None
        return responses


def encode(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (file_name, data) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
        parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def village_list(n: int) -> bytes:
    """A city's village list of ``n`` rows that marks every village weak: a preview with ``n``
    changes to stage."""
    header = ["统计用区划代码", "县（市、区）", "乡（镇）", "村名", "党组织软弱涣散村", "建档立卡贫困村"]
    villages = Village.objects.filter(code__startswith="1409").select_related("county", "township").order_by("code")[:n]
    return xlsx_bytes([header] + [[v.code, v.county.name, v.township.name, v.name, "是", "否"] for v in villages])


@pytest.fixture
def office(sqlite_file, reference_data, campaign, kelan_user, wuzhai_user, unit_user, province_user):
    """岢岚县 and 五寨县 with secretaries in office (a ledger to submit), 山西省国土资源厅 with
    candidates waiting for 资格审查, a 岢岚县 unit's candidates waiting for 审核备案."""
    for county in ("岢岚县", "五寨县"):
        ids = list(Village.objects.filter(county__name=county).order_by("code").values_list("pk", flat=True)[:4])
        Village.objects.filter(pk__in=ids).update(is_registered_poor=True)
    kelan_unit = county_unit_user(kelan_user.region, "kelan_nyj")
    wuzhai_unit = county_unit_user(wuzhai_user.region, "wuzhai_nyj")
    for village, name in zip(target_villages("岢岚县", 2), ["王志刚", "刘玉兰"], strict=True):
        in_office(kelan_unit, kelan_user, village, name=name, campaign=campaign)
    in_office(wuzhai_unit, wuzhai_user, target_villages("五寨县", 1)[0], name="赵文明", campaign=campaign)
    applied = [posting_apply(cadre=cadre_for(unit_user.unit), campaign=campaign, by=unit_user) for _ in range(6)]
    recommended = []
    for _ in range(4):
        posting = posting_apply(cadre=cadre_for(kelan_unit.unit), campaign=campaign, by=kelan_unit)
        posting_qualify(posting=posting, by=kelan_unit)
        meeting, county = datetime.date(2015, 7, 1), kelan_user.region
        recommended.append(posting_recommend(posting=posting, by=kelan_unit, meeting_date=meeting, decision="同意", county=county))
    return {"applied": applied, "recommended": recommended}


def test_concurrent_writers_and_readers_get_no_server_error(office, campaign, kelan_user, wuzhai_user, unit_user, province_user):
    server = start_server()
    try:
        kelan_colleague = UserFactory(username="kelan2", role=kelan_user.role, region=kelan_user.region)
        upload = village_list(1500)
        jobs = []  # (name, browser, method, path, fields, files)

        def job(name, user, method, path, fields=None, files=None):
            jobs.append((name, Browser(server, user), method, path, fields, files))

        # Two clerks of 岢岚县 submit its ledger at once; 五寨县 submits its own.
        job("submit kelan", kelan_user, "POST", "/submissions/new/", {"seen_latest": 0, "note": "", "acknowledge": "on"})
        job("submit kelan", kelan_colleague, "POST", "/submissions/new/", {"seen_latest": 0, "note": "", "acknowledge": "on"})
        job("submit wuzhai", wuzhai_user, "POST", "/submissions/new/", {"seen_latest": 0, "note": "", "acknowledge": "on"})
        # The unit qualifies its candidates (the first one twice: a double click); the county files.
        for posting in office["applied"] + office["applied"][:1]:
            job("qualify", unit_user, "POST", f"/postings/{posting.pk}/qualify/", {"qualify-note": ""})
        for posting in office["recommended"]:
            job("file", kelan_user, "POST", f"/postings/{posting.pk}/file/", {"file-note": ""})
        # The province previews a city's village list, three times at once.
        for _ in range(3):
            job("preview", province_user, "POST", "/villages/import/", files={"file": ("忻州市村名单.xlsx", upload)})
        # Readers browse meanwhile (each page view also saves the session: a write too).
        pages = ("/", "/villages/", "/postings/", "/submissions/", "/dashboard/")
        for user, paths in ((kelan_user, pages), (wuzhai_user, pages), (province_user, pages), (unit_user, ("/", "/postings/"))):
            for path in paths:
                job("read", user, "GET", path)

        start = threading.Barrier(len(jobs))
        results: list[tuple[str, list[tuple[int, str]]]] = []
        failures: list[str] = []

        def run(name, browser, method, path, fields, files):
            try:
                start.wait()
                results.append((name, browser.request(method, path, fields, files)))
            except Exception as e:  # noqa: BLE001  (a dropped connection is a failure to report, not to hide)
                failures.append(f"{name} {path}: {e!r}")

        threads = [threading.Thread(target=run, args=j) for j in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        server.terminate()

    assert not failures
    assert len(results) == len(jobs)
    statuses = Counter(status for _, responses in results for status, _ in responses)
    errors = [(name, status, text[:300]) for name, responses in results for status, text in responses if status >= 500]
    assert not errors, errors
    assert all(responses[-1][0] == 200 for name, responses in results if name == "read"), statuses

    # Submissions: one per county; the second clerk of 岢岚县 was told why not.
    assert sorted(Submission.objects.values_list("region__name", flat=True)) == ["五寨县", "岢岚县"]
    assert SubmissionEvent.objects.count() == 2
    kelan_pages = [responses[-1][1] for name, responses in results if name == "submit kelan"]
    assert sum("未能报送：" in page for page in kelan_pages) == 1

    # Transitions: each candidate qualified and filed once; the double click was refused with a message.
    assert Posting.objects.filter(pk__in=[p.pk for p in office["applied"]], state=Posting.State.QUALIFIED).count() == 6
    assert PostingEvent.objects.filter(action="qualify", posting__in=office["applied"]).count() == 6
    assert Posting.objects.filter(pk__in=[p.pk for p in office["recommended"]], state=Posting.State.FILED).count() == 4
    assert PostingEvent.objects.filter(action="file", posting__in=office["recommended"]).count() == 4
    qualify_pages = [responses[-1][1] for name, responses in results if name == "qualify"]
    assert sum("未能资格审查通过" in page for page in qualify_pages) == 1

    # Import previews: three batches, each with every row staged.
    assert list(ImportBatch.objects.values_list("total_rows", "updated_count")) == [(1500, 1500)] * 3
