"""Submissions of the ledger (附表3) and statistics (附表4): county → city → province.

One function per state change, like secretaries.services: each checks the acting user's role
and scope and the submission's state, works in one transaction under a row lock and writes one
SubmissionEvent. Nothing else sets Submission.state.

- ``county_submit``: 县委组织部 sends its county's ledger to its city.
- ``city_accept`` / ``city_return``: 市委组织部 decides on its counties' submissions.
- ``city_submit``: 市委组织部 sends the compiled ledger of its counties, signed by the department
  head, with a scan of the signed and stamped paper copy.
- ``province_accept`` / ``province_return``: 省委组织部 decides on the cities' submissions.

A submission freezes what it reports when it is made (rows as JSON, both workbooks, SHA-256
of each): later edits of postings do not reach it. An accepted submission is locked: the region
cannot submit again until the level above returns it. The reads the pages need (status of each
region against its deadline, the diff between two snapshots, the 待办) are at the end.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from core.navigation import Todo
from dispatch.models import Campaign, Role, User
from reports import annex_xlsx, annexes
from reports.models import Submission, SubmissionEvent, deadline_for
from secretaries.models import Posting
from villages.models import Region

State = Submission.State
Level = Submission.Level


class SubmissionRefused(Exception):
    """Why the action cannot be done, in Chinese; nothing was written."""

    def __init__(self, *reasons: str):
        super().__init__("；".join(reasons))
        self.reasons = list(reasons)


# --- the snapshot ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Snapshot:
    columns: list[list[str]]  # [key, label] of each ledger column, as the rows were keyed
    rows: list[dict]
    ledger: bytes  # 附表3 .xlsx
    statistics: bytes  # 附表4 .xlsx

    @property
    def rows_sha256(self) -> str:
        return sha256(canonical_json(self.rows))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def _json_safe(row: dict) -> dict:
    # Dates and decimals become text the way the JSON field would store them: the snapshot's
    # checksum is then the checksum of what is stored.
    return json.loads(canonical_json(row))


def _xlsx(annex: str, *, campaign: Campaign, region: Region) -> bytes:
    out = io.BytesIO()
    annex_xlsx.write_xlsx(annex, campaign=campaign, region=region, out=out)
    return out.getvalue()


def ledger_columns() -> list[list[str]]:
    """[key, label] of 附表3's columns; a grouped column is labelled with its group (村类型：两类兼有)."""
    return [[c.key, f"{c.group}：{c.label}" if c.group else c.label] for c in annexes.ANNEX3.columns]


def take_snapshot(*, campaign: Campaign, region: Region) -> Snapshot:
    """The region's ledger rows and both annexes as they are now."""
    rows = [_json_safe(r) for r in annexes.ledger_rows(campaign=campaign, region=region)]
    return Snapshot(
        columns=ledger_columns(),
        rows=rows,
        ledger=_xlsx("3", campaign=campaign, region=region),
        statistics=_xlsx("4", campaign=campaign, region=region),
    )


# --- the scan of the signed and stamped paper copy -------------------------------------------
SCAN_KINDS = ((b"%PDF-", "pdf", "PDF"), (b"\xff\xd8\xff", "jpg", "JPEG"), (b"\x89PNG\r\n\x1a\n", "png", "PNG"))


def read_scan(upload) -> tuple[bytes, str]:
    """The scan's bytes and its extension, decided by its content (not its name); a refusal
    naming the field otherwise."""
    limit = settings.SUBMISSION_SCAN_MAX_BYTES
    if upload is None:
        raise SubmissionRefused("签字盖章扫描件：请上传部长签字并加盖公章的纸质台账扫描件。")
    if upload.size > limit:
        raise SubmissionRefused(f"签字盖章扫描件：文件过大（{upload.size / 1024 / 1024:.1f} MB），上限为 {limit // (1024 * 1024)} MB。")
    data = b"".join(upload.chunks())
    for magic, extension, _ in SCAN_KINDS:
        if data.startswith(magic):
            return data, extension
    raise SubmissionRefused(f"签字盖章扫描件：“{upload.name}”不是 PDF、JPEG 或 PNG 文件（按文件内容判断，与扩展名无关），请上传扫描件。")


# --- submitting -----------------------------------------------------------------------------
def latest_submission(*, campaign: Campaign, region: Region) -> Submission | None:
    return Submission.objects.without_snapshot().filter(campaign=campaign, region=region).order_by("-submitted_at", "-id").first()


def lock_reason(submission: Submission | None) -> str:
    """Why the region cannot submit now, or "" when it can."""
    if submission is None or submission.state == State.RETURNED:
        return ""
    above = "市委组织部" if submission.level == Level.COUNTY else "省委组织部"
    if submission.state == State.ACCEPTED:
        return f"{submission.region.name}本批次的{submission.get_level_display()}已被接收；如需修改，须由上级（{above}）退回。"
    return f"{submission.region.name}本批次的{submission.get_level_display()}已报送，正等待{above}接收，不能重复报送。"


def _submit(
    *,
    campaign: Campaign,
    region: Region,
    level: str,
    by: User,
    note: str,
    seen_latest_id: int | None,
    signer: str = "",
    scan: tuple[bytes, str] | None = None,
    check=None,
    at: datetime.datetime | None = None,
) -> Submission:
    saved = []
    try:
        with transaction.atomic():
            # Every submission of a region queues on its Region row: of two submits at once (a
            # double click, two users) the second waits here, then finds the first one's
            # submission open and is refused.
            region = Region.objects.select_for_update().get(pk=region.pk)
            latest = latest_submission(campaign=campaign, region=region)
            reason = lock_reason(latest)
            if reason:
                raise SubmissionRefused(reason)
            if seen_latest_id is not None and (latest.pk if latest else 0) != seen_latest_id:
                raise SubmissionRefused("在您打开报送页面之后，报送情况已有变化，请刷新页面、重新核对后再报送。")
            snapshot = take_snapshot(campaign=campaign, region=region)
            if check is not None:
                check(snapshot)
            now = at or timezone.now()
            submission = Submission(
                campaign=campaign,
                region=region,
                level=level,
                previous=latest,
                submitted_by=by,
                submitted_at=now,
                note=note.strip(),
                signer=signer.strip(),
                columns=snapshot.columns,
                rows=snapshot.rows,
                row_count=len(snapshot.rows),
                rows_sha256=snapshot.rows_sha256,
                ledger_sha256=sha256(snapshot.ledger),
                statistics_sha256=sha256(snapshot.statistics),
            )
            stem = f"{region.name}-{campaign.year}-{now:%Y%m%d%H%M%S}"
            submission.ledger_file.save(f"{stem}-附表3工作台账.xlsx", ContentFile(snapshot.ledger), save=False)
            saved.append(submission.ledger_file)
            submission.statistics_file.save(f"{stem}-附表4情况统计表.xlsx", ContentFile(snapshot.statistics), save=False)
            saved.append(submission.statistics_file)
            if scan is not None:
                data, extension = scan
                submission.scan_sha256 = sha256(data)
                submission.scan.save(f"{stem}-签字盖章扫描件.{extension}", ContentFile(data), save=False)
                saved.append(submission.scan)
            try:
                with transaction.atomic():
                    submission.save()
            except IntegrityError:
                raise SubmissionRefused(
                    lock_reason(latest_submission(campaign=campaign, region=region)) or "该地区已有待接收的报送。"
                ) from None
            SubmissionEvent.objects.create(
                submission=submission,
                action=SubmissionEvent.Action.SUBMIT,
                actor=by,
                actor_role=by.role,
                at=now,
                from_state="",
                to_state=State.SUBMITTED,
                note=note.strip(),
            )
            return submission
    except BaseException:
        # The files were written before the row; nothing of a refused submission stays behind.
        for f in saved:
            f.storage.delete(f.name)
        raise


def county_submit(
    *, campaign: Campaign, by: User, note: str = "", seen_latest_id: int | None = None, at: datetime.datetime | None = None
) -> Submission:
    """县委组织部 sends its county's ledger and statistics to its city.

    ``seen_latest_id``: the latest submission the form showed (0: none); a page opened before
    someone else submitted or the city returned is refused instead of acting on what it did
    not show. None skips that check (management commands, tests). ``at`` dates the submission
    (loading a past campaign's records: the demo's 2015); by default now."""
    if by.role != Role.COUNTY_ORG or by.region is None or by.region.level != Region.Level.COUNTY:
        raise SubmissionRefused("只有县委组织部可以向市委组织部报送县级台账。")
    return _submit(campaign=campaign, region=by.region, level=Level.COUNTY, by=by, note=note, seen_latest_id=seen_latest_id, at=at)


def counties_with_rows(snapshot_rows: Iterable[dict]) -> set[int]:
    """The counties (Region ids) whose secretaries are in these ledger rows."""
    ids = {r["posting_id"] for r in snapshot_rows if r.get("posting_id")}
    return set(Posting.objects.filter(pk__in=ids).exclude(county=None).values_list("county_id", flat=True).distinct())


def counties_not_accepted(*, campaign: Campaign, county_ids: Iterable[int]) -> list[Region]:
    accepted = Submission.objects.filter(campaign=campaign, level=Level.COUNTY, state=State.ACCEPTED).values("region_id")
    return list(Region.objects.filter(pk__in=list(county_ids)).exclude(pk__in=accepted).order_by("code"))


def city_submit(*, campaign: Campaign, by: User, signer: str, scan, note: str = "", seen_latest_id: int | None = None) -> Submission:
    """市委组织部 sends its compiled ledger to the province, signed by the department head, with
    the scan of the signed and stamped paper copy (``scan``: an uploaded file). Refused while a
    county of the city that has secretaries in the ledger has no accepted submission."""
    if by.role != Role.CITY_ORG or by.region is None or by.region.level != Region.Level.CITY:
        raise SubmissionRefused("只有市委组织部可以向省委组织部报送市级汇总台账。")
    if not signer.strip():
        raise SubmissionRefused("审核人（部长签字）：请填写签字的部长姓名。")
    scan_data = read_scan(scan)

    def check(snapshot: Snapshot) -> None:
        pending = counties_not_accepted(campaign=campaign, county_ids=counties_with_rows(snapshot.rows))
        if pending:
            names = "、".join(c.name for c in pending)
            raise SubmissionRefused(f"以下县（市、区）的台账尚未被接收：{names}。请先接收各县台账，再报送全市汇总台账。")

    return _submit(
        campaign=campaign,
        region=by.region,
        level=Level.CITY,
        by=by,
        note=note,
        seen_latest_id=seen_latest_id,
        signer=signer,
        scan=scan_data,
        check=check,
    )


@dataclass
class Preview:
    """What a submit would freeze now, for the submit page."""

    row_count: int
    diff: SnapshotDiff | None  # against the returned submission it would replace
    pending_counties: list[Region]  # a city's counties with rows and no accepted submission


def take_preview(*, campaign: Campaign, region: Region, previous: Submission | None) -> Preview:
    rows = [_json_safe(r) for r in annexes.ledger_rows(campaign=campaign, region=region)]
    diff = snapshot_diff(old_rows=previous.rows, new_rows=rows, columns=ledger_columns()) if previous is not None else None
    pending = counties_not_accepted(campaign=campaign, county_ids=counties_with_rows(rows)) if region.level == Region.Level.CITY else []
    return Preview(len(rows), diff, pending)


# --- deciding -------------------------------------------------------------------------------
def may_decide(*, submission: Submission, user: User) -> bool:
    """The level above: a county's city, a city's province."""
    if submission.level == Level.COUNTY:
        return user.role == Role.CITY_ORG and user.region_id is not None and user.region_id == submission.region.parent_id
    return user.role == Role.PROVINCIAL_ORG


DECISIONS = {
    # action: (label, source states, target state)
    "accept": ("接收", (State.SUBMITTED,), State.ACCEPTED),
    # An accepted submission may be returned by the level that accepted it: that unlocks it.
    "return": ("退回", (State.SUBMITTED, State.ACCEPTED), State.RETURNED),
}


def allowed_decisions(*, submission: Submission, user: User) -> list[str]:
    """The decisions this user may take on this submission now (for the page's forms)."""
    if not may_decide(submission=submission, user=user):
        return []
    actions = [a for a, (_, sources, _) in DECISIONS.items() if submission.state in sources]
    if "return" in actions and submission.level == Level.COUNTY and _open_city_submission(submission) is not None:
        actions.remove("return")
    return actions


def _open_city_submission(county_submission: Submission) -> Submission | None:
    return (
        Submission.objects.open()
        .without_snapshot()
        .filter(campaign=county_submission.campaign_id, region=county_submission.region.parent_id)
        .first()
    )


@transaction.atomic
def _decide(
    submission_id: int, *, by: User, level: str, action: str, note: str, expected_state: str | None, at: datetime.datetime | None = None
) -> Submission:
    label, sources, target = DECISIONS[action]
    # Locked for the whole transaction: a second decision on the same submission (a double
    # click, the other user of the department) waits here, then finds the state changed.
    submission = (
        Submission.objects.visible_to(by)
        .without_snapshot()
        .select_for_update(of=("self",))
        .select_related("region", "campaign")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise Submission.DoesNotExist("没有这份报送，或不在您的管辖范围内。")
    if submission.level != level or not may_decide(submission=submission, user=by):
        who = by.get_role_display() or "您的角色"
        if submission.level == Level.COUNTY:
            raise SubmissionRefused(f"{who}不能{label}{submission.region.name}的县级台账：县级台账由所在市的市委组织部{label}。")
        raise SubmissionRefused(f"{who}不能{label}{submission.region.name}的市级汇总台账：市级汇总台账由省委组织部{label}。")
    if (expected_state and submission.state != expected_state) or submission.state not in sources:
        raise SubmissionRefused(f"该报送当前为“{submission.get_state_display()}”，不能{label}（可能已被他人处理，请刷新页面）。")
    if action == "return" and submission.level == Level.COUNTY:
        city = _open_city_submission(submission)
        if city is not None:
            raise SubmissionRefused(
                f"{city.region.name}的汇总台账已报送省委组织部（{city.get_state_display()}），其中包含{submission.region.name}的台账；"
                "须先由省委组织部退回市级汇总台账，才能退回县级台账。"
            )
    before = submission.state
    submission.state = target
    submission.decided_by = by
    submission.decided_at = at or timezone.now()
    fields = ["state", "decided_by", "decided_at"]
    if action == "return":
        submission.return_reason = note
        fields.append("return_reason")
    submission.save(update_fields=fields)
    SubmissionEvent.objects.create(
        submission=submission,
        action=action,
        actor=by,
        actor_role=by.role,
        at=submission.decided_at,
        from_state=before,
        to_state=target,
        note=note,
    )
    return submission


def _reason(reason: str) -> str:
    if not reason.strip():
        raise SubmissionRefused("退回理由：请填写退回的理由（报送单位将看到）。")
    return reason.strip()


def city_accept(
    *, submission: Submission, by: User, note: str = "", expected_state: str | None = None, at: datetime.datetime | None = None
) -> Submission:
    return _decide(submission.pk, by=by, level=Level.COUNTY, action="accept", note=note.strip(), expected_state=expected_state, at=at)


def city_return(*, submission: Submission, by: User, reason: str, expected_state: str | None = None) -> Submission:
    return _decide(submission.pk, by=by, level=Level.COUNTY, action="return", note=_reason(reason), expected_state=expected_state)


def province_accept(*, submission: Submission, by: User, note: str = "", expected_state: str | None = None) -> Submission:
    return _decide(submission.pk, by=by, level=Level.CITY, action="accept", note=note.strip(), expected_state=expected_state)


def province_return(*, submission: Submission, by: User, reason: str, expected_state: str | None = None) -> Submission:
    return _decide(submission.pk, by=by, level=Level.CITY, action="return", note=_reason(reason), expected_state=expected_state)


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
    """The events of this submission and of the returned ones it follows, oldest first: the
    page shows how it came to be (submitted, returned with a reason, submitted again)."""
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
        """Nothing submitted or accepted: never sent, or returned and not sent again."""
        return self.latest is None or self.latest.state == State.RETURNED

    @property
    def is_overdue(self) -> bool:
        return self.has_rows and self.is_missing and timezone.localdate() > self.deadline

    @property
    def is_late(self) -> bool:
        # Against the deadline already at hand: no query per region.
        return self.latest is not None and not self.is_missing and timezone.localdate(self.latest.submitted_at) > self.deadline

    @property
    def label(self) -> str:
        if self.latest is None:
            if not self.has_rows:
                return "无台账数据"
            return "逾期未报送" if self.is_overdue else "未报送"
        if self.latest.state == State.RETURNED:
            return "已退回，逾期未重报" if self.is_overdue else "已退回，待重新报送"
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
    cities = list(Region.objects.filter(level=Region.Level.CITY).order_by("code"))
    with_rows = set(ledger_postings(campaign).values_list("county__parent_id", flat=True).distinct())
    latest = _latest_by_region(campaign, cities)
    deadline = deadline_for(campaign=campaign, level=Level.CITY)
    return [RegionStatus(c, deadline, latest.get(c.pk), c.pk in with_rows) for c in cities]


def own_status(*, campaign: Campaign, user: User) -> RegionStatus | None:
    """The user's own region (a county or a city department) against its deadline."""
    level = {Role.COUNTY_ORG: Level.COUNTY, Role.CITY_ORG: Level.CITY}.get(user.role)
    if level is None or user.region is None:
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
    if user.role == Role.CITY_ORG and user.region is not None:
        todos += _lower_level_todos(county_statuses(campaign=campaign, city=user.region), campaign, "县", "县级台账")
    elif user.role in (Role.PROVINCIAL_ORG, Role.ADMIN):
        todos += _lower_level_todos(city_statuses(campaign=campaign), campaign, "市", "市级汇总台账")
    own = own_status(campaign=campaign, user=user)
    if own is not None and own.has_rows and own.is_missing:
        due = f"{own.deadline.month}月{own.deadline.day}日"
        kind = "本县台账" if user.role == Role.COUNTY_ORG else "本市汇总台账"
        if own.latest is not None:
            todos.append(Todo(f"{kind}已被退回，待修改后重新报送", 1, _overview_url(campaign)))
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
    due_text = f"（期限{due.month}月{due.day}日）" if due else ""
    url = _overview_url(campaign, "#regions")
    return [
        Todo(f"待接收的{kind}" + (f"（其中逾期报送 {late_waiting} 份）" if late_waiting else ""), len(waiting), url),
        Todo(f"逾期未报送台账的{unit}{due_text}", overdue, url),
        Todo(f"尚未报送台账的{unit}{due_text}", not_yet, url),
    ]
