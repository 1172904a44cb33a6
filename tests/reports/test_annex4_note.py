"""The province's 附表4 explains that central and provincial units have their own rows, so that a
city's row differs from the city's own 附表4 total (issue #11, point 10)."""

from __future__ import annotations

from django.urls import reverse

from reports.annexes import ANNEX4, statistics_table
from tests.reports.test_annex_xlsx import workbook
from tests.reports.test_annexes import campaign, ledger, region, units  # noqa: F401 (fixtures)

NOTE_START = "注：中央在晋单位、省直单位选派的第一书记单列"


def test_the_province_s_table_carries_the_note_and_its_city_row_differs_from_the_city_total(campaign, ledger, province_user):  # noqa: F811
    province = statistics_table(campaign=campaign, region=region("140000"), user=province_user)
    city = statistics_table(campaign=campaign, region=region("140900"), user=province_user)
    # What the note explains: 忻州市's row in the province's table (3) is not 忻州市's own total (7).
    assert province.row("140900").values["total"] == 3 and city.total.values["total"] == 7
    assert province.notes == [ANNEX4.province_note] and province.notes[0].startswith(NOTE_START)
    assert city.notes == []


def test_the_province_s_workbook_prints_the_note_under_the_table_and_the_city_s_does_not(campaign, ledger):  # noqa: F811
    sheet = workbook("4", campaign, "140000").active
    texts = [sheet.cell(r, 1).value or "" for r in range(1, sheet.max_row + 1)]
    total = texts.index("合计")
    note = next(i for i, t in enumerate(texts) if t.startswith(NOTE_START))
    assert total < note < next(i for i, t in enumerate(texts) if t.startswith("填表人："))
    city = workbook("4", campaign, "140900").active
    assert not any(str(city.cell(r, 1).value or "").startswith(NOTE_START) for r in range(1, city.max_row + 1))


def test_the_province_s_page_shows_the_note(client, province_user, campaign, ledger):  # noqa: F811
    client.force_login(province_user)
    page = client.get(reverse("annexes:annex", args=["4"])).content.decode()
    assert NOTE_START in page
    page = client.get(reverse("annexes:annex", args=["4"]), {"region": "140900"}).content.decode()
    assert NOTE_START not in page
