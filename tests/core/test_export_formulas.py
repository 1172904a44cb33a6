"""One writer rule for every spreadsheet the system produces: text that starts with = + - or @
is written escaped (core.columns.escape_formula), never as a formula (issue #14, point 5).

Every URL whose name says it hands out a file is either in EXPORTS (requested here over rows
whose text starts with those characters) or in NOT_PRODUCED with the reason; a new export that
is in neither fails ``test_every_file_url_is_listed``.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.columns import FORMULA_STARTS
from core.jobs import job_kind, job_start, run_job
from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation
from reports.services import county_submit
from secretaries.models import Cadre
from tenure.allowances import services as allowances
from tenure.diary import diary_save
from tenure.models import Duty
from tenure.months import month_confirm
from tests.tenure.office import put_in_office
from villages.models import Region, Village

MARK = "HOSTILE"
# The texts a user can type, each starting with one of the characters a spreadsheet runs.
UNIT_NAME = f'=HYPERLINK("http://evil.example/","{MARK}点我")'
COUNTY_NAME = f"@{MARK}岢岚县"
VILLAGE_NAME = f"+{MARK}西街村"
VILLAGE_NOTES = f"-{MARK}备注"
CADRE_NAME = f"={MARK}张"
CADRE_POSITION = f"-{MARK}2+3"
CADRE_PHONE = f"+{MARK}1391234"
DIARY_CONTENT = f"=SUM(A1){MARK}"
DIARY_HOUSEHOLDS = f"@{MARK}王"
SECRETARY_NAME = f"-{MARK}书记"

FILE_URL = re.compile(r"export|xlsx|csv|download|template|file|print|pdf")


@dataclass(frozen=True)
class Export:
    user: str  # the fixture of a user who may download it
    args: Callable[[dict], list] = lambda made: []
    query: Callable[[dict], dict] = lambda made: {}
    has_user_text: bool = True  # False: headers and fixed labels only (the import templates)


EXPORTS: dict[str, list[Export]] = {
    # The village lists narrowed to one county (the province's 28,000 rows take a minute here).
    "villages:export": [Export("province_user", query=lambda m: {"q": "140929"})],
    "units:export": [Export("province_user")],
    "roster:export": [Export("unit_user")],
    "quotas:export": [Export("province_user")],
    # 附表4 is counts under fixed labels: no text a user typed.
    "annexes:xlsx": [Export("province_user", args=lambda m, a=a: [a], has_user_text=a != "4") for a in "134"],
    "admin:secretaries_posting_annex_xlsx": [Export("admin_user", args=lambda m: ["3"])],
    "admin:villages_village_export": [Export("admin_user", query=lambda m: {"q": "140929"})],
    "admin:dispatch_dispatchingunit_export": [Export("admin_user")],
    "tenure:diary_summary_xlsx": [Export("lanyi_user", args=lambda m: [m["posting"].pk], query=lambda m: {"month": "2016-03"})],
    "submissions:file": [
        Export("kelan_user", args=lambda m, k=k: [m["submission"].pk, k], has_user_text=k == "ledger") for k in ("ledger", "statistics")
    ],
    "tenure:statement_xlsx": [Export("unit_user", args=lambda m: [m["statement"].pk])],
    "tenure:allowance_year_xlsx": [Export("unit_user", query=lambda m: {"year": "2016"})],
    # The background exports' files (core.jobs), written by the worker: 附表3 and the village list.
    "jobs:download": [Export("kelan_user", args=lambda m, k=k: [m["jobs"][k].pk]) for k in ("annex3", "villages")],
    "villages:import_template": [Export("province_user", has_user_text=False)],
    "units:import_template": [Export("province_user", has_user_text=False)],
    "quotas:import_template": [Export("province_user", has_user_text=False)],
    "roster:import_template": [Export("unit_user", has_user_text=False)],
}
NOT_PRODUCED = {
    # The original files of an import: the uploader's own file, handed back byte for byte as
    # the record of what was imported. submissions:file's "scan" is a PDF or image, likewise.
    "villages:import_download": "the uploaded file as it came",
    "units:import_download": "the uploaded file as it came",
    "quotas:import_download": "the uploaded file as it came",
    "roster:import_download": "the uploaded file as it came",
}


def file_url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            names |= file_url_names(entry, namespace + (f"{entry.namespace}:" if entry.namespace else ""))
        elif isinstance(entry, URLPattern) and entry.name and FILE_URL.search(entry.name):
            names.add(namespace + entry.name)
    return names


def test_every_file_url_is_listed():
    unlisted = file_url_names() - set(EXPORTS) - set(NOT_PRODUCED)
    assert not unlisted, f"add these to EXPORTS (or NOT_PRODUCED with the reason): {sorted(unlisted)}"
    assert not (set(EXPORTS) | set(NOT_PRODUCED)) - file_url_names(), "listed but no longer a URL"


@pytest.fixture
def made(settings, tmp_path, regions, provincial_unit, kelan_user, lanyi_user, unit_user, admin_user):
    """A county, a village, a unit, its quota, a cadre in office, his diary, his confirmed month
    on the unit's allowance statement, the county's submitted ledger and its background exports,
    each with text that starts with = + - or @."""
    settings.MEDIA_ROOT = tmp_path / "media"
    campaign = Campaign.current()
    kelan = Region.objects.get(code="140929")
    village = Village.objects.filter(township__code="140929100").order_by("code").first()
    QuotaAllocation.objects.get_or_create(campaign=campaign, unit=provincial_unit, county=kelan, defaults={"count": 2})
    s = put_in_office(unit=provincial_unit, village=village, username="shuji", name="张建国")
    Cadre.objects.filter(pk=s.posting.cadre_id).update(name=CADRE_NAME, position=CADRE_POSITION, phone=CADRE_PHONE)
    type(s.user).objects.filter(pk=s.user.pk).update(full_name=SECRETARY_NAME)
    s.user.refresh_from_db()
    diary_save(
        posting=s.posting,
        by=s.user,
        date=datetime.date(2016, 3, 1),
        submit=True,
        content=DIARY_CONTENT,
        household_names=DIARY_HOUSEHOLDS,
        duties=[Duty.POVERTY],
        households_visited=1,
    )
    DispatchingUnit.objects.filter(pk=provincial_unit.pk).update(name=UNIT_NAME)
    Village.objects.filter(pk=village.pk).update(name=VILLAGE_NAME, notes=VILLAGE_NOTES)
    Region.objects.filter(pk=kelan.pk).update(name=COUNTY_NAME)
    submission = county_submit(campaign=campaign, by=kelan_user, acknowledge_gaps=True)
    month_confirm(posting=s.posting, year=2016, month=3, by=lanyi_user)
    allowances.floor_set(valid_from=datetime.date(2016, 1, 1), living_daily_min=Decimal("50"), basis="伙食补助费标准", by=admin_user)
    allowances.rate_set(
        campaign=campaign,
        unit_level=DispatchingUnit.Level.PROVINCE,
        valid_from=datetime.date(2016, 1, 1),
        living_daily=Decimal("80"),
        transport_daily=Decimal("20"),
        communication_daily=Decimal("10"),
        by=admin_user,
    )
    statement = allowances.statement_prepare(unit=provincial_unit, year=2016, month=3, by=unit_user)
    jobs = {}
    for kind, query in (("annex3", "region=140929"), ("villages", "township=140929100")):
        jobs[kind], _ = job_start(kind=job_kind(kind), query=query, by=kelan_user)
        assert run_job.call(jobs[kind].pk) == "done"  # as the worker runs it
    return {"posting": s.posting, "submission": submission, "statement": statement, "jobs": jobs}


def cells_of(response) -> list[tuple[str, object, str]]:
    """(where, value, openpyxl data type or "csv") of every non-empty cell of the file."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data.startswith(b"PK"):
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)  # its cells keep their data types
        return [
            (f"{sheet.title}!{getattr(cell, 'coordinate', '')}", cell.value, cell.data_type)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
    text = data.decode("utf-8-sig")
    return [(f"row {n}", value, "csv") for n, row in enumerate(csv.reader(io.StringIO(text)), 1) for value in row if value]


CASES = [(name, i, export) for name, exports in EXPORTS.items() for i, export in enumerate(exports)]


@pytest.mark.parametrize("name, i, export", CASES, ids=[f"{n}-{i}" for n, i, _ in CASES])
def test_an_export_writes_formula_like_text_escaped_never_as_a_formula(client, request, made, name, i, export):
    client.force_login(request.getfixturevalue(export.user))
    response = client.get(reverse(name, args=export.args(made)), export.query(made))
    assert response.status_code == 200, response.content[:500]
    cells = cells_of(response)
    formulas = [(where, value) for where, value, kind in cells if kind == "f"]
    assert not formulas, f"formula cells in {name}: {formulas[:5]}"
    live = [(where, value) for where, value, _ in cells if isinstance(value, str) and value.startswith(FORMULA_STARTS)]
    assert not live, f"unescaped formula-like text in {name}: {live[:5]}"
    hostile = [value for _, value, _ in cells if isinstance(value, str) and MARK in value]
    if export.has_user_text:
        assert hostile, f"{name} wrote none of the test's texts: the check proved nothing"
        assert all(v.startswith("'") or not v.startswith(FORMULA_STARTS) for v in hostile)
