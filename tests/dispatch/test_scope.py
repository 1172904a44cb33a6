"""The one scoping rule: Model.objects.visible_to(user)."""

from django.contrib.auth.models import AnonymousUser

from dispatch.models import DispatchingUnit, User
from tests.factories import DispatchingUnitFactory
from villages.models import Region


def names(qs, level):
    return set(qs.filter(level=level).values_list("name", flat=True))


def test_county_user_sees_its_county_and_townships_and_nothing_of_the_neighbour(kelan_user):
    visible = Region.objects.visible_to(kelan_user)

    assert names(visible, "county") == {"岢岚县"}
    kelan_townships = set(Region.objects.filter(parent__name="岢岚县").values_list("name", flat=True))
    assert names(visible, "township") == kelan_townships
    assert {"岚漪镇", "三井镇", "宋家沟镇"} <= kelan_townships
    assert not visible.filter(code__startswith="140928").exists()  # 五寨县 and its townships
    assert not visible.filter(level__in=["province", "city"]).exists()


def test_city_user_sees_all_its_counties_and_nothing_of_another_city(xinzhou_user):
    visible = Region.objects.visible_to(xinzhou_user)

    xinzhou_counties = set(Region.objects.filter(parent__name="忻州市").values_list("name", flat=True))
    assert len(xinzhou_counties) == 15
    assert names(visible, "county") == xinzhou_counties
    assert not visible.filter(code__startswith="1411").exists()  # 吕梁市
    assert not visible.filter(name="兴县").exists()
    assert visible.filter(level="township").count() == Region.objects.filter(code__startswith="1409", level="township").count()


def test_township_user_sees_only_its_township(lanyi_user):
    assert list(Region.objects.visible_to(lanyi_user).values_list("name", flat=True)) == ["岚漪镇"]


def test_province_and_admin_see_everything(province_user, admin_user):
    total = Region.objects.count()
    assert Region.objects.visible_to(province_user).count() == total == 1485
    assert Region.objects.visible_to(admin_user).count() == total


def test_unit_user_sees_its_own_unit_only_among_units(unit_user, regions):
    other = DispatchingUnitFactory(name="测试省直单位")
    assert list(DispatchingUnit.objects.visible_to(unit_user)) == [unit_user.unit]
    assert other not in DispatchingUnit.objects.visible_to(unit_user)


def test_poverty_office_sees_provincial_units_only(poverty_office_user, regions):
    provincial = DispatchingUnitFactory(name="测试省直单位")
    county_unit = DispatchingUnitFactory(name="岢岚县农业局", level=DispatchingUnit.Level.COUNTY, region=regions["岢岚县"])
    visible = DispatchingUnit.objects.visible_to(poverty_office_user)
    assert provincial in visible
    assert county_unit not in visible


def test_county_units_are_visible_to_their_county_and_city_only(kelan_user, wuzhai_user, xinzhou_user, lvliang_user, regions):
    unit = DispatchingUnitFactory(name="岢岚县农业局", level=DispatchingUnit.Level.COUNTY, region=regions["岢岚县"])
    assert unit in DispatchingUnit.objects.visible_to(kelan_user)
    assert unit in DispatchingUnit.objects.visible_to(xinzhou_user)
    assert unit not in DispatchingUnit.objects.visible_to(wuzhai_user)
    assert unit not in DispatchingUnit.objects.visible_to(lvliang_user)


def test_users_list_is_scoped_like_everything_else(kelan_user, wuzhai_user, xinzhou_user, lanyi_user):
    assert set(User.objects.visible_to(kelan_user)) == {kelan_user, lanyi_user}
    assert set(User.objects.visible_to(xinzhou_user)) == {xinzhou_user, kelan_user, wuzhai_user, lanyi_user}


def test_anonymous_inactive_and_unscoped_users_see_nothing(kelan_user, regions):
    assert not Region.objects.visible_to(AnonymousUser()).exists()
    assert not Region.objects.visible_to(None).exists()

    kelan_user.is_active = False
    assert not Region.objects.visible_to(kelan_user).exists()

    nobody = User(username="nobody", role="county_org")  # no region: not a valid user, sees nothing
    assert not Region.objects.visible_to(nobody).exists()


def test_visible_to_composes_with_other_filters(kelan_user):
    assert Region.objects.filter(level="county").visible_to(kelan_user).get().name == "岢岚县"
    assert Region.objects.visible_to(kelan_user).search("宋家沟").get().name == "宋家沟镇"
    assert not Region.objects.visible_to(kelan_user).search("砚城").exists()  # a 五寨县 township
