"""The audit trail (#14 point 2): who changed what, when, from where, before → after; written
in bulk by imports and bulk actions; kept at least 180 days; read by the 审计员 only; changed by
nobody through the application."""

import datetime

import pytest
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core import audit
from dispatch import roles
from dispatch.models import Campaign, DispatchingUnit, QuotaAllocation, User
from reports.models import Submission
from secretaries.models import Cadre, Posting
from tenure.models import DiaryEntry, LeaveRequest, PresenceMonth
from tests.factories import PASSWORD, make_cadre
from tests.spreadsheets import xlsx_bytes
from villages.models import Region, Village
from villages.resources import VillageResource

XIJIE = "140929100201"


@pytest.fixture
def auditor(auditor_user):
    return auditor_user


def test_the_models_of_the_issue_are_tracked():
    tracked = set(audit.tracked_models())
    assert {User, Region, Village, DispatchingUnit, QuotaAllocation, Campaign, Cadre, Posting, Submission} <= tracked
    assert {DiaryEntry, LeaveRequest, PresenceMonth} <= tracked


def test_a_change_through_a_page_records_who_when_where_and_before_after(client, admin_user):
    village = Village.objects.get(code=XIJIE)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:villages_village_change", args=[village.pk]),
        {"name": "西街新村", "urban_rural_code": "", "is_registered_poor": "on", "notes": ""},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    # The admin's save writes the name, then the category service the flag: two history rows.
    records = list(village.history.filter(history_type="~"))
    assert records and all((r.history_user, r.ip_address) == (admin_user, "10.1.2.3") for r in records)
    assert all(timezone.now() - r.history_date < datetime.timedelta(minutes=1) for r in records)
    changes = {label: (before, after) for r in records for label, before, after in audit.changes(r)}
    assert changes["村名"] == ("西街村", "西街新村")
    assert changes["建档立卡贫困村"] == ("否", "是")


def test_the_address_comes_from_the_trusted_proxy_header_only(client, admin_user, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    village = Village.objects.get(code=XIJIE)
    client.force_login(admin_user)
    client.post(
        reverse("admin:villages_village_change", args=[village.pk]),
        {"name": "西街村", "urban_rural_code": "", "notes": "经代理"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.7",
    )
    assert village.history.latest().ip_address == "192.0.2.7"


def test_a_user_s_history_never_holds_the_password_and_a_login_writes_none(client, kelan_user):
    fields = {f.name for f in User.history.model._meta.get_fields()}
    assert "password" not in fields and "last_login" not in fields
    before = kelan_user.history.count()
    assert client.post(reverse("login"), {"username": "kelan", "password": PASSWORD}).status_code == 302
    kelan_user.refresh_from_db()
    assert kelan_user.last_login is not None and kelan_user.history.count() == before


def test_an_import_of_a_thousand_villages_writes_its_history_in_bulk(province_user, django_assert_max_num_queries):
    villages = list(
        Village.objects.filter(county__parent__code="140900")
        .order_by("code")
        .values_list("code", "county__name", "township__name", "name")[:1000]
    )
    assert len(villages) == 1000
    rows = [["村代码", "县", "乡镇", "村名称", "是否贫困村"], *([*village, "是"] for village in villages)]
    batch = VillageResource().preview(data=xlsx_bytes(rows), file_name="名单.xlsx", user=province_user)
    assert batch.errors == [] and batch.updated_count == 1000
    before = Village.history.count()

    # Far fewer statements than rows: the history is written in bulk, not one INSERT per village.
    with django_assert_max_num_queries(60):
        VillageResource().confirm(batch=batch, user=province_user)

    codes = [v[0] for v in villages]
    written = Village.history.filter(code__in=codes, history_type="~")
    assert Village.history.count() - before == 1000
    assert set(written.values_list("history_user", flat=True)) == {province_user.pk}
    assert all(written.values_list("is_registered_poor", flat=True))


def test_bulk_created_cadres_write_one_history_row_each_in_a_few_queries(unit_user, django_assert_max_num_queries):
    from secretaries.idcard import make_id_number
    from secretaries.services import cadres_create

    cadres = [
        Cadre(
            name=f"干部{i}",
            id_number=make_id_number("140929", datetime.date(1980, 1, 1), 100 + i, "M"),
            sex="M",
            birth_date=datetime.date(1980, 1, 1),
            education=Cadre.Education.BACHELOR,
            political_status=Cadre.PoliticalStatus.MEMBER,
            party_join_date=datetime.date(2006, 7, 1),
            work_start_date=datetime.date(2005, 8, 1),
            unit=unit_user.unit,
            position="科员",
            rank=Cadre.Rank.SECTION,
            source=Cadre.Source.YOUNG_CADRE,
        )
        for i in range(200)
    ]
    with django_assert_max_num_queries(15):
        created = cadres_create(cadres=cadres, by=unit_user)
    assert Cadre.history.filter(id__in=[c.pk for c in created], history_type="+", history_user=unit_user).count() == 200


def test_a_bulk_transition_writes_the_postings_history(unit_user):
    from secretaries.services import posting_apply, posting_qualify

    posting = posting_apply(cadre=make_cadre(unit_user.unit), campaign=Campaign.current(), by=unit_user)
    posting_qualify(posting=posting, by=unit_user)
    states = list(Posting.history.filter(id=posting.pk).order_by("history_date", "history_id").values_list("state", "history_type"))
    assert states == [("applied", "+"), ("qualified", "~")]
    record = Posting.history.filter(id=posting.pk).latest()
    assert any(label == "状态" and before != after for label, before, after in audit.changes(record))


def test_the_audit_page_masks_id_numbers_and_phones(unit_user):
    cadre = make_cadre(unit_user.unit)
    record = cadre.history.latest()
    shown = {label: after for label, _, after in audit.changes(record)}
    assert cadre.id_number not in shown.values()
    assert shown["公民身份证号"] == cadre.id_number[:4] + "*" * 12 + cadre.id_number[-2:]
    assert shown["联系电话"] == "139****5678"


# --- retention ---------------------------------------------------------------------------------


def test_pruning_deletes_only_rows_older_than_the_retention(admin_user, settings):
    settings.AUDIT_RETENTION_DAYS = 200
    village = Village.objects.get(code=XIJIE)
    village.notes = "一"
    village.save()
    old = village.history.latest()
    old.history_date = timezone.now() - datetime.timedelta(days=201)
    old.save()
    village.notes = "二"
    village.save()
    young = village.history.latest()
    young.history_date = timezone.now() - datetime.timedelta(days=199)
    young.save()

    call_command("prune_audit")

    remaining = set(village.history.values_list("history_id", flat=True))
    assert young.history_id in remaining and old.history_id not in remaining


def test_pruning_below_180_days_is_refused(settings):
    with pytest.raises(CommandError, match="至少保留180天"):
        call_command("prune_audit", "--days", "179")
    settings.AUDIT_RETENTION_DAYS = 90
    with pytest.raises(ImproperlyConfigured):
        audit.prune()


# --- the 审计员 and the audit page --------------------------------------------------------------


def test_the_auditor_reads_the_audit_and_nothing_else(auditor):
    assert roles.capabilities_of(auditor) == {roles.VIEW_AUDIT}
    assert auditor.scope.everything is False
    assert not Village.objects.visible_to(auditor).exists()
    assert not Cadre.objects.visible_to(auditor).exists()


@pytest.mark.parametrize("url", ["villages:list", "units:list", "secretaries:list", "annexes:index", "roster:export", "admin:index"])
def test_the_auditor_gets_no_other_page(client, auditor, url):
    client.force_login(auditor)
    response = client.get(reverse(url))
    # Refused, or (the postings list, which every role opens within its scope) empty.
    assert response.status_code in (302, 403) or response.context["page"].paginator.count == 0


def test_the_audit_page_lists_changes_with_filters(client, auditor, admin_user, unit_user):
    village = Village.objects.get(code=XIJIE)
    client.force_login(admin_user)
    client.post(
        reverse("admin:villages_village_change", args=[village.pk]),
        {"name": "西街新村", "urban_rural_code": "", "notes": ""},
        REMOTE_ADDR="10.9.8.7",
    )
    make_cadre(unit_user.unit, name="李审计")
    client.force_login(auditor)

    page = client.get(reverse("audit:trail"), {"model": "villages.village", "object_id": village.pk, "user": "admin"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "西街村 → 西街新村" in text and "10.9.8.7" in text and "admin" in text
    assert "李审计" not in text

    everything = client.get(reverse("audit:trail")).content.decode()
    assert "西街新村" in everything and "李审计" in everything
    assert page["Cache-Control"].startswith("no-store")


def test_the_audit_page_filters_by_date_and_pages(client, auditor, admin_user):
    client.force_login(auditor)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.get(reverse("audit:trail"), {"date_from": tomorrow})
    assert response.status_code == 200 and response.context["page"].paginator.count == 0
    response = client.get(reverse("audit:trail"), {"date_from": tomorrow, "date_to": "2015-01-01"})
    assert "结束日期不能早于开始日期" in response.content.decode()
    response = client.get(reverse("audit:trail"), {"object_id": "²", "page": "x"})
    assert response.status_code == 200 and "记录编号应为正整数" in response.content.decode()


@pytest.mark.parametrize("who", ["admin_user", "province_user", "kelan_user", "unit_user", "secretary_user"])
def test_other_roles_get_403_on_the_audit_pages(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("audit:trail")).status_code == 403
    assert client.get(reverse("audit:access")).status_code == 403


def test_the_audit_pages_take_no_post(client, auditor):
    client.force_login(auditor)
    assert client.post(reverse("audit:trail")).status_code == 405
    assert client.post(reverse("audit:access")).status_code == 405


def test_nobody_edits_the_audit_through_the_admin(rf, admin_user):
    from core.models import PersonalDataAccess

    request = rf.get("/admin/")
    request.user = admin_user
    # Not in the admin at all: no page there to add, change, delete or revert, for anyone.
    for model in [*(audit.history_model(m) for m in audit.tracked_models()), PersonalDataAccess]:
        assert model not in admin.site._registry, model
    # The tracked models' own admin pages are not django-simple-history's (which could revert).
    from simple_history.admin import SimpleHistoryAdmin

    for model in audit.tracked_models():
        assert not isinstance(admin.site._registry.get(model), SimpleHistoryAdmin), model


def test_the_audit_page_reads_each_row_s_previous_version_without_a_query_per_row(client, auditor, admin_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    villages = list(Village.objects.filter(township__code="140929100").order_by("code")[:6])

    def rename(batch, suffix):
        for v in batch:
            v.name = f"{v.name}{suffix}"
            v._history_user = admin_user  # as a page's save records it
            v.save()

    def queries_of_the_page():
        with CaptureQueriesContext(connection) as page:
            response = client.get(reverse("audit:trail"), {"model": "villages.village", "user": "admin"})
        assert response.status_code == 200
        return len(page), response.content.decode()

    client.force_login(auditor)
    rename(villages[:2], "甲")
    few, _ = queries_of_the_page()
    rename(villages, "乙")
    many, text = queries_of_the_page()
    assert text.count("乙") == 6 and many == few  # 8 rows read as 2 were
    # Each row still shows its own before → after, read from the version just before it.
    assert f"{villages[0].name[:-1]} → {villages[0].name}" in text
    assert f"{villages[5].name[:-1]} → {villages[5].name}" in text
