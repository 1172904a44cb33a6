"""Inspections (tenure.inspections): who records them, what is refused, who reads them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from secretaries.models import Posting
from tenure.inspections import inspection_record
from tenure.models import Inspection, PresenceMonth
from tenure.selectors import inspections_visible_to
from tests.tenure.office import lanyi_secretary, other_unit, sanjing_secretary, sanjing_user, wuzhai_secretary  # noqa: F401

pytestmark = pytest.mark.django_db

DAY = datetime.date(2016, 5, 17)


def record(who, posting, date=DAY, **fields):
    defaults = dict(kind=Inspection.Kind.RANDOM, inspectors="县委组织部 李明、王芳", found_present=False, remarks="村委会无人，电话未接")
    return inspection_record(posting=posting, by=who, date=date, **{**defaults, **fields})


def test_the_county_records_an_absence_found(lanyi_secretary, kelan_user):
    inspection = record(kelan_user, lanyi_secretary.posting)
    assert inspection.recorded_by == kelan_user and inspection.found_present is False
    assert inspection.posting == lanyi_secretary.posting


def test_the_township_records_one_of_its_villages(lanyi_secretary, lanyi_user):
    inspection = record(lanyi_user, lanyi_secretary.posting, kind=Inspection.Kind.PATROL, found_present=True)
    assert inspection.get_kind_display() == "巡查"


def test_outside_the_recorders_scope_is_not_there(lanyi_secretary, wuzhai_user, sanjing_user):
    for outsider in (wuzhai_user, sanjing_user):
        with pytest.raises(Posting.DoesNotExist):
            record(outsider, lanyi_secretary.posting)
    assert not Inspection.objects.exists()


def test_the_secretary_and_the_unit_do_not_record(lanyi_secretary, unit_user):
    for who in (lanyi_secretary.user, unit_user):
        with pytest.raises(PermissionDenied):
            record(who, lanyi_secretary.posting)


def test_refused_dates_and_missing_fields(lanyi_secretary, kelan_user):
    posting = lanyi_secretary.posting
    cases = [
        (dict(date=timezone.localdate() + datetime.timedelta(days=1)), "date", "晚于今天"),
        (dict(date=datetime.date(2015, 8, 1)), "date", "早于任职时间"),
        (dict(date=datetime.date(2017, 9, 1)), "date", "晚于任期届满日期"),
        (dict(kind="visit"), "kind", "检查方式"),
        (dict(inspectors=" "), "inspectors", "检查人员"),
    ]
    for fields, field, words in cases:
        with pytest.raises(ValidationError) as e:
            record(kelan_user, posting, **fields)
        assert words in e.value.message_dict[field][0], fields
    assert not Inspection.objects.exists()


def test_a_locked_month_is_refused(lanyi_secretary, kelan_user, lanyi_user):
    PresenceMonth.objects.create(
        posting=lanyi_secretary.posting,
        year=2016,
        month=5,
        working_days=21,
        in_village_days=21,
        official_absence_days=0,
        leave_days=0,
        unexplained_days=0,
        confirmed_by=lanyi_user,
    )
    with pytest.raises(ValidationError) as e:
        record(kelan_user, lanyi_secretary.posting)
    assert "2016年5月" in e.value.message_dict["date"][0]
    assert not Inspection.objects.exists()


def test_each_reader_sees_only_its_secretaries_inspections(
    lanyi_secretary, sanjing_secretary, wuzhai_secretary, kelan_user, wuzhai_user, lanyi_user, unit_user
):
    mine = record(kelan_user, lanyi_secretary.posting)
    neighbour = record(kelan_user, sanjing_secretary.posting)
    elsewhere = record(wuzhai_user, wuzhai_secretary.posting)
    assert set(inspections_visible_to(lanyi_secretary.user)) == {mine}
    assert set(inspections_visible_to(lanyi_user)) == {mine}
    assert set(inspections_visible_to(kelan_user)) == {mine, neighbour}
    assert set(inspections_visible_to(unit_user)) == {mine, neighbour}
    assert set(inspections_visible_to(wuzhai_user)) == {elsewhere}
