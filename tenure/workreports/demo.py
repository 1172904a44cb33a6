"""The demo's 述职: three of 岚漪镇's secretaries' 2016 half-year reports submitted (figures frozen from
their diaries), and shuji's heard by his unit and by the county."""

from __future__ import annotations

from django.utils import timezone

from dispatch.models import Role, User
from secretaries.models import Posting
from tenure.workreports import services

LANYI = "140929100"


def load_demo_reports() -> dict[str, int]:
    postings = Posting.objects.filter(state=Posting.State.IN_OFFICE, village__township__code=LANYI, account__isnull=False).select_related(
        "account__user", "cadre", "unit"
    )
    # shuji's and two more (each report works out its half-year's figures: kept few for speed).
    chosen = sorted(postings, key=lambda p: (p.account.user.username != "shuji", p.village_id))[:3]
    count = heard = 0
    for posting in chosen:
        report = services.report_save(
            posting=posting,
            by=posting.account.user,
            year=2016,
            period="half_year",
            achievements="一是抓班子建设，规范“三会一课”；二是逐户走访贫困户，建立帮扶台账；三是协调资金修通村道，发展小杂粮种植。",
            problems="村集体经济薄弱，产业项目见效慢。",
            plans="下半年推进光伏扶贫项目落地，完成危房改造。",
            submit=True,
        )
        count += 1
        if posting.account.user.username == "shuji":
            unit_user = User.objects.filter(role=Role.UNIT, unit=posting.unit).order_by("pk").first()
            county_user = User.objects.filter(username="kelan").first()
            for user, listeners in ((unit_user, "单位党组书记、组织人事处处长"), (county_user, "县委组织部副部长")):
                if user is not None:
                    services.report_hear(
                        report=report,
                        by=user,
                        heard_on=timezone.localdate(report.submitted_at),
                        listeners=listeners,
                        remarks="工作扎实，群众认可。",
                    )
                    heard += 1
    return {"report": count, "heard": heard}
