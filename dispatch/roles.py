"""Role permissions as Django groups, created by code.

Each role of DESIGN.md is one group named by its Chinese label; ``ROLE_PERMISSIONS`` lists what
it may do. ``sync_role_groups`` makes the database match this table exactly: it runs after every
``migrate`` and as ``manage.py sync_roles``. Nobody sets up a group by hand.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from dispatch.models import Role

VILLAGE_READ = ["villages.view_village", "villages.export_village"]
# 附表2: the province sets provincial units' quotas (notice §一.2); everyone else reads them.
QUOTA_EDIT = ["dispatch.view_quotaallocation", "dispatch.change_quotaallocation", "dispatch.import_quotaallocation"]

# Units: imported within the importer's scope (the resource checks "own"), exported by all who view them.
UNIT_IMPORT_EXPORT = ["dispatch.import_dispatchingunit", "dispatch.export_dispatchingunit"]
UNIT_READ = ["dispatch.view_dispatchingunit", "dispatch.export_dispatchingunit"]
# Rosters: a unit imports and exports its own applicants; organization departments read and export them.
ROSTER_IMPORT_EXPORT = ["secretaries.import_cadre", "secretaries.export_cadre"]
ROSTER_READ = ["secretaries.view_cadre", "secretaries.export_cadre"]
# Ledger submissions: a county submits to its city, which decides and submits to the province,
# which decides (reports.submissions checks role and scope; these open the pages).
SUBMISSION_READ = ["reports.view_submission", "reports.view_submissionevent"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMIN: [
        "secretaries.view_cadre",
        "secretaries.change_cadre",
        "secretaries.view_posting",
        "secretaries.view_postingevent",
        "dispatch.view_campaign",
        "dispatch.add_campaign",
        "dispatch.change_campaign",
        "villages.view_region",
        "villages.change_region",
        "villages.view_village",
        "villages.change_village",
        "villages.import_village",
        "villages.export_village",
        "villages.view_importbatch",
        "dispatch.view_user",
        "dispatch.add_user",
        "dispatch.change_user",
        "dispatch.view_dispatchingunit",
        "dispatch.add_dispatchingunit",
        "dispatch.change_dispatchingunit",
        *UNIT_IMPORT_EXPORT,
        *QUOTA_EDIT,
        *SUBMISSION_READ,
        "reports.view_countydeadline",
        "reports.add_countydeadline",
        "reports.change_countydeadline",
    ],
    Role.PROVINCIAL_ORG: [
        "villages.view_region",
        "villages.view_village",
        "villages.import_village",
        "villages.export_village",
        "villages.view_importbatch",
        "dispatch.view_user",
        "dispatch.view_dispatchingunit",
        "dispatch.add_dispatchingunit",
        "dispatch.change_dispatchingunit",
        *UNIT_IMPORT_EXPORT,
        *QUOTA_EDIT,
        *ROSTER_READ,
        *SUBMISSION_READ,
        "reports.decide_city_ledger",
    ],
    Role.POVERTY_OFFICE: ["villages.view_region", *VILLAGE_READ, *UNIT_READ],
    Role.CITY_ORG: ["villages.view_region", *VILLAGE_READ, "villages.view_importbatch", "dispatch.view_user", *UNIT_READ, "dispatch.import_dispatchingunit", *ROSTER_READ,
                    *SUBMISSION_READ, "reports.decide_county_ledger", "reports.submit_city_ledger"],
    # 县委组织部 imports the village lists of its own county (the scope check sees to "own").
    Role.COUNTY_ORG: [
        "villages.view_region",
        *VILLAGE_READ,
        "villages.import_village",
        "villages.view_importbatch",
        "dispatch.view_user",
        *UNIT_READ,
        "dispatch.import_dispatchingunit",
        *ROSTER_READ,
        *SUBMISSION_READ,
        "reports.submit_county_ledger",
    ],
    Role.TOWNSHIP: ["villages.view_region", *VILLAGE_READ],
    Role.UNIT: ["villages.view_region", *VILLAGE_READ, *UNIT_READ, *ROSTER_IMPORT_EXPORT],
    Role.SECRETARY: ["villages.view_region", "villages.view_village"],
}


def role_group_name(role: str) -> str:
    return Role(role).label


@transaction.atomic
def sync_role_groups() -> list[str]:
    """Create each role's group and set its permissions to exactly ROLE_PERMISSIONS.
    Returns what changed, one line per group, for the command's output."""
    changes = []
    for role in Role:
        wanted = set(ROLE_PERMISSIONS.get(role, []))
        perms = []
        for name in sorted(wanted):
            app_label, codename = name.split(".")
            try:
                perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
            except Permission.DoesNotExist:
                raise LookupError(f"ROLE_PERMISSIONS names {name}, which does not exist") from None
        group, created = Group.objects.get_or_create(name=role_group_name(role))
        current = set(group.permissions.values_list("id", flat=True))
        if created or current != {p.id for p in perms}:
            group.permissions.set(perms)
            changes.append(f"{group.name}: {len(perms)} 项权限")
    return changes


def sync_role_groups_after_migrate(sender, **kwargs) -> None:
    # post_migrate is sent once per installed app that has models, in INSTALLED_APPS order, and
    # auth creates each app's permissions on that app's signal: only after the last one do all
    # permissions exist.
    last = [a for a in apps.get_app_configs() if a.models_module is not None][-1]
    if sender.label == last.label:
        sync_role_groups()
