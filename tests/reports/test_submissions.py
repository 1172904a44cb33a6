"""Ledger submissions county → city → province (reports.services, reports.selectors and the pages)."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dispatch.models import DispatchingUnit, Role
from reports import annexes
from reports.models import DEFAULT_COUNTY_LEAD_DAYS, CountyDeadline, Submission, SubmissionEvent, deadline_for
from reports.selectors import submission_todos
from reports.services import (
    SubmissionRefused,
    city_accept,
    city_return,
    city_submit,
    county_submit,
    province_accept,
    province_return,
)
from secretaries.services import (
    posting_apply,
    posting_assign,
    posting_end_term,
    posting_file,
    posting_qualify,
    posting_recall,
    posting_recommend,
    posting_take_office,
)
from tests.factories import UserFactory
from tests.secretaries.conftest import cadre_for, campaign  # noqa: F401  (the pipeline's fixtures)
from tests.tenure.term_helpers import term_review_completed
from villages.models import Village

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def scan(data: bytes = PDF, name: str = "台账扫描件.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def in_office(unit_user, county_user, village: Village, *, name: str, campaign) -> object:
    """A county unit's cadre through the pipeline's services into office in ``village``."""
    posting = posting_apply(cadre=cadre_for(unit_user.unit, name=name), campaign=campaign, by=unit_user)
    posting_qualify(posting=posting, by=unit_user)
    posting_recommend(posting=posting, by=unit_user, meeting_date=datetime.date(2015, 7, 1), decision="同意推荐", county=county_user.region)
    posting_file(posting=posting, by=county_user)
    posting_assign(posting=posting, by=county_user, village=village)
    return posting_take_office(posting=posting, by=county_user, start_date=datetime.date(2015, 8, 10), party_relation_transferred=True)


def county_unit_user(county, username: str):
    unit = DispatchingUnit.objects.create(name=f"{county.name}农业农村局", level="county", kind="party_government", region=county)
    return UserFactory(username=username, role=Role.UNIT, unit=unit)


def target_villages(county_name: str, n: int) -> list[Village]:
    return list(Village.objects.targets().filter(county__name=county_name).order_by("code")[:n])


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def categories(reference_data):
    """A few registered-poor villages in 岢岚县 and 五寨县: all these tests need (the demo's
    9,896 categories take seconds to mark)."""
    for county in ("岢岚县", "五寨县"):
        ids = list(Village.objects.filter(county__name=county).order_by("code").values_list("pk", flat=True)[:5])
        Village.objects.filter(pk__in=ids).update(is_registered_poor=True)


@pytest.fixture
def kelan_postings(categories, campaign, kelan_user):
    """Three secretaries in office in 岢岚县 villages."""
    unit_user = county_unit_user(kelan_user.region, "kelan_nyj")
    villages = target_villages("岢岚县", 4)
    return {
        "unit_user": unit_user,
        "spare_village": villages[3],
        "postings": [
            in_office(unit_user, kelan_user, v, name=n, campaign=campaign)
            for v, n in zip(villages, ["王志刚", "刘玉兰", "陈晓东"], strict=False)
        ],
    }


@pytest.fixture
def wuzhai_posting(categories, campaign, wuzhai_user):
    unit_user = county_unit_user(wuzhai_user.region, "wuzhai_nyj")
    return in_office(unit_user, wuzhai_user, target_villages("五寨县", 1)[0], name="赵文明", campaign=campaign)


@pytest.fixture
def submitted(kelan_postings, campaign, kelan_user):
    return county_submit(campaign=campaign, by=kelan_user)


@pytest.fixture
def accepted(submitted, xinzhou_user):
    return city_accept(submission=submitted, by=xinzhou_user)


def login(client, user):
    client.force_login(user)
    return client


# --- submitting ------------------------------------------------------------------------------
class TestCountySubmit:
    def test_freezes_rows_files_and_checksums(self, submitted, kelan_user):
        assert submitted.state == Submission.State.SUBMITTED
        assert submitted.level == Submission.Level.COUNTY and submitted.region == kelan_user.region
        assert submitted.row_count == 3 and {r["name"] for r in submitted.rows} == {"王志刚", "刘玉兰", "陈晓东"}
        assert all("posting_id" in r for r in submitted.rows)
        for file, checksum in ((submitted.ledger_file, submitted.ledger_sha256), (submitted.statistics_file, submitted.statistics_sha256)):
            data = file.open("rb").read()
            assert data.startswith(b"PK\x03\x04")
            assert hashlib.sha256(data).hexdigest() == checksum
        event = submitted.events.get()
        assert (event.action, event.actor, event.from_state, event.to_state) == ("submit", kelan_user, "", "submitted")

    def test_a_second_submit_is_refused_and_writes_nothing(self, submitted, campaign, kelan_user):
        with pytest.raises(SubmissionRefused, match="已报送，正等待市委组织部接收，不能重复报送"):
            county_submit(campaign=campaign, by=kelan_user, seen_latest_id=0)
        assert Submission.objects.count() == 1 and SubmissionEvent.objects.count() == 1

    def test_a_stale_form_is_refused(self, submitted, campaign, kelan_user, xinzhou_user):
        city_return(submission=submitted, by=xinzhou_user, reason="缺少联系电话")
        # The page was opened before the first submission: it saw none.
        with pytest.raises(SubmissionRefused, match="报送情况已有变化"):
            county_submit(campaign=campaign, by=kelan_user, seen_latest_id=0)
        assert Submission.objects.count() == 1

    @pytest.mark.parametrize("user", ["xinzhou_user", "province_user", "lanyi_user", "admin_user"])
    def test_only_a_county_department_submits_a_county_ledger(self, kelan_postings, campaign, user, request):
        with pytest.raises(SubmissionRefused, match="只有县委组织部"):
            county_submit(campaign=campaign, by=request.getfixturevalue(user))
        assert not Submission.objects.exists()

    def test_the_snapshot_does_not_change_when_postings_do(self, submitted, campaign, kelan_postings, kelan_user):
        rows, ledger = list(submitted.rows), submitted.ledger_file.open("rb").read()
        posting = kelan_postings["postings"][0]
        posting_recall(posting=posting, by=kelan_user, reason_code="work_needs", reason="工作调整")
        assert len(list(annexes.ledger_rows(campaign=campaign, region=kelan_user.region, user=kelan_user))) == 2
        submitted = Submission.objects.get(pk=submitted.pk)
        assert submitted.rows == rows and submitted.row_count == 3
        data = submitted.ledger_file.open("rb").read()
        assert data == ledger and hashlib.sha256(data).hexdigest() == submitted.ledger_sha256


# --- the city decides ------------------------------------------------------------------------
class TestCityDecides:
    def test_accept_locks_the_county(self, accepted, campaign, kelan_user, xinzhou_user):
        assert (accepted.state, accepted.decided_by) == ("accepted", xinzhou_user)
        assert accepted.decided_at is not None
        with pytest.raises(SubmissionRefused, match="已被接收；如需修改，须由上级（市委组织部）退回"):
            county_submit(campaign=campaign, by=kelan_user)

    def test_a_double_accept_makes_one_change(self, submitted, xinzhou_user):
        city_accept(submission=submitted, by=xinzhou_user, expected_state="submitted")
        with pytest.raises(SubmissionRefused, match="当前为“已接收”，不能接收（可能已被他人处理"):
            city_accept(submission=submitted, by=xinzhou_user, expected_state="submitted")
        assert list(submitted.events.values_list("action", flat=True)) == ["submit", "accept"]

    def test_a_return_from_a_stale_page_is_refused(self, submitted, xinzhou_user):
        city_accept(submission=submitted, by=xinzhou_user)
        with pytest.raises(SubmissionRefused, match="可能已被他人处理"):
            city_return(submission=submitted, by=xinzhou_user, reason="有误", expected_state="submitted")
        assert Submission.objects.get(pk=submitted.pk).state == "accepted"

    def test_return_needs_a_reason(self, submitted, xinzhou_user):
        with pytest.raises(SubmissionRefused, match="退回理由"):
            city_return(submission=submitted, by=xinzhou_user, reason="  ")
        assert submitted.events.count() == 1

    def test_returning_an_accepted_ledger_unlocks_it_and_the_next_links_back(self, accepted, campaign, kelan_user, xinzhou_user):
        city_return(submission=accepted, by=xinzhou_user, reason="刘玉兰的任职时间有误")
        returned = Submission.objects.get(pk=accepted.pk)
        assert (returned.state, returned.return_reason) == ("returned", "刘玉兰的任职时间有误")
        again = county_submit(campaign=campaign, by=kelan_user, seen_latest_id=returned.pk)
        assert again.previous == returned and again.state == "submitted"

    def test_another_city_cannot_see_it(self, submitted, lvliang_user):
        with pytest.raises(Submission.DoesNotExist):
            city_accept(submission=submitted, by=lvliang_user)
        assert Submission.objects.get(pk=submitted.pk).state == "submitted"

    @pytest.mark.parametrize("user", ["province_user", "kelan_user", "admin_user"])
    def test_only_the_city_decides_on_a_county_ledger(self, submitted, user, request):
        with pytest.raises(SubmissionRefused, match="县级台账由所在市的市委组织部接收"):
            city_accept(submission=submitted, by=request.getfixturevalue(user))
        with pytest.raises(SubmissionRefused):
            province_accept(submission=submitted, by=request.getfixturevalue("province_user"))
        assert submitted.events.count() == 1


# --- the city submits to the province --------------------------------------------------------
class TestCitySubmit:
    def test_refused_naming_the_counties_not_accepted(self, submitted, wuzhai_posting, campaign, xinzhou_user):
        with pytest.raises(SubmissionRefused, match="以下县（市、区）的台账尚未被接收：五寨县、岢岚县"):
            city_submit(campaign=campaign, by=xinzhou_user, signer="张部长", scan=scan())
        assert not Submission.objects.filter(level="city").exists()

    def test_with_every_county_accepted_it_freezes_the_city_ledger_and_the_scan(
        self, accepted, wuzhai_posting, campaign, xinzhou_user, wuzhai_user, media
    ):
        city_accept(submission=county_submit(campaign=campaign, by=wuzhai_user), by=xinzhou_user)
        city = city_submit(campaign=campaign, by=xinzhou_user, signer="张部长", scan=scan(PNG, "扫描.png"))
        assert (city.level, city.region, city.signer, city.row_count) == ("city", xinzhou_user.region, "张部长", 4)
        assert city.scan.name.endswith(".png") and city.scan_sha256 == hashlib.sha256(PNG).hexdigest()
        assert city.scan.open("rb").read() == PNG

    def test_a_text_file_renamed_pdf_is_refused(self, accepted, campaign, xinzhou_user, media):
        with pytest.raises(SubmissionRefused, match="签字盖章扫描件：“台账.pdf”不是 PDF、JPEG 或 PNG 文件"):
            city_submit(campaign=campaign, by=xinzhou_user, signer="张部长", scan=scan(b"just some text\n", "台账.pdf"))
        assert not Submission.objects.filter(level="city").exists()
        assert not list(media.glob(f"submissions/*/{xinzhou_user.region.code}/*"))

    def test_a_scan_over_the_size_limit_is_refused(self, accepted, campaign, xinzhou_user, settings):
        settings.SUBMISSION_SCAN_MAX_BYTES = 1024
        with pytest.raises(SubmissionRefused, match="签字盖章扫描件：文件过大"):
            city_submit(campaign=campaign, by=xinzhou_user, signer="张部长", scan=scan(PDF + b"0" * 2048))

    def test_needs_the_signer(self, accepted, campaign, xinzhou_user):
        with pytest.raises(SubmissionRefused, match="审核人（部长签字）"):
            city_submit(campaign=campaign, by=xinzhou_user, signer=" ", scan=scan())

    def test_the_county_cannot_be_returned_while_the_city_ledger_is_with_the_province(
        self, accepted, campaign, xinzhou_user, province_user
    ):
        city = city_submit(campaign=campaign, by=xinzhou_user, signer="张部长", scan=scan())
        with pytest.raises(SubmissionRefused, match="须先由省委组织部退回市级汇总台账"):
            city_return(submission=accepted, by=xinzhou_user, reason="补充")
        province_return(submission=city, by=province_user, reason="扫描件不清晰")
        city_return(submission=accepted, by=xinzhou_user, reason="补充")
        assert Submission.objects.get(pk=accepted.pk).state == "returned"

    def test_the_province_accepts_and_only_the_province(self, accepted, campaign, xinzhou_user, province_user, lvliang_user):
        city = city_submit(campaign=campaign, by=xinzhou_user, signer="张部长", scan=scan())
        with pytest.raises(SubmissionRefused, match="市级汇总台账由省委组织部接收"):
            city_accept(submission=city, by=xinzhou_user)
        with pytest.raises(Submission.DoesNotExist):
            province_accept(submission=city, by=lvliang_user)
        province_accept(submission=city, by=province_user)
        with pytest.raises(SubmissionRefused, match="已被接收；如需修改，须由上级（省委组织部）退回"):
            city_submit(campaign=campaign, by=xinzhou_user, signer="张部长", scan=scan())


# --- what changed since the returned submission ----------------------------------------------
def test_a_resubmission_shows_rows_added_removed_and_changed(submitted, kelan_postings, campaign, kelan_user, xinzhou_user, client):
    city_return(submission=submitted, by=xinzhou_user, reason="请核对")
    first, second, third = kelan_postings["postings"]
    posting_recall(posting=first, by=kelan_user, reason_code="work_needs", reason="工作调整")
    term_review_completed(second)
    posting_end_term(posting=second, by=kelan_user, end_date=datetime.date(2016, 3, 1))
    in_office(kelan_postings["unit_user"], kelan_user, kelan_postings["spare_village"], name="孙丽", campaign=campaign)
    again = county_submit(campaign=campaign, by=kelan_user)

    page = login(client, xinzhou_user).get(reverse("submissions:detail", args=[again.pk])).content.decode()
    diff = page[page.index('data-testid="diff"') : page.index('data-testid="rows"')]
    assert "新增 1 人" in diff and f"孙丽（{kelan_postings['spare_village'].name}）" in diff
    assert "移除 1 人" in diff and f"王志刚（{first.village.name}）" in diff
    assert "刘玉兰" in diff and "备注 （空） → 期满免职" in diff and "任期 2015.08—2017.08 → 2015.08—2016.03" in diff
    assert "陈晓东" not in diff


# --- deadlines and the home page's 待办 -------------------------------------------------------
class TestDeadlines:
    def test_counties_are_due_before_the_cities_unless_the_province_sets_a_date(self, campaign):
        assert deadline_for(campaign=campaign, level="city") == datetime.date(2015, 7, 15)
        assert deadline_for(campaign=campaign, level="county") == datetime.date(2015, 7, 15) - datetime.timedelta(
            days=DEFAULT_COUNTY_LEAD_DAYS
        )
        CountyDeadline.objects.create(campaign=campaign, due_on=datetime.date(2015, 7, 8))
        assert deadline_for(campaign=campaign, level="county") == datetime.date(2015, 7, 8)

    def test_a_submission_after_the_deadline_is_late(self, submitted):
        assert submitted.is_late  # 2015's deadline has passed

    def _labels(self, user):
        return {t.label: t.count for t in submission_todos(user) if t.count}

    def test_the_city_sees_its_counties_missing_overdue_and_waiting(
        self, kelan_postings, wuzhai_posting, campaign, kelan_user, xinzhou_user, lvliang_user
    ):
        own = "本市汇总台账逾期未报送（期限2015年7月15日）"
        assert self._labels(xinzhou_user) == {"逾期未报送台账的县（期限2015年7月5日）": 2, own: 1}
        assert self._labels(lvliang_user) == {}  # no secretaries in 吕梁市's ledger
        county_submit(campaign=campaign, by=kelan_user)
        late_counties = "逾期未报送台账的县（期限2015年7月5日）"
        assert self._labels(xinzhou_user) == {"待接收的县级台账（其中逾期报送 1 份）": 1, late_counties: 1, own: 1}
        campaign.ledger_deadline = timezone.localdate() + datetime.timedelta(days=30)
        campaign.save()
        due, city_due = campaign.ledger_deadline - datetime.timedelta(days=DEFAULT_COUNTY_LEAD_DAYS), campaign.ledger_deadline
        assert self._labels(xinzhou_user) == {
            "待接收的县级台账": 1,
            f"尚未报送台账的县（期限{due.year}年{due.month}月{due.day}日）": 1,
            f"本市汇总台账尚未报送（期限{city_due.year}年{city_due.month}月{city_due.day}日）": 1,
        }

    def test_the_province_sees_the_cities_and_a_county_its_own(self, accepted, campaign, kelan_user, xinzhou_user, province_user):
        assert self._labels(province_user) == {"逾期未报送台账的市（期限2015年7月15日）": 1}
        assert self._labels(xinzhou_user) == {"本市汇总台账逾期未报送（期限2015年7月15日）": 1}
        city_submit(campaign=campaign, by=xinzhou_user, signer="张部长", scan=scan())
        assert self._labels(province_user) == {"待接收的市级汇总台账（其中逾期报送 1 份）": 1}
        assert self._labels(kelan_user) == {}

    def test_home_page_shows_the_todo(self, kelan_postings, xinzhou_user, client):
        page = login(client, xinzhou_user).get(reverse("home")).content.decode()
        assert "逾期未报送台账的县" in page


# --- pages ------------------------------------------------------------------------------------
class TestPages:
    def test_the_county_submits_on_its_page_and_sees_the_lock_after_acceptance(self, kelan_postings, kelan_user, xinzhou_user, client):
        login(client, kelan_user)
        page = client.get(reverse("submissions:new"))
        assert page.status_code == 200 and 'data-testid="row-count">3<' in page.content.decode()
        # The fixture leaves target villages uncovered: the county confirms it knows.
        response = client.post(reverse("submissions:new"), {"seen_latest": 0, "note": "请审核", "acknowledge": "on"})
        submission = Submission.objects.get()
        assert response.url == reverse("submissions:detail", args=[submission.pk]) and submission.note == "请审核"
        # A double click: the second post is refused with a message and changes nothing.
        response = client.post(reverse("submissions:new"), {"seen_latest": 0, "acknowledge": "on"}, follow=True)
        assert "已报送，正等待市委组织部接收，不能重复报送" in response.content.decode()
        assert Submission.objects.count() == 1
        city_accept(submission=submission, by=xinzhou_user)
        for url in (reverse("submissions:detail", args=[submission.pk]), reverse("submissions:new"), reverse("submissions:list")):
            assert "已被接收；如需修改，须由上级（市委组织部）退回" in client.get(url).content.decode()

    def test_the_city_accepts_and_returns_on_the_detail_page(self, submitted, xinzhou_user, client):
        login(client, xinzhou_user)
        detail = reverse("submissions:detail", args=[submitted.pk])
        page = client.get(detail).content.decode()
        assert 'data-action="accept"' in page and 'data-action="return"' in page
        client.post(reverse("submissions:decide", args=[submitted.pk, "accept"]), {"accept-expected_state": "submitted"})
        assert Submission.objects.get(pk=submitted.pk).state == "accepted"
        response = client.post(
            reverse("submissions:decide", args=[submitted.pk, "accept"]), {"accept-expected_state": "submitted"}, follow=True
        )
        assert "可能已被他人处理" in response.content.decode()
        response = client.post(
            reverse("submissions:decide", args=[submitted.pk, "return"]),
            {"return-expected_state": "accepted", "return-reason": ""},
            follow=True,
        )
        assert "未能退回：退回理由：" in response.content.decode()
        client.post(
            reverse("submissions:decide", args=[submitted.pk, "return"]),
            {"return-expected_state": "accepted", "return-reason": "缺联系电话"},
        )
        assert Submission.objects.get(pk=submitted.pk).state == "returned"
        assert submitted.events.count() == 3

    def test_the_county_sees_the_return_reason(self, submitted, kelan_user, xinzhou_user, client):
        city_return(submission=submitted, by=xinzhou_user, reason="缺联系电话")
        page = login(client, kelan_user).get(reverse("submissions:list")).content.decode()
        assert "缺联系电话" in page and "重新报送" in page
        assert "data-action=" not in login(client, kelan_user).get(reverse("submissions:detail", args=[submitted.pk])).content.decode()

    def test_decisions_are_post_only(self, submitted, xinzhou_user, client):
        response = login(client, xinzhou_user).get(reverse("submissions:decide", args=[submitted.pk, "accept"]))
        assert response.status_code == 405
        assert Submission.objects.get(pk=submitted.pk).state == "submitted"

    @pytest.mark.parametrize("user", ["wuzhai_user", "lvliang_user"])
    def test_out_of_scope_answers_404(self, submitted, user, request, client):
        login(client, request.getfixturevalue(user))
        assert client.get(reverse("submissions:detail", args=[submitted.pk])).status_code == 404
        assert client.get(reverse("submissions:file", args=[submitted.pk, "ledger"])).status_code == 404
        response = client.post(reverse("submissions:decide", args=[submitted.pk, "accept"]), {"accept-expected_state": "submitted"})
        assert response.status_code == 404
        assert Submission.objects.get(pk=submitted.pk).state == "submitted"

    def test_units_and_townships_have_no_submission_pages(self, submitted, unit_user, lanyi_user, client):
        for user in (unit_user, lanyi_user):
            login(client, user)
            assert client.get(reverse("submissions:list")).status_code == 403
            assert client.get(reverse("submissions:detail", args=[submitted.pk])).status_code == 403
        assert not Submission.objects.visible_to(unit_user).exists()

    def test_the_frozen_ledger_downloads_as_stored(self, submitted, xinzhou_user, client):
        response = login(client, xinzhou_user).get(reverse("submissions:file", args=[submitted.pk, "ledger"]))
        data = b"".join(response.streaming_content)
        assert hashlib.sha256(data).hexdigest() == submitted.ledger_sha256
        assert "attachment" in response["Content-Disposition"]

    def test_the_city_submit_page_names_the_counties_not_accepted_and_refuses_a_renamed_text_file(self, submitted, xinzhou_user, client):
        login(client, xinzhou_user)
        assert "以下县（市、区）的台账尚未被接收，暂不能报送：岢岚县" in client.get(reverse("submissions:new")).content.decode()
        city_accept(submission=submitted, by=xinzhou_user)
        response = client.post(
            reverse("submissions:new"), {"seen_latest": 0, "signer": "张部长", "scan": scan(b"hello", "scan.jpg")}, follow=True
        )
        assert "签字盖章扫描件：“scan.jpg”不是 PDF、JPEG 或 PNG 文件" in response.content.decode()
        assert not Submission.objects.filter(level="city").exists()
        response = client.post(reverse("submissions:new"), {"seen_latest": 0, "signer": "张部长", "scan": scan()})
        city = Submission.objects.get(level="city")
        assert response.url == reverse("submissions:detail", args=[city.pk]) and city.scan_sha256 == hashlib.sha256(PDF).hexdigest()

    def test_the_province_overview_lists_the_cities(self, accepted, province_user, client):
        page = login(client, province_user).get(reverse("submissions:list")).content.decode()
        assert "各市报送情况" in page and 'data-region="忻州市"' in page and 'data-region="吕梁市"' in page


def test_events_are_append_only(submitted):
    event = submitted.events.get()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        SubmissionEvent.objects.all().delete()
