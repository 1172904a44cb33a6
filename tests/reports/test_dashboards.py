"""The dashboard (统计图表): coverage of target villages by region, the pipeline and quota
fulfilment, counted by the database inside the user's scope, each figure linked to its list."""

import datetime
from html import unescape

import pytest
from django.utils import timezone

from dispatch.models import DispatchingUnit
from reports.dashboards import coverage_by_region, pipeline_counts, quota_fulfilment, submissions_against_deadline
from reports.models import CountyDeadline, deadline_for
from reports.selectors import county_statuses
from reports.services import city_return, county_submit
from secretaries.services import (
    posting_apply,
    posting_approve,
    posting_assign,
    posting_file,
    posting_qualify,
    posting_recommend,
    posting_reject,
    posting_take_office,
)
from tests.factories import UserFactory
from tests.secretaries.conftest import cadre_for, campaign, categories, county_unit, county_unit_user, kelan  # noqa: F401 (fixtures)
from villages.models import Region, Village

MEETING = datetime.date(2015, 7, 1)
ARRIVAL = datetime.date(2015, 8, 10)


def provincial_secretary(*, unit_user, poverty_office_user, province_user, county_user, county, campaign, village=None, take_office=False):
    """A provincial unit's candidate taken as far as filed, assigned (``village``) or in office."""
    posting = posting_apply(cadre=cadre_for(unit_user.unit), campaign=campaign, by=unit_user)
    posting_qualify(posting=posting, by=unit_user)
    posting_recommend(posting=posting, by=unit_user, meeting_date=MEETING, decision="同意推荐", county=county)
    posting_approve(posting=posting, by=poverty_office_user)
    posting = posting_file(posting=posting, by=province_user)
    if village is not None:
        posting = posting_assign(posting=posting, by=county_user, village=village)
        if take_office:
            posting = posting_take_office(posting=posting, by=county_user, start_date=ARRIVAL, party_relation_transferred=True)
    return posting


def county_secretary(*, unit_user, county_user, county, campaign, village, take_office):
    posting = posting_apply(cadre=cadre_for(unit_user.unit), campaign=campaign, by=unit_user)
    posting_qualify(posting=posting, by=unit_user)
    posting_recommend(posting=posting, by=unit_user, meeting_date=MEETING, decision="同意", county=county)
    posting_file(posting=posting, by=county_user)
    posting = posting_assign(posting=posting, by=county_user, village=village)
    if take_office:
        posting = posting_take_office(posting=posting, by=county_user, start_date=ARRIVAL, party_relation_transferred=True)
    return posting


def poor_villages(county_code):
    return list(Village.objects.filter(county__code=county_code, is_registered_poor=True).order_by("code"))


@pytest.fixture
def data(categories, campaign, unit_user, poverty_office_user, province_user, kelan_user, wuzhai_user, county_unit_user, kelan):
    """岢岚县: 山西省国土资源厅 (quota 5 there) has one secretary in office, one assigned, one filed and
    one applied; a county unit has one in office; a second applicant of the county unit was
    rejected. 五寨县: one county-unit secretary in office."""
    kelan_poor = poor_villages("140929")
    upper = dict(
        unit_user=unit_user,
        poverty_office_user=poverty_office_user,
        province_user=province_user,
        county_user=kelan_user,
        county=kelan,
        campaign=campaign,
    )
    provincial_secretary(village=kelan_poor[0], take_office=True, **upper)
    provincial_secretary(village=kelan_poor[1], **upper)
    provincial_secretary(**upper)
    posting_apply(cadre=cadre_for(unit_user.unit), campaign=campaign, by=unit_user)
    county_secretary(
        unit_user=county_unit_user, county_user=kelan_user, county=kelan, campaign=campaign, village=kelan_poor[2], take_office=True
    )
    rejected = posting_apply(cadre=cadre_for(county_unit_user.unit), campaign=campaign, by=county_unit_user)
    posting_reject(posting=rejected, by=county_unit_user, reason="不符合条件")

    wuzhai = Region.objects.get(code="140928")
    wuzhai_unit = DispatchingUnit.objects.create(name="五寨县农业农村局", level="county", kind="party_government", region=wuzhai)
    wuzhai_unit_user = UserFactory(username="wuzhai_nyj", role="unit", unit=wuzhai_unit)
    county_secretary(
        unit_user=wuzhai_unit_user,
        county_user=wuzhai_user,
        county=wuzhai,
        campaign=campaign,
        village=poor_villages("140928")[0],
        take_office=True,
    )
    return {"kelan_poor": kelan_poor}


def targets(prefix):
    return Village.objects.filter(code__startswith=prefix).targets().count()


# -- the figures ---------------------------------------------------------------------------


def test_the_province_sees_coverage_by_city(province_user, data):
    coverage = coverage_by_region(user=province_user, region=Region.objects.get(code="140000"))
    rows = {r.name: r for r in coverage["rows"]}
    assert len(rows) == 11
    xinzhou = rows["忻州市"]
    assert (xinzhou.targets, xinzhou.in_office, xinzhou.assigned) == (targets("1409"), 3, 1)
    assert xinzhou.uncovered == targets("1409") - 4
    taiyuan = rows["太原市"]
    assert (taiyuan.targets, taiyuan.in_office, taiyuan.assigned) == (targets("1401"), 0, 0)
    total = coverage["total"]
    assert (total.targets, total.in_office, total.assigned) == (Village.objects.targets().count(), 3, 1)


def test_the_city_sees_coverage_by_county(xinzhou_user, data):
    coverage = coverage_by_region(user=xinzhou_user, region=xinzhou_user.region)
    rows = {r.name: r for r in coverage["rows"]}
    assert len(rows) == Region.objects.filter(parent__code="140900").count()
    assert (rows["岢岚县"].targets, rows["岢岚县"].in_office, rows["岢岚县"].assigned) == (targets("140929"), 2, 1)
    assert (rows["五寨县"].in_office, rows["五寨县"].assigned) == (1, 0)
    assert (rows["偏关县"].in_office, rows["偏关县"].assigned, rows["偏关县"].uncovered) == (0, 0, targets("140932"))


def test_the_county_sees_coverage_by_township(kelan_user, data):
    coverage = coverage_by_region(user=kelan_user, region=kelan_user.region)
    assert {r.code[:6] for r in coverage["rows"]} == {"140929"}
    by_code = {r.code: r for r in coverage["rows"]}
    for village, state in zip(data["kelan_poor"][:3], ("in_office", "assigned", "in_office"), strict=True):
        township = by_code[village.township.code]
        assert getattr(township, state) >= 1
    assert sum(r.in_office for r in coverage["rows"]) == 2
    assert sum(r.targets for r in coverage["rows"]) == targets("140929")


def test_pipeline_counts_each_state_of_the_campaign_in_scope(province_user, kelan_user, wuzhai_user, campaign, data):
    province = {r.state: r.count for r in pipeline_counts(user=province_user, campaign=campaign)["rows"]}
    assert province == {
        "applied": 1,
        "qualified": 0,
        "recommended": 0,
        "approved": 0,
        "filed": 1,
        "assigned": 1,
        "in_office": 3,
        "ended": 0,
        "rejected": 1,
        "withdrawn": 0,
        "recalled": 0,
    }
    kelan = pipeline_counts(user=kelan_user, campaign=campaign)
    assert {r.state: r.count for r in kelan["rows"] if r.count} == {"filed": 1, "assigned": 1, "in_office": 2, "rejected": 1}
    # The applicant of the provincial unit has no county yet: 岢岚 does not see it.
    assert kelan["total"] == 5
    assert {r.state: r.count for r in pipeline_counts(user=wuzhai_user, campaign=campaign)["rows"] if r.count} == {"in_office": 1}


def test_quota_fulfilment_counts_the_secretaries_in_the_quota_counties(province_user, kelan_user, campaign, unit_user, data):
    quotas = quota_fulfilment(user=province_user, campaign=campaign)
    assert quotas["total"].quota == 148  # the notice's 附表2
    assert len(quotas["rows"]) == 39
    guotu = next(r for r in quotas["rows"] if r.unit_id == unit_user.unit_id)
    # 山西省国土资源厅's quotas (5 of them into 岢岚县), one in office and one assigned there.
    assert (guotu.in_office, guotu.assigned, guotu.postings) == (1, 1, 4)
    assert guotu.missing == guotu.quota - 2
    assert (quotas["total"].in_office, quotas["total"].assigned) == (1, 1)  # county units have no 附表2 quota

    kelan = quota_fulfilment(user=kelan_user, campaign=campaign)
    assert sum(r.quota for r in kelan["rows"]) == 24  # 岢岚县: 5 + 5 + 6 + 8
    kelan_guotu = next(r for r in kelan["rows"] if r.unit_id == unit_user.unit_id)
    assert (kelan_guotu.quota, kelan_guotu.in_office, kelan_guotu.assigned, kelan_guotu.missing) == (5, 1, 1, 3)


def test_the_poverty_office_compares_the_provincial_units_quotas(poverty_office_user, campaign, data):
    quotas = quota_fulfilment(user=poverty_office_user, campaign=campaign)
    assert {r.unit_level for r in quotas["rows"]} == {"province"}
    assert (quotas["total"].in_office, quotas["total"].assigned) == (1, 1)


# -- the page ------------------------------------------------------------------------------


def page(client, user, **params):
    client.force_login(user)
    return client.get("/dashboard/", params)


def test_the_page_shows_the_figures_with_their_tables_and_chart_data(client, province_user, data):
    response = page(client, province_user)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    charts = response.context["charts"]
    assert charts["coverage"]["categories"][8] == "忻州市"
    assert [s["data"][8] for s in charts["coverage"]["series"]] == [3, 1, targets("1409") - 4]
    assert charts["pipeline"]["series"][0]["data"][:8] == [1, 0, 0, 0, 1, 1, 3, 0]
    for chart in ("chart-coverage", "chart-pipeline", "chart-quota"):
        assert f'<script id="{chart}" type="application/json">' in html
    assert "vendor/echarts/echarts.min.js" in html and "js/dashboard.js" in html
    assert "cdn" not in html.lower()
    assert "/villages/?city=140900&category=target&coverage=in_office" in html
    assert "/postings/?campaign=" in html and "&state=in_office" in html
    assert "/dashboard/?region=140900" in html  # drill down into 忻州市's counties


def test_each_coverage_link_lists_as_many_villages_as_the_table_says(client, xinzhou_user, data):
    response = page(client, xinzhou_user)
    kelan_row = next(item for item in response.context["coverage_rows"] if item["row"].code == "140929")
    for key in ("targets", "in_office", "assigned", "uncovered"):
        listed = client.get(kelan_row["links"][key])
        assert listed.context["page"].paginator.count == getattr(kelan_row["row"], key), key


def test_pipeline_and_quota_links_list_the_postings_counted(client, province_user, unit_user, data):
    response = page(client, province_user)
    in_office = next(item for item in response.context["pipeline_rows"] if item["row"].state == "in_office")
    assert client.get(in_office["link"]).context["page"].paginator.count == 3
    guotu = next(item for item in response.context["quota_rows"] if item["row"].unit_id == unit_user.unit_id)
    assert client.get(guotu["link"]).context["page"].paginator.count == 4
    # A unit with a quota but no candidate yet: the candidate list would not offer it, so no link.
    idle = next(item for item in response.context["quota_rows"] if not item["row"].postings)
    assert idle["link"] is None


def test_a_county_sees_only_its_county(client, kelan_user, data):
    response = page(client, kelan_user)
    assert response.context["region"].code == "140929"
    assert {item["row"].code[:6] for item in response.context["coverage_rows"]} == {"140929"}
    assert response.context["pipeline"]["total"] == 5
    assert sum(item["row"].quota for item in response.context["quota_rows"]) == 24
    html = response.content.decode()
    assert "五寨" not in html and "太原" not in html


def test_the_province_drills_down_to_a_city_s_counties(client, province_user, data):
    response = page(client, province_user, region="140900")
    rows = {item["row"].name: item["row"] for item in response.context["coverage_rows"]}
    assert (rows["岢岚县"].in_office, rows["五寨县"].in_office) == (2, 1)
    assert [r.code for r in response.context["region_path"]] == ["140000", "140900"]


@pytest.mark.parametrize(
    "user, region",
    [
        ("kelan_user", "140928"),
        ("xinzhou_user", "141100"),
        ("kelan_user", "140900"),
        ("province_user", "140929100"),
        ("province_user", "14x"),
        ("province_user", "999999"),
    ],
)
def test_a_region_outside_the_scope_or_without_a_breakdown_is_not_found(request, client, user, region, data):
    assert page(client, request.getfixturevalue(user), region=region).status_code == 404


def test_an_unknown_campaign_is_not_found(client, province_user, data):
    assert page(client, province_user, campaign="999999").status_code == 404
    assert page(client, province_user, campaign="abc").status_code == 404


@pytest.mark.parametrize("user", ["unit_user", "lanyi_user", "secretary_user"])
def test_units_townships_and_secretaries_are_refused(request, client, user, regions):
    assert page(client, request.getfixturevalue(user)).status_code == 403


def test_the_menu_offers_the_dashboard_to_the_departments_only(client, xinzhou_user, unit_user, regions):
    client.force_login(xinzhou_user)
    assert 'href="/dashboard/"' in client.get("/").content.decode()
    client.force_login(unit_user)
    assert 'href="/dashboard/"' not in client.get("/").content.decode()


def test_the_page_stays_a_handful_of_aggregate_queries(client, province_user, data, django_assert_max_num_queries):
    # The page's own: campaigns, the region, its children, its breadcrumb, the coverage, the
    # pipeline, two for the quotas, the deadline and the submissions; the rest is the session, the user, its scope label and the menu's
    # permissions. Eleven cities or a county's townships, 39 units: the same count.
    client.force_login(province_user)
    with django_assert_max_num_queries(18):
        assert client.get("/dashboard/").status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get("/dashboard/", {"region": "140929"}).status_code == 200


# -- submissions against the deadline ------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def statuses(result):
    return {row.name: row.status for row in result["rows"] if row.status != "no_rows"}


def overview_statuses(campaign, city):
    """The same regions as the submissions overview judges them (reports.selectors)."""

    def status(s):
        if not s.is_missing:
            return "late" if s.is_late else "on_time"
        if not s.has_rows:
            return "no_rows"
        return "overdue" if s.is_overdue else "pending"

    return {s.region.code: status(s) for s in county_statuses(campaign=campaign, city=city)}


def test_a_city_sees_its_counties_late_and_missing_ledgers(xinzhou_user, kelan_user, campaign, data, media):
    county_submit(campaign=campaign, by=kelan_user)  # the 2015 deadline is long past: late
    result = submissions_against_deadline(user=xinzhou_user, campaign=campaign, region=xinzhou_user.region)
    assert statuses(result) == {"岢岚县": "late", "五寨县": "overdue"}
    counties = Region.objects.filter(parent__code="140900").count()
    assert result["counts"] == {"on_time": 0, "late": 1, "overdue": 1, "pending": 0, "no_rows": counties - 2}
    assert result["deadline"] == deadline_for(campaign=campaign, level="county")
    assert {row.code: row.status for row in result["rows"]} == overview_statuses(campaign, xinzhou_user.region)


def test_before_the_deadline_a_submission_is_on_time_and_the_others_are_not_yet_due(xinzhou_user, kelan_user, campaign, data, media):
    CountyDeadline.objects.create(campaign=campaign, due_on=timezone.localdate() + datetime.timedelta(days=30))
    county_submit(campaign=campaign, by=kelan_user)
    result = submissions_against_deadline(user=xinzhou_user, campaign=campaign, region=xinzhou_user.region)
    assert statuses(result) == {"岢岚县": "on_time", "五寨县": "pending"}
    assert {row.code: row.status for row in result["rows"]} == overview_statuses(campaign, xinzhou_user.region)


@pytest.mark.parametrize(("day_after", "time", "late"), [(0, datetime.time(23, 59, 59), False), (1, datetime.time(0, 0), True)])
def test_one_lateness_rule_the_deadline_day_is_on_time_the_next_is_late(
    xinzhou_user, kelan_user, campaign, data, media, day_after, time, late
):
    deadline = deadline_for(campaign=campaign, level="county")
    at = timezone.make_aware(datetime.datetime.combine(deadline + datetime.timedelta(days=day_after), time))
    submission = county_submit(campaign=campaign, by=kelan_user, at=at)
    expected = "late" if late else "on_time"
    # The submission, the submissions overview and the dashboard judge it alike.
    assert submission.is_late is late
    assert overview_statuses(campaign, xinzhou_user.region)["140929"] == expected
    result = submissions_against_deadline(user=xinzhou_user, campaign=campaign, region=xinzhou_user.region)
    assert {row.code: row.status for row in result["rows"]}["140929"] == expected


def test_a_returned_ledger_is_missing_again(xinzhou_user, kelan_user, campaign, data, media):
    submission = county_submit(campaign=campaign, by=kelan_user)
    city_return(submission=submission, by=xinzhou_user, reason="请补充党组织关系转入情况")
    kelan = next(
        r
        for r in submissions_against_deadline(user=xinzhou_user, campaign=campaign, region=xinzhou_user.region)["rows"]
        if r.name == "岢岚县"
    )
    assert (kelan.status, kelan.returned, kelan.latest_id) == ("overdue", 1, submission.pk)


def test_the_province_sees_the_cities_and_the_county_only_itself(
    client, province_user, kelan_user, poverty_office_user, campaign, data, media
):
    province = submissions_against_deadline(user=province_user, campaign=campaign, region=province_user.region)
    assert len(province["rows"]) == 11 and province["level"] == "city"
    assert statuses(province) == {"忻州市": "overdue"}
    county_submit(campaign=campaign, by=kelan_user)
    own = submissions_against_deadline(user=kelan_user, campaign=campaign, region=kelan_user.region)
    assert [(r.name, r.status) for r in own["rows"]] == [("岢岚县", "late")]
    assert page(client, kelan_user).context["submission_rows"][0]["link"] == f"/submissions/{own['rows'][0].latest_id}/"
    # Ledgers are the organization departments': 省扶贫办's dashboard has no such section.
    assert submissions_against_deadline(user=poverty_office_user, campaign=campaign, region=poverty_office_user.region)["rows"] == []
    assert 'data-testid="submission-section"' not in page(client, poverty_office_user).content.decode()
    assert 'data-testid="chart-submissions"' in page(client, province_user).content.decode()
