"""The demo's 2015 campaign: Shanxi's published figures, every secretary walked through the
services, a different target village each, provincial units inside their quotas, and work
waiting in every demo account's 待办. One load (half a minute to a minute), checked from every side
in one test."""

import datetime
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from core.navigation import todos_for
from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation, Role, User
from reports.annexes import statistics_table, summary_table
from reports.models import Submission
from secretaries.idcard import parse_id_number
from secretaries.models import Posting, PostingEvent
from villages.models import Region, Village

pytestmark = pytest.mark.django_db

# The province's annexes as 省委组织部 reads them (everything); an unsaved user is enough.
READER = User(username="reader", role=Role.PROVINCIAL_ORG)

WALK_PROVINCIAL = ["apply", "qualify", "recommend", "approve", "file", "assign", "take_office"]
WALK_OTHERS = ["apply", "qualify", "recommend", "file", "assign", "take_office"]


def test_the_demo_campaign_has_shanxis_figures_reached_through_the_services_and_work_for_every_account(demo):
    campaign = Campaign.objects.get(is_current=True)
    in_office = Posting.objects.filter(campaign=campaign, state=Posting.State.IN_OFFICE)
    assert in_office.count() == 9395
    assert "履岗任职 9395 人" in demo

    # 附表4 of the province, as the reports app computes it from the postings.
    province = Region.objects.get(code="140000")
    stats = statistics_table(campaign=campaign, region=province, user=READER)
    total = stats.total.values
    assert (
        total["total"],
        total["unit_central"],
        total["unit_province"],
        total["unit_city"],
        total["unit_county"],
        total["unit_enterprise"],
    ) == (
        9395,
        15,
        506,
        1475,
        6483,
        916,
    )
    assert (total["rank_division"], total["female"], total["age_35"]) == (113, 1275, 2966)
    assert stats.ok, stats.failed_checks
    summary = summary_table(campaign=campaign, region=province, user=READER).total.values
    assert (summary["weak"], summary["poor"], summary["both"], summary["targets"], summary["sent"]) == (2697, 7993, 794, 9896, 9395)
    # And so the province's pages print them.
    client = Client()
    client.force_login(User.objects.get(username="shengzzb"))
    annex4 = _row(client.get("/annexes/4/").content.decode(), "合计")
    assert _run_of(annex4, [9395, 15, 506, 1475, 6483, 916]), annex4
    annex1 = _row(client.get("/annexes/1/").content.decode(), "全省合计")
    assert _run_of(annex1, [21895, 2697, 7993, 794, 9896, 9395]), annex1

    # Each in a different target village of its posting's county.
    villages = in_office.values_list(
        "village_id", "village__county_id", "county_id", "village__is_weak_organization", "village__is_registered_poor"
    )
    assert len({v[0] for v in villages}) == 9395
    assert all(v[1] == v[2] and (v[3] or v[4]) for v in villages)

    # Provincial and central units only in their quota counties, never over the quota.
    used = Counter(
        in_office.filter(unit__level__in=[DispatchingUnit.Level.PROVINCE, DispatchingUnit.Level.CENTRAL]).values_list(
            "unit_id", "county_id"
        )
    )
    quotas = dict(((q.unit_id, q.county_id), q.count) for q in QuotaAllocation.objects.filter(campaign=campaign))
    assert used and all(key in quotas and n <= quotas[key] for key, n in used.items())
    # City and county units only inside their own city or county.
    for unit_region, county in (
        in_office.filter(unit__level__in=["city", "county"]).values_list("unit__region__code", "county__code").distinct()
    ):
        assert county.startswith(Region(code=unit_region, level="city" if len(unit_region.rstrip("0")) <= 4 else "county").scope_prefix)

    # Every step an event, each by the role that owns it, dated in 2015.
    walks = Counter()
    for actions in _actions_by_posting(in_office).values():
        walks[tuple(actions)] += 1
    assert set(walks) == {tuple(WALK_PROVINCIAL), tuple(WALK_OTHERS)}
    assert walks[tuple(WALK_PROVINCIAL)] == in_office.filter(unit__level=DispatchingUnit.Level.PROVINCE).count()
    roles = set(PostingEvent.objects.filter(posting__in=in_office).values_list("action", "actor_role").distinct())
    assert roles == {
        ("apply", "unit"),
        ("qualify", "unit"),
        ("recommend", "unit"),
        ("approve", "poverty_office"),
        ("file", "provincial_org"),
        ("file", "city_org"),
        ("file", "county_org"),
        ("assign", "county_org"),
        ("take_office", "county_org"),
    }
    assert not PostingEvent.objects.exclude(at__year=2015).exists()
    assert in_office.filter(start_date__gt="2015-08-15").count() == 0

    # Valid ID numbers whose birth dates and sexes are those recorded.
    for number, birth, sex in in_office.values_list("cadre__id_number", "cadre__birth_date", "cadre__sex"):
        assert parse_id_number(number)[1:] == (birth, sex)

    # Work waits in every demo account's 待办.
    waiting = {
        u: {t.label: t.count for t in todos_for(User.objects.get(username=u))}
        for u in ["guotu", "shengfpb", "shengzzb", "xinzhou", "kelan"]
    }
    assert waiting["guotu"]["待资格审查的报名人选"] > 0 and waiting["guotu"]["待组织推荐的人选"] > 0
    assert waiting["shengfpb"]["待审核的省直单位人选"] >= 20
    assert waiting["shengzzb"]["待审核备案的省直单位人选"] >= 20
    assert waiting["xinzhou"]["待审核备案的市直单位人选"] >= 10
    assert waiting["kelan"]["待审核备案的县直单位人选"] > 0
    # 岢岚县 has a village for each secretary waiting to be assigned, and quota places left.
    kelan = Region.objects.get(code="140929")
    to_assign = Posting.objects.filter(county=kelan, state=Posting.State.FILED)
    assert waiting["kelan"]["待分配到村的第一书记"] == to_assign.count() > 0
    covered = Posting.objects.filter(state__in=Posting.COVERING_STATES).values("village")
    assert Village.objects.targets().filter(county=kelan).exclude(pk__in=covered).count() >= to_assign.count()
    # Two of guotu's applicants were refused at qualification, with the reason on record.
    assert Posting.objects.filter(unit__name="山西省国土资源厅", state=Posting.State.REJECTED).count() == 2

    # 忻州市's county ledgers but 岢岚县's were submitted on time and accepted; 岢岚县's is due.
    accepted = Submission.objects.filter(campaign=campaign, level="county", state="accepted")
    assert accepted.count() == Region.objects.filter(parent__code="140900", level="county").count() - 1
    assert not accepted.filter(region__code="140929").exists()
    assert not accepted.filter(submitted_at__date__gt=datetime.date(2015, 7, 5)).exists()
    assert "本县台账逾期未报送（期限2015年7月5日）" in {t.label for t in todos_for(User.objects.get(username="kelan"))}

    # A second load changes nothing.
    counts = (
        Posting.objects.count(),
        PostingEvent.objects.count(),
        User.objects.count(),
        DispatchingUnit.objects.count(),
        Submission.objects.count(),
    )
    out = StringIO()
    call_command("load_demo", "--quiet-accounts", stdout=out)
    assert (
        Posting.objects.count(),
        PostingEvent.objects.count(),
        User.objects.count(),
        DispatchingUnit.objects.count(),
        Submission.objects.count(),
    ) == counts
    assert "履岗任职" not in out.getvalue()


def _actions_by_posting(postings) -> dict[int, list[str]]:
    actions: dict[int, list[str]] = {}
    for posting_id, action in (
        PostingEvent.objects.filter(posting__in=postings).order_by("posting_id", "at", "id").values_list("posting_id", "action")
    ):
        actions.setdefault(posting_id, []).append(action)
    return actions


def _row(html: str, label: str) -> list[str]:
    """The cells of the table row that has a cell reading ``label``."""
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        cells = [re.sub(r"<[^>]+>|,", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)]
        if label in cells:
            return cells
    return []


def _run_of(cells: list[str], numbers: list[int]) -> bool:
    wanted = [str(n) for n in numbers]
    return any(cells[i : i + len(wanted)] == wanted for i in range(len(cells)))
