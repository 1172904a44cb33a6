"""The demo's time in office (issue #12, point 8): 2016 against the official calendar for 岢岚县's
secretaries, through the services, some above and a few below 2/3; shuji one of them; the rest of
the province with figures to show. One load of the whole demo, checked from every side in one test."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from dispatch.demo import DEMO_PASSWORD
from dispatch.models import Role, User
from secretaries.models import Posting
from tenure.models import DiaryEntry, Duty, Inspection, LeaveEvent, LeaveRequest, OfficialAbsence, PresenceMonth, SecretaryAccount
from tenure.presence import figures_for_postings, month_figures

pytestmark = pytest.mark.django_db

YEAR_2016 = (datetime.date(2016, 1, 1), datetime.date(2016, 12, 31))


def test_the_demo_keeps_2016_for_kelans_secretaries_through_the_services(demo):
    assert "演示驻村管理（2016年）" in demo
    in_office = Posting.objects.filter(state=Posting.State.IN_OFFICE)

    # Every secretary in office has the account his 履岗任职 opened; none has a password yet
    # but shuji, whom the demo gives its own.
    accounts = SecretaryAccount.objects.select_related("user", "posting")
    assert accounts.count() == in_office.count() == 9395
    users = [a.user for a in accounts if a.user.username != "shuji"]
    assert all(u.is_active and u.role == Role.SECRETARY and not u.has_usable_password() and u.must_change_password for u in users)
    assert all(a.user.username in (f"sj{a.posting_id}", "shuji") for a in accounts)

    # shuji: one of 岢岚县's secretaries in office, in 岚漪镇 (lanyi's township), who logs in.
    shuji = User.objects.select_related("secretary_account__posting__village__township", "region").get(username="shuji")
    posting = shuji.secretary_account.posting
    assert posting.state == Posting.State.IN_OFFICE and posting.county.code == "140929"
    assert posting.village.township.code == "140929100" == shuji.region.code
    assert shuji.full_name == posting.cadre.name and not shuji.must_change_password
    client = Client()
    assert client.post("/login/", {"username": "shuji", "password": DEMO_PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200
    assert list(Posting.objects.visible_to(shuji)) == [posting]

    # 岢岚县's 2016 against the official calendar: 250 working days each, the training week
    # as official absence; most above 2/3, one exactly at it, one a day below, a few more below.
    kelan = list(in_office.filter(county__code="140929"))
    assert len(kelan) == 66
    figures = figures_for_postings(kelan, *YEAR_2016)
    assert {f.working_days for f in figures.values()} == {250}
    assert {f.official_absence for f in figures.values()} == {5}
    at = sorted(f.in_village for f in figures.values())
    assert at.count(167) == 1 and figures_at(figures, 167).meets
    assert at.count(166) == 1 and not figures_at(figures, 166).meets and figures_at(figures, 166).shortfall == 1
    below = [f for f in figures.values() if not f.meets]
    assert len(below) == 4 and all(f.absent_found == 1 for f in below)
    assert all(f.in_village + f.official_absence + f.leave + f.unexplained == 250 for f in figures.values())
    assert figures[posting.pk].meets
    assert Inspection.objects.filter(posting__in=kelan, found_present=False).count() == 4

    # Leave by the rule table: up to 3 working days the township approved, longer the county,
    # with the unit informed; some closed early (销假). Every step has its event.
    leave = LeaveRequest.objects.filter(posting__in=kelan)
    assert {(r.approver_role, r.working_days <= 3) for r in leave} == {(Role.TOWNSHIP, True), (Role.COUNTY_ORG, False)}
    assert all(r.inform_unit for r in leave if r.approver_role == Role.COUNTY_ORG)
    closed = leave.filter(state=LeaveRequest.State.CLOSED)
    assert closed.exists() and all(r.days_taken == r.working_days - 1 for r in closed)
    steps = Counter(LeaveEvent.objects.filter(leave__in=leave).values_list("action", flat=True))
    assert steps["ask"] == steps["approve"] == leave.count() and steps["close"] == closed.count()
    assert OfficialAbsence.objects.filter(posting__in=kelan).count() == 66

    # The diary is what diary_save writes for a day in the village: submitted, by himself, the
    # duties of the notice in its order.
    entries = DiaryEntry.objects.filter(posting__in=kelan).select_related("posting__account")
    order = list(Duty.values)
    assert all(
        e.state == DiaryEntry.State.SUBMITTED
        and e.submitted_at
        and e.written_by_id == e.posting.account.user_id
        and e.duties
        and e.duties == sorted(e.duties, key=order.index)
        for e in entries
    )

    # The townships' confirmations stored what the figures are: 岚漪镇 through November.
    months = PresenceMonth.objects.filter(posting__in=kelan, state=PresenceMonth.State.CONFIRMED)
    assert sorted(months.filter(posting=posting).values_list("month", flat=True)) == list(range(1, 12))
    for month in [*months.filter(posting=posting), *months.exclude(posting=posting).order_by("?")[:10]]:
        now = month_figures(month.posting, month.year, month.month)
        stored = (month.working_days, month.in_village_days, month.official_absence_days, month.leave_days, month.unexplained_days)
        assert stored == (now.working_days, now.in_village, now.official_absence, now.leave, now.unexplained)
    assert months.values("confirmed_by__role").distinct().get()["confirmed_by__role"] == Role.TOWNSHIP

    # The rest of the province: the year's last week, for nearly every secretary of every county.
    others = in_office.exclude(county__code="140929")
    with_entries = set(DiaryEntry.objects.filter(posting__in=others).values_list("posting_id", flat=True))
    assert len(with_entries) > 0.95 * others.count()
    assert set(Posting.objects.filter(pk__in=with_entries).values_list("county_id", flat=True)) == set(
        others.values_list("county_id", flat=True)
    )

    # A second load changes nothing.
    before = (DiaryEntry.objects.count(), LeaveRequest.objects.count(), PresenceMonth.objects.count(), User.objects.count())
    call_command("load_demo", "--quiet-accounts", stdout=StringIO())
    assert (DiaryEntry.objects.count(), LeaveRequest.objects.count(), PresenceMonth.objects.count(), User.objects.count()) == before


def figures_at(figures, days):
    return next(f for f in figures.values() if f.in_village == days)
