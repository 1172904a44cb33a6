"""Writes to 附表2 (QuotaAllocation): every write goes through ``quotas_set`` (a batch of cells:
the 附表2 import, the reference loader, the demo), ``quota_set`` being that with one cell (the
admin); the matrix page saves many cells at once through ``quota_matrix_save``, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from core import audit
from core.bulk import update_rows
from dispatch import roles
from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation
from dispatch.roles import require
from villages.models import Region

MAX_COUNT = 32767  # PositiveSmallIntegerField


class QuotaRefused(ValueError):
    """A save that cannot go ahead; ``messages`` say why, in Chinese, one per cell. ``errors``
    maps the refused cells' positions in the batch (quotas_set's or quota_matrix_save's) to
    their message."""

    def __init__(self, messages: list[str], errors: dict[int, str] | None = None):
        super().__init__("；".join(messages))
        self.messages = messages
        self.errors = errors or {}


class QuotaStale(QuotaRefused):
    """The matrix page's cells that someone else changed since the page was loaded: nothing is
    saved, and the page shows what is there now in those cells."""


@dataclass(frozen=True)
class QuotaCell:
    """One cell of 附表2 to set: ``unit`` sends ``count`` secretaries into ``county``."""

    unit: DispatchingUnit
    county: Region
    count: int


def quota_problem(cell: QuotaCell) -> str | None:
    """What is wrong with a count, or None: the one rule for a cell, whoever writes it."""
    if cell.count < 0:
        return f"{cell.county.name}·{cell.unit.name}：选派人数不能为负数。"
    if cell.count > MAX_COUNT:
        return f"{cell.county.name}·{cell.unit.name}：选派人数过大。"
    return None


@transaction.atomic
def quotas_set(*, campaign: Campaign, cells: Sequence[QuotaCell], by, keep_zero: bool = False) -> list[QuotaAllocation | None]:
    """Set many cells of ``campaign``'s 附表2 at once, all or none; 0 removes a quota (or, with
    ``keep_zero``, is kept as a quota of 0: the 附表2 import keeps what the table says). Returns
    each cell's quota, or None where there is none any more.

    Refuses ``by`` without the capability EDIT_QUOTAS or with a county outside its scope (PermissionDenied;
    ``by`` None is the system itself: the reference loader), and a count below 0 or too large
    (QuotaRefused). A constant number of queries: one lock, one INSERT, one UPDATE, one DELETE."""
    if by is not None:
        require(by, roles.EDIT_QUOTAS)
        visible = set(Region.objects.visible_to(by).filter(pk__in={c.county.pk for c in cells}).values_list("pk", flat=True))
        outside = [c for c in cells if c.county.pk not in visible]
        if outside:
            raise PermissionDenied(f"{outside[0].county.name}不在您的管辖范围内。")
    errors = {i: problem for i, c in enumerate(cells) if (problem := quota_problem(c))}
    if errors:
        raise QuotaRefused(list(errors.values()), errors)
    # Lock the cells' quotas: another writer's save either finished before or waits for ours.
    existing = {
        (q.unit_id, q.county_id): q
        for q in QuotaAllocation.objects.select_for_update().filter(
            campaign=campaign, unit__in={c.unit.pk for c in cells}, county__in={c.county.pk for c in cells}
        )
    }
    result: list[QuotaAllocation | None] = []
    to_create, changed, removed = [], {}, set()
    for cell in cells:
        key = (cell.unit.pk, cell.county.pk)
        quota = existing.get(key)
        if cell.count == 0 and not keep_zero:
            if quota is not None:
                if quota.pk:
                    removed.add(quota.pk)
                    changed.pop(quota.pk, None)
                else:
                    to_create.remove(quota)
                del existing[key]
            result.append(None)
            continue
        if quota is None:
            quota = existing[key] = QuotaAllocation(campaign=campaign, unit=cell.unit, county=cell.county, count=cell.count)
            to_create.append(quota)
        elif quota.count != cell.count:
            quota.count = cell.count
            if quota.pk:
                changed[quota.pk] = quota
        result.append(quota)
    QuotaAllocation.objects.filter(pk__in=removed).delete()
    QuotaAllocation.objects.bulk_create(to_create)
    update_rows(QuotaAllocation, [{"id": q.pk, "count": q.count} for q in changed.values()], ["count"])
    audit.bulk_created(to_create, by=by)
    audit.bulk_changed(QuotaAllocation, list(changed), by=by)
    return result


def quota_set(*, campaign: Campaign, unit: DispatchingUnit, county: Region, count: int, by) -> QuotaAllocation | None:
    """Set how many secretaries ``unit`` sends into ``county`` in ``campaign``; 0 removes the
    quota. Returns the quota, or None when there is none any more."""
    return quotas_set(campaign=campaign, cells=[QuotaCell(unit, county, count)], by=by)[0]


@dataclass(frozen=True)
class Cell:
    """One matrix cell as the form posted it: what the page showed (``original``) and what the
    user typed (``text``)."""

    county: Region
    unit: DispatchingUnit
    original: int  # 0 for an empty cell
    text: str


def parse_count(text: str) -> int | None:
    """ "" → 0, "5" → 5; None for anything that is not a whole number ≥ 0."""
    text = text.strip()
    if text == "":
        return 0
    if not text.isdigit() or not text.isascii():
        return None
    value = int(text)
    return value if value <= MAX_COUNT else None


@transaction.atomic
def quota_matrix_save(*, campaign: Campaign, cells: list[Cell], by) -> int:
    """Save the changed cells of the matrix, or none of them. Refuses (QuotaRefused) a value
    that is not a whole number ≥ 0, and (QuotaStale) any changed cell someone else changed
    since the page was loaded; ``errors`` name the refused cells by their position in
    ``cells``. Returns how many cells changed."""
    bad = {
        i: f"{c.county.name}·{c.unit.name}：“{c.text}”不是有效的人数，应填 0 或正整数。"
        for i, c in enumerate(cells)
        if parse_count(c.text) is None
    }
    if bad:
        raise QuotaRefused(list(bad.values()), bad)
    changed = [(i, c) for i, c in enumerate(cells) if parse_count(c.text) != c.original]
    if not changed:
        return 0
    # Lock what the page showed, then compare: another editor's save either finished before
    # (and is seen as stale here) or waits for ours.
    current = {
        (q.county_id, q.unit_id): q.count
        for q in QuotaAllocation.objects.select_for_update().filter(
            campaign=campaign, county__in=[c.county for _, c in changed], unit__in=[c.unit for _, c in changed]
        )
    }
    stale = {
        i: f"{c.county.name}·{c.unit.name}：页面打开后已被他人改为 {now}（您填写的“{c.text.strip()}”未保存）"
        for i, c in changed
        if (now := current.get((c.county.pk, c.unit.pk), 0)) != c.original
    }
    if stale:
        raise QuotaStale(list(stale.values()), stale)
    quotas_set(campaign=campaign, cells=[QuotaCell(c.unit, c.county, parse_count(c.text)) for _, c in changed], by=by)
    return len(changed)
