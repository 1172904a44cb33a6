"""The dashboards' figures (统计图表): each one aggregate query in the database, scoped by the one
rule (``visible_to``), never rows loaded into Python to be counted.

- coverage of the target villages (两类村) of a region, by its cities, counties or townships:
  secretary in office / assigned but not yet arrived / none;
- the pipeline: the campaign's postings per state;
- quota fulfilment (附表2): per dispatching unit, its quota against its secretaries assigned or
  in office in its quota counties.

Coverage is the villages' state now, whatever campaign sent the secretary (a secretary kept on
past the term by 留任 still covers the village), as the village list's 第一书记 filter reads it;
the pipeline and the quotas are per campaign.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Sum

from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation, User
from secretaries.models import Posting
from villages.filters import COVERAGE_CONDITIONS
from villages.models import Region, Village

State = Posting.State

# Where a village's city, county or township is, for each level of a breakdown.
VILLAGE_REGION_FIELD = {
    Region.Level.CITY: "county__parent_id",
    Region.Level.COUNTY: "county_id",
    Region.Level.TOWNSHIP: "township_id",
}
CHILD_LEVEL = {
    Region.Level.PROVINCE: Region.Level.CITY,
    Region.Level.CITY: Region.Level.COUNTY,
    Region.Level.COUNTY: Region.Level.TOWNSHIP,
}

# A village joins its postings; at most one is assigned or in office at a time (a constraint),
# but ended and recalled ones repeat the village: hence distinct.
COVERAGE_COUNTS = {
    "targets": Count("id", distinct=True),
    "in_office": Count("id", filter=COVERAGE_CONDITIONS["in_office"][1], distinct=True),
    "assigned": Count("id", filter=COVERAGE_CONDITIONS["assigned"][1], distinct=True),
}

# The pipeline's states in the order of notice §三, then the ways out of it.
PIPELINE_STATES = (
    State.APPLIED, State.QUALIFIED, State.RECOMMENDED, State.APPROVED, State.FILED,
    State.ASSIGNED, State.IN_OFFICE, State.ENDED,
)
OFF_PIPELINE_STATES = (State.REJECTED, State.WITHDRAWN, State.RECALLED)

UPPER_LEVELS = (DispatchingUnit.Level.PROVINCE, DispatchingUnit.Level.CENTRAL)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class CoverageRow:
    code: str
    name: str
    targets: int
    in_office: int
    assigned: int

    @property
    def uncovered(self) -> int:
        return self.targets - self.in_office - self.assigned

    @property
    def covered_percent(self) -> float | None:
        """Share of target villages with a secretary in office."""
        return _percent(self.in_office, self.targets)


def coverage_by_region(*, user: User, region: Region) -> dict:
    """Target villages of ``region`` that ``user`` sees, per city (of the province), county (of a
    city) or township (of a county). Every child region is listed, with zeros where it has no
    target village. Two queries: the child regions, and one aggregate over the villages."""
    child_level = CHILD_LEVEL[region.level]
    children = list(Region.objects.visible_to(user).filter(parent=region).order_by("code"))
    group_field = VILLAGE_REGION_FIELD[child_level]
    counts = {
        row[group_field]: row
        for row in Village.objects.visible_to(user)
        .targets()
        .filter(code__startswith=region.scope_prefix)
        .values(group_field)
        .annotate(**COVERAGE_COUNTS)
        .order_by()
    }
    rows = [
        CoverageRow(code=child.code, name=child.name, **{key: counts.get(child.pk, {}).get(key, 0) for key in COVERAGE_COUNTS})
        for child in children
    ]
    total = CoverageRow(code=region.code, name=region.name, **{key: sum(getattr(r, key) for r in rows) for key in COVERAGE_COUNTS})
    return {"region": region, "child_level": child_level, "rows": rows, "total": total}


@dataclass(frozen=True)
class PipelineRow:
    state: str
    label: str
    count: int
    in_pipeline: bool  # False: rejected, withdrawn, recalled


def pipeline_counts(*, user: User, campaign: Campaign | None) -> dict:
    """The campaign's postings that ``user`` sees, per state: exactly what the candidate list
    shows filtered by that state. One query."""
    counts: dict[str, int] = {}
    if campaign is not None:
        counts = dict(
            Posting.objects.visible_to(user).filter(campaign=campaign).values_list("state").annotate(n=Count("id")).order_by()
        )
    rows = [PipelineRow(s.value, s.label, counts.get(s.value, 0), True) for s in PIPELINE_STATES]
    rows += [PipelineRow(s.value, s.label, counts.get(s.value, 0), False) for s in OFF_PIPELINE_STATES]
    return {"rows": rows, "total": sum(r.count for r in rows)}


@dataclass(frozen=True)
class QuotaRow:
    unit_id: int
    unit_name: str
    unit_level: str
    quota: int
    in_office: int
    assigned: int
    postings: int  # all the unit's postings in the campaign that the user sees

    @property
    def filled(self) -> int:
        return self.in_office + self.assigned

    @property
    def missing(self) -> int:
        return max(0, self.quota - self.filled)

    @property
    def filled_percent(self) -> float | None:
        return _percent(self.filled, self.quota)


def _quotas_for(user: User, campaign: Campaign):
    """The quotas a user's dashboard compares: the province's departments (and 省扶贫办, whose
    scope is provincial units) the provincial and central units'; a city or county department
    the quotas into its counties, of every level of unit."""
    quotas = QuotaAllocation.objects.visible_to(user).filter(campaign=campaign)
    scope = user.scope
    if scope.everything or scope.unit_level or len(scope.region_prefix or "") <= Region.PREFIX_LENGTH[Region.Level.PROVINCE]:
        return quotas.filter(unit__level__in=UPPER_LEVELS)
    return quotas.filter(county__code__startswith=scope.region_prefix)


def quota_fulfilment(*, user: User, campaign: Campaign | None) -> dict:
    """Per dispatching unit with quotas (附表2) that ``user``'s dashboard compares: the quota, and
    the unit's postings of the campaign assigned or in office in one of its quota counties —
    postings into a county where it has no quota do not fill a quota. Two aggregate queries."""
    if campaign is None:
        return {"rows": [], "total": None}
    quotas = _quotas_for(user, campaign)
    quota_rows = list(
        quotas.values("unit_id", "unit__name", "unit__level").annotate(quota=Sum("count")).order_by("unit__level", "unit__name")
    )
    in_quota_county = Exists(
        quotas.filter(unit_id=OuterRef("unit_id"), county_id=OuterRef("county_id")).values("pk")
    )
    filled = {
        row["unit_id"]: row
        for row in Posting.objects.visible_to(user)
        .filter(campaign=campaign, unit_id__in=[r["unit_id"] for r in quota_rows])
        .values("unit_id")
        .annotate(
            postings=Count("id"),
            in_office=Count("id", filter=Q(in_quota_county, state=State.IN_OFFICE)),
            assigned=Count("id", filter=Q(in_quota_county, state=State.ASSIGNED)),
        )
        .order_by()
    }
    rows = [
        QuotaRow(
            unit_id=r["unit_id"], unit_name=r["unit__name"], unit_level=r["unit__level"], quota=r["quota"],
            **{key: filled.get(r["unit_id"], {}).get(key, 0) for key in ("in_office", "assigned", "postings")},
        )
        for r in quota_rows
    ]
    total = QuotaRow(
        unit_id=0, unit_name="合计", unit_level="",
        **{key: sum(getattr(r, key) for r in rows) for key in ("quota", "in_office", "assigned", "postings")},
    )
    return {"rows": rows, "total": total}
