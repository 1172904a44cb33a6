"""The demo's time in office (issue #12, point 8): the year 2016, with the official 2016 calendar.

- The demo's ``shuji`` is the secretary in office of 岚漪镇's first village (the township of the
  demo's ``lanyi``): the account 履岗任职 opened for him, given the demo's name and password.
- 岢岚县's 66 secretaries keep the whole year: 民情日记 on the days in the village (a few confirmed
  by the township instead), a week of county training, leave asked, approved by the level the
  rule table names and some closed early (销假), inspections by the township or the county, and
  months confirmed by their township (岚漪镇 January–November, the others January–March). Most are above
  2/3 of 2016's 250 working days; one is exactly at it (167 days), one a day below (166), and a
  few clearly below, one of them found absent by an inspection.
- The rest of the province keeps the diary of 2016's last three working days (28–30 December,
  on most of them), so that every township's month, every county's and city's year list and every unit's
  page show figures — and, truthfully, that those secretaries' 2016 is far below 2/3: the
  demo has no more of their year (a year for 9,395 secretaries would not load in a minute).

Leave, official absences, inspections, 岢岚县's diaries and the monthly confirmations go through
their services (tenure.leave, tenure.absences, tenure.inspections, tenure.diary's batch writer
``diary_entries_load``, tenure.months). The township's presence records of 岢岚县 and the rest
of the province's last days of diary (some 24,000 rows, each secretary his own writer) are inserted in
bulk: they are what the services write for a day in the village (a diary entry submitted, in
the village, the duties in the notice's order, written by the secretary himself), so every
figure is the one the services would give.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from core.bulk import insert_rows
from dispatch.demo import DEMO_PASSWORD, demo_password_hash
from dispatch.models import Role, User
from dispatch.roles import role_group_name
from secretaries.models import Posting
from tenure.absences import absence_record
from tenure.assessments.demo import load_demo_assessments
from tenure.calendar import calendar_for
from tenure.diary import diary_entries_load
from tenure.inspections import inspection_record
from tenure.leave import leave_approve, leave_ask, leave_close
from tenure.models import DiaryEntry, Duty, Inspection, LeaveRequest, OfficialAbsence, PresenceRecord, SecretaryAccount
from tenure.months import month_confirm

SEED = 2016
YEAR = 2016
KELAN = "140929"  # 岢岚县
LANYI = "140929100"  # 岚漪镇, the demo's township (lanyi) and shuji's
# The months the townships have confirmed: 岚漪镇 (the demo's lanyi) January–November, the
# others the first quarter (each confirmation works the month out: a few queries each).
CONFIRMED_MONTHS = {LANYI: range(1, 12)}
CONFIRMED_MONTHS_ELSEWHERE = range(1, 4)
# The rest of the province: the diary of the year's last three working days (a longer stretch for
# 9,329 secretaries costs the load seconds per day on SQLite).
LAST_WEEK = (datetime.date(YEAR, 12, 28), datetime.date(YEAR, 12, 30))
TRAINING = (datetime.date(YEAR, 3, 14), datetime.date(YEAR, 3, 18))
# Days in the village out of 2016's 250 working days: named cases first, the others drawn.
EXACTLY_TWO_THIRDS, A_DAY_BELOW = 167, 166
CLEARLY_BELOW = (138, 151, 159)

# What a day's entry says, by duty: the notice's §四, in a village of 岢岚县.
WORK = {
    Duty.ORGANIZATION: [
        "召开村“两委”班子会议，研究本月重点工作",
        "组织党员学习，开展“两学一做”专题党课",
        "走访老党员，听取对村党支部工作的意见",
        "指导村党支部规范“三会一课”记录",
    ],
    Duty.POVERTY: [
        "入户核实建档立卡贫困户家庭收入和帮扶措施",
        "对接派出单位落实产业扶持资金，查看沙棘种植基地",
        "协调县农委技术员为养殖户讲解肉羊防疫",
        "整理贫困户“一户一策”台账，更新帮扶手册",
    ],
    Duty.STABILITY: [
        "调解两户村民宅基地边界纠纷",
        "排查村内矛盾纠纷和安全隐患，检查防火设施",
        "接待村民来访，了解土地流转中的意见",
    ],
    Duty.SERVICE: [
        "为村民代办新农合报销和养老保险手续",
        "帮助留守老人联系乡卫生院上门体检",
        "协调解决村里饮水管道冻裂问题",
        "为外出务工人员开具证明，联系就业信息",
    ],
    Duty.GOVERNANCE: [
        "公开本季度村务和财务，接受村民监督",
        "完善村规民约，组织村民代表讨论",
        "召开村民代表会议，商议村道硬化方案",
    ],
}
HOUSEHOLDS = "王 李 张 刘 杨 赵 高 郭 马 贾".split()


def _diary_row(rng: random.Random, posting_id: int, user_id: int, day: datetime.date, tz) -> dict:
    duties = sorted(rng.sample(list(Duty), rng.choice((1, 1, 2, 2, 3))), key=list(Duty).index)
    visited = rng.choice((0, 0, 1, 2, 3, 4, 5, 6))
    names = "、".join(f"{rng.choice(HOUSEHOLDS)}某某" for _ in range(min(visited, 3))) if visited and rng.random() < 0.4 else ""
    content = "；".join(rng.choice(WORK[d]) for d in duties) + "。"
    at = datetime.datetime.combine(day, datetime.time(20, rng.randint(0, 59)), tzinfo=tz)
    return {
        "posting_id": posting_id,
        "date": day,
        "in_village": True,
        "duties": [d.value for d in duties],
        "households_visited": visited,
        "household_names": names,
        "content": content,
        "state": DiaryEntry.State.SUBMITTED,
        "written_by_id": user_id,
        "created_at": at,
        "updated_at": at,
        "submitted_at": at,
    }


DIARY_FIELDS = [
    "posting",
    "date",
    "in_village",
    "duties",
    "households_visited",
    "household_names",
    "content",
    "state",
    "written_by",
    "created_at",
    "updated_at",
    "submitted_at",
]
RECORD_FIELDS = ["posting", "date", "kind", "note", "recorded_by", "recorded_at"]


class TenureDemo:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.tz = timezone.get_current_timezone()
        self.calendar = calendar_for(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
        self.working = sorted(self.calendar.working)  # 250 days
        self.county_user = User.objects.get(role=Role.COUNTY_ORG, region__code=KELAN, username="kelan")
        postings = Posting.objects.filter(state=Posting.State.IN_OFFICE, village__isnull=False, account__isnull=False)
        self.kelan = list(
            postings.filter(county__code=KELAN).select_related("village__township", "account__user").order_by("village__code")
        )
        self.others = list(postings.exclude(county__code=KELAN).values_list("pk", "account__user_id"))
        self.townships = self._township_users()

    # --- accounts ------------------------------------------------------------------------------
    def shuji(self, password: str) -> str | None:
        """岚漪镇's first secretary in office becomes the demo's shuji (his account was opened by
        履岗任职, as every secretary's)."""
        if User.objects.filter(username="shuji").exists():
            return None
        posting = next(p for p in self.kelan if p.village.township.code == LANYI)
        user = posting.account.user
        hashed = demo_password_hash() if password == DEMO_PASSWORD else make_password(password)
        user.username, user.password, user.must_change_password = "shuji", hashed, False
        user.save(update_fields=["username", "password", "must_change_password"])
        return user.full_name

    def _township_users(self) -> dict[int, User]:
        """Each 岢岚县 township with a secretary has its party committee's account (lanyi for
        岚漪镇, xiang<code> for the others), with the demo password."""
        wanted = {p.village.township for p in self.kelan}
        users = {u.region_id: u for u in User.objects.filter(role=Role.TOWNSHIP, region__in=wanted).order_by("-pk")}
        password = demo_password_hash()
        new = [
            User(username=f"xiang{t.code}", full_name=f"{t.name}党委", role=Role.TOWNSHIP, region=t, password=password)
            for t in sorted(wanted, key=lambda t: t.code)
            if t.pk not in users
        ]
        User.objects.bulk_create(new)
        group = Group.objects.get(name=role_group_name(Role.TOWNSHIP))
        created = list(User.objects.filter(username__in=[u.username for u in new]))
        User.groups.through.objects.bulk_create([User.groups.through(user_id=u.pk, group_id=group.pk) for u in created])
        users.update({u.region_id: u for u in created})
        return users

    # --- 岢岚县: the whole year ------------------------------------------------------------------
    def targets(self) -> dict[int, int]:
        """Days in the village for each 岢岚县 secretary: the named cases, then drawn above 2/3."""
        rng = self.rng
        ids = [p.pk for p in self.kelan]
        shuji = next(p.pk for p in self.kelan if p.village.township.code == LANYI)
        others = [pk for pk in ids if pk != shuji]
        picked = rng.sample(others, 2 + len(CLEARLY_BELOW))
        named = dict(zip(picked, (EXACTLY_TWO_THIRDS, A_DAY_BELOW, *CLEARLY_BELOW), strict=True))
        return {pk: named.get(pk, 196 if pk == shuji else rng.randint(172, 228)) for pk in ids}

    def kelan_year(self) -> dict[str, int]:
        rng, working, county = self.rng, self.working, self.county_user
        counts = defaultdict(int)
        targets = self.targets()
        diaries, records = [], []
        for posting in self.kelan:
            user = posting.account.user
            township = self.townships[posting.village.township_id]
            # The county's training week (official absence, through its service).
            absence_record(
                posting=posting,
                by=county,
                kind=OfficialAbsence.Kind.TRAINING,
                start_date=TRAINING[0],
                end_date=TRAINING[1],
                reason="岢政组〔2016〕3号：全县第一书记集中培训",
            )
            counts["official_absence"] += 1
            away = {d for d in working if TRAINING[0] <= d <= TRAINING[1]}
            # Leave: a short one (the township approves), and for one in three a week (the county).
            leave_days = set()
            for length in (rng.choice((1, 2, 3)), *((5,) if rng.random() < 0.34 else ())):
                start_index = rng.randrange(10, len(working) - 10)
                span = working[start_index : start_index + length]
                if away & set(span) or leave_days & set(span):
                    continue
                kind = rng.choice((LeaveRequest.Kind.PERSONAL, LeaveRequest.Kind.PERSONAL, LeaveRequest.Kind.SICK))
                reason = "家中老人住院需照顾" if kind == LeaveRequest.Kind.PERSONAL else "感冒发烧就医"
                leave = leave_ask(posting=posting, by=user, kind=kind, start_date=span[0], end_date=span[-1], reason=reason)
                approver = township if leave.approver_role == Role.TOWNSHIP else county
                leave_approve(leave=leave, by=approver, note="同意")
                counts["leave"] += 1
                taken = span
                if length > 1 and rng.random() < 0.5:
                    # Back a working day early: 销假 with the actual return date.
                    taken = span[:-1]
                    leave_close(leave=leave, by=user, returned_on=span[-1])
                    counts["leave_closed"] += 1
                leave_days |= set(taken)
            free = [d for d in working if d not in away and d not in leave_days]
            present = set(rng.sample(free, min(targets[posting.pk], len(free))))
            unexplained = sorted(set(free) - present)
            for day in sorted(present):
                if rng.random() < 0.05:
                    # Confirmed by the township (乡镇确认在村): he was there, wrote nothing.
                    at = datetime.datetime.combine(day, datetime.time(17), tzinfo=self.tz)
                    records.append(
                        {
                            "posting_id": posting.pk,
                            "date": day,
                            "kind": PresenceRecord.Kind.TOWNSHIP,
                            "note": "乡镇干部下村时见到",
                            "recorded_by_id": township.pk,
                            "recorded_at": at,
                        }
                    )
                else:
                    diaries.append(_diary_row(rng, posting.pk, user.pk, day, self.tz))
            # A few entries on weekends and holidays: written, but not working days.
            for day in rng.sample([d for d in _days(YEAR) if d not in self.calendar.working], 4):
                diaries.append(_diary_row(rng, posting.pk, user.pk, day, self.tz))
            # Inspections: found him there on days he was; one who is below 2/3 found absent.
            for day in rng.sample(sorted(present), rng.choice((1, 2, 3))):
                inspector, names = (township, "乡镇党委组织委员") if rng.random() < 0.6 else (county, "县委组织部督查组")
                inspection_record(
                    posting=posting,
                    by=inspector,
                    date=day,
                    kind=rng.choice(Inspection.Kind.values),
                    inspectors=names,
                    found_present=True,
                    remarks="在村开展工作",
                    at=datetime.datetime.combine(day, datetime.time(11), tzinfo=self.tz),
                )
                counts["inspection"] += 1
            if targets[posting.pk] < EXACTLY_TWO_THIRDS and unexplained:
                day = rng.choice(unexplained)
                inspection_record(
                    posting=posting,
                    by=county,
                    date=day,
                    kind=Inspection.Kind.UNANNOUNCED,
                    inspectors="县委组织部督查组",
                    found_present=False,
                    remarks="到村未见本人，村干部称其回城办事，未请假",
                    at=datetime.datetime.combine(day, datetime.time(10), tzinfo=self.tz),
                )
                counts["inspection"] += 1
        # Each secretary's year of diary through the diary's batch writer, as written by himself.
        by_posting = defaultdict(list)
        for row in diaries:
            by_posting[row["posting_id"]].append(row)
        for posting in self.kelan:
            rows = [
                {
                    "posting": posting,
                    "date": r["date"],
                    "content": r["content"],
                    "duties": r["duties"],
                    "households_visited": r["households_visited"],
                    "household_names": r["household_names"],
                    "submitted_at": r["submitted_at"],
                }
                for r in by_posting[posting.pk]
            ]
            counts["diary"] += len(diary_entries_load(rows=rows, by=posting.account.user))
        counts["presence_record"] = insert_rows(PresenceRecord, records, RECORD_FIELDS)
        # The township confirms each month once it has ended: the figures are stored and locked.
        for posting in self.kelan:
            for month in CONFIRMED_MONTHS.get(posting.village.township.code, CONFIRMED_MONTHS_ELSEWHERE):
                month_confirm(posting=posting, year=YEAR, month=month, by=self.townships[posting.village.township_id])
                counts["month"] += 1
        return counts

    # --- the rest of the province: the year's last days ----------------------------------------
    def last_week(self) -> int:
        rng = self.rng
        days = [d for d in self.working if LAST_WEEK[0] <= d <= LAST_WEEK[1]]
        rows = []
        for posting_id, user_id in self.others:
            share = rng.choice((0.7, 0.8, 0.9, 0.95, 1.0, 1.0))
            for day in days:
                if rng.random() < share:
                    rows.append(_diary_row(rng, posting_id, user_id, day, self.tz))
        return insert_rows(DiaryEntry, rows, DIARY_FIELDS)


def _days(year: int) -> list[datetime.date]:
    day, days = datetime.date(year, 1, 1), []
    while day.year == year:
        days.append(day)
        day += datetime.timedelta(days=1)
    return days


@transaction.atomic
def load_demo_tenure(*, password: str) -> dict[str, int]:
    """Load the demo's 2016, once: a database with diary entries is left alone. Returns counts."""
    if DiaryEntry.objects.exists() or not SecretaryAccount.objects.exists():
        return {}
    demo = TenureDemo()
    shuji = demo.shuji(password)
    counts = dict(demo.kelan_year())
    counts["diary"] += demo.last_week()
    counts["shuji"] = 1 if shuji else 0
    from tenure.allowances.demo import load_demo_allowances  # rates, statements, 述职 reports (#13)
    from tenure.care.demo import load_demo_care_and_teams  # care, training, one work team (#13)

    counts.update(load_demo_care_and_teams())
    counts.update(load_demo_allowances())
    counts.update(load_demo_assessments(postings=demo.kelan, county_user=demo.county_user, townships=demo.townships))
    return counts
