"""驻村工作组 (tenure.teams, notice §六.2): the county forms a team of 3–5 for a 重点难点村 with a
secretary in office, who leads it; members join and leave with dates; every refusal says why and
writes nothing; the team shows on the village page, the secretary's page and its own."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from secretaries.idcard import make_id_number
from tenure.teams.models import TeamMember, WorkTeam, WorkTeamEvent
from tenure.teams.services import NewMember, team_dissolve, team_form, team_member_join, team_member_leave
from tests.tenure.office import lanyi_secretary, other_unit, sanjing_secretary, sanjing_user, wuzhai_secretary  # noqa: F401
from villages.models import Village

pytestmark = pytest.mark.django_db

D = datetime.date
FORMED = D(2016, 3, 1)


def person(n: int, name: str = "", level: str = "county") -> NewMember:
    return NewMember(
        name=name or f"成员{n}",
        id_number=make_id_number("140929", D(1980, 1, 1) + datetime.timedelta(days=n), n, "M"),
        unit_name="岢岚县农业委员会" if level == "county" else "岚漪镇人民政府",
        level=level,
        phone="13900000000" if n % 2 else "",
    )


def key_difficult(*secretaries):
    for s in secretaries:
        Village.objects.filter(pk=s.posting.village_id).update(is_key_difficult=True)
        s.posting.village.refresh_from_db()


def client_of(client, user):
    client.logout()
    client.force_login(user)
    return client


def counts():
    return WorkTeam.objects.count(), TeamMember.objects.count(), WorkTeamEvent.objects.count()


def refused(call, words: str):
    before = counts()
    with pytest.raises(ValidationError) as e:
        call()
    assert any(words in m for m in e.value.messages), (words, e.value.messages)
    assert counts() == before
    return e.value


@pytest.fixture
def lanyi_team(lanyi_secretary, kelan_user):
    key_difficult(lanyi_secretary)
    return team_form(village=lanyi_secretary.posting.village, by=kelan_user, formed_on=FORMED, members=[person(1), person(2), person(3)])


def test_the_county_forms_a_team_led_by_the_secretary(lanyi_team, lanyi_secretary, kelan_user):
    assert lanyi_team.leader == lanyi_secretary.posting and lanyi_team.is_active
    assert [m.name for m in lanyi_team.members.all()] == ["成员1", "成员2", "成员3"]
    assert all(m.joined_on == FORMED for m in lanyi_team.members.all())
    actions = list(WorkTeamEvent.objects.values_list("action", flat=True))
    assert actions == ["formed", "joined", "joined", "joined"]
    assert WorkTeamEvent.objects.filter(actor=kelan_user, actor_role="county_org").count() == 4


@pytest.mark.parametrize("n", [2, 6])
def test_fewer_than_3_or_more_than_5_members_is_refused(lanyi_secretary, kelan_user, n):
    key_difficult(lanyi_secretary)
    members = [person(i) for i in range(1, n + 1)]
    refused(lambda: team_form(village=lanyi_secretary.posting.village, by=kelan_user, formed_on=FORMED, members=members), f"现在是{n}名")


def test_a_village_that_is_not_key_difficult_is_refused(lanyi_secretary, kelan_user):
    village = lanyi_secretary.posting.village
    assert not village.is_key_difficult
    refused(
        lambda: team_form(village=village, by=kelan_user, formed_on=FORMED, members=[person(1), person(2), person(3)]), "不是重点难点村"
    )


def test_a_village_without_a_secretary_in_office_is_refused(lanyi_secretary, kelan_user):
    village = Village.objects.filter(county__code="140929").exclude(pk=lanyi_secretary.posting.village_id).order_by("code").last()
    Village.objects.filter(pk=village.pk).update(is_key_difficult=True)
    village.refresh_from_db()
    members = [person(1), person(2), person(3)]
    refused(lambda: team_form(village=village, by=kelan_user, formed_on=FORMED, members=members), "没有在任的第一书记")


def test_a_second_team_for_the_village_is_refused(lanyi_team, lanyi_secretary, kelan_user):
    members = [person(4), person(5), person(6)]
    refused(lambda: team_form(village=lanyi_secretary.posting.village, by=kelan_user, formed_on=FORMED, members=members), "已有驻村工作组")


def test_a_member_in_two_active_teams_is_refused(lanyi_team, sanjing_secretary, kelan_user):
    key_difficult(sanjing_secretary)
    members = [person(1, name="成员1"), person(7), person(8)]
    error = refused(
        lambda: team_form(village=sanjing_secretary.posting.village, by=kelan_user, formed_on=D(2016, 4, 1), members=members),
        "同一人不能同时参加两个驻村工作组",
    )
    assert any("第1名成员成员1" in m for m in error.messages)
    refused(lambda: team_member_join(team=lanyi_team, by=kelan_user, member=person(2), joined_on=D(2016, 4, 1)), "同一人不能同时参加")


def test_a_membership_that_overlaps_a_past_one_is_refused(lanyi_team, sanjing_secretary, kelan_user):
    team_member_join(team=lanyi_team, by=kelan_user, member=person(4), joined_on=D(2016, 3, 10))
    member = lanyi_team.members.get(name="成员1")
    team_member_leave(member=member, by=kelan_user, left_on=D(2016, 5, 1))
    key_difficult(sanjing_secretary)
    village = sanjing_secretary.posting.village
    refused(
        lambda: team_form(village=village, by=kelan_user, formed_on=D(2016, 4, 1), members=[person(1), person(7), person(8)]),
        "与加入日期重叠",
    )
    team = team_form(village=village, by=kelan_user, formed_on=D(2016, 5, 2), members=[person(1), person(7), person(8)])
    assert team.members.count() == 3


def test_bad_members_are_named(lanyi_secretary, kelan_user):
    key_difficult(lanyi_secretary)
    village = lanyi_secretary.posting.village
    bad_id = NewMember(name="李四", id_number="140929198001010000", unit_name="岢岚县林业局", level="county")
    error = refused(lambda: team_form(village=village, by=kelan_user, formed_on=FORMED, members=[person(1), bad_id, person(3)]), "身份证号")
    assert any("第2名成员李四" in m for m in error.messages)
    refused(lambda: team_form(village=village, by=kelan_user, formed_on=FORMED, members=[person(1), person(1), person(3)]), "身份证号相同")
    province = NewMember(name="王五", id_number=person(9).id_number, unit_name="省农业厅", level="province", phone="")
    refused(
        lambda: team_form(village=village, by=kelan_user, formed_on=FORMED, members=[person(1), province, person(3)]),
        "市级部门、县级部门或乡镇",
    )
    future = datetime.date.today() + datetime.timedelta(days=3)
    refused(lambda: team_form(village=village, by=kelan_user, formed_on=future, members=[person(1), person(2), person(3)]), "晚于今天")
    refused(
        lambda: team_form(village=village, by=kelan_user, formed_on=D(2015, 8, 1), members=[person(1), person(2), person(3)]),
        "早于第一书记",
    )


def test_only_the_county_forms_teams_and_only_its_own(lanyi_secretary, lanyi_user, unit_user, wuzhai_user):
    key_difficult(lanyi_secretary)
    village = lanyi_secretary.posting.village
    members = [person(1), person(2), person(3)]
    for who in (lanyi_user, unit_user, lanyi_secretary.user):
        with pytest.raises(PermissionDenied):
            team_form(village=village, by=who, formed_on=FORMED, members=members)
    with pytest.raises(Village.DoesNotExist):
        team_form(village=village, by=wuzhai_user, formed_on=FORMED, members=members)
    assert counts() == (0, 0, 0)


def test_members_join_up_to_5_and_leave_down_to_3(lanyi_team, kelan_user):
    team_member_join(team=lanyi_team, by=kelan_user, member=person(4), joined_on=D(2016, 4, 1))
    fifth = team_member_join(team=lanyi_team, by=kelan_user, member=person(5), joined_on=D(2016, 4, 1))
    refused(lambda: team_member_join(team=lanyi_team, by=kelan_user, member=person(6), joined_on=D(2016, 4, 1)), "最多5名")
    team_member_leave(member=fifth, by=kelan_user, left_on=D(2016, 6, 30), note="调回原单位")
    refused(lambda: team_member_leave(member=fifth, by=kelan_user, left_on=D(2016, 7, 1)), "已于2016年6月30日离开")
    fourth = lanyi_team.members.get(name="成员4")
    team_member_leave(member=fourth, by=kelan_user, left_on=D(2016, 6, 30))
    first = lanyi_team.members.get(name="成员1")
    refused(lambda: team_member_leave(member=first, by=kelan_user, left_on=D(2016, 7, 1)), "不足3名")
    refused(lambda: team_member_join(team=lanyi_team, by=kelan_user, member=person(6), joined_on=D(2016, 2, 1)), "早于工作组组建日期")
    events = list(WorkTeamEvent.objects.filter(action__in=["joined", "left"]).values_list("action", "member__name", "on"))
    assert events[-4:] == [
        ("joined", "成员4", D(2016, 4, 1)),
        ("joined", "成员5", D(2016, 4, 1)),
        ("left", "成员5", D(2016, 6, 30)),
        ("left", "成员4", D(2016, 6, 30)),
    ]
    assert lanyi_team.members.filter(left_on__isnull=True).count() == 3


def test_dissolving_lets_every_member_leave_and_frees_them(lanyi_team, lanyi_secretary, kelan_user):
    refused(lambda: team_dissolve(team=lanyi_team, by=kelan_user, on=D(2016, 12, 31), note=""), "撤销原因")
    team_dissolve(team=lanyi_team, by=kelan_user, on=D(2016, 12, 31), note="脱贫摘帽")
    assert not lanyi_team.members.filter(left_on__isnull=True).exists()
    refused(lambda: team_member_join(team=lanyi_team, by=kelan_user, member=person(6), joined_on=D(2017, 1, 2)), "已于2016年12月31日撤销")
    again = team_form(
        village=lanyi_secretary.posting.village, by=kelan_user, formed_on=D(2017, 1, 2), members=[person(1), person(2), person(3)]
    )
    assert again.is_active and WorkTeam.objects.count() == 2


# --- Pages ------------------------------------------------------------------------------------


def form_data(village, members, formed_on="2016-03-01"):
    data = {"village": village.code, "formed_on": formed_on, "note": "", "m-TOTAL_FORMS": str(max(5, len(members))), "m-INITIAL_FORMS": "0"}
    for i, m in enumerate(members):
        data.update(
            {
                f"m-{i}-name": m.name,
                f"m-{i}-id_number": m.id_number,
                f"m-{i}-unit_name": m.unit_name,
                f"m-{i}-level": m.level,
                f"m-{i}-phone": m.phone,
            }
        )
    return data


def test_the_county_forms_a_team_on_its_page_and_a_double_post_is_refused(client, lanyi_secretary, kelan_user):
    key_difficult(lanyi_secretary)
    village = lanyi_secretary.posting.village
    c = client_of(client, kelan_user)
    page = c.get(reverse("tenure:team_new"), {"village": village.code})
    assert page.status_code == 200 and village.name in page.content.decode()
    data = form_data(village, [person(1), person(2), person(3)])
    response = c.post(reverse("tenure:team_new"), data)
    team = WorkTeam.objects.get()
    assert response.status_code == 302 and response.url == reverse("tenure:team_detail", args=[team.pk])
    response = c.post(reverse("tenure:team_new"), data)
    assert response.status_code == 400 and "已有驻村工作组" in response.content.decode()
    assert counts() == (1, 3, 4)


def test_the_team_page_refuses_two_members(client, lanyi_secretary, kelan_user):
    key_difficult(lanyi_secretary)
    response = client_of(client, kelan_user).post(
        reverse("tenure:team_new"), form_data(lanyi_secretary.posting.village, [person(1), person(2)])
    )
    assert response.status_code == 400 and "应有3至5名成员，现在是2名" in response.content.decode()
    six = form_data(lanyi_secretary.posting.village, [person(i) for i in range(1, 7)])
    response = client.post(reverse("tenure:team_new"), six)
    assert response.status_code == 400 and "现在是6名" in response.content.decode()
    assert counts() == (0, 0, 0)


def test_team_pages_forbidden_role_out_of_scope_and_wrong_method(client, lanyi_team, lanyi_user, wuzhai_user, kelan_user, unit_user):
    join = reverse("tenure:team_join", args=[lanyi_team.pk])
    member = lanyi_team.members.first()
    leave = reverse("tenure:member_leave", args=[member.pk])
    joiner = {"name": "新成员", "id_number": person(9).id_number, "unit_name": "岚漪镇", "level": "township", "joined_on": "2016-04-01"}
    before = counts()
    # The township reads the team but may not change it.
    c = client_of(client, lanyi_user)
    assert c.get(reverse("tenure:team_detail", args=[lanyi_team.pk])).status_code == 200
    assert c.post(join, joiner).status_code == 403
    assert c.post(reverse("tenure:team_new"), {}).status_code == 403
    # Another county: not there.
    c = client_of(client, wuzhai_user)
    assert c.get(reverse("tenure:team_detail", args=[lanyi_team.pk])).status_code == 404
    assert lanyi_team.village.name not in c.get(reverse("tenure:team_list")).content.decode()
    assert c.post(join, joiner).status_code == 404
    assert c.post(leave, {"left_on": "2016-05-01"}).status_code == 404
    assert c.post(reverse("tenure:team_dissolve", args=[lanyi_team.pk]), {"on": "2016-05-01", "note": "x"}).status_code == 404
    # Wrong method.
    c = client_of(client, kelan_user)
    assert c.get(join).status_code == 405 and c.get(leave).status_code == 405
    assert counts() == before
    # Leaving below 3 on the page: refused with a message.
    response = c.post(leave, {"left_on": "2016-05-01"})
    assert response.status_code == 400 and "不足3名" in response.content.decode()
    assert counts() == before
    # Joining: written.
    assert c.post(join, joiner).status_code == 302
    assert lanyi_team.members.filter(left_on__isnull=True).count() == 4
    # The unit of the secretary who leads it reads it too.
    assert client_of(client, unit_user).get(reverse("tenure:team_detail", args=[lanyi_team.pk])).status_code == 200


def test_the_village_page_and_the_secretarys_page_show_the_team(client, lanyi_team, lanyi_secretary, kelan_user, sanjing_secretary):
    village = lanyi_secretary.posting.village
    body = client_of(client, kelan_user).get(reverse("villages:detail", args=[village.code])).content.decode()
    assert 'data-testid="village-team"' in body and "成员1（岢岚县农业委员会，县级部门）" in body
    # A 重点难点村 without a team offers the county to form one; an ordinary village shows nothing.
    key_difficult(sanjing_secretary)
    body = client.get(reverse("villages:detail", args=[sanjing_secretary.posting.village.code])).content.decode()
    assert "尚未组建驻村工作组" in body and reverse("tenure:team_new") in body
    other = Village.objects.filter(county__code="140929", is_key_difficult=False).order_by("code").last()
    assert 'data-testid="village-team"' not in client.get(reverse("villages:detail", args=[other.code])).content.decode()
    body = client_of(client, lanyi_secretary.user).get(reverse("tenure:my_office")).content.decode()
    assert 'data-testid="my-team"' in body and "由您带领" in body and "成员2" in body
    # The list: the secretary sees his team.
    assert lanyi_team.village.name in client.get(reverse("tenure:team_list")).content.decode()
