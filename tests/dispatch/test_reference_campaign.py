"""The 2015 campaign and the notice's own 附表2 rows, carried exactly by the fixtures."""

from django.db.models import Sum

from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation
from dispatch.reference import load_campaign_2015


def test_the_2015_campaign_is_current_with_the_notice_s_dates(reference_data):
    campaign = Campaign.current()
    assert (campaign.year, campaign.notice_number, campaign.term_years) == (2015, "晋组通字〔2015〕41号", 2)
    assert (campaign.ledger_deadline.isoformat(), campaign.arrival_deadline.isoformat()) == ("2015-07-15", "2015-08-15")


def test_annex2_rows_of_counties_14_to_24_are_exact(reference_data):
    quotas = QuotaAllocation.objects.filter(campaign=Campaign.current())
    assert quotas.count() == 39
    assert quotas.aggregate(total=Sum("count"))["total"] == 148
    assert quotas.values("county").distinct().count() == 11
    kelan = {q.unit.name: q.count for q in quotas.filter(county__name="岢岚县").select_related("unit")}
    assert kelan == {"山西省国土资源厅": 5, "山西省煤炭地质局": 5, "山西省统计局": 6, "山西省住房和城乡建设厅": 8}
    assert quotas.get(county__name="方山县", unit__name="省招考中心").count == 1
    assert DispatchingUnit.objects.get(name="山西省农业厅").is_agriculture_related


def test_loading_again_changes_nothing(reference_data):
    result = load_campaign_2015()
    assert (result.created, result.updated) == (0, 0)
