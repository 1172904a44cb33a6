"""Postings in office and their people for the tests of presence, leave and months (the tenure
modules import these fixtures).

岚漪镇 (140929100) is a township of 岢岚县 (140929); 宋家沟乡 (140929200) another one; 五寨县 a
neighbouring county.
"""

import datetime
import itertools

import pytest

from dispatch.models import Campaign, Role
from secretaries.idcard import make_id_number
from secretaries.models import Cadre, Posting
from tenure.models import SecretaryAccount
from tests.factories import UserFactory
from villages.models import Region, Village

_serial = itertools.count(5000)


def posting_in_office(
    village: Village, unit, *, start=datetime.date(2015, 8, 20), end=datetime.date(2017, 8, 19), name="王志刚"
) -> Posting:
    """A secretary in office in ``village`` (made directly: the pipeline has its own tests)."""
    birth = datetime.date(1980, 3, 9)
    cadre = Cadre.objects.create(
        name=name,
        id_number=make_id_number("140105", birth, next(_serial), "M"),
        sex="M",
        birth_date=birth,
        education=Cadre.Education.BACHELOR,
        political_status=Cadre.PoliticalStatus.MEMBER,
        party_join_date=datetime.date(2003, 7, 1),
        work_start_date=datetime.date(2003, 8, 1),
        unit=unit,
        position="主任科员",
        rank=Cadre.Rank.SECTION,
        source=Cadre.Source.YOUNG_CADRE,
    )
    return Posting.objects.create(
        cadre=cadre,
        campaign=Campaign.current(),
        unit=unit,
        state=Posting.State.IN_OFFICE,
        county=village.county,
        village=village,
        start_date=start,
        end_date=end,
    )


def account_for(posting: Posting, username: str):
    user = UserFactory(username=username, full_name=posting.cadre.name, role=Role.SECRETARY, region=posting.village.township)
    SecretaryAccount.objects.create(user=user, posting=posting)
    return user


@pytest.fixture
def lanyi_village(reference_data):
    return Village.objects.filter(code__startswith="140929100").order_by("code").first()


@pytest.fixture
def other_township_village(reference_data):
    return Village.objects.filter(code__startswith="140929", township__code__gt="140929100").order_by("code").first()


@pytest.fixture
def wuzhai_village(reference_data):
    return Village.objects.filter(code__startswith="140928").order_by("code").first()


@pytest.fixture
def posting(lanyi_village, provincial_unit):
    """王志刚 of 山西省国土资源厅, in office in a village of 岚漪镇 from 2015-08-20 to 2017-08-19."""
    return posting_in_office(lanyi_village, provincial_unit)


@pytest.fixture
def shuji(posting):
    return account_for(posting, "shuji")


@pytest.fixture
def other_posting(other_township_village, regions):
    from dispatch.models import DispatchingUnit

    unit = DispatchingUnit.objects.create(name="岢岚县水利局", level="county", kind="party_government", region=regions["岢岚县"])
    return posting_in_office(other_township_village, unit, name="李明")


@pytest.fixture
def wuzhai_posting(wuzhai_village, regions):
    from dispatch.models import DispatchingUnit

    unit = DispatchingUnit.objects.create(name="五寨县农业局", level="county", kind="party_government", region=regions["五寨县"])
    return posting_in_office(wuzhai_village, unit, name="赵强")


@pytest.fixture
def songjiagou_user(regions):
    township = Region.objects.filter(code__startswith="140929", level="township").exclude(code="140929100").order_by("code").first()
    return UserFactory(username="other_township", full_name=f"{township.name}党委", role=Role.TOWNSHIP, region=township)
