"""The village list's 第一书记 filter: in office, assigned but not yet arrived, uncovered."""

import datetime

import pytest

from secretaries.models import Posting
from secretaries.services import (
    posting_apply,
    posting_assign,
    posting_file,
    posting_qualify,
    posting_recall,
    posting_recommend,
    posting_take_office,
)
from tests.secretaries.conftest import cadre_for, campaign, categories, county_unit, county_unit_user, kelan  # noqa: F401 (fixtures)
from villages.models import Village

MEETING = datetime.date(2015, 7, 1)


def county_secretary(*, unit_user, county_user, county, campaign, village, take_office: bool) -> Posting:
    """A county unit's cadre assigned to ``village`` (and in office if ``take_office``)."""
    posting = posting_apply(cadre=cadre_for(unit_user.unit), campaign=campaign, by=unit_user)
    posting_qualify(posting=posting, by=unit_user)
    posting_recommend(posting=posting, by=unit_user, meeting_date=MEETING, decision="同意", county=county)
    posting_file(posting=posting, by=county_user)
    posting = posting_assign(posting=posting, by=county_user, village=village)
    if take_office:
        posting = posting_take_office(
            posting=posting, by=county_user, start_date=datetime.date(2015, 8, 10), party_relation_transferred=True
        )
    return posting


@pytest.fixture
def kelan_targets(categories):
    return list(Village.objects.filter(county__code="140929").targets().order_by("code"))


@pytest.fixture
def three_secretaries(county_unit_user, kelan_user, kelan, campaign, kelan_targets):
    """岢岚县: one secretary in office, one assigned, one recalled (the village uncovered again)."""
    make = dict(unit_user=county_unit_user, county_user=kelan_user, county=kelan, campaign=campaign)
    in_office = county_secretary(village=kelan_targets[0], take_office=True, **make)
    assigned = county_secretary(village=kelan_targets[1], take_office=False, **make)
    recalled = county_secretary(village=kelan_targets[2], take_office=True, **make)
    posting_recall(posting=recalled, by=kelan_user, reason_code="work_needs", reason="工作调整")
    return in_office, assigned, recalled


def codes(response):
    return [v.code for v in response.context["page"].object_list]


def test_in_office_lists_the_villages_with_a_secretary_in_office(client, kelan_user, three_secretaries):
    in_office, _, _ = three_secretaries
    client.force_login(kelan_user)
    response = client.get("/villages/", {"coverage": "in_office"})
    assert codes(response) == [in_office.village.code]


def test_assigned_lists_the_villages_whose_secretary_has_not_arrived(client, kelan_user, three_secretaries):
    _, assigned, _ = three_secretaries
    client.force_login(kelan_user)
    response = client.get("/villages/", {"coverage": "assigned"})
    assert codes(response) == [assigned.village.code]


def test_uncovered_lists_the_other_target_villages_including_one_whose_secretary_was_recalled(
    client, kelan_user, three_secretaries, kelan_targets
):
    in_office, assigned, recalled = three_secretaries
    client.force_login(kelan_user)
    response = client.get("/villages/", {"coverage": "uncovered", "category": "target"})
    assert response.context["page"].paginator.count == len(kelan_targets) - 2
    listed = set(Village.objects.filter(pk__in=response.context["filterset"].qs.values("pk")).values_list("code", flat=True))
    assert recalled.village.code in listed
    assert not {in_office.village.code, assigned.village.code} & listed


def test_the_filter_is_offered_on_the_list_page_and_a_wrong_value_shows_nothing(client, kelan_user, three_secretaries):
    client.force_login(kelan_user)
    page = client.get("/villages/").content.decode()
    assert 'name="coverage"' in page and "已分配未到任" in page and "未覆盖" in page
    response = client.get("/villages/", {"coverage": "somewhere"})
    assert response.context["error_lines"]
    assert response.context["page"].paginator.count == 0


def test_the_filter_stays_inside_the_scope(client, wuzhai_user, three_secretaries):
    client.force_login(wuzhai_user)
    response = client.get("/villages/", {"coverage": "in_office"})
    assert response.context["page"].paginator.count == 0
