"""The personal-data access log (#14 point 3 b) and no-store caching (c): every page or file that
shows full ID numbers or phones writes who, what, how many people, when and from where; the
审计员 reads it; nobody changes it; such pages are never cached."""

import datetime

import pytest
from django.urls import reverse

from core.models import PersonalDataAccess
from dispatch.models import Campaign
from reports.services import county_submit
from secretaries.roster_resources import RosterResource
from secretaries.services import posting_apply
from tests.factories import make_cadre
from tests.secretaries.test_roster_import import HEADER, row
from tests.spreadsheets import xlsx_bytes


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def auditor(auditor_user):
    return auditor_user


@pytest.fixture
def provincial_posting(unit_user):
    return posting_apply(cadre=make_cadre(unit_user.unit, name="赵省直"), campaign=Campaign.current(), by=unit_user)


def only_entry():
    (entry,) = PersonalDataAccess.objects.all()
    return entry


def test_a_posting_page_with_the_full_number_is_logged(client, kelan_user, secretary_posting):
    client.force_login(kelan_user)
    response = client.get(reverse("secretaries:detail", args=[secretary_posting.pk]), REMOTE_ADDR="10.4.5.6")
    assert secretary_posting.cadre.id_number in response.content.decode()
    entry = only_entry()
    assert (entry.user, entry.username, entry.people, entry.ip_address) == (kelan_user, "kelan", 1, "10.4.5.6")
    assert "张建国" in entry.what and entry.path == reverse("secretaries:detail", args=[secretary_posting.pk])


def test_a_masked_page_is_not_logged(client, poverty_office_user, provincial_posting):
    client.force_login(poverty_office_user)
    assert client.get(reverse("secretaries:detail", args=[provincial_posting.pk])).status_code == 200
    assert not PersonalDataAccess.objects.exists()


def test_the_roster_export_is_logged_with_how_many_people(client, unit_user):
    for name in ("甲", "乙", "丙"):
        make_cadre(unit_user.unit, name=name)
    client.force_login(unit_user)
    assert client.get(reverse("roster:export")).status_code == 200
    entry = only_entry()
    assert entry.people == 3 and "报名人员名单" in entry.what


def test_the_ledger_page_and_its_xlsx_are_logged(client, kelan_user, secretary_posting):
    client.force_login(kelan_user)
    assert client.get(reverse("annexes:annex", args=["3"])).status_code == 200
    assert only_entry().people == 1
    response = client.get(reverse("annexes:xlsx", args=["3"]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entries = list(PersonalDataAccess.objects.order_by("id"))
    assert len(entries) == 2 and "Excel" in entries[1].what and entries[1].people == 1


def test_the_poverty_office_reads_the_ledger_with_masked_phones_and_is_not_logged(
    client, poverty_office_user, province_user, kelan_user, unit_user, lanyi_village
):
    import datetime

    from secretaries import services as s

    # A provincial unit's secretary (the poverty office's scope) through the pipeline into office.
    posting = posting_apply(cadre=make_cadre(unit_user.unit, name="钱省直"), campaign=Campaign.current(), by=unit_user)
    s.posting_qualify(posting=posting, by=unit_user)
    s.posting_recommend(posting=posting, by=unit_user, meeting_date=datetime.date(2015, 7, 1), decision="同意", county=lanyi_village.county)
    s.posting_approve(posting=posting, by=poverty_office_user)
    s.posting_file(posting=posting, by=province_user)
    s.posting_assign(posting=posting, by=kelan_user, village=lanyi_village)
    s.posting_take_office(posting=posting, by=kelan_user, start_date=datetime.date(2015, 8, 10), party_relation_transferred=True)
    client.force_login(poverty_office_user)
    page = client.get(reverse("annexes:annex", args=["3"])).content.decode()
    assert "钱省直" in page and "139****5678" in page and "13912345678" not in page
    assert not PersonalDataAccess.objects.exists()


def test_a_submitted_ledger_file_is_logged(client, kelan_user, secretary_posting):
    submission = county_submit(campaign=Campaign.current(), by=kelan_user)
    client.force_login(kelan_user)
    response = client.get(reverse("submissions:file", args=[submission.pk, "ledger"]))
    assert response.status_code == 200
    entry = only_entry()
    assert entry.people == submission.row_count == 1 and "工作台账" in entry.what
    client.get(reverse("submissions:file", args=[submission.pk, "statistics"]))
    assert PersonalDataAccess.objects.count() == 1  # 附表4 holds no one's data


def test_a_roster_import_original_is_logged(client, unit_user, province_user):
    batch = RosterResource().preview(data=xlsx_bytes([HEADER, row()]), file_name="报名人员.xlsx", user=unit_user)
    client.force_login(unit_user)
    assert client.get(reverse("roster:import_download", args=[batch.pk])).status_code == 200
    entry = only_entry()
    assert entry.people == 1 and "报名人员.xlsx" in entry.what


def test_the_admin_s_cadre_pages_are_logged(client, admin_user, unit_user):
    cadre = make_cadre(unit_user.unit)
    client.force_login(admin_user)
    assert client.get(reverse("admin:secretaries_cadre_changelist")).status_code == 200
    assert client.get(reverse("admin:secretaries_cadre_change", args=[cadre.pk])).status_code == 200
    assert list(PersonalDataAccess.objects.order_by("id").values_list("what", "people")) == [
        ("管理后台：干部列表", 1),
        ("管理后台：干部信息", 1),
    ]


def test_the_auditor_reads_the_access_log_with_filters(client, auditor, kelan_user, secretary_posting):
    client.force_login(kelan_user)
    client.get(reverse("secretaries:detail", args=[secretary_posting.pk]), REMOTE_ADDR="10.4.5.6")
    client.force_login(auditor)
    page = client.get(reverse("audit:access")).content.decode()
    assert "kelan" in page and "10.4.5.6" in page and "张建国" in page
    none = client.get(reverse("audit:access"), {"user": "nobody"}).content.decode()
    assert "张建国" not in none


def test_an_access_row_is_never_changed_or_deleted(kelan_user, rf):
    from core.access_log import record

    request = rf.get("/x/")
    request.user = kelan_user
    entry = record(request, what="测试", people=2)
    entry.people = 1
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert record(request, what="无人", people=0) is None


# --- (c) no-store on every page and download with personal data --------------------------------


def test_pages_and_downloads_with_personal_data_are_not_cached(client, kelan_user, auditor, secretary_posting):
    submission = county_submit(campaign=Campaign.current(), by=kelan_user)
    client.force_login(kelan_user)
    urls = [
        reverse("secretaries:list"),
        reverse("secretaries:detail", args=[secretary_posting.pk]),
        reverse("roster:export"),
        reverse("annexes:annex", args=["3"]),
        reverse("annexes:xlsx", args=["3"]),
        reverse("submissions:detail", args=[submission.pk]),
        reverse("submissions:file", args=[submission.pk, "ledger"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    client.force_login(auditor)
    for url in (reverse("audit:trail"), reverse("audit:access")):
        assert "no-store" in client.get(url)["Cache-Control"]


def test_the_roster_import_names_no_other_unit(unit_user, regions):
    """The roster import's message about a number registered by another unit names neither the
    cadre nor the unit (verified here: #14 point 3)."""
    from dispatch.models import DispatchingUnit
    from tests.secretaries.test_roster_import import WANG

    other = DispatchingUnit.objects.exclude(pk=unit_user.unit_id).filter(level="province").order_by("name").first()
    make_cadre(other, name="熊萍", id_number=WANG, birth_date=datetime.date(1985, 3, 9))
    batch = RosterResource().preview(data=xlsx_bytes([HEADER, row()]), file_name="报名人员.xlsx", user=unit_user)
    text = " ".join(str(e) for e in batch.errors)
    assert "熊萍" not in text and other.name not in text and "请联系省委组织部组织指导处核实" in text
