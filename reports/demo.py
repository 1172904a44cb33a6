"""The demo's ledger submissions: 忻州市's counties but 岢岚县 reported on time in July 2015 and
the city accepted them, so that 岢岚县 (kelan) still has its ledger to submit and 忻州市
(xinzhou) compiles its own once 岢岚县's is in. Through the submission services, dated 2015."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from dispatch.models import Campaign, Role, User
from reports.models import Submission
from reports.services import city_accept, county_submit
from villages.models import Region

CITY, LEFT_OUT = "140900", "140929"  # 忻州市, 岢岚县


@transaction.atomic
def load_demo_submissions() -> int:
    """Submit and accept the county ledgers, once: a campaign with submissions is left alone.
    Returns how many were submitted."""
    campaign = Campaign.objects.get(is_current=True)
    if Submission.objects.filter(campaign=campaign).exists():
        return 0
    city = Region.objects.get(code=CITY)
    city_user = User.objects.filter(role=Role.CITY_ORG, region=city).order_by("pk").first()
    counties = Region.objects.filter(parent=city, level=Region.Level.COUNTY).exclude(code=LEFT_OUT).order_by("code")
    users = {u.region_id: u for u in User.objects.filter(role=Role.COUNTY_ORG, region__in=counties).order_by("-pk")}
    tz = timezone.get_current_timezone()
    for n, county in enumerate(counties):
        submitted = datetime.datetime(2015, 7, 1 + n % 4, 9 + n % 8, tzinfo=tz)
        submission = county_submit(campaign=campaign, by=users[county.pk], note=f"{county.name}第一书记工作台账，请审核。", at=submitted)
        city_accept(submission=submission, by=city_user, at=submitted + datetime.timedelta(days=2))
    return len(counties)
