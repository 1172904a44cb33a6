"""Shanxi's 21,895 village-level units and the demo's category marks."""

from django.core.management import call_command

from villages.demo import demo_category_plan, mark_demo_categories
from villages.models import POOR_COUNTY, Region, Village, VillageCategoryChange


def test_all_shanxi_villages_are_loaded_with_their_township_and_county(reference_data):
    assert Village.objects.count() == 21895
    village = Village.objects.get(code="140929100201")
    assert village.name == "西街村"  # 西街村委会 in the division data
    assert village.township.name == "岚漪镇"
    assert village.county.name == "岢岚县"
    assert not Village.objects.targets().exists()  # categories are not reference data


def test_reloading_reference_data_keeps_categories(reference_data, capsys):
    village = Village.objects.get(code="140929100201")
    village.is_registered_poor = True
    village.notes = "县里补充的备注"
    village.save()

    call_command("load_reference_data")

    assert "村：新增 0，更新 0，未变 21895" in capsys.readouterr().out
    village.refresh_from_db()
    assert village.is_registered_poor and village.notes == "县里补充的备注"


def test_demo_marks_shanxi_2015_figures_with_history(reference_data):
    flags = mark_demo_categories()

    villages = Village.objects
    assert villages.filter(is_weak_organization=True).count() == 2697
    assert villages.filter(is_registered_poor=True).count() == 7993
    assert villages.filter(is_weak_organization=True, is_registered_poor=True).count() == 794
    assert villages.targets().count() == 9896
    assert flags == VillageCategoryChange.objects.count() == 2697 + 7993 + 300
    # Poor villages concentrate in the 58 poor counties; no residents' committee is a target.
    in_poor_counties = villages.filter(is_registered_poor=True, county__in=Region.objects.filter(POOR_COUNTY))
    assert in_poor_counties.count() == 6794
    assert not villages.targets().filter(name__contains="居委会").exists()
    assert not villages.targets().filter(name__contains="社区").exists()


def test_demo_marks_are_the_same_on_every_run_and_never_overwrite(reference_data):
    assert demo_category_plan() == demo_category_plan()
    mark_demo_categories()
    before = VillageCategoryChange.objects.count()
    assert mark_demo_categories() == 0
    assert VillageCategoryChange.objects.count() == before
