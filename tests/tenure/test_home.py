"""The pages of the 民情日记, the inspections and the homes of the time in office: what each role
sees (a secretary himself, a township its villages' secretaries, a unit its own, out of scope
404), the forms' refusals, the monthly summary's page and .xlsx."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.navigation import todos_for
from secretaries.models import Posting
from tenure.diary import diary_save
from tenure.inspections import inspection_record
from tenure.models import DiaryEntry, Duty, Inspection
from tests.factories import UserFactory
from tests.tenure.office import lanyi_secretary, other_unit, sanjing_secretary, sanjing_user, wuzhai_secretary  # noqa: F401
from villages.models import Region

pytestmark = pytest.mark.django_db

DAY = datetime.date(2016, 3, 8)


def client_of(client, user):
    client.logout()
    client.force_login(user)
    return client


def entry_of(s, date=DAY, submit=True, **fields):
    defaults = dict(content=f"{s.user.full_name}走访贫困户", duties=[Duty.POVERTY], households_visited=3)
    return diary_save(posting=s.posting, by=s.user, date=date, submit=submit, **{**defaults, **fields})


@pytest.fixture
def three(lanyi_secretary, sanjing_secretary, wuzhai_secretary):
    """Each secretary with one submitted entry and one inspection that found him absent."""
    county = {}
    for s in (lanyi_secretary, sanjing_secretary, wuzhai_secretary):
        entry_of(s)
        code = s.posting.village.county.code
        if code not in county:
            county[code] = UserFactory(role="county_org", region=s.posting.village.county)
        inspection_record(
            posting=s.posting, by=county[code], date=DAY, kind=Inspection.Kind.RANDOM, inspectors="督查组", found_present=False
        )
    return lanyi_secretary, sanjing_secretary, wuzhai_secretary


def names(response) -> set[str]:
    text = response.content.decode()
    return {name for name in ("张建国", "王志强", "刘海明") if name in text}


class TestScope:
    """Every page and export: the secretary himself, the township its villages', the unit its own."""

    def test_the_secretary_sees_only_himself(self, client, three):
        lanyi, sanjing, wuzhai = three
        c = client_of(client, lanyi.user)
        home = c.get(reverse("tenure:my_office"))
        assert home.status_code == 200
        assert lanyi.posting.village.name in home.content.decode() and "山西省国土资源厅" in home.content.decode()
        assert "不在岗" in home.content.decode()  # the absence found shows on his page
        assert names(c.get(reverse("tenure:diary_list"))) <= {"张建国"}
        assert c.get(reverse("tenure:diary_list")).context["page"].paginator.count == 1
        assert c.get(reverse("tenure:inspection_list")).context["page"].paginator.count == 1
        other = DiaryEntry.objects.get(posting=sanjing.posting)
        assert c.get(reverse("tenure:diary_detail", args=[other.pk])).status_code == 404
        assert c.get(reverse("tenure:diary_summary", args=[sanjing.posting.pk])).status_code == 404
        assert c.get(reverse("tenure:diary_summary_xlsx", args=[sanjing.posting.pk])).status_code == 404
        assert c.get(reverse("tenure:diary_summary", args=[lanyi.posting.pk])).status_code == 200
        # The managers' pages are not his.
        assert c.get(reverse("tenure:secretary_list")).status_code == 403
        assert c.get(reverse("tenure:secretary_detail", args=[lanyi.posting.pk])).status_code == 403
        assert c.get(reverse("tenure:inspection_new")).status_code == 403

    def test_the_township_sees_its_villages_secretaries(self, client, three, lanyi_user):
        lanyi, sanjing, wuzhai = three
        c = client_of(client, lanyi_user)
        listing = c.get(reverse("tenure:secretary_list"), {"month": "2016-03"})
        assert listing.status_code == 200 and names(listing) == {"张建国"}
        assert names(c.get(reverse("tenure:diary_list"))) == {"张建国"}
        assert c.get(reverse("tenure:inspection_list")).context["page"].paginator.count == 1
        assert c.get(reverse("tenure:secretary_detail", args=[lanyi.posting.pk])).status_code == 200
        for s in (sanjing, wuzhai):
            assert c.get(reverse("tenure:secretary_detail", args=[s.posting.pk])).status_code == 404
            assert c.get(reverse("tenure:diary_summary", args=[s.posting.pk])).status_code == 404
            assert c.get(reverse("tenure:diary_summary_xlsx", args=[s.posting.pk])).status_code == 404
            assert c.get(reverse("tenure:diary_detail", args=[DiaryEntry.objects.get(posting=s.posting).pk])).status_code == 404
        # A posting outside the township in the search is refused by the form, not silently widened.
        response = c.get(reverse("tenure:diary_list"), {"posting": sanjing.posting.pk})
        assert response.context["page"].paginator.count == 0 and response.context["form"].errors

    def test_the_unit_sees_its_own_people(self, client, three, unit_user):
        lanyi, sanjing, wuzhai = three
        c = client_of(client, unit_user)
        assert names(c.get(reverse("tenure:secretary_list"), {"month": "2016-03"})) == {"张建国", "王志强"}
        assert names(c.get(reverse("tenure:diary_list"))) == {"张建国", "王志强"}
        assert c.get(reverse("tenure:secretary_detail", args=[sanjing.posting.pk])).status_code == 200
        assert c.get(reverse("tenure:diary_summary_xlsx", args=[lanyi.posting.pk])).status_code == 200
        assert c.get(reverse("tenure:secretary_detail", args=[wuzhai.posting.pk])).status_code == 404
        assert c.get(reverse("tenure:diary_summary", args=[wuzhai.posting.pk])).status_code == 404
        # It reads; it neither writes diaries nor records inspections.
        assert c.get(reverse("tenure:diary_new")).status_code == 403
        assert c.get(reverse("tenure:inspection_new")).status_code == 403

    def test_the_county_sees_its_county(self, client, three, kelan_user):
        c = client_of(client, kelan_user)
        assert names(c.get(reverse("tenure:secretary_list"), {"month": "2016-03"})) == {"张建国", "王志强"}
        absences = c.get(reverse("tenure:inspection_list"), {"absent": "1"})
        assert absences.context["page"].paginator.count == 2 and "不在岗" in absences.content.decode()

    def test_a_secretary_without_an_account_is_told_whom_to_ask(self, client, regions):
        no_account = UserFactory(role="secretary", region=Region.objects.get(code="140929100"))
        response = client_of(client, no_account).get(reverse("tenure:my_office"))
        assert "尚未关联到选派记录" in response.content.decode() and "posting" not in response.context


class TestSecretaryList:
    def test_this_months_presence_diary_and_absences_per_secretary(self, client, lanyi_secretary, lanyi_user):
        s = lanyi_secretary
        entry_of(s, date=datetime.date(2016, 3, 1))
        entry_of(s, date=datetime.date(2016, 3, 2))
        entry_of(s, date=datetime.date(2016, 3, 3), submit=False)  # a draft counts for nothing
        inspection_record(
            posting=s.posting, by=lanyi_user, date=datetime.date(2016, 3, 4), kind="patrol", inspectors="乡党委", found_present=False
        )
        response = client_of(client, lanyi_user).get(reverse("tenure:secretary_list"), {"month": "2016-03"})
        (line,) = response.context["lines"]
        assert line["month_entries"] == 2 and line["absences"] == 1
        assert line["figures"].in_village == 2 and line["figures"].working_days == 23

    def test_the_default_month_of_past_terms_is_their_last_with_records(self, client, lanyi_secretary, lanyi_user):
        c = client_of(client, lanyi_user)
        response = c.get(reverse("tenure:secretary_list"))
        assert (response.context["year"], response.context["month"]) == (2017, 8)  # no records: the term's last month
        entry_of(lanyi_secretary, date=datetime.date(2016, 12, 30))
        response = c.get(reverse("tenure:secretary_list"))
        assert (response.context["year"], response.context["month"]) == (2016, 12)
        home = client_of(client, lanyi_secretary.user).get(reverse("tenure:my_office"))
        assert home.context["day"] == datetime.date(2016, 12, 30) and home.context["month"].in_village == 1

    def test_a_malformed_month_is_404(self, client, lanyi_secretary, lanyi_user):
        assert client_of(client, lanyi_user).get(reverse("tenure:secretary_list"), {"month": "2016-13"}).status_code == 404

    def test_the_page_asks_as_many_queries_for_two_secretaries_as_for_one(self, client, lanyi_secretary, sanjing_secretary, kelan_user):
        c = client_of(client, kelan_user)

        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert c.get(reverse("tenure:secretary_list"), {"month": "2016-03"}).status_code == 200
            return len(captured)

        for day in range(1, 10):
            entry_of(lanyi_secretary, date=datetime.date(2016, 3, day))
        Posting.objects.filter(pk=sanjing_secretary.posting.pk).update(state=Posting.State.ENDED)
        one = queries()
        Posting.objects.filter(pk=sanjing_secretary.posting.pk).update(state=Posting.State.IN_OFFICE)
        for day in range(1, 10):
            entry_of(sanjing_secretary, date=datetime.date(2016, 3, day))
        assert len(client.get(reverse("tenure:secretary_list"), {"month": "2016-03"}).context["lines"]) == 2
        assert queries() == one


class TestWritingPages:
    def form(self, **fields):
        return {
            "date": "2016-03-08",
            "in_village": "on",
            "duties": [Duty.POVERTY, Duty.SERVICE],
            "households_visited": "4",
            "household_names": "",
            "content": "入户核实贫困户收入",
            **fields,
        }

    def test_the_secretary_submits_an_entry(self, client, lanyi_secretary):
        c = client_of(client, lanyi_secretary.user)
        response = c.post(reverse("tenure:diary_new"), {**self.form(), "posting": lanyi_secretary.posting.pk, "action": "submit"})
        entry = DiaryEntry.objects.get()
        assert response.status_code == 302 and response["Location"].startswith(reverse("tenure:diary_detail", args=[entry.pk]))
        assert entry.state == DiaryEntry.State.SUBMITTED and entry.posting == lanyi_secretary.posting
        # The page after the save clears the browser's copy of the draft.
        page = c.get(response["Location"])
        assert f'data-clear-draft="tenure-diary:{lanyi_secretary.user.pk}:new"' in page.content.decode()

    def test_the_secretarys_entry_is_his_own_whatever_posting_the_form_names(self, client, lanyi_secretary, sanjing_secretary):
        c = client_of(client, lanyi_secretary.user)
        response = c.post(reverse("tenure:diary_new"), {**self.form(), "posting": sanjing_secretary.posting.pk, "action": "submit"})
        assert response.status_code == 400
        assert not DiaryEntry.objects.exists()

    def test_a_refusal_is_shown_on_its_field_and_nothing_is_written(self, client, lanyi_secretary):
        c = client_of(client, lanyi_secretary.user)
        response = c.post(
            reverse("tenure:diary_new"), {**self.form(date="2015-08-01"), "posting": lanyi_secretary.posting.pk, "action": "submit"}
        )
        assert response.status_code == 400
        assert response.context["form"].errors["date"] == ["日期2015年8月1日早于任职时间（到村时间）2015年8月20日。"]
        assert not DiaryEntry.objects.exists()

    def test_the_township_enters_one_for_its_secretary_but_not_for_anothers(self, client, lanyi_secretary, sanjing_secretary, lanyi_user):
        c = client_of(client, lanyi_user)
        assert c.get(reverse("tenure:diary_new")).status_code == 200
        response = c.post(reverse("tenure:diary_new"), {**self.form(), "posting": sanjing_secretary.posting.pk, "action": "submit"})
        assert response.status_code == 400 and "posting" in response.context["form"].errors
        response = c.post(reverse("tenure:diary_new"), {**self.form(), "posting": lanyi_secretary.posting.pk, "action": "submit"})
        assert response.status_code == 302
        assert DiaryEntry.objects.get().written_by == lanyi_user

    def test_only_the_writer_edits(self, client, lanyi_secretary, lanyi_user, sanjing_user):
        entry = entry_of(lanyi_secretary)
        assert client_of(client, lanyi_user).get(reverse("tenure:diary_edit", args=[entry.pk])).status_code == 403
        client.logout()
        assert client_of(client, sanjing_user).get(reverse("tenure:diary_edit", args=[entry.pk])).status_code == 404
        client.logout()
        c = client_of(client, lanyi_secretary.user)
        page = c.get(reverse("tenure:diary_edit", args=[entry.pk]))
        assert page.status_code == 200
        seen = page.context["form"].initial["seen_updated_at"]
        response = c.post(
            reverse("tenure:diary_edit", args=[entry.pk]),
            {
                **self.form(content="更正后的内容"),
                "posting": lanyi_secretary.posting.pk,
                "seen_updated_at": seen.isoformat(),
                "action": "submit",
            },
        )
        assert response.status_code == 302
        entry.refresh_from_db()
        assert entry.content == "更正后的内容"

    def test_a_draft_is_not_shown_to_the_township(self, client, lanyi_secretary, lanyi_user):
        draft = entry_of(lanyi_secretary, submit=False)
        c = client_of(client, lanyi_user)
        assert c.get(reverse("tenure:diary_detail", args=[draft.pk])).status_code == 404
        assert c.get(reverse("tenure:diary_list")).context["page"].paginator.count == 0

    def test_the_draft_waits_in_the_writers_todo(self, lanyi_secretary, lanyi_user):
        entry_of(lanyi_secretary, submit=False)
        assert [(t.label, t.count) for t in todos_for(lanyi_secretary.user) if "草稿" in t.label] == [("未提交的民情日记草稿", 1)]
        assert not [t for t in todos_for(lanyi_user) if "草稿" in t.label]

    def test_deleting_a_draft_needs_a_post(self, client, lanyi_secretary):
        draft = entry_of(lanyi_secretary, submit=False)
        c = client_of(client, lanyi_secretary.user)
        assert c.get(reverse("tenure:diary_delete", args=[draft.pk])).status_code == 405
        assert c.post(reverse("tenure:diary_delete", args=[draft.pk])).status_code == 302
        assert not DiaryEntry.objects.exists()


class TestSearchPage:
    def test_text_date_range_and_duty(self, client, lanyi_secretary, kelan_user):
        s = lanyi_secretary
        entry_of(s, date=datetime.date(2016, 3, 1), content="调解土地纠纷", duties=[Duty.STABILITY])
        entry_of(s, date=datetime.date(2016, 4, 1), content="召开党员大会", duties=[Duty.ORGANIZATION])
        c = client_of(client, kelan_user)

        def count(**params):
            return c.get(reverse("tenure:diary_list"), params).context["page"].paginator.count

        assert count() == 2
        assert count(q="纠纷") == 1
        assert count(duty=Duty.ORGANIZATION) == 1
        assert count(start="2016-03-15", end="2016-04-30") == 1
        assert count(start="2016-04-30", end="2016-03-01") == 0  # refused: the end before the start


class TestInspectionPages:
    def test_the_county_records_one(self, client, lanyi_secretary, kelan_user):
        c = client_of(client, kelan_user)
        response = c.post(
            reverse("tenure:inspection_new"),
            {
                "posting": lanyi_secretary.posting.pk,
                "date": "2016-05-17",
                "kind": "unannounced",
                "inspectors": "县委组织部 李明",
                "found_present": "0",
                "remarks": "",
            },
        )
        assert response.status_code == 302
        inspection = Inspection.objects.get()
        assert inspection.found_present is False and inspection.recorded_by == kelan_user

    def test_a_refusal_names_the_field(self, client, lanyi_secretary, kelan_user):
        c = client_of(client, kelan_user)
        response = c.post(
            reverse("tenure:inspection_new"),
            {"posting": lanyi_secretary.posting.pk, "date": "2017-09-01", "kind": "patrol", "inspectors": "李明", "found_present": "1"},
        )
        assert response.status_code == 400 and "晚于任期届满日期" in response.context["form"].errors["date"][0]
        assert not Inspection.objects.exists()


class TestMonthSummaryPages:
    def test_the_page_and_the_xlsx_show_the_same_figures(self, client, lanyi_secretary, lanyi_user):
        s = lanyi_secretary
        entry_of(s, date=datetime.date(2016, 3, 1), duties=[Duty.POVERTY, Duty.SERVICE], households_visited=4)
        entry_of(s, date=datetime.date(2016, 3, 2), duties=[Duty.POVERTY], households_visited=2, content="=SUM(A1)")
        c = client_of(client, lanyi_user)
        page = c.get(reverse("tenure:diary_summary", args=[s.posting.pk]), {"month": "2016-03"})
        assert page.status_code == 200
        summary = page.context["summary"]
        assert summary.households_visited == 6 and summary.figures.in_village == 2

        response = c.get(reverse("tenure:diary_summary_xlsx", args=[s.posting.pk]), {"month": "2016-03"})
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        assert cells[0] == "张建国同志2016年3月第一书记工作小结"
        assert "6户次" in cells and "2篇，其中在村2天" in cells
        assert "2天；公务外出0天，请假0天，未说明21天" in cells and "23天（2/3为16天）" in cells
        assert "第一书记（签字）：" in cells and "乡镇党委（盖章）：" in cells
        assert "'=SUM(A1)" in cells  # text, never a formula
        assert sheet.print_title_rows  # the header repeats on every printed page

    def test_a_malformed_month_is_404(self, client, lanyi_secretary):
        c = client_of(client, lanyi_secretary.user)
        assert c.get(reverse("tenure:diary_summary", args=[lanyi_secretary.posting.pk]), {"month": "March"}).status_code == 404


def test_a_province_wide_search_offers_no_drop_down_of_thousands(client, lanyi_secretary, sanjing_secretary, province_user, monkeypatch):
    from tenure.diary_forms import DiarySearchForm

    monkeypatch.setattr(DiarySearchForm, "MAX_CHOICES", 1)
    entry_of(lanyi_secretary)
    entry_of(sanjing_secretary)
    c = client_of(client, province_user)
    page = c.get(reverse("tenure:diary_list")).content.decode()
    assert '<select name="posting"' not in page and 'type="hidden" name="posting"' in page
    assert c.get(reverse("tenure:diary_list"), {"posting": sanjing_secretary.posting.pk}).context["page"].paginator.count == 1
