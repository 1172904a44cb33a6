"""Secretaries in office for the tests of the 民情日记, the inspections and the tenure pages.

Three secretaries, each with his account: 岚漪镇 (seen by the township user ``lanyi``) and 三井镇,
both in 岢岚县 and sent by 山西省国土资源厅 (the unit user ``guotu``), and one in 五寨县 sent by another
unit. Their postings are made in office directly: the pipeline has its own tests.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from dispatch.models import Campaign, DispatchingUnit, Role
from secretaries.models import Posting
from tenure.models import SecretaryAccount
from tests.factories import UserFactory
from tests.secretaries.conftest import cadre_for
from villages.models import Region, Village

START = datetime.date(2015, 8, 20)
END = datetime.date(2017, 8, 19)


@dataclass
class InOffice:
    posting: Posting
    user: object


def put_in_office(*, unit, village: Village, username: str, name: str, start=START, end=END) -> InOffice:
    cadre = cadre_for(unit, name=name)
    posting = Posting.objects.create(
        cadre=cadre,
        campaign=Campaign.current(),
        unit=unit,
        county=village.county,
        village=village,
        state=Posting.State.IN_OFFICE,
        start_date=start,
        end_date=end,
    )
    user = UserFactory(username=username, full_name=name, role=Role.SECRETARY, region=village.township)
    SecretaryAccount.objects.create(user=user, posting=posting)
    return InOffice(posting, user)


def first_village(township_code: str) -> Village:
    return Village.objects.filter(township__code=township_code).order_by("code").first()


@pytest.fixture
def other_unit(regions):
    return DispatchingUnit.objects.get(name="山西省水利厅")


@pytest.fixture
def lanyi_secretary(provincial_unit):
    """张建国 of 山西省国土资源厅, in a village of 岚漪镇 (岢岚县)."""
    return put_in_office(unit=provincial_unit, village=first_village("140929100"), username="shuji", name="张建国")


@pytest.fixture
def sanjing_secretary(provincial_unit):
    """王志强 of 山西省国土资源厅, in a village of 三井镇 (岢岚县): not 岚漪镇's."""
    return put_in_office(unit=provincial_unit, village=first_village("140929101"), username="shuji2", name="王志强")


@pytest.fixture
def wuzhai_secretary(other_unit):
    """刘海明 of another unit, in a village of 砚城镇 (五寨县): neither 岢岚县's nor 国土资源厅's."""
    return put_in_office(unit=other_unit, village=first_village("140928100"), username="shuji3", name="刘海明")


@pytest.fixture
def sanjing_user(regions):
    return UserFactory(username="sanjing", full_name="三井镇党委", role=Role.TOWNSHIP, region=Region.objects.get(code="140929101"))
