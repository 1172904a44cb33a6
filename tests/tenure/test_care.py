"""Care and training (tenure.care, notice §五.3, §五.6): the county records training, the unit its
people's health checks and accident insurance; every refusal writes nothing; insurance warnings
on the right days; who lacks what, its page and the 待办 of the county and the unit."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.navigation import todos_for
from secretaries.models import Posting
from tenure.care.models import CareEvent, HealthCheck, Insurance, Training
from tenure.care.selectors import Lack, care_summary, lack_counts, lacking, lapse_date
from tenure.care.services import health_check_record, insurance_record, training_record
from tests.factories import UserFactory
from tests.tenure.office import (  # noqa: F401
    first_village,
    lanyi_secretary,
    other_unit,
    put_in_office,
    sanjing_secretary,
    sanjing_user,
    wuzhai_secretary,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def client_of(client, user):
    client.logout()
    client.force_login(user)
    return client


def train(who, posting, **fields):
    defaults = dict(
        kind=Training.Kind.INDUCTION,
        title="2015年第一书记任职培训班",
        organiser="岢岚县委组织部",
        start_date=D(2015, 8, 24),
        end_date=D(2015, 8, 26),
        hours=Decimal("24"),
    )
    return training_record(posting=posting, by=who, **{**defaults, **fields})


def insure(who, posting, **fields):
    defaults = dict(
        insurer="中国人寿保险股份有限公司忻州分公司",
        policy_number="P2016-001",
        start_date=D(2016, 1, 1),
        end_date=D(2016, 12, 31),
        sum_insured=Decimal("500000"),
    )
    return insurance_record(posting=posting, by=who, **{**defaults, **fields})


def check(who, posting, **fields):
    defaults = dict(year=2016, done=True, date=D(2016, 4, 12), note="")
    return health_check_record(posting=posting, by=who, **{**defaults, **fields})


def refused(call, field: str, words: str):
    before = (Training.objects.count(), HealthCheck.objects.count(), Insurance.objects.count(), CareEvent.objects.count())
    with pytest.raises(ValidationError) as e:
        call()
    messages = e.value.message_dict.get(field, []) if hasattr(e.value, "error_dict") else e.value.messages
    assert any(words in m for m in messages), (field, words, e.value)
    after = (Training.objects.count(), HealthCheck.objects.count(), Insurance.objects.count(), CareEvent.objects.count())
    assert after == before


# --- Training: the county (§五.3) ------------------------------------------------------------


def test_the_county_records_the_induction_training_with_its_event(lanyi_secretary, kelan_user):
    training = train(kelan_user, lanyi_secretary.posting)
    assert training.recorded_by == kelan_user and training.get_kind_display() == "任职培训"
    event = CareEvent.objects.get()
    assert event.action == "training" and event.actor == kelan_user and event.actor_role == "county_org"
    assert event.record_id == training.pk and event.details["hours"] == "24"


def test_a_second_induction_training_is_refused(lanyi_secretary, kelan_user):
    train(kelan_user, lanyi_secretary.posting)
    refused(lambda: train(kelan_user, lanyi_secretary.posting, start_date=D(2016, 3, 1), end_date=D(2016, 3, 1)), "kind", "已经登记过")


def test_the_same_later_training_twice_is_refused_a_different_one_is_not(lanyi_secretary, kelan_user):
    later = dict(kind=Training.Kind.SKILLS, title="电商扶贫培训", start_date=D(2016, 5, 9), end_date=D(2016, 5, 10), hours=Decimal("12"))
    train(kelan_user, lanyi_secretary.posting, **later)
    refused(lambda: train(kelan_user, lanyi_secretary.posting, **later), "title", "已经登记过")
    train(kelan_user, lanyi_secretary.posting, **{**later, "title": "光伏扶贫培训"})
    assert Training.objects.count() == 2


@pytest.mark.parametrize(
    "fields, field, words",
    [
        (dict(kind="lecture"), "kind", "培训类别"),
        (dict(title=" "), "title", "培训名称"),
        (dict(organiser=""), "organiser", "主办单位"),
        (dict(start_date=None), "start_date", "开始日期"),
        (dict(end_date=D(2015, 8, 23)), "end_date", "早于开始日期"),
        (dict(hours=Decimal("0")), "hours", "大于0"),
        (dict(hours=Decimal("40")), "hours", "超过培训天数"),
    ],
)
def test_training_refusals_name_the_field(lanyi_secretary, kelan_user, fields, field, words):
    refused(lambda: train(kelan_user, lanyi_secretary.posting, **fields), field, words)


def test_training_in_the_future_is_refused(lanyi_secretary, kelan_user):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    refused(lambda: train(kelan_user, lanyi_secretary.posting, start_date=tomorrow, end_date=tomorrow), "start_date", "晚于今天")


def test_only_the_county_records_training(lanyi_secretary, unit_user, lanyi_user):
    for who in (unit_user, lanyi_user, lanyi_secretary.user):
        with pytest.raises(PermissionDenied):
            train(who, lanyi_secretary.posting)
    assert not Training.objects.exists() and not CareEvent.objects.exists()


def test_another_countys_secretary_is_not_there(lanyi_secretary, wuzhai_user):
    with pytest.raises(Posting.DoesNotExist):
        train(wuzhai_user, lanyi_secretary.posting)
    assert not Training.objects.exists() and not CareEvent.objects.exists()


# --- Health checks and insurance: the unit (§五.6) -----------------------------------------


def test_the_unit_records_a_health_check_then_a_year_not_done_becomes_done(lanyi_secretary, unit_user):
    check(unit_user, lanyi_secretary.posting)
    assert HealthCheck.objects.get().done is True
    not_done = check(unit_user, lanyi_secretary.posting, year=2015, done=False, date=None, note="到村不久，次年安排")
    assert not not_done.done
    done = check(unit_user, lanyi_secretary.posting, year=2015, done=True, date=D(2015, 12, 1))
    assert done.pk == not_done.pk and done.done and done.date == D(2015, 12, 1)
    assert CareEvent.objects.filter(action="health_check").count() == 3


@pytest.mark.parametrize(
    "fields, field, words",
    [
        (dict(date=None), "date", "请填写体检日期"),
        (dict(date=D(2015, 12, 30)), "date", "不在2016年度内"),
        (dict(done=False, date=D(2016, 4, 12)), "date", "不填体检日期"),
        (dict(year=1999), "year", "年度应在"),
        (dict(done=None), "done", "是否已体检"),
    ],
)
def test_health_check_refusals_name_the_field(lanyi_secretary, unit_user, fields, field, words):
    refused(lambda: check(unit_user, lanyi_secretary.posting, **fields), field, words)


def test_a_health_check_done_twice_in_a_year_is_refused(lanyi_secretary, unit_user):
    check(unit_user, lanyi_secretary.posting)
    refused(lambda: check(unit_user, lanyi_secretary.posting, date=D(2016, 6, 1)), "year", "已经登记过")
    refused(lambda: check(unit_user, lanyi_secretary.posting, done=False, date=None), "year", "已经登记过")


def test_the_unit_records_insurance_and_the_same_policy_twice_is_refused(lanyi_secretary, unit_user):
    policy = insure(unit_user, lanyi_secretary.posting)
    assert policy.sum_insured == Decimal("500000") and CareEvent.objects.get().action == "insurance"
    refused(lambda: insure(unit_user, lanyi_secretary.posting), "policy_number", "已经登记过")


@pytest.mark.parametrize(
    "fields, field, words",
    [
        (dict(insurer=""), "insurer", "保险公司"),
        (dict(policy_number=" "), "policy_number", "保单号"),
        (dict(end_date=D(2015, 12, 31)), "end_date", "早于起期"),
        (dict(sum_insured=Decimal("0")), "sum_insured", "大于0元"),
        (dict(start_date=None), "start_date", "保险起期"),
    ],
)
def test_insurance_refusals_name_the_field(lanyi_secretary, unit_user, fields, field, words):
    refused(lambda: insure(unit_user, lanyi_secretary.posting, **fields), field, words)


def test_only_the_secretarys_own_unit_records_checks_and_insurance(lanyi_secretary, wuzhai_secretary, unit_user, kelan_user):
    for call in (insure, check):
        with pytest.raises(PermissionDenied):
            call(kelan_user, lanyi_secretary.posting)
        with pytest.raises(PermissionDenied):
            call(lanyi_secretary.user, lanyi_secretary.posting)
        with pytest.raises(Posting.DoesNotExist):  # another unit's secretary
            call(unit_user, wuzhai_secretary.posting)
    assert not Insurance.objects.exists() and not HealthCheck.objects.exists() and not CareEvent.objects.exists()


# --- Insurance warnings on the right days ----------------------------------------------------


def test_a_policy_warns_from_30_days_before_it_lapses(lanyi_secretary, unit_user):
    posting = lanyi_secretary.posting
    insure(unit_user, posting)  # 2016-01-01 to 2016-12-31: lapses on 2017-01-01
    assert lapse_date(posting, D(2016, 6, 1)) == D(2017, 1, 1)
    assert not lacking(unit_user, D(2016, 12, 1), Lack.LAPSING).exists()
    assert list(lacking(unit_user, D(2016, 12, 2), Lack.LAPSING)) == [posting]
    assert list(lacking(unit_user, D(2016, 12, 31), Lack.LAPSING)) == [posting]
    assert not lacking(unit_user, D(2016, 12, 31), Lack.INSURANCE).exists()
    # The day it lapses he is in office without cover: that line, not the lapsing one.
    assert list(lacking(unit_user, D(2017, 1, 1), Lack.INSURANCE)) == [posting]
    assert not lacking(unit_user, D(2017, 1, 1), Lack.LAPSING).exists()
    assert care_summary(posting, D(2016, 12, 2)).lapsing and not care_summary(posting, D(2016, 12, 1)).lapsing


def test_a_renewal_in_time_ends_the_warning_a_gap_does_not(lanyi_secretary, unit_user):
    posting = lanyi_secretary.posting
    insure(unit_user, posting)
    insure(unit_user, posting, policy_number="P2017-001", start_date=D(2017, 1, 5), end_date=D(2017, 8, 19))
    # A gap of four days (1–4 January) still warns; the secretary's page names the first day.
    assert list(lacking(unit_user, D(2016, 12, 15), Lack.LAPSING)) == [posting]
    assert care_summary(posting, D(2016, 12, 15)).lapses_on == D(2017, 1, 1)
    insure(unit_user, posting, policy_number="P2017-000", start_date=D(2017, 1, 1), end_date=D(2017, 1, 4))
    assert not lacking(unit_user, D(2016, 12, 15), Lack.LAPSING).exists()
    assert lapse_date(posting, D(2016, 12, 15)) == D(2017, 8, 20)
    # Before a policy starts he is not covered.
    assert list(lacking(unit_user, D(2015, 12, 31), Lack.INSURANCE)) == [posting]


def test_who_lacks_what_counts_each_thing(lanyi_secretary, sanjing_secretary, wuzhai_secretary, kelan_user, unit_user, xinzhou_user):
    day = D(2016, 6, 1)
    train(kelan_user, lanyi_secretary.posting)
    insure(unit_user, lanyi_secretary.posting)
    check(unit_user, lanyi_secretary.posting)
    insure(unit_user, sanjing_secretary.posting, policy_number="P2016-002", end_date=D(2016, 6, 20))
    assert lack_counts(kelan_user, day) == {"training": 1, "insurance": 0, "lapsing": 1, "health": 1}
    assert list(lacking(kelan_user, day)) == [sanjing_secretary.posting]
    assert set(lacking(kelan_user, day, Lack.ALL)) == {lanyi_secretary.posting, sanjing_secretary.posting}
    # The city sees its two counties' secretaries; 五寨县's lacks everything.
    assert lack_counts(xinzhou_user, day) == {"training": 2, "insurance": 1, "lapsing": 1, "health": 2}
    # Outside the term (after 2017-08-19) nobody is in office.
    assert lack_counts(kelan_user, D(2017, 9, 1)) == {"training": 0, "insurance": 0, "lapsing": 0, "health": 0}


# --- Pages and 待办 ----------------------------------------------------------------------------


def test_the_countys_page_lists_who_lacks_what_in_its_scope_only(client, lanyi_secretary, wuzhai_secretary, kelan_user):
    response = client_of(client, kelan_user).get(reverse("tenure:care_list"), {"day": "2016-06-01"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "张建国" in body and "刘海明" not in body and "未培训" in body
    train(kelan_user, lanyi_secretary.posting)
    response = client.get(reverse("tenure:care_list"), {"day": "2016-06-01", "lack": "training"})
    assert "张建国" not in response.content.decode()
    response = client.get(reverse("tenure:care_list"), {"day": "2016-06-01", "lack": "all", "q": "张建"})
    assert "张建国" in response.content.decode()
    assert client.get(reverse("tenure:care_list"), {"day": "2016-13-01", "lack": "nonsense"}).status_code == 200


def test_the_care_page_is_not_the_secretarys(client, lanyi_secretary):
    assert client_of(client, lanyi_secretary.user).get(reverse("tenure:care_list")).status_code == 403


def test_the_county_records_training_through_its_page(client, lanyi_secretary, kelan_user):
    url = reverse("tenure:training_new")
    c = client_of(client, kelan_user)
    assert c.get(url, {"posting": lanyi_secretary.posting.pk}).status_code == 200
    data = dict(
        posting=lanyi_secretary.posting.pk,
        kind="induction",
        title="任职培训班",
        organiser="岢岚县委组织部",
        start_date="2015-08-24",
        end_date="2015-08-26",
        hours="24",
    )
    response = c.post(url, data)
    assert response.status_code == 302 and Training.objects.count() == 1
    # A double POST: refused with a message, no second row, no second event.
    response = c.post(url, data)
    assert response.status_code == 400 and "已经登记过" in response.content.decode()
    assert Training.objects.count() == 1 and CareEvent.objects.count() == 1


def test_care_forms_forbidden_role_and_out_of_scope(client, lanyi_secretary, wuzhai_secretary, kelan_user, unit_user):
    insurance = dict(insurer="人保", policy_number="X1", start_date="2016-01-01", end_date="2016-12-31", sum_insured="300000")
    # The county may not record insurance (the unit's), the unit not training (the county's).
    assert (
        client_of(client, kelan_user)
        .post(reverse("tenure:insurance_new"), {"posting": lanyi_secretary.posting.pk, **insurance})
        .status_code
        == 403
    )
    assert client_of(client, unit_user).post(reverse("tenure:training_new"), {"posting": lanyi_secretary.posting.pk}).status_code == 403
    # Another unit's secretary: 404, nothing written.
    response = client.post(reverse("tenure:insurance_new"), {"posting": wuzhai_secretary.posting.pk, **insurance})
    assert response.status_code == 404
    response = client.post(reverse("tenure:health_check_new"), {"posting": wuzhai_secretary.posting.pk, "year": "2016", "done": "0"})
    assert response.status_code == 404
    assert not Insurance.objects.exists() and not HealthCheck.objects.exists() and not CareEvent.objects.exists()
    # His own: recorded.
    response = client.post(reverse("tenure:insurance_new"), {"posting": lanyi_secretary.posting.pk, **insurance})
    assert response.status_code == 302 and Insurance.objects.count() == 1
    response = client.post(reverse("tenure:health_check_new"), {"posting": lanyi_secretary.posting.pk, "year": "2016", "done": "1"})
    assert response.status_code == 400 and "请填写体检日期" in response.content.decode()


def test_the_secretary_sees_his_own_care_on_his_page(client, lanyi_secretary, kelan_user, unit_user):
    train(kelan_user, lanyi_secretary.posting)
    insure(unit_user, lanyi_secretary.posting, end_date=D(2017, 8, 19))
    body = client_of(client, lanyi_secretary.user).get(reverse("tenure:my_office")).content.decode()
    assert 'data-testid="care"' in body and "已参加任职培训" in body and "2015年第一书记任职培训班" in body
    assert "P2016-001" in body and "500,000" in body


@pytest.fixture
def current_postings(provincial_unit):
    """Two 岢岚县 secretaries in office today (the 待办 speak of today)."""
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=200), today + datetime.timedelta(days=500)
    a = put_in_office(unit=provincial_unit, village=first_village("140929100"), username="now1", name="赵一", start=start, end=end)
    b = put_in_office(unit=provincial_unit, village=first_village("140929101"), username="now2", name="钱二", start=start, end=end)
    return a, b


def test_the_todos_of_the_county_and_the_unit_count_who_lacks_what(current_postings, kelan_user, unit_user, lanyi_user):
    a, b = current_postings
    today = timezone.localdate()
    insure(unit_user, a.posting, start_date=today - datetime.timedelta(days=100), end_date=today + datetime.timedelta(days=10))
    insure(
        unit_user,
        b.posting,
        policy_number="P2",
        start_date=today - datetime.timedelta(days=100),
        end_date=today + datetime.timedelta(days=300),
    )
    check(unit_user, b.posting, year=today.year, date=today)
    county = {t.label: t.count for t in todos_for(kelan_user)}
    assert county["未参加任职培训的第一书记"] == 2
    assert county["意外险30天内到期的第一书记"] == 1
    assert f"{today.year}年度未体检的第一书记" in county and county[f"{today.year}年度未体检的第一书记"] == 1
    assert "没有意外险的在任第一书记" not in county  # a zero count is not shown
    unit = {t.label: t.count for t in todos_for(unit_user)}
    assert "未参加任职培训的第一书记" not in unit and unit["意外险30天内到期的第一书记"] == 1
    assert not any("意外险" in t.label for t in todos_for(lanyi_user))
    other_county_unit = UserFactory(username="other_unit_hr", role="unit", unit=a.posting.unit.__class__.objects.get(name="山西省水利厅"))
    assert not any("意外险" in t.label for t in todos_for(other_county_unit))


def test_the_demo_trains_everyone_and_forms_shujis_team_once(lanyi_secretary, sanjing_secretary, kelan_user, admin_user):
    from tenure.care.demo import load_demo_care_and_teams
    from tenure.teams.models import WorkTeam

    counts = load_demo_care_and_teams()
    # Two secretaries: both trained twice; the demo's first four have no insurance, its last five no check.
    assert counts == {"training": 4, "insurance": 0, "health_check": 0, "work_team": 1}
    assert CareEvent.objects.count() == 4
    team = WorkTeam.objects.get()
    assert team.leader == lanyi_secretary.posting and team.village.is_key_difficult and team.members.count() == 3
    assert lack_counts(kelan_user, D(2016, 12, 30)) == {"training": 0, "insurance": 2, "lapsing": 0, "health": 2}
    assert load_demo_care_and_teams() == {}
