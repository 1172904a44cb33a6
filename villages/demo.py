"""Demo categories: which villages the demo marks 党组织软弱涣散村 and 建档立卡贫困村.

Shanxi's 2015 figures (notice §一): 2,697 weak-organization villages, 7,993 registered-poor
villages, 9,896 target villages — so 794 are both. The real lists are not public; the demo
draws them with a fixed seed from the rural village committees (codes …200 and up, and no
居委会 or 社区 whatever its code), registered-poor villages mostly (85%) in the 58 poor counties, so every
run marks the same villages.
"""

from __future__ import annotations

import random

from django.db import transaction

from core.scope import deployment_province_prefix
from villages.models import POOR_COUNTY, Region, Village
from villages.services import villages_set_categories

WEAK, POOR, BOTH = 2697, 7993, 794
POOR_IN_POOR_COUNTIES = round(POOR * 0.85)
KEY_DIFFICULT = 300  # 重点难点村 among the villages in both categories
SEED = 2015


def demo_category_plan() -> dict[int, dict]:
    """{village id: {field: True}} for every village the demo marks."""
    rng = random.Random(SEED)
    poor_counties = set(Region.objects.of_deployment().filter(POOR_COUNTY).values_list("id", flat=True))
    rural = list(
        Village.objects.filter(code__regex=r"^[0-9]{9}[2-9][0-9]{2}$", code__startswith=deployment_province_prefix())
        .exclude(name__contains="居委会")
        .exclude(name__contains="居民委员会")
        .exclude(name__contains="社区")
        .order_by("code")
        .values_list("id", "county_id")
    )
    in_poor = [vid for vid, county in rural if county in poor_counties]
    elsewhere = [vid for vid, county in rural if county not in poor_counties]

    poor = rng.sample(in_poor, POOR_IN_POOR_COUNTIES) + rng.sample(elsewhere, POOR - POOR_IN_POOR_COUNTIES)
    both = rng.sample(sorted(poor), BOTH)
    poor_set = set(poor)
    weak_only = rng.sample([vid for vid, _ in rural if vid not in poor_set], WEAK - BOTH)
    key_difficult = set(rng.sample(sorted(both), KEY_DIFFICULT))

    plan: dict[int, dict] = {vid: {"is_registered_poor": True} for vid in poor}
    for vid in both + weak_only:
        plan.setdefault(vid, {})["is_weak_organization"] = True
    for vid in key_difficult:
        plan[vid]["is_key_difficult"] = True
    return plan


@transaction.atomic
def mark_demo_categories() -> int:
    """Mark the demo categories on a registry that has none yet; leave a registry that has any
    categories (the demo's, or real ones imported since) alone. Returns flags changed."""
    if Village.objects.targets().exists():
        return 0
    return villages_set_categories(changes=demo_category_plan(), note="演示数据")
