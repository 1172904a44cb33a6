"""Shared fixtures: Shanxi's real regions and one named user per role.

The named users (like healthchecks' alice/bob/charlie) are scoped to real places:
kelan (岢岚县) and wuzhai (五寨县) are neighbouring counties of 忻州市; lvliang is a city that
xinzhou must not see.
"""

import pytest
from django.apps import apps
from django.db import transaction

from core.bulk import insert_rows
from dispatch.models import DispatchingUnit, Role
from dispatch.reference import load_campaign_2015
from tests.factories import UserFactory, secretary_in_office, secretary_login
from villages.demo import mark_demo_categories
from villages.models import Region, Village
from villages.services import REGIONS_FIXTURE, VILLAGES_FIXTURE, read_region_fixture, read_village_fixture, regions_load, villages_load


def load_reference_data():
    """Shanxi's regions, 21,895 villages (no categories) and the 2015 campaign with its 附表2
    units and quotas, as `make run` loads them."""
    regions_load(rows=read_region_fixture(REGIONS_FIXTURE))
    villages_load(rows=read_village_fixture(VILLAGES_FIXTURE))
    load_campaign_2015()


# Our apps' rows as load_reference_data leaves them (regions, villages, the 2015 campaign, its
# units and quotas, their audit history), taken once per session.
SNAPSHOT: dict = {}
OUR_APPS = ("core", "villages", "dispatch", "secretaries", "tenure", "reports")


def take_snapshot() -> dict:
    snapshot = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in OUR_APPS or model._meta.proxy or not model._meta.managed:
            continue
        fields = [f.attname for f in model._meta.concrete_fields]
        rows = list(model._base_manager.values(*fields))
        if rows:
            snapshot[model] = (fields, rows)
    return snapshot


@transaction.atomic
def restore_snapshot(snapshot: dict) -> None:
    """Write the snapshot's rows back with their ids, one statement per 2,000 rows: a browser test
    empties every table afterwards, and loading the reference data again through its services
    took 4–6 s before each of the next browser tests (foreign keys are checked at commit)."""
    for model, (fields, rows) in snapshot.items():
        insert_rows(model, rows, fields)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Loaded once into the test database; each test's transaction rolls back to it. Browser
    # tests (transactional) empty the tables afterwards: `reference_data` restores them.
    with django_db_blocker.unblock():
        load_reference_data()
        SNAPSHOT.update(take_snapshot())


@pytest.fixture
def reference_data(db):
    if not Village.objects.exists():
        restore_snapshot(SNAPSHOT)


@pytest.fixture
def regions(reference_data):
    """Shanxi's regions by name (province, cities, counties) from the committed fixture."""
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
def auditor_user(regions):
    """The 审计员: reads the audit trail and the access log, sees no village, unit or cadre."""
    return UserFactory(username="shenji", full_name="审计员", role=Role.AUDITOR)


@pytest.fixture
def provincial_unit(regions):
    return DispatchingUnit.objects.get(name="山西省国土资源厅")


@pytest.fixture
def unit_user(provincial_unit):
    return UserFactory(username="guotu", full_name="国土资源厅组织人事处", role=Role.UNIT, unit=provincial_unit)


@pytest.fixture
def lanyi_village(reference_data):
    """岚漪镇's first target village (the demo's categories), where the fixtures' secretary serves."""
    mark_demo_categories()
    return Village.objects.targets().filter(township__code="140929100").order_by("code").first()


@pytest.fixture
def kelan_county_unit_user(regions):
    unit = DispatchingUnit.objects.create(name="岢岚县水利局", level="county", kind="party_government", region=region("140929"))
    return UserFactory(username="kelan_slj", full_name="岢岚县水利局组织人事股", role=Role.UNIT, unit=unit)


@pytest.fixture
def secretary_posting(kelan_county_unit_user, kelan_user, lanyi_village):
    """张建国 of 岢岚县水利局, 第一书记 of a 岚漪镇 village since 2015-08-10 (履岗任职 by kelan)."""
    return secretary_in_office(unit_user=kelan_county_unit_user, county_user=kelan_user, village=lanyi_village, name="张建国")


@pytest.fixture
def secretary_user(secretary_posting):
    """The demo's shuji: a secretary in office in 岢岚县 (岚漪镇), his account opened by 履岗任职."""
    return secretary_login(secretary_posting, username="shuji")
