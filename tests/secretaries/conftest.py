import datetime

import pytest

from dispatch.models import Campaign, DispatchingUnit, Role
from secretaries.idcard import make_id_number
from secretaries.models import Cadre
from secretaries.services import posting_apply
from tests.factories import UserFactory
from villages.demo import mark_demo_categories
from villages.models import Region, Village

_serial = iter(range(1, 10_000))


def cadre_for(unit, **fields) -> Cadre:
    birth = fields.pop("birth_date", datetime.date(1982, 5, 17))
    sex = fields.pop("sex", "M")
    defaults = dict(
        name="李建国",
        id_number=make_id_number("140105", birth, next(_serial), sex),
        sex=sex,
        birth_date=birth,
        education=Cadre.Education.BACHELOR,
        political_status=Cadre.PoliticalStatus.MEMBER,
        party_join_date=datetime.date(2005, 7, 1),
        work_start_date=datetime.date(2004, 8, 1),
        unit=unit,
        position="主任科员",
        rank=Cadre.Rank.SECTION,
        source=Cadre.Source.YOUNG_CADRE,
    )
    cadre = Cadre(**{**defaults, **fields})
    cadre.full_clean()
    cadre.save()
    return cadre


@pytest.fixture
def campaign(reference_data):
    return Campaign.current()


@pytest.fixture
def categories(reference_data):
    mark_demo_categories()


@pytest.fixture
def kelan_poor_villages(categories):
    return list(Village.objects.filter(county__name="岢岚县", is_registered_poor=True).order_by("code"))


@pytest.fixture
def kelan_weak_only_village(categories):
    return Village.objects.filter(county__name="岢岚县", is_weak_organization=True, is_registered_poor=False).order_by("code").first()


@pytest.fixture
def county_unit(regions):
    return DispatchingUnit.objects.create(name="岢岚县农业农村局", level="county", kind="party_government", region=regions["岢岚县"])


@pytest.fixture
def county_unit_user(county_unit):
    return UserFactory(username="kelan_nyj", role=Role.UNIT, unit=county_unit)


@pytest.fixture
def applied(unit_user, campaign):
    """A provincial candidate of 山西省国土资源厅 (quota: 岢岚县 5), just applied."""
    return posting_apply(cadre=cadre_for(unit_user.unit), campaign=campaign, by=unit_user)


@pytest.fixture
def kelan(regions) -> Region:
    return regions["岢岚县"]
