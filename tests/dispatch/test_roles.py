"""Roles are Django groups created by code, and every user has exactly one role and scope."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from dispatch.models import Role
from dispatch.roles import ROLE_PERMISSIONS, sync_role_groups
from dispatch.services import user_set_role
from tests.factories import UserFactory


@pytest.mark.django_db
def test_migrate_creates_one_group_per_role_with_its_permissions():
    assert set(Group.objects.values_list("name", flat=True)) == {r.label for r in Role}
    county = Group.objects.get(name="县委组织部")
    perms = {f"{p.content_type.app_label}.{p.codename}" for p in county.permissions.all()}
    assert perms == set(ROLE_PERMISSIONS[Role.COUNTY_ORG])


@pytest.mark.django_db
def test_sync_restores_a_group_changed_by_hand():
    county = Group.objects.get(name="县委组织部")
    county.permissions.clear()

    assert sync_role_groups() == [f"县委组织部: {len(ROLE_PERMISSIONS[Role.COUNTY_ORG])} 项权限"]
    assert county.permissions.count() == len(ROLE_PERMISSIONS[Role.COUNTY_ORG])
    assert sync_role_groups() == []  # nothing left to change


@pytest.mark.django_db
def test_sync_roles_command_reports_no_change_on_a_fresh_database(capsys):
    call_command("sync_roles")
    assert "0 个有变化" in capsys.readouterr().out


def test_a_user_is_in_exactly_the_group_of_its_role(kelan_user, regions):
    assert list(kelan_user.groups.values_list("name", flat=True)) == ["县委组织部"]
    assert kelan_user.has_perm("villages.view_region")
    assert not kelan_user.has_perm("villages.change_region")

    user_set_role(user=kelan_user, role=Role.CITY_ORG, region=regions["忻州市"])
    assert list(kelan_user.groups.values_list("name", flat=True)) == ["市委组织部"]


def test_a_county_role_scoped_to_a_city_is_refused_in_chinese(regions):
    with pytest.raises(ValidationError) as e:
        UserFactory(role=Role.COUNTY_ORG, region=regions["忻州市"])
    assert e.value.message_dict["region"] == ["县委组织部用户的管辖区域应为县（市、区）级，而“忻州市”是市级。"]


def test_a_unit_user_without_a_unit_is_refused(regions):
    with pytest.raises(ValidationError) as e:
        UserFactory(role=Role.UNIT)
    assert e.value.message_dict["unit"] == ["派出单位用户必须指定所属派出单位。"]


def test_a_region_role_without_a_region_is_refused(regions):
    with pytest.raises(ValidationError) as e:
        UserFactory(role=Role.TOWNSHIP, region=None)
    assert "乡镇党委用户必须指定管辖区域" in e.value.message_dict["region"][0]


def test_only_administrators_get_into_the_admin(admin_user, kelan_user):
    assert admin_user.is_staff
    assert not kelan_user.is_staff


def test_the_administrator_gives_a_department_admin_access_and_a_role_change_keeps_it(admin_user, kelan_user, regions, client):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:dispatch_user_change", args=[kelan_user.pk]),
        {
            "username": "kelan",
            "full_name": "岢岚县委组织部",
            "role": Role.COUNTY_ORG,
            "region": regions["岢岚县"].pk,
            "is_active": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code == 302
    kelan_user.refresh_from_db()
    assert kelan_user.is_staff and not kelan_user.is_superuser
    assert list(kelan_user.groups.values_list("name", flat=True)) == ["县委组织部"]

    user_set_role(user=kelan_user, role=Role.CITY_ORG, region=regions["忻州市"])
    assert kelan_user.is_staff  # kept: only the administrator gives or takes it
    user_set_role(user=kelan_user, role=Role.CITY_ORG, region=regions["忻州市"], admin_access=False)
    assert not kelan_user.is_staff
    user_set_role(user=kelan_user, role=Role.ADMIN, admin_access=False)
    assert kelan_user.is_staff  # an administrator always gets in
