"""Shared fixtures: Shanxi's real regions and one named user per role.

The named users (like healthchecks' alice/bob/charlie) are scoped to real places:
kelan (岢岚县) and wuzhai (五寨县) are neighbouring counties of 忻州市; lvliang is a city that
xinzhou must not see.
"""

import pytest

from dispatch.models import Role
from tests.factories import DispatchingUnitFactory, UserFactory
from villages.models import Region
from villages.services import read_region_fixture, regions_load
from villages.management.commands.load_reference_data import REGIONS_FIXTURE as DEFAULT_FIXTURE

_REGION_ROWS = None


def load_shanxi_regions():
    global _REGION_ROWS
    if _REGION_ROWS is None:
        _REGION_ROWS = read_region_fixture(DEFAULT_FIXTURE)
    regions_load(rows=_REGION_ROWS)


@pytest.fixture
def regions(db):
    """All of Shanxi's regions from the committed fixture."""
    load_shanxi_regions()
    return {r.name: r for r in Region.objects.filter(level__in=["province", "city", "county"])}


def region(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.fixture
def admin_user(regions):
    return UserFactory(username="admin", role=Role.ADMIN, region=region("140000"), is_superuser=True)


@pytest.fixture
def province_user(regions):
    return UserFactory(username="shengzzb", full_name="省委组织部", role=Role.PROVINCIAL_ORG, region=region("140000"))


@pytest.fixture
def poverty_office_user(regions):
    return UserFactory(username="shengfpb", full_name="省扶贫办", role=Role.POVERTY_OFFICE, region=region("140000"))


@pytest.fixture
def xinzhou_user(regions):
    return UserFactory(username="xinzhou", full_name="忻州市委组织部", role=Role.CITY_ORG, region=region("140900"))


@pytest.fixture
def lvliang_user(regions):
    return UserFactory(username="lvliang", full_name="吕梁市委组织部", role=Role.CITY_ORG, region=region("141100"))


@pytest.fixture
def kelan_user(regions):
    return UserFactory(username="kelan", full_name="岢岚县委组织部", role=Role.COUNTY_ORG, region=region("140929"))


@pytest.fixture
def wuzhai_user(regions):
    return UserFactory(username="wuzhai", full_name="五寨县委组织部", role=Role.COUNTY_ORG, region=region("140928"))


@pytest.fixture
def lanyi_user(regions):
    return UserFactory(username="lanyi", full_name="岚漪镇党委", role=Role.TOWNSHIP, region=region("140929100"))


@pytest.fixture
def provincial_unit(regions):
    return DispatchingUnitFactory(name="山西省国土资源厅")


@pytest.fixture
def unit_user(provincial_unit):
    return UserFactory(username="guotu", full_name="国土资源厅组织人事处", role=Role.UNIT, unit=provincial_unit)


@pytest.fixture
def secretary_user(regions):
    return UserFactory(username="shuji", full_name="张建国", role=Role.SECRETARY, region=region("140929101"))
