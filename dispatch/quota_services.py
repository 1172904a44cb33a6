"""Writes to 附表2 (QuotaAllocation): one cell at a time through ``quota_set``; the matrix page
saves many cells at once through ``quota_matrix_save``, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation
from villages.models import Region

MAX_COUNT = 32767  # PositiveSmallIntegerField


class QuotaRefused(Exception):
    """A save that cannot go ahead; ``messages`` say why, in Chinese, one per cell."""

    def __init__(self, messages: list[str]):
        super().__init__("；".join(messages))
        self.messages = messages


def quota_set(*, campaign: Campaign, unit: DispatchingUnit, county: Region, count: int, by) -> QuotaAllocation | None:
    """Set how many secretaries ``unit`` sends into ``county`` in ``campaign``; 0 removes the
    quota. Returns the quota, or None when there is none any more."""
    if not by.has_perm("dispatch.change_quotaallocation"):
        raise PermissionDenied("您的角色无权修改名额分配。")
    if not Region.objects.visible_to(by).filter(pk=county.pk).exists():
        raise PermissionDenied(f"{county.name}不在您的管辖范围内。")
    if count < 0:
        raise ValueError(f"{county.name}·{unit.name}：选派人数不能为负数。")
    with transaction.atomic():
        quota = QuotaAllocation.objects.select_for_update().filter(campaign=campaign, unit=unit, county=county).first()
        if count == 0:
            if quota is not None:
                quota.delete()
            return None
        if quota is None:
            return QuotaAllocation.objects.create(campaign=campaign, unit=unit, county=county, count=count)
        if quota.count != count:
            quota.count = count
            quota.save(update_fields=["count"])
        return quota


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
    that is not a whole number ≥ 0, and any cell someone else changed since the page was
    loaded. Returns how many cells changed."""
    bad = [f"{c.county.name}·{c.unit.name}：“{c.text}”不是有效的人数，应填 0 或正整数。" for c in cells if parse_count(c.text) is None]
    if bad:
        raise QuotaRefused(bad)
    changed = [c for c in cells if parse_count(c.text) != c.original]
    if not changed:
        return 0
    # Lock what the page showed, then compare: another editor's save either finished before
    # (and is seen as stale here) or waits for ours.
    current = {
        (q.county_id, q.unit_id): q.count
        for q in QuotaAllocation.objects.select_for_update().filter(
            campaign=campaign, county__in=[c.county for c in changed], unit__in=[c.unit for c in changed]
        )
    }
    stale = [c for c in changed if current.get((c.county.pk, c.unit.pk), 0) != c.original]
    if stale:
        raise QuotaRefused(
            [f"{c.county.name}·{c.unit.name}：页面打开后已被他人改为 {current.get((c.county.pk, c.unit.pk), 0)}" for c in stale]
        )
    for c in changed:
        quota_set(campaign=campaign, unit=c.unit, county=c.county, count=parse_count(c.text), by=by)
    return len(changed)
