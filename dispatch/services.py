"""Writes to users and their roles, campaigns and dispatching units. Every change of a user's
role or scope, and every new or changed 派出单位 (the pages' and the admin's import, the 附表2
import's new units, the reference loader, the demo, the admin form), goes through here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from core import audit
from core.scope import Scope
from dispatch.models import Campaign, DispatchingUnit, Role, User
from dispatch.roles import role_group_name
from villages.models import Region
from villages.selectors import code_in_scope


@transaction.atomic
def user_set_role(
    *, user: User, role: str, region: Region | None = None, unit: DispatchingUnit | None = None, admin_access: bool | None = None
) -> User:
    """Give ``user`` one role and its scope, and make its group membership match the role.

    A system administrator always gets into the admin; another role's account only when the
    administrator gives it ``admin_access`` (it then sees its own scope there and takes the
    steps its role owns); None keeps what the account has.

    Raises ValidationError (in Chinese, naming the field) when the scope does not fit the role:
    a county department scoped to a city, a unit user without a unit."""
    user.role = role
    user.region = region if role != Role.UNIT else None
    user.unit = unit if role == Role.UNIT else None
    user.is_staff = role == Role.ADMIN or (user.is_staff if admin_access is None else admin_access)
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
    password_hash: str | None = None,
) -> User:
    """A new user of ``role``; ``password_hash`` instead of ``password``: one already hashed (the
    demo's accounts share one)."""
    user = User(username=username, full_name=full_name, phone=phone, is_superuser=is_superuser)
    if password_hash is not None:
        user.password = password_hash
    elif password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    return user_set_role(user=user, role=role, region=region, unit=unit)


@transaction.atomic
def campaign_set_current(*, campaign: Campaign) -> Campaign:
    """Make ``campaign`` the one current campaign. The old one is unset first: the database
    allows one row with is_current=True at a time (one_current_campaign), checked per statement."""
    previous = list(Campaign.objects.filter(is_current=True).exclude(pk=campaign.pk).values_list("pk", flat=True))
    Campaign.objects.filter(pk__in=previous).update(is_current=False)
    Campaign.objects.filter(pk=campaign.pk).update(is_current=True)
    audit.bulk_changed(Campaign, [*previous, campaign.pk], by=None)
    campaign.is_current = True
    return campaign


# --- dispatching units ------------------------------------------------------------------------
UNIT_FIELDS = ("name", "level", "kind", "region", "is_agriculture_related")


class UnitsRefused(Exception):
    """Units that cannot be written: ``errors`` maps each refused item's position in the batch to
    {field: [messages]} (Chinese), as the model's validation gives them. Nothing was written."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]):
        self.errors = errors
        first = next(iter(errors.values()))
        super().__init__("；".join(m for messages in first.values() for m in messages))


def units_validate(*, units: Sequence[DispatchingUnit], by: User | None) -> None:
    """Validate a batch of units (their regions attached) with the model's own rules, each
    name unique in its region, and ``by``'s scope; raises UnitsRefused. A constant number of
    queries, whatever the batch's size. The admin form asks it too, before saving."""
    errors: dict[int, dict[str, list[str]]] = {}

    def refuse(i: int, field: str, message: str) -> None:
        errors.setdefault(i, {}).setdefault(field, []).append(message)

    scope = Scope.of(by) if by is not None else None
    for i, unit in enumerate(units):
        try:
            # The region is checked below against the loaded rows, the uniqueness for the whole
            # batch at once: Django would ask the database once per unit for each.
            unit.full_clean(exclude=["region"], validate_unique=False, validate_constraints=False)
        except ValidationError as e:
            for field, messages in e.message_dict.items():
                for message in messages:
                    refuse(i, field, message)
        if scope is not None and not code_in_scope(scope, unit.region.code):
            refuse(i, "region", f"{unit.region.name}的单位不在您的管辖范围内。")
    keys = [(u.name, u.region_id) for u in units]
    counts = Counter(keys)
    found = DispatchingUnit.objects.filter(name__in={k[0] for k in keys}, region_id__in={k[1] for k in keys})
    taken = {(u.name, u.region_id): u.pk for u in found.only("pk", "name", "region_id")}
    for i, key in enumerate(keys):
        if taken.get(key, units[i].pk) != units[i].pk or counts[key] > 1:
            refuse(i, "name", f"{units[i].region.name}已有名为“{units[i].name}”的派出单位。")
    if errors:
        raise UnitsRefused(errors)


def _region_id(values: Mapping, default: int | None = None) -> int | None:
    region = values.get("region")
    return region.pk if isinstance(region, Region) else values.get("region_id", default)


@transaction.atomic
def units_create(*, rows: Sequence[Mapping], by: User | None) -> list[DispatchingUnit]:
    """Create dispatching units, all or none: each row gives name, level, kind, region (or
    region_id) and optionally is_agriculture_related. Raises UnitsRefused (nothing written) for
    a row the model refuses, a name its region already has, or a region outside ``by``'s scope
    (``by`` None: the system itself, e.g. the reference loader). One INSERT per batch."""
    regions = Region.objects.in_bulk({_region_id(row) for row in rows})
    units = []
    for row in rows:
        values = {k: v for k, v in row.items() if k not in ("region", "region_id")}
        units.append(DispatchingUnit(region=regions[_region_id(row)], **values))
    units_validate(units=units, by=by)
    created = DispatchingUnit.objects.bulk_create(units)
    audit.bulk_created(created, by=by)
    return created


@transaction.atomic
def units_update(*, changes: Sequence[tuple[DispatchingUnit, Mapping]], by: User | None) -> list[DispatchingUnit]:
    """Change dispatching units, all or none: each item is a unit (locked by the caller where it
    matters) and {field: new value} of UNIT_FIELDS. Same checks as units_create; one UPDATE
    per batch for the fields that change."""
    regions = Region.objects.in_bulk({_region_id(values, unit.region_id) for unit, values in changes})
    units, fields = [], set()
    for unit, values in changes:
        for field, value in values.items():
            setattr(unit, field, value)
            fields.add("region" if field == "region_id" else field)
        unit.region = regions[unit.region_id]
        units.append(unit)
    units_validate(units=units, by=by)
    if fields:
        DispatchingUnit.objects.bulk_update(units, sorted(fields))
        audit.bulk_updated(units, by=by)
    return units
