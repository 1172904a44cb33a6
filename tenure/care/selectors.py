"""Who lacks what (notice §五.3, §五.6): for each secretary in office on a day, whether he has
had the county's 任职培训, whether an accident insurance policy covers him that day and for the
next 30 days, and whether this year's health check is done. One definition, read by the county's
and unit's page, their 待办 and the secretary's own page.

- **covered** on a day: a policy's period (both ends inclusive) contains the day.
- **lapsing**: covered on the day, but some day within the next 30 days is not: a policy
  covering him ends on a day E in [day, day + 30) and no policy covers E + 1. This is exact
  whatever the chain of renewals (the first uncovered day L after the day is E + 1 of the policy
  ending on L − 1).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, DateField, Exists, ExpressionWrapper, Max, OuterRef, Q, QuerySet

from secretaries.models import Posting
from tenure.care.models import HealthCheck, Insurance, Training
from tenure.models import DiaryEntry
from tenure.selectors import postings_in_office, today

LAPSE_WARNING_DAYS = 30
ONE_DAY = datetime.timedelta(days=1)


class Lack:
    """The filters of the who-lacks-what page, as ?lack= values."""

    ANY = "any"
    TRAINING = "training"
    INSURANCE = "insurance"
    LAPSING = "lapsing"
    HEALTH = "health"
    ALL = "all"

    CHOICES = [
        (ANY, "有缺项的"),
        (TRAINING, "未参加任职培训"),
        (INSURANCE, "当日无意外险"),
        (LAPSING, "意外险30天内到期"),
        (HEALTH, "本年度未体检"),
        (ALL, "全部在任第一书记"),
    ]


def covered_q(day: datetime.date, posting_ref: str = "pk") -> Exists:
    return Exists(Insurance.objects.filter(posting=OuterRef(posting_ref), start_date__lte=day, end_date__gte=day))


def lapsing_q(day: datetime.date, posting_ref: str = "pk") -> Exists:
    day_after_end = ExpressionWrapper(OuterRef("end_date") + ONE_DAY, output_field=DateField())
    continued = Insurance.objects.filter(posting=OuterRef("posting"), start_date__lte=day_after_end, end_date__gt=OuterRef("end_date"))
    ending = Insurance.objects.filter(
        posting=OuterRef(posting_ref), end_date__gte=day, end_date__lt=day + datetime.timedelta(days=LAPSE_WARNING_DAYS)
    ).filter(~Exists(continued))
    return Exists(ending)


def with_care(postings: QuerySet[Posting], day: datetime.date) -> QuerySet[Posting]:
    """The postings annotated with has_induction, covered, lapsing (covered but not for the next
    30 days) and health_done (this year's check done)."""
    return postings.annotate(
        has_induction=Exists(Training.objects.filter(posting=OuterRef("pk"), kind=Training.Kind.INDUCTION)),
        covered=covered_q(day),
        ends_soon=lapsing_q(day),
        health_done=Exists(HealthCheck.objects.filter(posting=OuterRef("pk"), year=day.year, done=True)),
    )


def in_office_on(user, day: datetime.date) -> QuerySet[Posting]:
    """The secretaries in office this user may see whose term covers ``day``."""
    return postings_in_office(user).filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))


def reference_day(user) -> datetime.date:
    """Today; when every term in the user's scope is already over (a past campaign, the demo's
    2016), the last day with a diary entry within them, so the page speaks of their time."""
    day = today()
    postings = postings_in_office(user)
    latest_end = postings.aggregate(latest=Max("end_date"))["latest"]
    if latest_end and latest_end < day:
        last_entry = DiaryEntry.objects.filter(posting__in=postings, state=DiaryEntry.State.SUBMITTED).aggregate(last=Max("date"))["last"]
        day = min(last_entry or latest_end, latest_end)
    return day


def lacking(user, day: datetime.date, lack: str = Lack.ANY) -> QuerySet[Posting]:
    postings = with_care(in_office_on(user, day), day)
    conditions = {
        Lack.TRAINING: Q(has_induction=False),
        Lack.INSURANCE: Q(covered=False),
        Lack.LAPSING: Q(covered=True, ends_soon=True),
        Lack.HEALTH: Q(health_done=False),
    }
    if lack == Lack.ALL:
        return postings
    if lack in conditions:
        return postings.filter(conditions[lack])
    return postings.filter(conditions[Lack.TRAINING] | conditions[Lack.INSURANCE] | conditions[Lack.LAPSING] | conditions[Lack.HEALTH])


def lack_counts(user, day: datetime.date) -> dict[str, int]:
    """How many secretaries lack each thing on ``day``: one query."""
    postings = with_care(in_office_on(user, day), day)
    return postings.aggregate(
        training=Count("pk", filter=Q(has_induction=False)),
        insurance=Count("pk", filter=Q(covered=False)),
        lapsing=Count("pk", filter=Q(covered=True, ends_soon=True)),
        health=Count("pk", filter=Q(health_done=False)),
    )


def lapse_date(posting: Posting, day: datetime.date) -> datetime.date | None:
    """The first day after ``day`` that no policy covers, if he is covered on ``day``."""
    policies = sorted(Insurance.objects.filter(posting=posting, end_date__gte=day).values_list("start_date", "end_date"))
    covered_to = None
    for start, end in policies:
        if covered_to is None:
            if start > day:
                return None
            covered_to = end
        elif start <= covered_to + ONE_DAY:
            covered_to = max(covered_to, end)
        else:
            break
    return covered_to + ONE_DAY if covered_to is not None else None


@dataclass
class CareSummary:
    """One secretary's care and training, for his page."""

    day: datetime.date
    trainings: list[Training]
    insurances: list[Insurance]
    health_checks: list[HealthCheck]
    has_induction: bool
    covered: bool
    lapses_on: datetime.date | None
    lapsing: bool
    health_done: bool

    @property
    def complete(self) -> bool:
        return self.has_induction and self.covered and not self.lapsing and self.health_done


def care_summary(posting: Posting, day: datetime.date) -> CareSummary:
    trainings = list(Training.objects.filter(posting=posting).order_by("-start_date"))
    insurances = list(Insurance.objects.filter(posting=posting).order_by("-end_date"))
    checks = list(HealthCheck.objects.filter(posting=posting).order_by("-year"))
    lapses_on = lapse_date(posting, day)
    return CareSummary(
        day=day,
        trainings=trainings,
        insurances=insurances,
        health_checks=checks,
        has_induction=any(t.kind == Training.Kind.INDUCTION for t in trainings),
        covered=lapses_on is not None,
        lapses_on=lapses_on,
        lapsing=lapses_on is not None and lapses_on <= day + datetime.timedelta(days=LAPSE_WARNING_DAYS),
        health_done=any(c.year == day.year and c.done for c in checks),
    )
