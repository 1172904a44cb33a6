"""The demo's care, training and work team (issue #13 point 8) for 岢岚县's secretaries in office,
seen from the demo's 2016 (the pages' reference day is 2016's last diary day, 30 December):

- training for all: the county's 任职培训 on arrival (August 2015) and the week of 2016's
  county training (14–18 March, the official absence tenure/demo.py records);
- accident insurance for most, for their term; three whose policy ends on 15 January 2017
  (lapsing within 30 days of 30 December) and four without any (no insurance);
- 2016's health check done for all but five;
- one 驻村工作组 of three in a 重点难点村 of 岢岚县 with a secretary in office (the demo's categories
  give 岢岚县 a few; shuji's village is marked one only if there is none).

The rows are what tenure.care.services writes (the record and its CareEvent), inserted in bulk
(some 500 rows: the services' lock and checks per row would cost seconds); the work team goes
through its service (tenure.teams.services.team_form). The demo has one unit account (guotu);
other units' health checks and policies are entered by the administrator in their stead.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dispatch.models import Role, User
from secretaries.idcard import make_id_number
from secretaries.models import Posting
from tenure.care.models import CareEvent, HealthCheck, Insurance, Training
from tenure.teams.models import WorkTeam
from tenure.teams.services import NewMember, team_form
from villages.services import villages_set_categories

KELAN = "140929"
D = datetime.date
INDUCTION = (D(2015, 8, 24), D(2015, 8, 26))
COUNTY_WEEK = (D(2016, 3, 14), D(2016, 3, 18))
NO_INSURANCE, LAPSING, NO_HEALTH_CHECK = 4, 3, 5


def _event(posting: Posting, by: User, action: str, record, details: dict, at) -> CareEvent:
    return CareEvent(posting=posting, actor=by, actor_role=by.role, action=action, record_id=record.pk, details=details, at=at)


@transaction.atomic
def load_demo_care_and_teams() -> dict[str, int]:
    """Load once: a database with training records is left alone. Returns counts."""
    if Training.objects.exists():
        return {}
    county = User.objects.filter(username="kelan", role=Role.COUNTY_ORG).first()
    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    if county is None or admin is None:
        return {}
    unit_users = {u.unit_id: u for u in User.objects.filter(role=Role.UNIT, unit__isnull=False).order_by("pk")}
    postings = list(
        Posting.objects.filter(county__code=KELAN, state=Posting.State.IN_OFFICE, village__isnull=False)
        .select_related("cadre", "village")
        .order_by("village__code")
    )
    at = timezone.make_aware(datetime.datetime(2016, 12, 30, 17, 0))
    trainings = []
    for posting in postings:
        trainings.append(
            Training(
                posting=posting,
                kind=Training.Kind.INDUCTION,
                title="2015年岢岚县第一书记任职培训班",
                organiser="岢岚县委组织部",
                start_date=INDUCTION[0],
                end_date=INDUCTION[1],
                hours=Decimal("24"),
                recorded_by=county,
                recorded_at=at,
            )
        )
        trainings.append(
            Training(
                posting=posting,
                kind=Training.Kind.POLICY,
                title="2016年全县第一书记集中培训（精准扶贫政策和村级治理）",
                organiser="岢岚县委组织部、县扶贫办",
                start_date=COUNTY_WEEK[0],
                end_date=COUNTY_WEEK[1],
                hours=Decimal("40"),
                recorded_by=county,
                recorded_at=at,
            )
        )
    Training.objects.bulk_create(trainings)
    insured = postings[NO_INSURANCE:]
    policies = [
        Insurance(
            posting=posting,
            insurer="中国人民财产保险股份有限公司忻州市分公司",
            policy_number=f"PEAC2016140929{i:04d}",
            start_date=D(2016, 1, 1) if posting.start_date and posting.start_date.year < 2016 else posting.start_date,
            end_date=D(2017, 1, 15) if i < LAPSING else (posting.end_date or D(2017, 8, 31)),
            sum_insured=Decimal("500000"),
            recorded_by=unit_users.get(posting.unit_id, admin),
            recorded_at=at,
        )
        for i, posting in enumerate(insured)
    ]
    Insurance.objects.bulk_create(policies)
    checks = [
        HealthCheck(
            posting=posting,
            year=2016,
            done=True,
            date=D(2016, 5, 10) + datetime.timedelta(days=i % 20),
            recorded_by=unit_users.get(posting.unit_id, admin),
            recorded_at=at,
        )
        for i, posting in enumerate(postings[: len(postings) - NO_HEALTH_CHECK])
    ]
    HealthCheck.objects.bulk_create(checks)
    events = [
        _event(t.posting, t.recorded_by, CareEvent.Action.TRAINING, t, {"kind": t.kind, "title": t.title, "hours": str(t.hours)}, at)
        for t in trainings
    ]
    events += [
        _event(p.posting, p.recorded_by, CareEvent.Action.INSURANCE, p, {"policy_number": p.policy_number, "end_date": str(p.end_date)}, at)
        for p in policies
    ]
    events += [
        _event(c.posting, c.recorded_by, CareEvent.Action.HEALTH_CHECK, c, {"year": c.year, "done": True, "date": str(c.date)}, at)
        for c in checks
    ]
    CareEvent.objects.bulk_create(events)
    return {"training": len(trainings), "insurance": len(policies), "health_check": len(checks), "work_team": _work_team(county)}


def _work_team(county: User) -> int:
    """One team of three, formed on 1 April 2016, in a 重点难点村 of 岢岚县 with a secretary in office
    (shuji's village if it is one); only if there is none is shuji's village marked 重点难点村."""
    in_office = Posting.objects.filter(county__code=KELAN, state=Posting.State.IN_OFFICE, village__isnull=False).select_related("village")
    shuji = in_office.filter(account__user__username="shuji").first()
    key = list(in_office.filter(village__is_key_difficult=True).order_by("village__code"))
    posting = shuji if shuji in key else (key[0] if key else shuji)
    if posting is None or WorkTeam.objects.filter(village=posting.village).exists():
        return 0
    village = posting.village
    if not village.is_key_difficult:
        villages_set_categories(changes={village.pk: {"is_key_difficult": True}}, note="演示数据：组建驻村工作组")
        village.refresh_from_db()
    members = [
        NewMember("李文华", make_id_number(KELAN, D(1979, 4, 12), 31, "M"), "岢岚县农业委员会", "county", "13803501234"),
        NewMember("周建平", make_id_number("140902", D(1984, 9, 3), 52, "M"), "忻州市扶贫开发办公室", "city"),
        NewMember("孙丽", make_id_number(KELAN, D(1988, 1, 21), 64, "F"), "岚漪镇人民政府", "township", "13935012345"),
    ]
    team_form(village=village, by=county, formed_on=D(2016, 4, 1), members=members, note="岢组通〔2016〕5号")
    return 1
