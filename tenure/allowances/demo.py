"""The demo's allowances and 述职 in 岢岚县 (2016): the administrator's floor and the rates of the
current campaign for every unit level; for each unit with secretaries in 岢岚县, its March
statement (January to March) paid and its November statement (the months confirmed since)
(for shuji's unit and the demo unit) drawn up, with shuji's February corrected after payment, and
waiting to be paid; three of 岚漪镇's secretaries' half-year 述职 submitted, shuji's heard by his
unit and the county. Every row is written by the services, as a person would; it adds about a second."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dispatch.models import Campaign, DispatchingUnit, Role, User
from tenure.allowances import services
from tenure.allowances.models import AllowanceRate
from tenure.calendar import calendar_for
from tenure.models import DiaryEntry, Inspection, PresenceMonth, PresenceRecord
from tenure.months import month_confirm, month_reopen

YEAR = 2016
KELAN = "140929"
FLOOR = Decimal("100")  # 差旅费伙食补助费标准: 100 元 a day
# Daily 生活 / 交通 / 通讯 by unit level (the farther the unit, the more the travel).
RATES = {
    DispatchingUnit.Level.CENTRAL: ("120", "40", "10"),
    DispatchingUnit.Level.PROVINCE: ("120", "40", "10"),
    DispatchingUnit.Level.CITY: ("110", "30", "10"),
    DispatchingUnit.Level.COUNTY: ("100", "20", "10"),
}


@transaction.atomic
def load_demo_allowances() -> dict[str, int]:
    """Load once: a database with rates is left alone. Returns counts."""
    campaign = Campaign.current()
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    if campaign is None or admin is None or AllowanceRate.objects.exists():
        return {}
    day = datetime.date(YEAR, 1, 1)
    services.floor_set(valid_from=day, living_daily_min=FLOOR, basis="差旅费伙食补助费标准（每人每天100元）", by=admin)
    for level, (living, transport, communication) in RATES.items():
        services.rate_set(
            campaign=campaign,
            unit_level=level,
            valid_from=day,
            living_daily=Decimal(living),
            transport_daily=Decimal(transport),
            communication_daily=Decimal(communication),
            by=admin,
        )
    units = set(
        PresenceMonth.objects.filter(posting__county__code=KELAN, year=YEAR, state=PresenceMonth.State.CONFIRMED).values_list(
            "posting__unit_id", flat=True
        )
    )
    unit_users = {
        u.unit_id: u for u in User.objects.filter(role=Role.UNIT, is_active=True, unit_id__in=units).select_related("unit").order_by("pk")
    }
    counts = {"statement": 0, "paid": 0, "correction": 0}
    users = [user for _, user in sorted(unit_users.items())]
    for user in users:
        march = services.statement_prepare(unit=user.unit, year=YEAR, month=3, by=user)
        services.statement_mark_paid(statement=march, by=user, paid_on=timezone.localdate(march.prepared_at))
        counts["statement"] += 1
        counts["paid"] += 1
    counts["correction"] = _correct_shujis_february(admin)
    # November (April to November, and shuji's February correction) for shuji's unit and the
    # demo's unit only: enough to show the page and the 待办 within the demo's time.
    shown = set(User.objects.filter(username__in=("shuji", "guotu")).values_list("secretary_account__posting__unit_id", "unit_id"))
    for user in users:
        if any(user.unit_id in pair for pair in shown):
            services.statement_prepare(unit=user.unit, year=YEAR, month=11, by=user)
            counts["statement"] += 1
    from tenure.workreports.demo import load_demo_reports

    counts.update(load_demo_reports())
    return counts


def _correct_shujis_february(admin) -> int:
    """After February was paid, the township finds a day shuji was in the village that nobody
    recorded: the county reopens the month, the township records the day and confirms again, and
    the November statement carries the difference as a correction line."""
    shuji = User.objects.filter(username="shuji").select_related("secretary_account__posting").first()
    if shuji is None:
        return 0
    posting = shuji.secretary_account.posting
    month = PresenceMonth.objects.filter(posting=posting, year=YEAR, month=2, state=PresenceMonth.State.CONFIRMED).first()
    county = User.objects.filter(username="kelan").first()
    township = User.objects.filter(role=Role.TOWNSHIP, region=posting.village.township).first()
    if month is None or county is None or township is None:
        return 0
    first, last = datetime.date(YEAR, 2, 1), datetime.date(YEAR, 2, 29)
    recorded = set(DiaryEntry.objects.filter(posting=posting, date__range=(first, last)).values_list("date", flat=True))
    recorded |= set(PresenceRecord.objects.filter(posting=posting, date__range=(first, last)).values_list("date", flat=True))
    recorded |= set(Inspection.objects.filter(posting=posting, date__range=(first, last)).values_list("date", flat=True))
    free = [day for day in calendar_for(first, last).working_days(first, last) if day not in recorded]
    if not free:
        return 0
    month_reopen(month=month, by=county, reason=f"补记{free[0].month}月{free[0].day}日乡镇确认在村")
    PresenceRecord.objects.create(posting=posting, date=free[0], kind=PresenceRecord.Kind.TOWNSHIP, note="补记", recorded_by=township)
    month_confirm(posting=posting, year=YEAR, month=2, by=township)
    return 1
