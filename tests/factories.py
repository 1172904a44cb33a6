"""Factories for test data. Users are made through the service, as the application makes them."""

import factory

from dispatch.models import DispatchingUnit, Role, User
from dispatch.services import user_create
from villages.models import Region

PASSWORD = "test-password-2015"


class DispatchingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DispatchingUnit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    level = DispatchingUnit.Level.PROVINCE
    kind = DispatchingUnit.Kind.PARTY_GOVERNMENT
    region = factory.LazyFunction(lambda: Region.objects.get(code="140000"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.COUNTY_ORG
    region = None
    unit = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return user_create(password=PASSWORD, **kwargs)


_cadre_serial = iter(range(5000, 100_000))


def make_cadre(unit: DispatchingUnit, **fields):
    """A cadre of ``unit`` who meets the notice's §二, registered through the service."""
    import datetime

    from secretaries.idcard import make_id_number
    from secretaries.models import Cadre
    from secretaries.services import cadres_create

    birth = fields.pop("birth_date", datetime.date(1983, 3, 9))
    sex = fields.pop("sex", "M")
    defaults = dict(
        name="张建国",
        id_number=make_id_number("140929", birth, next(_cadre_serial), sex),
        sex=sex,
        birth_date=birth,
        education=Cadre.Education.BACHELOR,
        political_status=Cadre.PoliticalStatus.MEMBER,
        party_join_date=datetime.date(2006, 7, 1),
        work_start_date=datetime.date(2005, 8, 1),
        unit=unit,
        position="副主任科员",
        rank=Cadre.Rank.SECTION,
        source=Cadre.Source.YOUNG_CADRE,
        phone="13912345678",
    )
    (cadre,) = cadres_create(cadres=[Cadre(**{**defaults, **fields})], by=None)
    return cadre


def secretary_in_office(*, unit_user: User, county_user: User, village, start_date=None, **cadre_fields):
    """A cadre of ``unit_user``'s county unit walked through the pipeline to 履岗任职 in
    ``village`` (a target village of ``county_user``'s county): his account is opened by that step."""
    import datetime

    from dispatch.models import Campaign
    from secretaries import services as s

    campaign = Campaign.current()
    posting = s.posting_apply(cadre=make_cadre(unit_user.unit, **cadre_fields), campaign=campaign, by=unit_user)
    s.posting_qualify(posting=posting, by=unit_user)
    s.posting_recommend(posting=posting, by=unit_user, meeting_date=datetime.date(2015, 7, 1), decision="同意", county=village.county)
    s.posting_file(posting=posting, by=county_user)
    s.posting_assign(posting=posting, by=county_user, village=village)
    return s.posting_take_office(
        posting=posting, by=county_user, start_date=start_date or datetime.date(2015, 8, 10), party_relation_transferred=True
    )


def secretary_login(posting, *, username: str, password: str = PASSWORD) -> User:
    """The account opened at 履岗任职, given a known name and password (as the demo's shuji)."""
    user = posting.account.user
    user.username = username
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["username", "password", "must_change_password"])
    return user
