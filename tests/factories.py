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
