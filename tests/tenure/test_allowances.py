"""Allowances (issue #13 point 3): the floor and the rates, a month paid only once confirmed, the
amounts computed exactly (Decimal), the correction line after a reopened month, marking paid,
the statement's .xlsx read back, and the scope of every page."""

import datetime
import io
from decimal import Decimal

import chinese_calendar
import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from dispatch.models import Campaign, DispatchingUnit, Role
from tenure.allowances import services
from tenure.allowances.models import AllowanceFloor, AllowanceLine, AllowanceRate, AllowanceStatement, AllowanceStatementEvent
from tenure.models import DiaryEntry, OfficialAbsence
from tenure.months import month_confirm, month_reopen
from tests.factories import UserFactory
from tests.tenure.presence_fixtures import *  # noqa: F403

D = datetime.date
pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def diary_days(posting, days, *, by):
    DiaryEntry.objects.bulk_create(DiaryEntry(posting=posting, date=d, content="走访", state="submitted", written_by=by) for d in days)


def workdays(start, end):
    return chinese_calendar.get_workdays(start, end)


@pytest.fixture
def rates(admin_user):
    """The floor (生活 at least 50 元/天 from 2016) and the provincial units' rates: 80 + 20 + 10."""
    services.floor_set(valid_from=D(2016, 1, 1), living_daily_min=Decimal("50"), basis="差旅费伙食补助费标准", by=admin_user)
    return services.rate_set(
        campaign=Campaign.current(),
        unit_level=DispatchingUnit.Level.PROVINCE,
        valid_from=D(2016, 1, 1),
        living_daily=Decimal("80"),
        transport_daily=Decimal("20"),
        communication_daily=Decimal("10.5"),
        by=admin_user,
    )


@pytest.fixture
def march_confirmed(posting, lanyi_user, rates):
    """王志刚's March 2016: 10 diary days in the village, 2 days of training, the rest unexplained;
    confirmed by the township. Days on post: 12."""
    diary_days(posting, workdays(D(2016, 3, 1), D(2016, 3, 14)), by=lanyi_user)  # 10 working days
    OfficialAbsence.objects.create(
        posting=posting,
        kind="training",
        start_date=D(2016, 3, 21),
        end_date=D(2016, 3, 22),
        reason="县委组织部培训通知",
        recorded_by=lanyi_user,
    )
    return month_confirm(posting=posting, year=2016, month=3, by=lanyi_user)


# --- rates and the floor ----------------------------------------------------------------------


def test_a_rate_below_the_floor_is_refused_with_a_message(admin_user, rates):
    with pytest.raises(ValidationError) as refused:
        services.rate_set(
            campaign=Campaign.current(),
            unit_level=DispatchingUnit.Level.CITY,
            valid_from=D(2016, 3, 1),
            living_daily=Decimal("49.99"),
            transport_daily=Decimal("20"),
            communication_daily=Decimal("10"),
            by=admin_user,
        )
    assert "低于2016年01月01日起执行的下限50.00元/天" in refused.value.message_dict["living_daily"][0]
    assert AllowanceRate.objects.count() == 1


def test_a_rate_starts_on_a_months_first_day_once_and_only_the_administrator_sets_it(admin_user, unit_user, rates):
    kwargs = dict(
        campaign=Campaign.current(),
        unit_level=DispatchingUnit.Level.PROVINCE,
        living_daily=Decimal("90"),
        transport_daily=Decimal("20"),
        communication_daily=Decimal("10"),
    )
    with pytest.raises(ValidationError, match="每月1日"):
        services.rate_set(valid_from=D(2016, 7, 15), by=admin_user, **kwargs)
    with pytest.raises(ValidationError, match="已有补贴标准"):
        services.rate_set(valid_from=D(2016, 1, 1), by=admin_user, **kwargs)
    with pytest.raises(PermissionDenied):
        services.rate_set(valid_from=D(2016, 7, 1), by=unit_user, **kwargs)
    assert AllowanceRate.objects.count() == 1


def test_the_rate_in_force_on_a_months_first_day_applies(admin_user, rates):
    later = services.rate_set(
        campaign=Campaign.current(),
        unit_level=DispatchingUnit.Level.PROVINCE,
        valid_from=D(2016, 7, 1),
        living_daily=Decimal("100"),
        transport_daily=Decimal("20"),
        communication_daily=Decimal("10"),
        by=admin_user,
    )
    table = services.RateTable([Campaign.current().pk])
    assert table.for_month(Campaign.current().pk, "province", 2016, 6) == rates
    assert table.for_month(Campaign.current().pk, "province", 2016, 7) == later
    assert table.for_month(Campaign.current().pk, "province", 2015, 12) is None


# --- statements -------------------------------------------------------------------------------


def test_a_confirmed_month_is_paid_days_on_post_times_the_rates_exactly(posting, unit_user, march_confirmed):
    assert (march_confirmed.in_village_days, march_confirmed.official_absence_days) == (10, 2)
    statement = services.statement_prepare(unit=posting.unit, year=2016, month=3, by=unit_user)
    line = statement.lines.get()
    assert (line.kind, line.days, line.year, line.month) == ("regular", 12, 2016, 3)
    assert line.living_amount == Decimal("960.00")
    assert line.transport_amount == Decimal("240.00")
    assert line.communication_amount == Decimal("126.00")
    assert line.gross == line.amount == Decimal("1326.00")
    assert line.previously == Decimal("0")
    assert "12天×10.50元（通讯）＝126.00元" in line.calculation
    assert list(statement.events.values_list("action", "to_state")) == [("prepare", "prepared")]


def test_an_unconfirmed_month_is_not_payable(posting, unit_user, lanyi_user, march_confirmed, kelan_user):
    diary_days(posting, workdays(D(2016, 4, 1), D(2016, 4, 8)), by=lanyi_user)  # April: never confirmed
    statement = services.statement_prepare(unit=posting.unit, year=2016, month=4, by=unit_user)
    assert list(statement.lines.values_list("month", flat=True)) == [3]
    # A reopened month waits for its new confirmation.
    services.statement_mark_paid(statement=statement, by=unit_user, paid_on=TODAY)
    month_reopen(month=march_confirmed, by=kelan_user, reason="漏记")
    may = services.statement_prepare(unit=posting.unit, year=2016, month=5, by=unit_user)
    assert not may.lines.exists()


def test_a_correction_after_payment_is_a_new_line_never_an_edit(posting, unit_user, lanyi_user, kelan_user, march_confirmed):
    march = services.statement_prepare(unit=posting.unit, year=2016, month=3, by=unit_user)
    services.statement_mark_paid(statement=march, by=unit_user, paid_on=TODAY)
    paid_line = march.lines.get()
    # The month is reopened, three more diary days found, confirmed again with other figures.
    month_reopen(month=march_confirmed, by=kelan_user, reason="补录3月15日至17日民情日记")
    diary_days(posting, workdays(D(2016, 3, 15), D(2016, 3, 17)), by=lanyi_user)
    month_confirm(posting=posting, year=2016, month=3, by=lanyi_user)
    april = services.statement_prepare(unit=posting.unit, year=2016, month=4, by=unit_user)
    correction = april.lines.get()
    assert (correction.kind, correction.year, correction.month, correction.days) == ("correction", 2016, 3, 15)
    assert correction.gross == Decimal("1657.50")  # 15 × 110.50
    assert correction.previously == Decimal("1326.00")
    assert correction.amount == Decimal("331.50")
    assert "已发1326.00元，差额331.50元" in correction.calculation
    paid_line.refresh_from_db()
    assert (paid_line.days, paid_line.amount) == (12, Decimal("1326.00"))
    # Nothing more is due once the correction is on a statement.
    services.statement_mark_paid(statement=april, by=unit_user, paid_on=TODAY)
    may = services.statement_prepare(unit=posting.unit, year=2016, month=5, by=unit_user)
    assert not may.lines.exists()


def test_a_statement_is_paid_once_and_a_paid_one_is_never_drawn_again(posting, unit_user, march_confirmed):
    statement = services.statement_prepare(unit=posting.unit, year=2016, month=3, by=unit_user)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.statement_mark_paid(statement=statement, by=unit_user, paid_on=D(2099, 1, 1))
    services.statement_mark_paid(statement=statement, by=unit_user, paid_on=TODAY)
    with pytest.raises(ValidationError, match="不能重复登记"):
        services.statement_mark_paid(statement=statement, by=unit_user, paid_on=TODAY)
    with pytest.raises(ValidationError, match="已发放，不能重新编制"):
        services.statement_prepare(unit=posting.unit, year=2016, month=3, by=unit_user)
    with pytest.raises(ValidationError, match="不能再编制更早月份"):
        services.statement_prepare(unit=posting.unit, year=2016, month=2, by=unit_user)
    assert list(statement.events.values_list("action", flat=True)) == ["prepare", "paid"]


def test_a_statement_whose_month_was_reopened_is_not_paid_until_drawn_again(posting, unit_user, kelan_user, lanyi_user, march_confirmed):
    statement = services.statement_prepare(unit=posting.unit, year=2016, month=3, by=unit_user)
    month_reopen(month=march_confirmed, by=kelan_user, reason="更正")
    with pytest.raises(ValidationError, match="请重新编制发放表"):
        services.statement_mark_paid(statement=statement, by=unit_user, paid_on=TODAY)
    month_confirm(posting=posting, year=2016, month=3, by=lanyi_user)
    again = services.statement_prepare(unit=posting.unit, year=2016, month=3, by=unit_user)
    assert again.pk == statement.pk
    services.statement_mark_paid(statement=again, by=unit_user, paid_on=TODAY)
    assert list(again.events.values_list("action", flat=True)) == ["prepare", "rebuild", "paid"]


def test_without_a_rate_the_statement_is_refused_and_nothing_written(posting, unit_user, lanyi_user):
    diary_days(posting, workdays(D(2016, 3, 1), D(2016, 3, 4)), by=lanyi_user)
    month_confirm(posting=posting, year=2016, month=3, by=lanyi_user)
    with pytest.raises(ValidationError, match="没有适用的补贴标准：王志刚2016年3月"):
        services.statement_prepare(unit=posting.unit, year=2016, month=3, by=unit_user)
    assert not AllowanceStatement.objects.exists()


def test_another_units_user_and_a_township_cannot_draw_up_or_pay(posting, march_confirmed, lanyi_user, other_posting, unit_user):
    other_unit_user = UserFactory(username="slj", role=Role.UNIT, unit=other_posting.unit)
    with pytest.raises(DispatchingUnit.DoesNotExist):
        services.statement_prepare(unit=posting.unit, year=2016, month=3, by=other_unit_user)
    with pytest.raises(PermissionDenied):
        services.statement_prepare(unit=posting.unit, year=2016, month=3, by=lanyi_user)
    statement = services.statement_prepare(unit=posting.unit, year=2016, month=3, by=unit_user)
    with pytest.raises(AllowanceStatement.DoesNotExist):
        services.statement_mark_paid(statement=statement, by=other_unit_user, paid_on=TODAY)
    assert list(AllowanceStatementEvent.objects.values_list("action", flat=True)) == ["prepare"]


# --- pages -------------------------------------------------------------------------------------


def test_the_unit_draws_up_and_pays_through_its_pages(client, posting, unit_user, march_confirmed):
    client.force_login(unit_user)
    assert client.get(reverse("tenure:statement_prepare")).status_code == 405
    response = client.post(reverse("tenure:statement_prepare"), {"month": "2016-03"})
    statement = AllowanceStatement.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("tenure:statement_detail", args=[statement.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "1,326.00" in page.content.decode()
    # Twice: refused with a message, no second statement.
    again = client.post(reverse("tenure:statement_prepare"), {"month": "2016-03"})
    assert again.status_code == 302  # an unpaid statement is drawn again, not doubled
    assert AllowanceStatement.objects.count() == 1 and AllowanceLine.objects.count() == 1
    assert client.get(reverse("tenure:statement_paid", args=[statement.pk])).status_code == 405
    assert client.post(reverse("tenure:statement_paid", args=[statement.pk]), {"paid_on": TODAY.isoformat()}).status_code == 302
    twice = client.post(reverse("tenure:statement_paid", args=[statement.pk]), {"paid_on": TODAY.isoformat()})
    assert twice.status_code == 400 and "不能重复登记" in twice.content.decode()
    assert AllowanceStatementEvent.objects.filter(action="paid").count() == 1
    bad = client.post(reverse("tenure:statement_prepare"), {"month": "2016-13"})
    assert bad.status_code == 400 and "月份格式不对" in bad.content.decode()


def test_refused_roles_get_403_and_write_nothing(client, posting, lanyi_user, kelan_user, shuji, unit_user, march_confirmed):
    statement = services.statement_prepare(unit=posting.unit, year=2016, month=3, by=unit_user)
    for user in (lanyi_user, kelan_user, shuji):
        client.force_login(user)
        assert client.post(reverse("tenure:statement_prepare"), {"month": "2016-04"}).status_code == 403
        assert client.post(reverse("tenure:statement_paid", args=[statement.pk]), {"paid_on": TODAY.isoformat()}).status_code == 403
    assert AllowanceStatementEvent.objects.count() == 1
    statement.refresh_from_db()
    assert statement.state == "prepared"


def test_scope_the_unit_its_people_the_county_its_villages_the_secretary_his_own_lines(
    client, posting, unit_user, march_confirmed, wuzhai_user, kelan_user, shuji, wuzhai_posting, lanyi_user
):
    statement = services.statement_prepare(unit=posting.unit, year=2016, month=3, by=unit_user)
    other_unit_user = UserFactory(username="wzny", role=Role.UNIT, unit=wuzhai_posting.unit)
    for user in (other_unit_user, shuji):
        client.force_login(user)
        assert client.get(reverse("tenure:statement_detail", args=[statement.pk])).status_code == 404
        assert client.get(reverse("tenure:statement_xlsx", args=[statement.pk])).status_code == 404
        assert client.post(reverse("tenure:statement_paid", args=[statement.pk]), {"paid_on": TODAY.isoformat()}).status_code in (403, 404)
    # The county sees its villages' lines by month; 五寨县 sees none of them.
    client.force_login(kelan_user)
    assert "王志刚" in client.get(reverse("tenure:allowances") + "?month=2016-03").content.decode()
    client.force_login(wuzhai_user)
    assert "王志刚" not in client.get(reverse("tenure:allowances") + "?month=2016-03").content.decode()
    assert "王志刚" not in client.get(reverse("tenure:allowance_year") + "?year=2016").content.decode()
    # The secretary sees his own lines and his year.
    client.force_login(shuji)
    page = client.get(reverse("tenure:allowances") + "?year=2016").content.decode()
    assert "1,326.00" in page and "12天×80.00元" in page


def test_the_year_total_per_secretary(client, posting, unit_user, march_confirmed, lanyi_user):
    # 5 working days (4月4日 is 清明节)
    diary_days(posting, workdays(D(2016, 4, 1), D(2016, 4, 8)), by=lanyi_user)
    month_confirm(posting=posting, year=2016, month=4, by=lanyi_user)
    services.statement_prepare(unit=posting.unit, year=2016, month=4, by=unit_user)
    client.force_login(unit_user)
    page = client.get(reverse("tenure:allowance_year") + "?year=2016").content.decode()
    assert "1,878.50" in page  # 1,326.00 + 5 × 110.50
    response = client.get(reverse("tenure:allowance_year_xlsx") + "?year=2016")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    row = [c.value for c in sheet[5]]
    assert row[1] == "王志刚" and row[6] == 1326 and row[7] == 552.5 and row[16] == 17 and row[17] == 1878.5


def test_the_statement_xlsx_in_its_printed_layout(client, posting, unit_user, march_confirmed):
    type(posting.cadre).objects.filter(pk=posting.cadre_id).update(name="=HYPERLINK(1)")
    statement = services.statement_prepare(unit=posting.unit, year=2016, month=3, by=unit_user)
    client.force_login(unit_user)
    response = client.get(reverse("tenure:statement_xlsx", args=[statement.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    assert sheet["A1"].value == "山西省国土资源厅2016年3月第一书记补贴发放表"
    assert [c.value for c in sheet[4]][:6] == ["序号", "姓名", "派驻村", "所属月份", "类别", "在岗天数"]
    line = [c.value for c in sheet[5]]
    assert line[1] == "'=HYPERLINK(1)"
    assert line[3:6] == ["2016年3月", "正常发放", 12]
    assert [Decimal(str(v)).quantize(Decimal("0.01")) for v in line[6:15]] == [
        Decimal(x) for x in ("80.00", "20.00", "10.50", "960.00", "240.00", "126.00", "1326.00", "0.00", "1326.00")
    ]
    assert [c.value for c in sheet[6]][0] == "合计" and sheet.cell(6, 15).value == 1326
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "单位负责人（签字）：" in texts and "财务负责人（签字）：" in texts
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    assert sheet.page_setup.orientation == "landscape"


def test_the_floor_and_rate_admin_go_through_the_services(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:tenure_allowancefloor_add"), {"valid_from": "2016-01-01", "living_daily_min": "50", "basis": "伙食补助费标准"}
    )
    assert response.status_code == 302 and AllowanceFloor.objects.get().set_by == admin_user
    data = {
        "campaign": Campaign.current().pk,
        "unit_level": "province",
        "valid_from": "2016-01-01",
        "living_daily": "40",
        "transport_daily": "20",
        "communication_daily": "10",
    }
    refused = client.post(reverse("admin:tenure_allowancerate_add"), data)
    assert refused.status_code == 200 and "低于" in refused.content.decode()
    assert not AllowanceRate.objects.exists()
    data["living_daily"] = "80"
    assert client.post(reverse("admin:tenure_allowancerate_add"), data).status_code == 302
    assert AllowanceRate.objects.get().set_by == admin_user


def test_the_units_todo_counts_its_statement_waiting_to_be_paid(posting, unit_user, march_confirmed):
    from core.navigation import todos_for

    def waiting():
        return {t.label: t.count for t in todos_for(unit_user)}.get("待登记发放的补贴发放表", 0)

    statement = services.statement_prepare(unit=posting.unit, year=2016, month=3, by=unit_user)
    assert waiting() == 1
    services.statement_mark_paid(statement=statement, by=unit_user, paid_on=TODAY)
    assert waiting() == 0
