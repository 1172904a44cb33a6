"""A provincial unit's account sees the villages and regions of the counties of its quotas and
postings, not the whole province (issue #14, point 8); city and county units keep their region,
every county of which they may recommend to."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation, Role
from secretaries.models import Posting
from tests.factories import UserFactory
from tests.secretaries.conftest import cadre_for
from villages.models import Region, Village

KELAN, WUZHAI, XINZHOU = "140929", "140928", "140900"


def village_in(county_code: str) -> Village:
    return Village.objects.filter(county__code=county_code).order_by("code").first()


@pytest.fixture
def kelan_quota(provincial_unit):
    quota, _ = QuotaAllocation.objects.update_or_create(
        campaign=Campaign.current(), unit=provincial_unit, county=Region.objects.get(code=KELAN), defaults={"count": 2}
    )
    return quota


def test_a_provincial_unit_without_quotas_or_postings_sees_no_village(unit_user, provincial_unit):
    QuotaAllocation.objects.filter(unit=provincial_unit).delete()
    assert not Village.objects.visible_to(unit_user).exists()
    assert not Region.objects.visible_to(unit_user).exists()


def test_a_provincial_unit_sees_the_villages_of_its_quota_counties_only(unit_user, provincial_unit, kelan_quota):
    QuotaAllocation.objects.filter(unit=provincial_unit).exclude(pk=kelan_quota.pk).delete()
    visible = Village.objects.visible_to(unit_user)
    assert visible.count() == Village.objects.filter(county__code=KELAN).count() > 0
    assert not visible.exclude(county__code=KELAN).exists()
    regions = set(Region.objects.visible_to(unit_user).values_list("code", flat=True))
    assert {KELAN, XINZHOU, "140000", "140929100"} <= regions  # the county, a township, its city and province
    assert WUZHAI not in regions and not any(code.startswith(WUZHAI) for code in regions)


def test_a_county_its_posting_went_to_counts_too(unit_user, provincial_unit, kelan_quota):
    QuotaAllocation.objects.filter(unit=provincial_unit).exclude(pk=kelan_quota.pk).delete()
    wuzhai = Region.objects.get(code=WUZHAI)
    Posting.objects.create(
        cadre=cadre_for(provincial_unit), campaign=Campaign.current(), unit=provincial_unit, county=wuzhai, state=Posting.State.FILED
    )
    counties = set(Village.objects.visible_to(unit_user).values_list("county__code", flat=True).distinct())
    assert counties == {KELAN, WUZHAI}


def test_another_units_quota_does_not_widen_the_scope(unit_user, provincial_unit, kelan_quota):
    QuotaAllocation.objects.filter(unit=provincial_unit).exclude(pk=kelan_quota.pk).delete()
    other = DispatchingUnit.objects.get(name="山西省水利厅")
    QuotaAllocation.objects.update_or_create(
        campaign=Campaign.current(), unit=other, county=Region.objects.get(code=WUZHAI), defaults={"count": 1}
    )
    assert not Village.objects.visible_to(unit_user).filter(county__code=WUZHAI).exists()


def test_the_village_pages_answer_404_outside_and_list_only_the_quota_counties(client, unit_user, provincial_unit, kelan_quota):
    QuotaAllocation.objects.filter(unit=provincial_unit).exclude(pk=kelan_quota.pk).delete()
    client.force_login(unit_user)
    inside, outside = village_in(KELAN), village_in(WUZHAI)
    assert client.get(reverse("villages:detail", args=[inside.code])).status_code == 200
    assert client.get(reverse("villages:detail", args=[outside.code])).status_code == 404
    page = client.get(reverse("villages:list"), {"q": outside.name}).content.decode()
    assert outside.code not in page


def test_the_scope_costs_no_query_of_its_own(unit_user, kelan_quota, django_assert_num_queries):
    assert unit_user.unit.region  # loaded before: the scope has always read them
    with django_assert_num_queries(1):
        list(Village.objects.visible_to(unit_user)[:5])


def test_a_city_unit_keeps_its_city_every_county_of_which_it_may_recommend_to(regions):
    city_unit = DispatchingUnit.objects.create(
        name="忻州市测试局",
        level=DispatchingUnit.Level.CITY,
        kind=DispatchingUnit.Kind.PARTY_GOVERNMENT,
        region=Region.objects.get(code=XINZHOU),
    )
    user = UserFactory(username="xzdw", role=Role.UNIT, unit=city_unit)
    visible = Village.objects.visible_to(user)
    assert visible.filter(county__code=WUZHAI).exists() and visible.filter(county__code=KELAN).exists()
    assert not visible.exclude(code__startswith="1409").exists()


def test_other_roles_are_unchanged(province_user, kelan_user, poverty_office_user):
    assert Village.objects.visible_to(province_user).count() == Village.objects.count()
    assert Village.objects.visible_to(poverty_office_user).count() == Village.objects.count()
    assert not Village.objects.visible_to(kelan_user).exclude(county__code=KELAN).exists()
