"""A dispatching unit's home shows its own figures: its quotas per county and their use, its
candidates by state; not the province's region counts (issue #11, point 12)."""

from django.urls import reverse

from reports.dashboards import unit_quota_use
from tests.reports.test_dashboards import data  # noqa: F401 (fixtures)
from tests.secretaries.conftest import cadre_for, campaign, categories, county_unit, county_unit_user, kelan  # noqa: F401 (fixtures)


def test_the_unit_s_quota_per_county_and_its_use(unit_user, data, campaign):
    rows = {r.county_name: r for r in unit_quota_use(user=unit_user, campaign=campaign)}
    # 山西省国土资源厅: 5 places in 岢岚县 (附表2); one in office, one assigned, one filed, one applied.
    kelan = rows["岢岚县"]
    assert (kelan.quota, kelan.in_office, kelan.assigned, kelan.filed, kelan.on_the_way) == (5, 1, 1, 1, 0)
    assert (kelan.used, kelan.left) == (3, 2)
    assert set(rows) == {"岢岚县"}


def test_the_unit_s_home_shows_its_figures_not_the_province_s_regions(client, unit_user, data):
    client.force_login(unit_user)
    page = client.get(reverse("home")).content.decode()
    assert "本单位选派名额" in page and 'data-county="140929"' in page
    assert "本单位人选（共 4 人）" in page
    assert "?campaign=" in page and "state=in_office" in page
    assert "其中贫困县" not in page and "乡（镇）</dt>" not in page


def test_a_county_s_home_keeps_its_region_and_has_no_unit_panel(client, kelan_user, data):
    client.force_login(kelan_user)
    page = client.get(reverse("home")).content.decode()
    assert "乡（镇）" in page and "本单位选派名额" not in page
