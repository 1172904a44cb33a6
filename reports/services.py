"""Submissions of the ledger (附表3) and statistics (附表4): county → city → province — the writes.

One function per state change, like secretaries.services: each checks the acting user's
capability (dispatch.roles) and its relation to the region (its own county or city; the city
above a county), the submission's state, works in one transaction under a row lock and writes
one SubmissionEvent. Nothing else sets Submission.state.

- ``county_submit``: 县委组织部 sends its county's ledger to its city.
- ``city_accept`` / ``city_return``: 市委组织部 decides on its counties' submissions.
- ``city_submit``: 市委组织部 sends the compiled ledger of its counties, signed by the department
  head, with a scan of the signed and stamped paper copy.
- ``province_accept`` / ``province_return``: 省委组织部 decides on the cities' submissions.
- ``submission_withdraw``: the submitter (a county, or a city for its compiled ledger) takes
  back a submission the level above has not decided yet; the region may then submit again.

A submission freezes what it reports when it is made (rows as JSON, both workbooks, SHA-256
of each): later edits of postings do not reach it. An accepted submission is locked: the region
cannot submit again until the level above returns it. The reads the pages need (status of each
region against its deadline, the diff between two snapshots, the 待办) are reports.selectors.
"""

from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from dispatch import roles
from dispatch.models import Campaign, User
from reports import annex_xlsx, annexes
from reports.models import Submission, SubmissionEvent
from reports.selectors import (
    canonical_json,
    counties_not_accepted,
    counties_with_rows,
    json_safe,
    latest_submission,
    ledger_columns,
    ledger_gaps,
    lock_reason,
    submitting_level,
)
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


def _xlsx(annex: str, *, campaign: Campaign, region: Region, user: User) -> bytes:
    out = io.BytesIO()
    annex_xlsx.write_xlsx(annex, campaign=campaign, region=region, user=user, out=out)
    return out.getvalue()


def take_snapshot(*, campaign: Campaign, region: Region, user: User) -> Snapshot:
    """The region's ledger rows and both annexes as they are now, as ``user`` (the submitter)
    sees them."""
    rows = [json_safe(r) for r in annexes.ledger_rows(campaign=campaign, region=region, user=user)]
    return Snapshot(
        columns=ledger_columns(),
        rows=rows,
        ledger=_xlsx("3", campaign=campaign, region=region, user=user),
        statistics=_xlsx("4", campaign=campaign, region=region, user=user),
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
    event_note: str = "",
    at: datetime.datetime | None = None,
) -> Submission:
    saved = []
    # The ledger is read and both workbooks written before the transaction: on SQLite a write
    # transaction holds the database's one write lock (settings: IMMEDIATE) and the workbooks
    # take a while. The snapshot is what the submitter's ledger showed when they submitted.
    snapshot = take_snapshot(campaign=campaign, region=region, user=by)
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
            if check is not None:
                event_note = check(snapshot) or event_note
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
                note="；".join(n for n in (note.strip(), event_note) if n),
            )
            return submission
    except BaseException:
        # The files were written before the row; nothing of a refused submission stays behind.
        for f in saved:
            f.storage.delete(f.name)
        raise


def county_submit(
    *,
    campaign: Campaign,
    by: User,
    note: str = "",
    seen_latest_id: int | None = None,
    acknowledge_gaps: bool | None = None,
    at: datetime.datetime | None = None,
) -> Submission:
    """县委组织部 sends its county's ledger and statistics to its city.

    ``seen_latest_id``: the latest submission the form showed (0: none); a page opened before
    someone else submitted or the city returned is refused instead of acting on what it did
    not show. None skips that check (management commands, tests). ``acknowledge_gaps``: the
    county confirmed that it submits although its ledger has gaps (``selectors.ledger_gaps``:
    uncovered target villages, secretaries filed but not assigned, assigned but not in office);
    False is refused while there are any, checked again under the lock, and the gaps are
    written in the event for the city. None skips that check. ``at`` dates the submission
    (loading a past campaign's records: the demo's 2015); by default now."""
    if not roles.can(by, roles.SUBMIT_COUNTY_LEDGER) or by.region is None or by.region.level != Region.Level.COUNTY:
        raise SubmissionRefused("只有县委组织部可以向市委组织部报送县级台账。")
    county = by.region

    def check(snapshot: Snapshot) -> str:
        if acknowledge_gaps is None:
            return ""
        gaps = ledger_gaps(campaign=campaign, county=county, user=by)
        if not gaps.any:
            return ""
        if not acknowledge_gaps:
            raise SubmissionRefused(f"本县台账尚不完整：{gaps.summary()}。请核对后勾选“已知悉以上情况，仍然报送”再报送。")
        return f"报送时已知悉：{gaps.summary()}"

    return _submit(
        campaign=campaign, region=county, level=Level.COUNTY, by=by, note=note, seen_latest_id=seen_latest_id, check=check, at=at
    )


def city_submit(*, campaign: Campaign, by: User, signer: str, scan, note: str = "", seen_latest_id: int | None = None) -> Submission:
    """市委组织部 sends its compiled ledger to the province, signed by the department head, with
    the scan of the signed and stamped paper copy (``scan``: an uploaded file). Refused while a
    county of the city that has secretaries in the ledger has no accepted submission."""
    if not roles.can(by, roles.SUBMIT_CITY_LEDGER) or by.region is None or by.region.level != Region.Level.CITY:
        raise SubmissionRefused("只有市委组织部可以向省委组织部报送市级汇总台账。")
    if not signer.strip():
        raise SubmissionRefused("审核人（部长签字）：请填写签字的部长姓名。")
    scan_data = read_scan(scan)

    def check(snapshot: Snapshot) -> str:
        pending = counties_not_accepted(campaign=campaign, county_ids=counties_with_rows(snapshot.rows))
        if pending:
            names = "、".join(c.name for c in pending)
            raise SubmissionRefused(f"以下县（市、区）的台账尚未被接收：{names}。请先接收各县台账，再报送全市汇总台账。")
        return ""

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


# --- deciding -------------------------------------------------------------------------------
def may_decide(*, submission: Submission, user: User) -> bool:
    """The level above: a county's city (the department that decides counties' ledgers, of the
    county's own city), a city's province."""
    if submission.level == Level.COUNTY:
        return roles.can(user, roles.DECIDE_COUNTY_LEDGER) and user.region_id is not None and user.region_id == submission.region.parent_id
    return roles.can(user, roles.DECIDE_CITY_LEDGER)


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


# --- withdrawing ----------------------------------------------------------------------------
def may_withdraw(*, submission: Submission, user: User) -> bool:
    """The submitting department itself: its own region, holding the capability to submit at
    the submission's level. Whether the state still allows it is the service's check."""
    return user.region_id is not None and user.region_id == submission.region_id and submitting_level(user) == submission.level


@transaction.atomic
def submission_withdraw(*, submission: Submission, by: User, reason: str, expected_state: str | None = None) -> Submission:
    """The submitter takes back its submission while the level above has not decided: a county
    from its city (a city its compiled ledger from the province). The level above no longer
    sees it as waiting; the region submits again, and that submission points back to this one.
    Refused, with the decision that came first, once the level above has accepted or returned it."""
    if not reason.strip():
        raise SubmissionRefused("撤回理由：请填写撤回的理由（上级将看到）。")
    # The same row lock as a decision: a withdrawal and the city's accept at the same moment
    # queue here, and whichever comes second finds the state changed.
    locked = (
        Submission.objects.visible_to(by)
        .without_snapshot()
        .select_for_update(of=("self",))
        .select_related("region", "campaign")
        .filter(pk=submission.pk)
        .first()
    )
    if locked is None:
        raise Submission.DoesNotExist("没有这份报送，或不在您的管辖范围内。")
    if not may_withdraw(submission=locked, user=by):
        raise SubmissionRefused(f"只有{locked.region.name}的报送单位本身可以撤回这份{locked.get_level_display()}。")
    above = "市委组织部" if locked.level == Level.COUNTY else "省委组织部"
    if locked.state != State.SUBMITTED or (expected_state and expected_state != State.SUBMITTED):
        if locked.state == State.ACCEPTED:
            raise SubmissionRefused(f"{above}已接收这份{locked.get_level_display()}，不能撤回；如需修改，须由{above}退回。")
        if locked.state == State.RETURNED:
            raise SubmissionRefused(f"{above}已退回这份{locked.get_level_display()}，无需撤回，请修改后重新报送。")
        raise SubmissionRefused(f"该报送当前为“{locked.get_state_display()}”，不能撤回（可能已被他人处理，请刷新页面）。")
    before = locked.state
    locked.state = State.WITHDRAWN
    locked.save(update_fields=["state"])
    SubmissionEvent.objects.create(
        submission=locked,
        action=SubmissionEvent.Action.WITHDRAW,
        actor=by,
        actor_role=by.role,
        at=timezone.now(),
        from_state=before,
        to_state=State.WITHDRAWN,
        note=reason.strip(),
    )
    return locked
