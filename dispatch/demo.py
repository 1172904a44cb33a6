"""The demo data set: one account per role, each scoped to a real place.

Loaded by ``manage.py load_demo`` (``make run`` calls it). Demo passwords live only here; the
command refuses to run in production mode.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from dispatch.models import DispatchingUnit, Role, User
from dispatch.services import units_create, user_create
from villages.demo import mark_demo_categories
from villages.models import Region

DEMO_PASSWORD = "demo-2015"


@functools.cache
def demo_password_hash() -> str:
    """DEMO_PASSWORD hashed once for every demo account: a hash costs a third of a second by
    design (PBKDF2), and the demo opens a dozen named accounts and thousands of others."""
    return make_password(DEMO_PASSWORD)


# The provincial unit of the demo: one of 岢岚县's four quota units in the notice's 附表2.
DEMO_UNIT = dict(
    name="山西省国土资源厅",
    level=DispatchingUnit.Level.PROVINCE,
    kind=DispatchingUnit.Kind.PARTY_GOVERNMENT,
    region_code="140000",
    is_agriculture_related=False,
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    region_code: str | None = None
    unit_name: str | None = None
    # A secretary's account is opened by his 履岗任职 (tenure.accounts), not here: the demo's
    # shuji is a 岢岚县 secretary in office (岚漪镇) once the postings are loaded (tenure.demo).
    opened_at_take_office: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("admin", "系统管理员", Role.ADMIN, region_code="140000"),
    DemoAccount("shengzzb", "省委组织部组织指导处", Role.PROVINCIAL_ORG, region_code="140000"),
    DemoAccount("shengfpb", "省扶贫办", Role.POVERTY_OFFICE, region_code="140000"),
    DemoAccount("xinzhou", "忻州市委组织部", Role.CITY_ORG, region_code="140900"),
    DemoAccount("kelan", "岢岚县委组织部", Role.COUNTY_ORG, region_code="140929"),
    DemoAccount("lanyi", "岚漪镇党委", Role.TOWNSHIP, region_code="140929100"),
    DemoAccount("guotu", "山西省国土资源厅组织人事处", Role.UNIT, unit_name=DEMO_UNIT["name"]),
    DemoAccount("shuji", "第一书记（演示）", Role.SECRETARY, region_code="140929100", opened_at_take_office=True),
    DemoAccount("shenji", "审计员", Role.AUDITOR),
]


@transaction.atomic
def load_demo() -> list[str]:
    """Create what is missing; leave what exists alone, so a second run changes nothing
    (in particular it never resets a password someone has changed)."""
    created = []
    region = Region.objects.get(code=DEMO_UNIT["region_code"])
    unit = DispatchingUnit.objects.filter(name=DEMO_UNIT["name"], region=region).first()
    if unit is None:
        fields = {k: DEMO_UNIT[k] for k in ("name", "level", "kind", "is_agriculture_related")}
        (unit,) = units_create(rows=[{**fields, "region": region}], by=None)
        created.append(f"派出单位 {unit.name}")
    flags = mark_demo_categories()
    if flags:
        created.append(f"村类别标记 {flags} 项")
    for account in DEMO_ACCOUNTS:
        if account.opened_at_take_office or User.objects.filter(username=account.username).exists():
            continue
        user_create(
            username=account.username,
            password=None,
            password_hash=demo_password_hash(),
            role=account.role,
            full_name=account.full_name,
            region=Region.objects.get(code=account.region_code) if account.region_code else None,
            unit=unit if account.unit_name else None,
            is_superuser=account.role == Role.ADMIN,
        )
        created.append(f"用户 {account.username}")
    return created
