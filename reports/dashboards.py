"""The dashboards' figures (统计图表): each one aggregate query in the database, scoped by the one
rule (``visible_to``), never rows loaded into Python to be counted.

- coverage of the target villages (两类村) of a region, by its cities, counties or townships:
  secretary in office / assigned but not yet arrived / none;
- the pipeline: the campaign's postings per state;
- quota fulfilment (附表2): per dispatching unit, its quota against its secretaries assigned or
  in office in its quota counties;
- submissions of the ledger against the deadline: per city (to the province) or county (to its
  city), submitted on time, late, or missing.

Coverage is the villages' state now, whatever campaign sent the secretary (a secretary kept on
past the term by 留任 still covers the village), as the village list's 第一书记 filter reads it;
the pipeline and the quotas are per campaign.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum

from core.navigation import HomePanel
from core.scope import Scope
from dispatch import roles
from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation, User
from reports.models import Submission, deadline_for, is_past, late_from
from reports.selectors import ledger_postings
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
    State.APPLIED,
    State.QUALIFIED,
    State.RECOMMENDED,
    State.APPROVED,
    State.FILED,
    State.ASSIGNED,
    State.IN_OFFICE,
    State.ENDED,
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
        counts = dict(Posting.objects.visible_to(user).filter(campaign=campaign).values_list("state").annotate(n=Count("id")).order_by())
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
    in_quota_county = Exists(quotas.filter(unit_id=OuterRef("unit_id"), county_id=OuterRef("county_id")).values("pk"))
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
            unit_id=r["unit_id"],
            unit_name=r["unit__name"],
            unit_level=r["unit__level"],
            quota=r["quota"],
            **{key: filled.get(r["unit_id"], {}).get(key, 0) for key in ("in_office", "assigned", "postings")},
        )
        for r in quota_rows
    ]
    total = QuotaRow(
        unit_id=0,
        unit_name="合计",
        unit_level="",
        **{key: sum(getattr(r, key) for r in rows) for key in ("quota", "in_office", "assigned", "postings")},
    )
    return {"rows": rows, "total": total}


# A region against its deadline, in the order the chart shows them.
SUBMISSION_STATUSES = {
    "on_time": "按期报送",
    "late": "逾期报送",
    "overdue": "逾期未报送",
    "pending": "未报送（未到期）",
    "no_rows": "无台账数据",
}


@dataclass(frozen=True)
class SubmissionRow:
    code: str
    name: str
    level: str  # Submission.Level of what this region submits
    deadline: datetime.date
    status: str  # a key of SUBMISSION_STATUSES
    submitted_at: datetime.datetime | None  # of the submitted or accepted submission
    latest_id: int | None  # the region's latest submission in the campaign, returned ones included
    returned: int  # how many of its submissions were returned

    @property
    def status_label(self) -> str:
        return SUBMISSION_STATUSES[self.status]


def submissions_against_deadline(*, user: User, campaign: Campaign | None, region: Region) -> dict:
    """The ledgers due from the regions under ``region`` (a province's cities, a city's counties;
    a county's own) in ``campaign``, each on time, late, missing past the deadline, not yet due,
    or with nothing to report (no secretary in its ledger). A region with a submission that is
    waiting or accepted has submitted; a returned one is missing until it is sent again, as the
    submissions overview counts them. One aggregate query over the regions (≤ 14 counties, 11
    cities). Regions are counted only inside the user's scope, which for the organization
    departments is the scope of their submissions too; other roles see no ledgers."""
    empty = {"rows": [], "counts": {key: 0 for key in SUBMISSION_STATUSES}, "deadline": None, "level": None}
    if campaign is None or not roles.can(user, roles.VIEW_LEDGER_STATUS):
        return empty
    if region.level == Region.Level.PROVINCE:
        regions, level = Region.objects.filter(parent=region, level=Region.Level.CITY), Submission.Level.CITY
    elif region.level == Region.Level.CITY:
        regions, level = Region.objects.filter(parent=region, level=Region.Level.COUNTY), Submission.Level.COUNTY
    else:
        regions, level = Region.objects.filter(pk=region.pk), Submission.Level.COUNTY
    deadline = deadline_for(campaign=campaign, level=level)
    cutoff = late_from(deadline)  # the lateness rule (reports.models)
    this_campaign = Q(submissions__campaign=campaign)
    is_open = this_campaign & Q(submissions__state__in=Submission.OPEN_STATES)
    rows = []
    figures = (
        Region.objects.visible_to(user)
        .filter(pk__in=regions.values("pk"))
        .annotate(
            on_time=Count("submissions", filter=is_open & Q(submissions__submitted_at__lt=cutoff)),
            late=Count("submissions", filter=is_open & Q(submissions__submitted_at__gte=cutoff)),
            returned=Count("submissions", filter=this_campaign & Q(submissions__state=Submission.State.RETURNED)),
            submitted_at=Max("submissions__submitted_at", filter=is_open),
            latest_id=Max("submissions__id", filter=this_campaign),
            has_rows=Exists(ledger_postings(campaign).filter(Q(county=OuterRef("pk")) | Q(county__parent=OuterRef("pk")))),
        )
        .order_by("code")
    )
    for r in figures:
        if r.on_time:
            status = "on_time"
        elif r.late:
            status = "late"
        elif not r.has_rows:
            status = "no_rows"
        else:
            status = "overdue" if is_past(deadline) else "pending"
        rows.append(SubmissionRow(r.code, r.name, level, deadline, status, r.submitted_at, r.latest_id, r.returned))
    counts = {key: sum(1 for row in rows if row.status == key) for key in SUBMISSION_STATUSES}
    return {"rows": rows, "counts": counts, "deadline": deadline, "level": level}


# --- a dispatching unit's own figures, for its home page ---------------------------------------
@dataclass(frozen=True)
class UnitQuotaRow:
    """One county of a unit's quotas (附表2) and how far the unit's candidates have got there."""

    county_code: str
    county_name: str
    quota: int
    in_office: int
    assigned: int
    filed: int
    on_the_way: int  # recommended, or approved by 省扶贫办, not yet filed

    @property
    def used(self) -> int:
        return self.in_office + self.assigned + self.filed + self.on_the_way

    @property
    def left(self) -> int:
        return self.quota - self.used


def unit_quota_use(*, user: User, campaign: Campaign | None) -> list[UnitQuotaRow]:
    """The quotas of the user's own unit in ``campaign``, per county, with the unit's postings
    there by how far they have got (in office, assigned, filed, recommended or approved). A
    county where the unit has postings but no quota is listed with quota 0. Two queries."""
    unit_id = Scope.of(user).unit_id
    if campaign is None or unit_id is None:
        return []
    quotas = {
        row["county_id"]: row
        for row in QuotaAllocation.objects.filter(campaign=campaign, unit_id=unit_id)
        .values("county_id", "county__code", "county__name")
        .annotate(quota=Sum("count"))
        .order_by()
    }
    counts = {
        row["county_id"]: row
        for row in Posting.objects.visible_to(user)
        .filter(campaign=campaign, county__isnull=False)
        .values("county_id", "county__code", "county__name")
        .annotate(
            in_office=Count("id", filter=Q(state=State.IN_OFFICE)),
            assigned=Count("id", filter=Q(state=State.ASSIGNED)),
            filed=Count("id", filter=Q(state=State.FILED)),
            on_the_way=Count("id", filter=Q(state__in=[State.RECOMMENDED, State.APPROVED])),
        )
        .order_by()
    }
    rows = []
    for county_id in {*quotas, *counts}:
        quota, count = quotas.get(county_id, {}), counts.get(county_id, {})
        place = quota or count
        if not (quota or any(count.get(k) for k in ("in_office", "assigned", "filed", "on_the_way"))):
            continue
        rows.append(
            UnitQuotaRow(
                county_code=place["county__code"],
                county_name=place["county__name"],
                quota=quota.get("quota") or 0,
                **{k: count.get(k, 0) for k in ("in_office", "assigned", "filed", "on_the_way")},
            )
        )
    return sorted(rows, key=lambda r: r.county_code)


def unit_home_panel(user: User) -> HomePanel | None:
    """A dispatching unit's home: its quotas per county and their use, its candidates by state.
    None for everyone else (their home shows their region)."""
    if Scope.of(user).unit_id is None:
        return None
    campaign = Campaign.current()
    pipeline = pipeline_counts(user=user, campaign=campaign)
    return HomePanel(
        "reports/_unit_home.html",
        {
            "campaign": campaign,
            "quota_rows": unit_quota_use(user=user, campaign=campaign),
            "pipeline_rows": [r for r in pipeline["rows"] if r.count],
            "pipeline_total": pipeline["total"],
        },
    )
