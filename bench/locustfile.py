"""The load test of bench/national.py (issue #15): county users browsing lists and postings and
approving leave, secretaries writing 民情日记, some exporting their village list, a few importing a
small village file, against the two gunicorn servers whose ports are in BENCH_PORTS (each request
goes to one of them at random). The accounts come from BENCH_ACCOUNTS (a JSON file written by
bench/national.py from the national database).

The servers run with production settings behind no proxy: each request says
``X-Forwarded-Proto: https`` as nginx would, and the cookies (marked Secure) are sent by hand,
since an HTTP client keeps Secure cookies away from a plain http:// address.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import random
import re

from locust import HttpUser, between, task

PORTS = os.environ.get("BENCH_PORTS", "8000").split(",")
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
ACCOUNTS = json.loads(open(os.environ["BENCH_ACCOUNTS"]).read()) if os.environ.get("BENCH_ACCOUNTS") else {}  # noqa: SIM115
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Pending leave requests per county code, each approved once (shared by the county's users).
PENDING = {code: list(ids) for code, ids in ACCOUNTS.get("pending", {}).items()}


class BenchUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self) -> None:
        self.jar: dict[str, str] = {}
        self.login()

    def send(self, method: str, path: str, name: str | None = None, **kwargs):
        port = random.choice(PORTS)
        base = f"http://127.0.0.1:{port}"
        headers = {"X-Forwarded-Proto": "https", "Origin": base, "Referer": base + path}
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        with self.client.request(
            method, base + path, name=name or path, headers=headers, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            self.jar.update({c.name: c.value for c in response.cookies})
            if response.status_code >= 400 and response.status_code != 400:
                response.failure(f"HTTP {response.status_code}")
            elif response.status_code == 400 and method == "GET":
                response.failure("HTTP 400")
            else:
                response.success()
        return response

    def token(self, path: str, name: str | None = None) -> str:
        found = CSRF.search(self.send("GET", path, name=name).text)
        return found.group(1) if found else ""

    def post(self, path: str, data: dict, name: str | None = None, form_path: str | None = None, form_name: str | None = None, **kwargs):
        token = self.token(form_path or path, name=f"{form_name or name or path} (form)")
        return self.send("POST", path, name=name, data={"csrfmiddlewaretoken": token, **data}, **kwargs)

    def login(self) -> None:
        self.post("/login/", {"username": self.username, "password": PASSWORD}, name="/login/")


class CountyUser(BenchUser):
    """县委组织部 of one of the sample counties: lists, postings, the year, leave to approve."""

    weight = 20

    def on_start(self) -> None:
        self.county = random.choice(ACCOUNTS["counties"])
        self.username = self.county["username"]
        super().on_start()

    @task(3)
    def home(self):
        self.send("GET", "/", name="/ (home, 待办)")

    @task(3)
    def villages(self):
        self.send("GET", "/villages/")

    @task(2)
    def village_search(self):
        self.send("GET", f"/villages/?q={random.choice(self.county['village_names'])}", name="/villages/?q=…")

    @task(3)
    def postings(self):
        self.send("GET", "/postings/")

    @task(4)
    def posting(self):
        self.send("GET", f"/postings/{random.choice(self.county['postings'])}/", name="/postings/<id>/")

    @task(1)
    def year(self):
        self.send("GET", "/office/presence/year/?year=2016", name="/office/presence/year/")

    @task(2)
    def approve_leave(self):
        self.send("GET", "/office/leave/")
        pending = PENDING.get(self.county["code"])
        if pending:
            leave = pending.pop()
            path, form = f"/office/leave/{leave}/approve/", f"/office/leave/{leave}/"
            self.post(path, {"note": "同意"}, name="/office/leave/<id>/approve/", form_path=form, form_name="/office/leave/<id>/")

    @task(1)
    def export(self):
        self.send("GET", "/villages/export/", name="/villages/export/ (xlsx)")


class Secretary(BenchUser):
    """第一书记 of a sample county: his office page and 民情日记."""

    weight = 27

    def on_start(self) -> None:
        self.account = random.choice(ACCOUNTS["secretaries"])
        self.username = self.account["username"]
        super().on_start()

    @task(2)
    def office(self):
        self.send("GET", "/office/me/")

    @task(2)
    def diary_list(self):
        self.send("GET", "/office/diary/")

    @task(3)
    def write(self):
        day = datetime.date(2017, 1, 1) + datetime.timedelta(days=random.randrange(210))
        data = {
            "posting": self.account["posting"],
            "date": day.isoformat(),
            "in_village": "on",
            "duties": "organization",
            "households_visited": "2",
            "content": "入户走访两户贫困户，了解春耕准备情况。",
            "action": "submit",
        }
        self.post("/office/diary/new/", data, name="/office/diary/new/")


class Importer(BenchUser):
    """A county user who exports his village list, marks one village weak, and imports it back."""

    fixed_count = 2
    wait_time = between(10, 20)

    def on_start(self) -> None:
        self.county = random.choice(ACCOUNTS["counties"])
        self.username = self.county["username"]
        super().on_start()

    @task
    def round_trip(self):
        from openpyxl import load_workbook

        exported = self.send("GET", "/villages/export/", name="/villages/export/ (xlsx)")
        if exported.status_code != 200 or not exported.content.startswith(b"PK"):
            return
        book = load_workbook(io.BytesIO(exported.content))
        sheet = book.active
        rows = list(sheet.iter_rows())
        header = next((r for r in rows if any(c.value == "党组织软弱涣散村" for c in r)), None)
        if header is None:
            return
        column = next(c.column - 1 for c in header if c.value == "党组织软弱涣散村")
        body = [r for r in rows if r[0].row > header[0].row and r[column].value in ("是", "否")]
        keep = {header[0].row} | {r[0].row for r in random.sample(body, min(20, len(body)))}
        out_book = type(book)()
        out = out_book.active
        for r in rows:
            if r[0].row < header[0].row or r[0].row in keep:
                out.append([c.value for c in r])
        last = out.max_row
        cell = out.cell(row=last, column=column + 1)
        cell.value = "否" if cell.value == "是" else "是"
        data = io.BytesIO()
        out_book.save(data)
        token = self.token("/villages/import/", name="/villages/import/ (form)")
        uploaded = self.send(
            "POST",
            "/villages/import/",
            name="/villages/import/ (upload)",
            data={"csrfmiddlewaretoken": token},
            files={"file": ("村名单.xlsx", data.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
        )
        location = uploaded.headers.get("Location", "")
        if uploaded.status_code == 302 and location:
            preview = self.send("GET", location, name="/villages/import/<id>/ (preview)")
            found = CSRF.search(preview.text)
            self.send(
                "POST",
                location.rstrip("/") + "/confirm/",
                name="/villages/import/<id>/confirm/",
                data={"csrfmiddlewaretoken": found.group(1) if found else ""},
            )
