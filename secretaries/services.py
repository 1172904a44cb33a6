"""The pipeline of notice §三: the services that take a posting through it. The transitions are
declared in secretaries.transitions (label, sources, target, who may, rule, changed fields,
form); here one executor, ``postings_perform``, runs any of them: it checks the acting user's
scope, the posting's current state, who may (capability and relation) and the rule, changes the
posting in one transaction with its row locked, and writes one PostingEvent. The ``posting_*``
functions are that executor with one posting. Nothing else sets Posting.state.

Two users acting on the same posting at once (or a double click): the second waits for the
row lock, then finds the state changed and is refused with a message; one event is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.dispatch import Signal
from django.utils import timezone

from core import audit
from core.bulk import insert_rows, update_rows
from dispatch import roles
from dispatch.models import Campaign, QuotaAllocation, User
from dispatch.roles import can
from secretaries.models import Cadre, Posting, PostingEvent
from secretaries.transitions import TRANSITIONS, TransitionRefused, run_guards
from villages.models import Village

State = Posting.State


class Facts:
    """What the rules know beyond the posting itself, county by county: which target villages are
    taken, the quotas of 附表2 and how much of each is used. Read from the database once per
    county when a rule first asks, then kept current as the transitions go, so two postings of
    one batch (``postings_perform``) cannot take the same village or overrun a quota either."""

    def __init__(self, campaign_id: int):
        self.campaign_id = campaign_id
        self._taken: dict[int, set[int]] = {}  # county id → village ids with a secretary
        self._quotas: dict[int, dict[int, int]] = {}  # county id → {unit id: quota}
        self._used: dict[int, dict[int, int]] = {}  # county id → {unit id: postings covering}
        self._counted: dict[int, dict[int, int]] = {}  # county id → {unit id: postings using a quota place}
        self._locked: set[tuple[int, int]] = set()  # (unit id, county id) quota rows locked

    def _county(self, county_id: int) -> None:
        if county_id in self._taken:
            return
        covering = Posting.objects.filter(county_id=county_id, state__in=Posting.COVERING_STATES)
        self._taken[county_id] = set(covering.exclude(village=None).values_list("village_id", flat=True))
        self._quotas[county_id] = dict(
            QuotaAllocation.objects.filter(campaign_id=self.campaign_id, county_id=county_id).values_list("unit_id", "count")
        )
        self._used[county_id] = dict(
            covering.filter(campaign_id=self.campaign_id).values_list("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n")
        )
        use = Posting.objects.filter(county_id=county_id).quota_use(self.campaign_id)
        self._counted[county_id] = {unit: n for (unit, _), n in use.items()}

    def village_taken(self, village: Village) -> bool:
        self._county(village.county_id)
        return village.pk in self._taken[village.county_id]

    def quota(self, unit_id: int, county_id: int) -> int | None:
        self._county(county_id)
        return self._quotas[county_id].get(unit_id)

    def used(self, unit_id: int, county_id: int) -> int:
        """Postings of the unit assigned or in office in the county."""
        self._county(county_id)
        return self._used[county_id].get(unit_id, 0)

    def quota_use_locked(self, unit_id: int, county_id: int) -> int:
        """The places of the unit's quota in the county in use (Posting.QUOTA_STATES), counted
        after its QuotaAllocation row is locked for the rest of the transaction: another
        transaction counting the same quota waits for this one and then sees its postings."""
        self._county(county_id)
        if (unit_id, county_id) not in self._locked:
            list(
                QuotaAllocation.objects.select_for_update()
                .filter(campaign_id=self.campaign_id, unit_id=unit_id, county_id=county_id)
                .values_list("pk")
            )
            self._locked.add((unit_id, county_id))
            # Counted again now that no one else can add to it (nothing of this batch has yet).
            use = Posting.objects.filter(unit_id=unit_id, county_id=county_id).quota_use(self.campaign_id)
            self._counted[county_id][unit_id] = use.get((unit_id, county_id), 0)
        return self._counted[county_id].get(unit_id, 0)

    def record(self, posting: Posting, before: str, before_village: int | None = None) -> None:
        """Keep the facts current after ``posting`` changed from state ``before`` (and village
        ``before_village``)."""
        county = posting.county_id
        if county not in self._taken:
            return
        was, covering = before in Posting.COVERING_STATES, posting.state in Posting.COVERING_STATES
        taken = self._taken[county]
        if was and before_village:
            taken.discard(before_village)
        if covering and posting.village_id:
            taken.add(posting.village_id)
        used, counted = self._used[county], self._counted[county]
        used[posting.unit_id] = used.get(posting.unit_id, 0) + covering - was
        in_quota = (posting.state in Posting.QUOTA_STATES) - (before in Posting.QUOTA_STATES)
        counted[posting.unit_id] = counted.get(posting.unit_id, 0) + in_quota


LOCK_CHUNK = 1000

# Sent by postings_perform once per batch, inside its transaction, after the postings and their
# events are written (sender=Posting; action, postings, by, at): a later app acts on a step here
# (tenure opens the secretary's account at take_office), and what it writes exists iff the step
# happened — an exception in a receiver rolls the whole batch back.
postings_transitioned = Signal()


@dataclass
class BatchResult:
    done: list[Posting]
    refused: dict[int, TransitionRefused]  # posting (or, for postings_apply, cadre) id → why
    missing: list[int] = field(default_factory=list)  # not found, or out of the user's scope


@transaction.atomic
def postings_perform(
    *,
    action: str,
    items: Iterable[tuple[int, dict]],
    by: User,
    at: datetime.datetime | None = None,
    facts: dict[int, Facts] | None = None,
) -> BatchResult:
    """Perform ``action`` on many postings as ``by``: each item is (posting id, the arguments its
    service takes). Every posting is checked by the same rules as one posting_* call and gets
    its own event; the refused are left unchanged and reported with their reasons. Rows are
    locked for the whole transaction. ``at`` dates the events (loading a past campaign's
    records); by default now.

    Every posting_* function is this with one item; the demo data drives thousands of postings
    through it: one lock query per thousand postings, one UPDATE and one INSERT per two
    thousand instead of a transaction each. A caller running several batches inside one
    transaction of its own (the demo: one batch per acting user) may pass one ``facts`` dict
    to all of them, so that each county's villages and quotas are read once, not per batch."""
    t = TRANSITIONS[action]
    items = list(items)
    locked: dict[int, Posting] = {}
    # What the rules read: the unit and its region always, and what the transition declares.
    related = ["unit__region", *t.reads]
    ids = [pk for pk, _ in items]
    for start in range(0, len(ids), LOCK_CHUNK):
        # Locked for the whole transaction: a concurrent action on the same posting waits here,
        # then sees the state this one leaves (docs/architecture.md).
        locked.update(
            Posting.objects.visible_to(by).select_for_update(of=("self",)).select_related(*related).in_bulk(ids[start : start + LOCK_CHUNK])
        )
    facts = {} if facts is None else facts  # by campaign
    now = at or timezone.now()
    done, refused, missing, events = [], {}, [], []
    for pk, kwargs in items:
        posting = locked.get(pk)
        if posting is None:
            missing.append(pk)
            continue
        try:
            refusal = t.refusal(by, posting)  # its state; the capability of the role and the relation to the posting
            if refusal is not None:
                raise refusal
            known = facts.setdefault(posting.campaign_id, Facts(posting.campaign_id))
            changes, note = t.rule(posting, known, **kwargs)
            run_guards(action, posting, kwargs)  # what later apps require (tenure: the 期满考察)
        except TransitionRefused as e:
            refused[pk] = e
            continue
        before, before_village = posting.state, posting.village_id
        for name, value in changes.items():
            setattr(posting, name, value)
        if t.target is not None:
            posting.state = t.target
        posting.updated_at = now
        known.record(posting, before, before_village)
        done.append(posting)
        events.append(_event(posting.pk, action=action, by=by, at=now, before=before, after=posting.state, note=note))
    if done:
        fields = [Posting._meta.get_field(name) for name in ["state", "updated_at", *t.changed_fields]]
        try:
            # One UPDATE per two thousand postings (bulk_update's CASE per row and field cost
            # the demo's 9,395 secretaries minutes). A violated constraint leaves this atomic
            # block at once, so the whole batch is rolled back.
            update_rows(
                Posting, [{"id": p.pk, **{f.attname: getattr(p, f.attname) for f in fields}} for p in done], [f.name for f in fields]
            )
        except IntegrityError:
            raise TransitionRefused("该村已有分配或在任的第一书记。") from None
        audit.bulk_updated(done, by=by)
        insert_rows(PostingEvent, events, EVENT_FIELDS)
        postings_transitioned.send(sender=Posting, action=action, postings=done, by=by, at=now)
    return BatchResult(done, refused, missing)


EVENT_FIELDS = ["posting", "action", "actor", "actor_role", "at", "from_state", "to_state", "note"]


def _event(posting_id: int, *, action: str, by: User, at: datetime.datetime, before: str, after: str, note: str) -> dict:
    """A PostingEvent row for insert_rows: events are only ever inserted."""
    return {
        "posting_id": posting_id,
        "action": action,
        "actor_id": by.pk,
        "actor_role": by.role,
        "at": at,
        "from_state": before,
        "to_state": after,
        "note": note,
    }


def _transition(posting_id: int, *, by: User, action: str, **kwargs) -> Posting:
    """One posting through ``postings_perform``: its refusal raised, its posting returned."""
    result = postings_perform(action=action, items=[(posting_id, kwargs)], by=by)
    if result.missing:
        raise Posting.DoesNotExist("没有这条选派记录，或不在您的管辖范围内。")
    if result.refused:
        raise result.refused[posting_id]
    return result.done[0]


def posting_perform(*, action: str, posting: Posting, by: User, arguments: dict) -> Posting:
    """Any transition of the table on one posting, with its form's cleaned data as the rule's
    arguments (the pages and the admin call this; the ``posting_*`` below name each one)."""
    return _transition(posting.pk, by=by, action=action, **TRANSITIONS[action].arguments(arguments))


# --- 个人报名 ---------------------------------------------------------------------------------
@transaction.atomic
def postings_apply(
    *, cadres: Iterable[Cadre], campaign: Campaign, by: User, note: str = "", at: datetime.datetime | None = None
) -> BatchResult:
    """Cadres apply in a campaign through their unit's HR (the unit's own user): one posting and
    one event each. A cadre of another unit, or one who already applied in the campaign, is
    refused (keyed by cadre id) and nothing is written for it."""
    cadres = list(cadres)
    if not can(by, roles.POSTING_APPLY):
        return BatchResult([], {c.pk: TransitionRefused("只有本单位组织人事部门可以登记报名。") for c in cadres})
    if not campaign.is_open:
        return BatchResult([], {c.pk: TransitionRefused(f"“{campaign.name}”已结束，不能报名。") for c in cadres})
    first = {
        p.cadre_id: p
        for p in Posting.objects.filter(cadre__in=[c.pk for c in cadres], campaign=campaign)
        .exclude(state__in=[State.REJECTED, State.WITHDRAWN])
        .select_related("unit")
    }
    now = at or timezone.now()
    refused, postings = {}, []
    for cadre in cadres:
        if cadre.unit_id != by.unit_id:
            refused[cadre.pk] = TransitionRefused("只有本单位组织人事部门可以登记报名。")
        elif cadre.pk in first:
            refused[cadre.pk] = TransitionRefused(
                f"{cadre.name}（{cadre.id_number}）已由{first[cadre.pk].unit.name}在本批次报名，不能重复报名。"
            )
        else:
            first[cadre.pk] = Posting(cadre=cadre, campaign=campaign, unit_id=cadre.unit_id, applied_at=now, updated_at=now)
            postings.append(first[cadre.pk])
    Posting.objects.bulk_create(postings, batch_size=2000)
    audit.bulk_created(postings, by=by)
    insert_rows(
        PostingEvent,
        [_event(p.pk, action="apply", by=by, at=now, before="", after=State.APPLIED, note=note) for p in postings],
        EVENT_FIELDS,
    )
    return BatchResult(postings, refused)


def posting_apply(*, cadre: Cadre, campaign: Campaign, by: User, note: str = "") -> Posting:
    """A cadre applies in a campaign through the unit's HR (the unit's own user)."""
    result = postings_apply(cadres=[cadre], campaign=campaign, by=by, note=note)
    if result.refused:
        raise result.refused[cadre.pk]
    return result.done[0]


# --- 资格审查 ---------------------------------------------------------------------------------
def posting_qualify(*, posting: Posting, by: User, note: str = "") -> Posting:
    return _transition(posting.pk, by=by, action="qualify", note=note)


def posting_reject(*, posting: Posting, by: User, reason: str) -> Posting:
    return _transition(posting.pk, by=by, action="reject", reason=reason)


# --- 组织推荐 ---------------------------------------------------------------------------------
def posting_recommend(*, posting: Posting, by: User, meeting_date: datetime.date, decision: str, county) -> Posting:
    """The unit's party committee decides on the candidate and, having talked to the receiving
    county (notice §三.4), names it: a provincial unit one of its quota counties, a city unit a
    county of its city, a county unit its own county. The county then sees the candidate."""
    return _transition(posting.pk, by=by, action="recommend", meeting_date=meeting_date, decision=decision, county=county)


def posting_approve(*, posting: Posting, by: User, note: str = "") -> Posting:
    return _transition(posting.pk, by=by, action="approve", note=note)


def posting_return(*, posting: Posting, by: User, reason: str) -> Posting:
    return _transition(posting.pk, by=by, action="return", reason=reason)


def posting_file(*, posting: Posting, by: User, note: str = "") -> Posting:
    return _transition(posting.pk, by=by, action="file", note=note)


def posting_file_return(*, posting: Posting, by: User, reason: str) -> Posting:
    """The filing department sends a candidate back to its unit (资格审查通过) with the reason
    the unit then sees."""
    return _transition(posting.pk, by=by, action="file_return", reason=reason)


# --- 研究确定：分配到村 -----------------------------------------------------------------------
def posting_assign(*, posting: Posting, by: User, village: Village, reason: str = "") -> Posting:
    """The receiving county's department assigns a filed secretary to one of its target villages."""
    return _transition(posting.pk, by=by, action="assign", village=village, reason=reason)


def posting_reassign(*, posting: Posting, by: User, village: Village, change_reason: str, reason: str = "") -> Posting:
    """改派: the county moves an assigned secretary, before 履岗任职, to another village of the
    county by the assignment's rule; ``reason`` is the reason for a non-poor village."""
    return _transition(posting.pk, by=by, action="reassign", village=village, change_reason=change_reason, reason=reason)


def posting_unassign(*, posting: Posting, by: User, reason: str) -> Posting:
    """撤销分配: back to 审核备案 before 履岗任职; the village is uncovered again."""
    return _transition(posting.pk, by=by, action="unassign", reason=reason)


# --- 履岗任职、期满免职 ------------------------------------------------------------------------
def posting_take_office(*, posting: Posting, by: User, start_date: datetime.date, party_relation_transferred: bool) -> Posting:
    return _transition(
        posting.pk, by=by, action="take_office", start_date=start_date, party_relation_transferred=party_relation_transferred
    )


def posting_end_term(*, posting: Posting, by: User, end_date: datetime.date, note: str = "") -> Posting:
    return _transition(posting.pk, by=by, action="end_term", end_date=end_date, note=note)


def posting_extend(*, posting: Posting, by: User, new_end_date: datetime.date, unit_consent: bool, note: str = "") -> Posting:
    """留任: approved by the organization department with the dispatching unit's consent."""
    return _transition(posting.pk, by=by, action="extend", new_end_date=new_end_date, unit_consent=unit_consent, note=note)


def posting_recall(*, posting: Posting, by: User, reason_code: str, reason: str) -> Posting:
    """调整召回 with a coded reason (Posting.RecallReason, kept on the posting) and its text: the
    village then needs a successor (it is no longer covered)."""
    return _transition(posting.pk, by=by, action="recall", reason_code=reason_code, reason=reason)


def posting_withdraw(*, posting: Posting, by: User, reason: str) -> Posting:
    return _transition(posting.pk, by=by, action="withdraw", reason=reason)


def uncovered_target_villages(*, county) -> Iterable[Village]:
    """Target villages of a county with no secretary assigned or in office."""
    covered = Posting.objects.filter(state__in=Posting.COVERING_STATES, village__isnull=False).values("village")
    return Village.objects.targets().filter(county=county).exclude(pk__in=covered)


# --- cadres (干部): the roster import, the demo ----------------------------------------------
# --- 干部 (cadres): every new or changed Cadre row goes through cadres_create / cadres_update ----
class CadresRefused(Exception):
    """Cadres that cannot be written: ``errors`` maps each refused item's position in the batch
    to {field: message} (Chinese), as the model's rules give them. Nothing was written."""

    def __init__(self, errors: dict[int, dict[str, str]]):
        self.errors = errors
        super().__init__("；".join(next(iter(errors.values())).values()))


def cadres_validate(*, cadres: list[Cadre], by: User | None) -> None:
    """Validate a batch of cadres with the model's rules (Cadre.clean, the fields' own checks),
    each 身份证号 once in the province, and the unit's HR writing only its own unit's people
    (``by`` None: the system itself, the demo). A constant number of queries."""
    errors: dict[int, dict[str, str]] = {}
    for i, cadre in enumerate(cadres):
        try:
            # The unit is the caller's, checked below; the 身份证号's uniqueness for the whole
            # batch at once: Django would ask the database once per cadre for each.
            cadre.full_clean(exclude=["unit"], validate_unique=False, validate_constraints=False)
        except ValidationError as e:
            errors[i] = {field: messages[0] for field, messages in e.message_dict.items()}
        if by is not None and (not can(by, roles.REGISTER_CADRES) or cadre.unit_id != by.unit_id):
            errors.setdefault(i, {})["unit"] = "只有本单位组织人事部门可以登记本单位的人员。"
    numbers = [c.id_number for c in cadres]
    taken = dict(Cadre.objects.filter(id_number__in=numbers).values_list("id_number", "pk"))
    seen: dict[str, int] = {}
    for i, cadre in enumerate(cadres):
        first = seen.setdefault(cadre.id_number, i)
        if taken.get(cadre.id_number, cadre.pk) != cadre.pk or first != i:
            errors.setdefault(i, {})["id_number"] = f"身份证号 {cadre.id_number} 已登记。"
    if errors:
        raise CadresRefused(errors)


@transaction.atomic
def cadres_create(*, cadres: list[Cadre], by: User | None) -> list[Cadre]:
    """Register new cadres (unsaved instances, each with its unit), all or none: CadresRefused
    for any the model's rules refuse. One INSERT per 2,000."""
    cadres_validate(cadres=cadres, by=by)
    created = Cadre.objects.bulk_create(cadres, batch_size=2000)
    audit.bulk_created(created, by=by)
    return created


@transaction.atomic
def cadres_update(*, changes: list[tuple[Cadre, dict]], by: User | None) -> list[Cadre]:
    """Change cadres (each locked by the caller where it matters) to {field: new value}, all or
    none, with the same checks as cadres_create. One UPDATE per batch."""
    fields: set[str] = set()
    for cadre, values in changes:
        for name, value in values.items():
            setattr(cadre, name, value)
        fields.update(values)
    cadres = [cadre for cadre, _ in changes]
    cadres_validate(cadres=cadres, by=by)
    if fields:
        Cadre.objects.bulk_update(cadres, sorted(fields), batch_size=2000)
        audit.bulk_updated(cadres, by=by)
    return cadres


@transaction.atomic
def cadre_register_and_apply(*, cadre: Cadre, campaign: Campaign | None, by: User, note: str = "") -> Posting:
    """个人报名 without a spreadsheet: one new cadre of the unit registered by the roster import's
    rules (``cadres_create``) and applied in the campaign (``postings_apply``), both or neither.
    CadresRefused names the fields the cadre's rules refuse; TransitionRefused why the
    application is refused."""
    if campaign is None or not campaign.is_open:
        raise TransitionRefused("当前没有进行中的选派批次，不能登记报名。")
    created = cadres_create(cadres=[cadre], by=by)[0]
    result = postings_apply(cadres=[created], campaign=campaign, by=by, note=note)
    if result.refused:
        raise result.refused[created.pk]  # leaves the atomic block: the cadre is not kept either
    return result.done[0]
