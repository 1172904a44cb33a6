"""Submissions of the ledger (附表3) and statistics (附表4) — the reads: each region against its
deadline, what a submit would freeze, the diff between two snapshots, a submission's history
and the home page's 待办. The writes are reports.services.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode

from core.navigation import Todo
from core.scope import Scope
from dispatch import roles
from dispatch.models import Campaign, User
from reports import annexes
from reports.models import Submission, SubmissionEvent, deadline_for, is_late, is_past
from secretaries.models import Posting
from secretaries.services import uncovered_target_villages
from villages.models import Region, Village

State = Submission.State
Level = Submission.Level


# --- the snapshot's form ------------------------------------------------------------------
def canonical_json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def json_safe(row: dict) -> dict:
    # Dates and decimals become text the way the JSON field would store them: the snapshot's
    # checksum is then the checksum of what is stored.
    return json.loads(canonical_json(row))


def ledger_columns() -> list[list[str]]:
    """[key, label] of 附表3's columns; a grouped column is labelled with its group (村类型：两类兼有)."""
    return [[c.key, f"{c.group}：{c.label}" if c.group else c.label] for c in annexes.ANNEX3.columns]


# --- submitting -----------------------------------------------------------------------------
def latest_submission(*, campaign: Campaign, region: Region) -> Submission | None:
    return Submission.objects.without_snapshot().filter(campaign=campaign, region=region).order_by("-submitted_at", "-id").first()


def lock_reason(submission: Submission | None) -> str:
    """Why the region cannot submit now, or "" when it can."""
    if submission is None or submission.state in Submission.REOPENED_STATES:
        return ""
    above = "市委组织部" if submission.level == Level.COUNTY else "省委组织部"
    if submission.state == State.ACCEPTED:
        return f"{submission.region.name}本批次的{submission.get_level_display()}已被接收；如需修改，须由上级（{above}）退回。"
    return f"{submission.region.name}本批次的{submission.get_level_display()}已报送，正等待{above}接收，不能重复报送。"


def counties_with_rows(snapshot_rows: Iterable[dict]) -> set[int]:
    """The counties (Region ids) whose secretaries are in these ledger rows."""
    ids = {r["posting_id"] for r in snapshot_rows if r.get("posting_id")}
    return set(Posting.objects.filter(pk__in=ids).exclude(county=None).values_list("county_id", flat=True).distinct())


def counties_not_accepted(*, campaign: Campaign, county_ids: Iterable[int]) -> list[Region]:
    accepted = Submission.objects.filter(campaign=campaign, level=Level.COUNTY, state=State.ACCEPTED).values("region_id")
    return list(Region.objects.filter(pk__in=list(county_ids)).exclude(pk__in=accepted).order_by("code"))


# --- what a county's ledger leaves out ------------------------------------------------------
GAPS_LISTED = 50  # items of each kind named on the submit page; the rest are a link to the list


@dataclass
class LedgerGaps:
    """What is not yet in a county's ledger as it should be (issue: 全覆盖): target villages with
    no secretary, secretaries filed for the county but not assigned to a village, and those
    assigned but not yet in office. The submit page lists them and asks the county to confirm."""

    uncovered_count: int
    uncovered: list  # Village, the first GAPS_LISTED
    filed_count: int
    filed: list  # Posting
    assigned_count: int
    assigned: list  # Posting
    links: dict[str, str]  # each kind's full list

    @property
    def any(self) -> bool:
        return bool(self.uncovered_count or self.filed_count or self.assigned_count)

    def summary(self) -> str:
        parts = [
            f"{n} {what}"
            for n, what in (
                (self.uncovered_count, "个两类村没有第一书记"),
                (self.filed_count, "名第一书记已备案未分配到村"),
                (self.assigned_count, "名第一书记已分配未到岗"),
            )
            if n
        ]
        return "、".join(parts)


def ledger_gaps(*, campaign: Campaign, county: Region, user: User) -> LedgerGaps:
    """The gaps of ``county``'s ledger in ``campaign`` as ``user`` sees them: three counts and
    the first few of each, a constant number of queries."""
    # Coverage is the villages' state now, whatever campaign sent the secretary: the one
    # definition of the assign page, the village list's 未覆盖 and the dashboard.
    uncovered = uncovered_target_villages(county=county).filter(pk__in=Village.objects.visible_to(user).values("pk")).order_by("code")
    postings = (
        Posting.objects.visible_to(user)
        .filter(campaign=campaign, county=county)
        .select_related("cadre", "unit", "village")
        .order_by("cadre__name", "pk")
    )
    filed = postings.filter(state=Posting.State.FILED)
    assigned = postings.filter(state=Posting.State.ASSIGNED)
    postings_url = reverse("secretaries:list")
    return LedgerGaps(
        uncovered_count=uncovered.count(),
        uncovered=list(uncovered.select_related("township")[:GAPS_LISTED]),
        filed_count=filed.count(),
        filed=list(filed[:GAPS_LISTED]),
        assigned_count=assigned.count(),
        assigned=list(assigned[:GAPS_LISTED]),
        links={
            "uncovered": f"{reverse('villages:list')}?{urlencode({'county': county.code, 'coverage': 'uncovered'})}",
            "filed": f"{postings_url}?{urlencode({'campaign': campaign.pk, 'state': Posting.State.FILED})}",
            "assigned": f"{postings_url}?{urlencode({'campaign': campaign.pk, 'state': Posting.State.ASSIGNED})}",
        },
    )


@dataclass
class Preview:
    """What a submit would freeze now, for the submit page."""

    row_count: int
    diff: SnapshotDiff | None  # against the returned submission it would replace
    pending_counties: list[Region]  # a city's counties with rows and no accepted submission


def take_preview(*, campaign: Campaign, region: Region, user: User, previous: Submission | None) -> Preview:
    rows = [json_safe(r) for r in annexes.ledger_rows(campaign=campaign, region=region, user=user)]
    diff = snapshot_diff(old_rows=previous.rows, new_rows=rows, columns=ledger_columns()) if previous is not None else None
    pending = counties_not_accepted(campaign=campaign, county_ids=counties_with_rows(rows)) if region.level == Region.Level.CITY else []
    return Preview(len(rows), diff, pending)


# --- reads: what changed since the previous submission --------------------------------------
@dataclass
class RowChange:
    label: str
    fields: list[tuple[str, str, str]]  # (column label, old, new)


@dataclass
class SnapshotDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


# Columns that say where a row stands in the table, not what it says about a secretary.
_POSITION_LABELS = {"序号"}


def _row_label(row: dict, keys: dict[str, str]) -> str:
    name = row.get(keys.get("姓名", ""), "") or f"记录{row.get('posting_id')}"
    village = row.get(keys.get("村", ""), "")
    return f"{name}（{village}）" if village else str(name)


def _text(value) -> str:
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "√"
    if value is False:
        return "（空）"
    return str(value)


def snapshot_diff(*, old_rows: list[dict], new_rows: list[dict], columns: list[list[str]]) -> SnapshotDiff:
    """Rows added, rows removed and fields changed (column label: old → new), matched by
    posting_id."""
    keys = {label: key for key, label in columns}
    compared = [(key, label) for key, label in columns if label not in _POSITION_LABELS and key != "posting_id"]
    old = {r.get("posting_id"): r for r in old_rows}
    new = {r.get("posting_id"): r for r in new_rows}
    diff = SnapshotDiff(
        added=[_row_label(r, keys) for pid, r in new.items() if pid not in old],
        removed=[_row_label(r, keys) for pid, r in old.items() if pid not in new],
    )
    for pid, row in new.items():
        before = old.get(pid)
        if before is None:
            continue
        fields = [(label, _text(before.get(key)), _text(row.get(key))) for key, label in compared if before.get(key) != row.get(key)]
        if fields:
            diff.changed.append(RowChange(_row_label(row, keys), fields))
    return diff


def diff_since_previous(submission: Submission) -> SnapshotDiff | None:
    if submission.previous_id is None:
        return None
    return snapshot_diff(old_rows=submission.previous.rows, new_rows=submission.rows, columns=submission.columns)


def history(submission: Submission) -> list[SubmissionEvent]:
    """The events of this submission and of the returned (or withdrawn) ones it follows, oldest
    first: the page shows how it came to be (submitted, returned with a reason, submitted again)."""
    chain = []
    node = submission
    while node is not None:
        chain.append(node.pk)
        node = node.previous
    return list(SubmissionEvent.objects.filter(submission__in=chain).select_related("actor", "submission").order_by("at", "id"))


# --- reads: each region against its deadline ------------------------------------------------
@dataclass
class RegionStatus:
    region: Region
    deadline: datetime.date
    latest: Submission | None
    has_rows: bool  # has secretaries in the ledger, so must submit

    @property
    def is_missing(self) -> bool:
        """Nothing submitted or accepted: never sent, or returned (or withdrawn) and not sent again."""
        return self.latest is None or self.latest.state in Submission.REOPENED_STATES

    @property
    def is_overdue(self) -> bool:
        return self.has_rows and self.is_missing and is_past(self.deadline)

    @property
    def is_late(self) -> bool:
        # Against the deadline already at hand: no query per region.
        return self.latest is not None and not self.is_missing and is_late(self.latest.submitted_at, self.deadline)

    @property
    def label(self) -> str:
        if self.latest is None:
            if not self.has_rows:
                return "无台账数据"
            return "逾期未报送" if self.is_overdue else "未报送"
        if self.latest.state in Submission.REOPENED_STATES:
            done = self.latest.get_state_display()
            return f"{done}，逾期未重报" if self.is_overdue else f"{done}，待重新报送"
        return self.latest.get_state_display() + ("（逾期报送）" if self.is_late else "")


def ledger_postings(campaign: Campaign):
    """The postings the ledger lists (as ``annexes.ledger_rows`` counts them), for telling who
    must submit: one query per page, without building the ledger."""
    return Posting.objects.filter(campaign=campaign, state__in=annexes.COUNTED_STATES)


def _latest_by_region(campaign: Campaign, regions: list[Region]) -> dict[int, Submission]:
    latest: dict[int, Submission] = {}
    subs = (
        Submission.objects.without_snapshot()
        .filter(campaign=campaign, region__in=regions)
        .select_related("region")
        .order_by("region", "-submitted_at", "-id")
    )
    for s in subs:
        latest.setdefault(s.region_id, s)
    return latest


def county_statuses(*, campaign: Campaign, city: Region) -> list[RegionStatus]:
    """Each county of the city against the counties' deadline."""
    counties = list(Region.objects.filter(level=Region.Level.COUNTY, parent=city).order_by("code"))
    with_rows = set(ledger_postings(campaign).filter(county__parent=city).values_list("county_id", flat=True).distinct())
    latest = _latest_by_region(campaign, counties)
    deadline = deadline_for(campaign=campaign, level=Level.COUNTY)
    return [RegionStatus(c, deadline, latest.get(c.pk), c.pk in with_rows) for c in counties]


def city_statuses(*, campaign: Campaign) -> list[RegionStatus]:
    """Each city of the province against the campaign's ledger deadline."""
    cities = list(Region.objects.of_deployment().filter(level=Region.Level.CITY).order_by("code"))
    with_rows = set(ledger_postings(campaign).values_list("county__parent_id", flat=True).distinct())
    latest = _latest_by_region(campaign, cities)
    deadline = deadline_for(campaign=campaign, level=Level.CITY)
    return [RegionStatus(c, deadline, latest.get(c.pk), c.pk in with_rows) for c in cities]


def submitting_level(user: User) -> str | None:
    """The level at which ``user`` submits its own region's ledger: a county's (who may submit
    a county ledger, for its county), a city's compiled one (who may submit a city ledger, for
    its city); None for everyone else."""
    region = user.region
    if region is None:
        return None
    if region.level == Region.Level.COUNTY and roles.can(user, roles.SUBMIT_COUNTY_LEDGER):
        return Level.COUNTY
    if region.level == Region.Level.CITY and roles.can(user, roles.SUBMIT_CITY_LEDGER):
        return Level.CITY
    return None


@dataclass(frozen=True)
class Overseen:
    """The regions whose submissions a user follows, each against its deadline."""

    title: str  # the overview's heading
    unit: str  # what a region is called in the 待办: 县 or 市
    kind: str  # what they submit
    statuses: list[RegionStatus]


def overseen_regions(*, campaign: Campaign, user: User) -> Overseen | None:
    """Whose ledgers ``user`` follows: all the cities for a user who reads ledger statuses
    province-wide (省委组织部, administrators), a city's counties for the city's department;
    None for everyone else."""
    if not roles.can(user, roles.VIEW_LEDGER_STATUS):
        return None
    if Scope.of(user).everything:
        return Overseen("各市报送情况", "市", "市级汇总台账", city_statuses(campaign=campaign))
    if user.region is not None and user.region.level == Region.Level.CITY:
        return Overseen("各县（市、区）报送情况", "县", "县级台账", county_statuses(campaign=campaign, city=user.region))
    return None


def own_status(*, campaign: Campaign, user: User) -> RegionStatus | None:
    """The user's own region (a county or a city department) against its deadline."""
    level = submitting_level(user)
    if level is None:
        return None
    region = user.region
    postings = ledger_postings(campaign).filter(Q(county=region) | Q(county__parent=region))
    return RegionStatus(
        region, deadline_for(campaign=campaign, level=level), latest_submission(campaign=campaign, region=region), postings.exists()
    )


def _overview_url(campaign: Campaign, anchor: str = "") -> str:
    return f"{reverse('submissions:list')}?{urlencode({'campaign': campaign.pk})}{anchor}"


def submission_todos(user: User) -> list[Todo]:
    """The home page's 待办 for the current campaign: the level above sees its regions'
    missing, late and waiting submissions; a county or city its own returned or due ledger."""
    campaign = Campaign.current()
    if campaign is None:
        return []
    todos: list[Todo] = []
    overseen = overseen_regions(campaign=campaign, user=user)
    if overseen is not None:
        todos += _lower_level_todos(overseen.statuses, campaign, overseen.unit, overseen.kind)
    own = own_status(campaign=campaign, user=user)
    if own is not None and own.has_rows and own.is_missing:
        due = date_format(own.deadline)
        kind = "本县台账" if own.region.level == Region.Level.COUNTY else "本市汇总台账"
        if own.latest is not None and own.latest.state == State.RETURNED:
            todos.append(Todo(f"{kind}已被退回，待修改后重新报送", 1, _overview_url(campaign)))
        elif own.latest is not None:
            again = "逾期未重新报送" if own.is_overdue else "待重新报送"
            todos.append(Todo(f"{kind}已撤回，{again}（期限{due}）", 1, _overview_url(campaign)))
        elif own.is_overdue:
            todos.append(Todo(f"{kind}逾期未报送（期限{due}）", 1, _overview_url(campaign)))
        else:
            todos.append(Todo(f"{kind}尚未报送（期限{due}）", 1, _overview_url(campaign)))
    return todos


def _lower_level_todos(statuses: list[RegionStatus], campaign: Campaign, unit: str, kind: str) -> list[Todo]:
    waiting = [s for s in statuses if s.latest is not None and s.latest.state == State.SUBMITTED]
    late_waiting = sum(1 for s in waiting if s.is_late)
    overdue = sum(1 for s in statuses if s.is_overdue)
    not_yet = sum(1 for s in statuses if s.has_rows and s.is_missing and not s.is_overdue)
    due = statuses[0].deadline if statuses else None
    due_text = f"（期限{date_format(due)}）" if due else ""
    url = _overview_url(campaign, "#regions")
    return [
        Todo(f"待接收的{kind}" + (f"（其中逾期报送 {late_waiting} 份）" if late_waiting else ""), len(waiting), url),
        Todo(f"逾期未报送台账的{unit}{due_text}", overdue, url),
        Todo(f"尚未报送台账的{unit}{due_text}", not_yet, url),
    ]
