"""Shanxi's regions from the committed fixture."""

from django.core.management import call_command

from villages.models import Region


def test_fixture_holds_all_of_shanxi(regions):
    assert Region.objects.filter(level="province").get().name == "山西省"
    cities = list(Region.objects.filter(level="city").values_list("name", flat=True))
    assert cities == ["太原市", "大同市", "阳泉市", "长治市", "晋城市", "朔州市", "晋中市", "运城市", "忻州市", "临汾市", "吕梁市"]
    assert Region.objects.filter(level="county").count() == 121
    assert Region.objects.filter(level="township").count() == 1352


def test_poor_county_flags_match_the_published_lists(regions):
    counties = Region.objects.counties()
    assert counties.filter(is_national_key_county=True).count() == 35
    assert counties.filter(is_contiguous_poor_area_county=True).count() == 21
    assert counties.filter(is_national_key_county=True, is_contiguous_poor_area_county=True).count() == 20
    assert counties.filter(is_provincial_poor_county=True).count() == 22
    assert Region.objects.poor_counties().count() == 58
    assert not Region.objects.poor_counties().filter(parent__name="阳泉市").exists()
    kelan = regions["岢岚县"]
    assert kelan.poverty_labels == ["国家扶贫开发工作重点县", "集中连片特困地区县"]


def test_2015_names_stay_findable(regions):
    yunzhou = Region.objects.search("大同县").get()
    assert yunzhou.name == "云州区"
    assert yunzhou.code == "140215"
    assert yunzhou.is_contiguous_poor_area_county and not yunzhou.is_national_key_county


def test_codes_nest_and_full_names_read_like_documents(regions):
    township = Region.objects.get(name="岚漪镇")
    assert township.code == "140929100"
    assert township.scope_prefix == "140929100"
    assert township.parent == regions["岢岚县"]
    assert township.full_name == "山西省忻州市岢岚县岚漪镇"
    assert regions["忻州市"].scope_prefix == "1409"


def test_loading_twice_changes_nothing_and_repairs_edits(regions, capsys):
    kelan = regions["岢岚县"]
    kelan.name = "改错的名字"
    kelan.is_national_key_county = False
    kelan.save()

    call_command("load_reference_data", "--no-villages")
    assert "新增 0，更新 1，未变 1484" in capsys.readouterr().out
    kelan.refresh_from_db()
    assert kelan.name == "岢岚县" and kelan.is_national_key_county

    call_command("load_reference_data", "--no-villages")
    assert "新增 0，更新 0，未变 1485" in capsys.readouterr().out
