"""Writes to users and their roles. Every change of a user's role or scope goes through here."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from dispatch.models import Campaign, DispatchingUnit, Role, User
from dispatch.roles import role_group_name
from villages.models import Region


@transaction.atomic
def user_set_role(*, user: User, role: str, region: Region | None = None, unit: DispatchingUnit | None = None) -> User:
    """Give ``user`` one role and its scope, and make its group membership match the role.

    Raises ValidationError (in Chinese, naming the field) when the scope does not fit the role:
    a county department scoped to a city, a unit user without a unit."""
    user.role = role
    user.region = region if role != Role.UNIT else None
    user.unit = unit if role == Role.UNIT else None
    user.is_staff = role == Role.ADMIN
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([Group.objects.get(name=role_group_name(role))])
    return user


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    full_name: str = "",
    region: Region | None = None,
    unit: DispatchingUnit | None = None,
    phone: str = "",
    is_superuser: bool = False,
) -> User:
    user = User(username=username, full_name=full_name, phone=phone, is_superuser=is_superuser)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    return user_set_role(user=user, role=role, region=region, unit=unit)


@transaction.atomic
def campaign_set_current(*, campaign: Campaign) -> Campaign:
    """Make ``campaign`` the one current campaign. The old one is unset first: the database
    allows one row with is_current=True at a time (one_current_campaign), checked per statement."""
    Campaign.objects.filter(is_current=True).exclude(pk=campaign.pk).update(is_current=False)
    Campaign.objects.filter(pk=campaign.pk).update(is_current=True)
    campaign.is_current = True
    return campaign
