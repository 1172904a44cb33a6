"""The Django side of bench/national.py: each step runs in its own child process (``national.py
<step>``) against the national database and returns a JSON-able dict. Not a module the app
imports; nothing here runs in tests."""

from __future__ import annotations

import datetime
import itertools
import os
import random
import resource
import statistics
import tempfile
import time
import tracemalloc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dispatch.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.national import MARKER, PASSWORD, SAMPLE_COUNTIES, WRITER_ROUNDS, WRITER_ROWS, YEAR, percentile  # noqa: E402
from core.bulk import insert_rows  # noqa: E402
from dispatch.models import Campaign, Role, User  # noqa: E402
from dispatch.roles import role_group_name  # noqa: E402
from secretaries.models import Posting, PostingEvent  # noqa: E402
from tenure.calendar import calendar_for  # noqa: E402
from tenure.models import DiaryEntry, LeaveEvent, LeaveRequest, PresenceMonth, PresenceMonthEvent, SecretaryAccount  # noqa: E402
from villages.models import Region, Village, deployment_province  # noqa: E402

# The walk of a posting to each state, one event per step (action, from, to).
WALK = [
    ("apply", "", "applied"),
    ("qualify", "applied", "qualified"),
    ("recommend", "qualified", "recommended"),
    ("approve", "recommended", "approved"),
    ("file", "approved", "filed"),
    ("assign", "filed", "assigned"),
    ("take_office", "assigned", "in_office"),
]
STEP_ROLE = {"apply": Role.UNIT, "qualify": Role.UNIT, "recommend": Role.UNIT, "approve": Role.PROVINCIAL_ORG}
STEP_ROLE.update({"file": Role.COUNTY_ORG, "assign": Role.COUNTY_ORG, "take_office": Role.COUNTY_ORG})


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')}   {message}", flush=True)


# --- extend: events, users, a year in office ------------------------------------------------------


def sample_counties(province: Region) -> list[Region]:
    """The province's counties with the most villages (the first is "the large county")."""
    return list(
        Region.objects.filter(level=Region.Level.COUNTY, code__startswith=province.scope_prefix)
        .annotate(n=Count("county_villages"))
        .order_by("-n", "code")[:SAMPLE_COUNTIES]
    )


def _users(rows: list[User]) -> dict[str, User]:
    User.objects.bulk_create(rows)
    users = {u.username: u for u in User.objects.filter(username__in=[r.username for r in rows])}
    through = User.groups.through
    groups = {g.name: g.pk for g in Group.objects.all()}
    links = [through(user_id=u.pk, group_id=groups[role_group_name(u.role)]) for u in users.values() if role_group_name(u.role) in groups]
    through.objects.bulk_create(links)
    return users


def _ask_county_leave(posting_id: int, user: User, monday: datetime.date, requested_at: datetime.datetime) -> LeaveRequest:
    """A pending week of personal leave (Monday to Friday) for the county to approve, with its
    ask event: what the load test's county users approve."""
    leave = LeaveRequest.objects.create(
        posting_id=posting_id,
        kind=LeaveRequest.Kind.PERSONAL,
        start_date=monday,
        end_date=monday + datetime.timedelta(days=4),
        reason="家中有事",
        working_days=5,
        approver_role=Role.COUNTY_ORG,
        requested_by=user,
        requested_at=requested_at,
    )
    LeaveEvent.objects.create(
        leave=leave, actor=user, actor_role=Role.SECRETARY, at=requested_at, action="ask", to_state="pending", note=leave.reason
    )
    return leave


def posting_events(actor: User) -> int:
    """One event per step of every posting's walk to its state, in one INSERT … SELECT."""
    rank = {to: n for n, (_, _, to) in enumerate(WALK, start=1)}
    steps = ", ".join(
        f"({n}, '{action}', '{before}', '{after}', '{STEP_ROLE[action]}')" for n, (action, before, after) in enumerate(WALK, start=1)
    )
    state_rank = "CASE p.state " + " ".join(f"WHEN '{state}' THEN {n}" for state, n in rank.items()) + " ELSE 0 END"
    event, posting = PostingEvent._meta.db_table, Posting._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {event} (actor_id, actor_role, at, note, posting_id, action, from_state, to_state)
            SELECT %s, s.role, p.applied_at + (s.n - 1) * interval '4 days', '', p.id, s.action, s.before, s.after
            FROM {posting} p JOIN (VALUES {steps}) AS s(n, action, before, after, role) ON s.n <= {state_rank}
            ORDER BY p.id, s.n""",
            [actor.pk],
        )
        return cursor.rowcount


def extend() -> dict:
    started = time.perf_counter()
    rng = random.Random(2016)
    tz = timezone.get_current_timezone()
    province = deployment_province()
    counties = sample_counties(province)
    password = make_password(PASSWORD)
    with transaction.atomic():
        users = _users(
            [
                User(username=f"bench_county_{c.code}", full_name=f"{c.name}委组织部", role=Role.COUNTY_ORG, region=c, password=password)
                for c in counties
            ]
        )
        log(f"posting events: {posting_events(users[f'bench_county_{counties[0].code}']):,}")
    postings = list(
        Posting.objects.filter(state=Posting.State.IN_OFFICE, county__in=counties, village__isnull=False)
        .select_related("village__township", "county")
        .order_by("village__code")
    )
    townships = {p.village.township for p in postings}
    with transaction.atomic():
        township_users = _users(
            [
                User(username=f"bench_town_{t.code}", full_name=f"{t.name}党委", role=Role.TOWNSHIP, region=t, password=password)
                for t in townships
            ]
        )
        by_township = {u.region_id: u for u in township_users.values()}
        secretaries = _users(
            [
                User(username=f"bench_sec_{p.pk}", full_name="第一书记", role=Role.SECRETARY, region=p.village.township, password=password)
                for p in postings
            ]
        )
        SecretaryAccount.objects.bulk_create([SecretaryAccount(user=secretaries[f"bench_sec_{p.pk}"], posting=p) for p in postings])
    calendar = calendar_for(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
    working = sorted(calendar.working)
    diaries, months, month_events = [], [], []
    leave_counts = 0
    for posting in postings:
        user = secretaries[f"bench_sec_{posting.pk}"]
        township_user = by_township[posting.village.township_id]
        # Two approved leaves of 1–3 working days (the township approves short leave).
        leave_days: set[datetime.date] = set()
        for _ in range(2):
            start = rng.randrange(5, len(working) - 5)
            span = working[start : start + rng.choice((1, 2, 3))]
            if leave_days & set(span):
                continue
            leave_days |= set(span)
            leave = LeaveRequest.objects.create(
                posting=posting,
                kind=LeaveRequest.Kind.PERSONAL,
                start_date=span[0],
                end_date=span[-1],
                reason="家中老人住院需照顾",
                working_days=len(span),
                approver_role=Role.TOWNSHIP,
                state=LeaveRequest.State.APPROVED,
                requested_by=user,
                requested_at=datetime.datetime.combine(span[0] - datetime.timedelta(days=3), datetime.time(9), tzinfo=tz),
            )
            at = leave.requested_at
            LeaveEvent.objects.create(leave=leave, actor=user, actor_role=Role.SECRETARY, at=at, action="ask", to_state="pending")
            LeaveEvent.objects.create(
                leave=leave,
                actor=township_user,
                actor_role=Role.TOWNSHIP,
                at=at,
                action="approve",
                from_state="pending",
                to_state="approved",
            )
            leave_counts += 1
        # One pending week in 2017, for the load test's county users to approve.
        _ask_county_leave(posting.pk, user, datetime.date(2017, 5, 8), timezone.make_aware(datetime.datetime(2017, 5, 2, 9)))
        leave_counts += 1
        present = {d for d in working if d not in leave_days and rng.random() < 0.8}
        for day in sorted(present):
            at = datetime.datetime.combine(day, datetime.time(20, rng.randrange(60)), tzinfo=tz)
            diaries.append(
                {
                    "posting_id": posting.pk,
                    "date": day,
                    "in_village": True,
                    "duties": ["organization"],
                    "households_visited": rng.randrange(5),
                    "household_names": "",
                    "content": "入户走访，了解群众生产生活情况；召开村“两委”会议。",
                    "state": DiaryEntry.State.SUBMITTED,
                    "written_by_id": user.pk,
                    "created_at": at,
                    "updated_at": at,
                    "submitted_at": at,
                }
            )
        for month in range(1, 12):
            first = datetime.date(YEAR, month, 1)
            last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            days = [d for d in working if first <= d <= last]
            in_village = sum(1 for d in days if d in present)
            on_leave = sum(1 for d in days if d in leave_days)
            months.append(
                {
                    "posting_id": posting.pk,
                    "year": YEAR,
                    "month": month,
                    "state": PresenceMonth.State.CONFIRMED,
                    "working_days": len(days),
                    "in_village_days": in_village,
                    "official_absence_days": 0,
                    "leave_days": on_leave,
                    "unexplained_days": len(days) - in_village - on_leave,
                    "confirmed_by_id": township_user.pk,
                    "confirmed_at": datetime.datetime.combine(last + datetime.timedelta(days=3), datetime.time(10), tzinfo=tz),
                }
            )
    fields = ["posting", "date", "in_village", "duties", "households_visited", "household_names", "content", "state"]
    insert_rows(DiaryEntry, diaries, [*fields, "written_by", "created_at", "updated_at", "submitted_at"])
    month_fields = ["posting", "year", "month", "state", "working_days", "in_village_days", "official_absence_days", "leave_days"]
    insert_rows(PresenceMonth, months, [*month_fields, "unexplained_days", "confirmed_by", "confirmed_at"])
    for month in PresenceMonth.objects.filter(posting__in=postings).values("id", "confirmed_by_id", "confirmed_at", "in_village_days"):
        month_events.append(
            {
                "actor_id": month["confirmed_by_id"],
                "actor_role": Role.TOWNSHIP,
                "at": month["confirmed_at"],
                "note": "",
                "month_id": month["id"],
                "action": "confirm",
                "from_state": "",
                "to_state": "confirmed",
                "figures": {"in_village_days": month["in_village_days"]},
            }
        )
    event_fields = ["actor", "actor_role", "at", "note", "month", "action", "from_state", "to_state", "figures"]
    insert_rows(PresenceMonthEvent, month_events, event_fields)
    # The province's user last: its presence marks the data set complete.
    _users([User(username=MARKER, full_name="山西省委组织部", role=Role.PROVINCIAL_ORG, region=province, password=password)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"{len(diaries):,} diary entries, {leave_counts:,} leave requests, {len(months):,} months ({time.perf_counter() - started:.0f} s)")
    return {"seconds": time.perf_counter() - started}


def data() -> dict:
    province = deployment_province()
    counties = sample_counties(province)
    return {
        "regions": Region.objects.count(),
        "villages": Village.objects.count(),
        "postings": Posting.objects.count(),
        "counted": Posting.objects.filter(state__in=("assigned", "in_office", "ended")).count(),
        "events": PostingEvent.objects.count(),
        "users": User.objects.count(),
        "sample_counties": "、".join(c.name for c in counties),
        "sample_postings": SecretaryAccount.objects.count(),
        "diaries": DiaryEntry.objects.count(),
        "leaves": LeaveRequest.objects.count(),
        "months": PresenceMonth.objects.count(),
    }


# --- pages --------------------------------------------------------------------------------------


def _time_page(client: Client, path: str, n: int) -> dict:
    for _ in range(2):
        response = client.get(path)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        content = b"".join(response.streaming_content) if hasattr(response, "streaming_content") else response.content
    return {
        "status": response.status_code,
        "median": statistics.median(times),
        "p95": percentile(times, 95),
        "bytes": len(content),
        "queries": len(queries),
    }


def pages(args) -> dict:
    province = deployment_province()
    county = sample_counties(province)[0]
    province_user = User.objects.get(username=MARKER)
    county_user = User.objects.get(username=f"bench_county_{county.code}")
    posting = Posting.objects.filter(county=county, state=Posting.State.IN_OFFICE, account__isnull=False).order_by("pk").first()
    village = Village.objects.filter(county=county).order_by("code").first()
    paths = [
        ("home with 待办", "/"),
        ("village list", "/villages/"),
        ("village list, one county", f"/villages/?county={county.code}"),
        ("village list, searched by name", f"/villages/?q={village.name}"),
        ("candidate list", "/postings/"),
        ("posting page", f"/postings/{posting.pk}/"),
        ("coverage plan", "/coverage/"),
        ("附表1", "/annexes/1/"),
        ("附表3 page", "/annexes/3/"),
        ("附表4", "/annexes/4/"),
        ("dashboard", "/dashboard/"),
        # The province and a city see the overview by county here; a county its list.
        ("county presence, year", f"/office/presence/year/?year={YEAR}"),
        ("county presence, year, one county", f"/office/presence/year/?year={YEAR}&county={county.code}"),
        ("month confirmation", f"/office/presence/months/?month={YEAR}-03"),
    ]
    rows = []
    for label, user in (("province", province_user), (county.name, county_user)):
        client = Client()
        client.force_login(user)
        for name, path in paths:
            figures = _time_page(client, path, args.requests)
            rows.append({"user": label, "name": name, "path": path, **figures})
            timing = f"median {figures['median'] * 1000:.0f} ms, p95 {figures['p95'] * 1000:.0f} ms"
            log(f"{label} {path}: {figures['status']}, {timing}, {figures['queries']} queries")
    return {
        "requests": args.requests,
        "province": province.name,
        "county": county.name,
        "county_postings": Posting.objects.filter(county=county).count(),
        "county_villages": Village.objects.filter(county=county).count(),
        "pages": rows,
    }


# --- 附表3, 附表1, 附表4 ----------------------------------------------------------------------------


def nation() -> Region:
    """The nation as one region: every province's counties match its empty code prefix."""
    return Region(pk=0, code="", name="全国", level=Region.Level.PROVINCE)  # pk 0: no row, no city under it


def reader(scope: str) -> tuple[Region, User, object]:
    """The region and user of a measurement; for the nation the deployment's province prefix is
    emptied (settings.PROVINCE_CODE), so that 省委组织部's "everything" is every province."""
    user = User.objects.get(username=MARKER)
    if scope.startswith("nation"):
        return nation(), user, override_settings(PROVINCE_CODE="")
    return deployment_province(), user, override_settings()


def export(args) -> dict:
    from reports.annex_xlsx import _write_ledger
    from reports.annexes import ledger_rows

    campaign = Campaign.objects.get(is_current=True)
    region, user, settings_override = reader(args.scope)
    with settings_override, tempfile.TemporaryFile() as out:
        traced = args.scope.endswith("traced")
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        source = ledger_rows(campaign=campaign, region=region, user=user)
        rows = _write_ledger(out, campaign=campaign, region=region, user=user, rows=source)
        seconds = time.perf_counter() - started
        if traced:
            tracemalloc.stop()
        size = out.tell()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    label = "the nation (31 provinces)" if args.scope.startswith("nation") else f"the province ({region.name})"
    log(f"附表3 {label}: {rows:,} rows in {seconds:.1f} s, peak RSS {peak:.0f} MiB")
    return {"label": label, "rows": rows, "seconds": seconds, "peak_mib": peak, "bytes": size}


def _bare(rows: list[dict], keys: list[str], out) -> None:
    import xlsxwriter

    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    workbook = xlsxwriter.Workbook(out, options)
    sheet = workbook.add_worksheet("附表3")
    cell = workbook.add_format({"border": 1, "text_wrap": True, "valign": "vcenter"})
    for r, values in enumerate(rows, start=4):
        for c, key in enumerate(keys):
            value = values.get(key, "")
            if isinstance(value, int) and not isinstance(value, bool):
                sheet.write_number(r, c, value, cell)
            elif value is None or value == "":
                sheet.write_blank(r, c, None, cell)
            else:
                sheet.write_string(r, c, str(value), cell)
    workbook.close()


def writer(args) -> dict:
    from reports.annex_xlsx import _write_ledger
    from reports.annexes import ANNEX3, ledger_rows

    campaign = Campaign.objects.get(is_current=True)
    region, user, settings_override = reader("nation")
    with settings_override:
        source = list(ledger_rows(campaign=campaign, region=region, user=user))
    rows = [dict(r, serial=n) for n, r in enumerate(itertools.islice(itertools.cycle(source), WRITER_ROWS), start=1)]
    del source
    keys = [c.key for c in ANNEX3.columns]
    province = deployment_province()
    results = {"ours": [], "bare": []}
    peaks = {}
    # One run each (50 s and 40 s): a second round cost 1.5 minutes of `make bench`'s 30 and moved
    # neither rate by more than a few per cent in earlier runs.
    for round_ in range(WRITER_ROUNDS):
        for name in ("ours", "bare"):
            with tempfile.TemporaryFile() as out:
                started = time.perf_counter()
                if name == "ours":
                    _write_ledger(out, campaign=campaign, region=province, user=user, rows=iter(rows))
                else:
                    _bare(rows, keys, out)
                results[name].append(time.perf_counter() - started)
            log(f"writer {name} round {round_ + 1}: {results[name][-1]:.1f} s")
    # Python's own allocations of each writer over 20,000 of the rows (tracemalloc slows it down).
    for name in ("ours", "bare"):
        with tempfile.TemporaryFile() as out:
            tracemalloc.start()
            if name == "ours":
                _write_ledger(out, campaign=campaign, region=province, user=user, rows=iter(rows[:20000]))
            else:
                _bare(rows[:20000], keys, out)
            peaks[name] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
    ours, bare = min(results["ours"]), min(results["bare"])
    return {
        "rows": len(rows),
        "ours_seconds": ours,
        "bare_seconds": bare,
        "ours_rate": len(rows) / ours,
        "bare_rate": len(rows) / bare,
        "ours_peak_mib": peaks["ours"],
        "bare_peak_mib": peaks["bare"],
    }


def tables(args) -> dict:
    from reports.annexes import statistics_table, summary_table

    campaign = Campaign.objects.get(is_current=True)
    out = {}
    for name, build in (("附表1", summary_table), ("附表4", statistics_table)):
        out[name] = {}
        for scope in ("nation", "province"):
            region, user, settings_override = reader(scope)
            times = []
            with settings_override:
                for _ in range(3):
                    started = time.perf_counter()
                    build(campaign=campaign, region=region, user=user)
                    times.append(time.perf_counter() - started)
            out[name][scope] = min(times)
            log(f"{name} {scope}: {min(times):.2f} s")
    return out


def accounts(args) -> dict:
    """The load test's accounts: the sample counties' users with some of their villages' names
    and postings and their pending leave, and the secretaries with their postings."""
    counties = []
    pending = {}
    # A reused data set: earlier load tests approved some of the pending leave and wrote 2017's
    # diary; each run starts from the same state (the secretaries' 2017 diary removed, one
    # pending week per secretary asked again where the last was approved).
    DiaryEntry.objects.filter(date__year=2017).delete()
    tz = timezone.get_current_timezone()
    for account in SecretaryAccount.objects.exclude(
        posting__leave_requests__state=LeaveRequest.State.PENDING, posting__leave_requests__approver_role=Role.COUNTY_ORG
    ).select_related("user"):
        _ask_county_leave(account.posting_id, account.user, datetime.date(2017, 6, 5), datetime.datetime(2017, 6, 1, 9, tzinfo=tz))
    for county in sample_counties(deployment_province()):
        names = list(Village.objects.filter(county=county).order_by("code").values_list("name", flat=True)[:40])
        postings = list(Posting.objects.filter(county=county).order_by("pk").values_list("pk", flat=True)[:200])
        counties.append({"username": f"bench_county_{county.code}", "code": county.code, "village_names": names, "postings": postings})
        waiting = LeaveRequest.objects.filter(posting__county=county, state=LeaveRequest.State.PENDING, approver_role=Role.COUNTY_ORG)
        pending[county.code] = list(waiting.values_list("pk", flat=True))
    secretaries = [{"username": a.user.username, "posting": a.posting_id} for a in SecretaryAccount.objects.select_related("user")]
    return {"counties": counties, "secretaries": secretaries, "pending": pending}


def run(step: str, args) -> dict:
    if step == "accounts":
        return accounts(args)
    if step == "extend":
        return extend()
    if step == "data":
        return data()
    if step == "pages":
        return pages(args)
    if step == "export":
        return export(args)
    if step == "writer":
        return writer(args)
    if step == "tables":
        return tables(args)
    raise ValueError(step)
