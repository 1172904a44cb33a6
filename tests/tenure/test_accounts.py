"""Secretaries' accounts (issue #12, point 1): opened by 履岗任职 in the same transaction, first
password issued by the county and changed at the first login, reset by the county within its
scope only, closed when the posting ends; the township sees its secretaries' postings."""

import datetime

import pytest
from django.urls import reverse

from core.navigation import todos_for
from dispatch.models import Role, User
from secretaries import services as s
from secretaries.models import Posting, PostingEvent
from secretaries.transitions import TransitionRefused
from tenure import accounts
from tenure.models import SecretaryAccount
from tests.factories import PASSWORD, UserFactory, make_cadre, secretary_in_office
from tests.tenure.term_helpers import extension_consented, term_review_completed
from villages.models import Village


@pytest.fixture
def other_lanyi_village(lanyi_village):
    return Village.objects.targets().filter(township__code="140929100").exclude(pk=lanyi_village.pk).order_by("code").first()


@pytest.fixture
def other_township_village(lanyi_village):
    """A target village of 岢岚县 outside 岚漪镇."""
    return Village.objects.targets().filter(county__code="140929").exclude(township__code="140929100").order_by("code").first()


def assigned(*, unit_user, county_user, village):
    posting = s.posting_apply(cadre=make_cadre(unit_user.unit, name="王志强"), campaign=s.Campaign.current(), by=unit_user)
    s.posting_qualify(posting=posting, by=unit_user)
    s.posting_recommend(posting=posting, by=unit_user, meeting_date=datetime.date(2015, 7, 1), decision="同意", county=village.county)
    s.posting_file(posting=posting, by=county_user)
    return s.posting_assign(posting=posting, by=county_user, village=village)


def logs_in(client, username: str, password: str) -> bool:
    """Through the login page, as a person does (django-axes needs the request)."""
    return client.post(reverse("login"), {"username": username, "password": password}).status_code == 302


class TestOpenedAtTakingOffice:
    def test_taking_office_opens_a_secretary_account_scoped_to_the_posting(self, secretary_posting):
        account = SecretaryAccount.objects.select_related("user__region").get(posting=secretary_posting)
        user = account.user
        assert user.username == f"sj{secretary_posting.pk}"
        assert user.role == Role.SECRETARY and user.full_name == "张建国" and user.phone == "13912345678"
        # The role's region level is the township: his village's.
        assert user.region.code == "140929100" and user.region == secretary_posting.village.township
        user.full_clean(exclude=["password"])
        assert user.groups.get().name == "第一书记"
        # No password until the county issues one; then he must change it.
        assert not user.has_usable_password() and user.must_change_password and user.is_active
        assert user.scope.posting_id == secretary_posting.pk and user.scope.region_prefix == secretary_posting.village.code
        assert list(Posting.objects.visible_to(user)) == [secretary_posting]

    def test_the_user_name_never_shows_the_id_number(self, secretary_posting):
        assert secretary_posting.cadre.id_number[-6:] not in secretary_posting.account.user.username

    def test_a_taken_user_name_gets_a_suffix(self, kelan_county_unit_user, kelan_user, lanyi_village, other_lanyi_village):
        posting = assigned(unit_user=kelan_county_unit_user, county_user=kelan_user, village=other_lanyi_village)
        UserFactory(username=f"sj{posting.pk}", role=Role.COUNTY_ORG, region=kelan_user.region)
        s.posting_take_office(posting=posting, by=kelan_user, start_date=datetime.date(2015, 8, 3), party_relation_transferred=True)
        assert SecretaryAccount.objects.get(posting=posting).user.username == f"sj{posting.pk}-2"

    def test_an_assigned_secretary_has_no_account_yet(self, kelan_county_unit_user, kelan_user, lanyi_village):
        posting = assigned(unit_user=kelan_county_unit_user, county_user=kelan_user, village=lanyi_village)
        assert not SecretaryAccount.objects.filter(posting=posting).exists()

    def test_a_refused_step_opens_no_account(self, secretary_posting, kelan_user):
        with pytest.raises(TransitionRefused):
            s.posting_take_office(
                posting=secretary_posting, by=kelan_user, start_date=datetime.date(2015, 9, 1), party_relation_transferred=True
            )
        assert SecretaryAccount.objects.filter(posting=secretary_posting).count() == 1

    def test_no_account_no_step(self, kelan_county_unit_user, kelan_user, lanyi_village, monkeypatch):
        """The account is opened inside the step's transaction: if it cannot be, the step is undone."""
        posting = assigned(unit_user=kelan_county_unit_user, county_user=kelan_user, village=lanyi_village)

        def broken(**kwargs):
            raise RuntimeError("账号服务不可用")

        monkeypatch.setattr(accounts, "accounts_open", broken)
        with pytest.raises(RuntimeError):
            s.posting_take_office(posting=posting, by=kelan_user, start_date=datetime.date(2015, 8, 3), party_relation_transferred=True)
        posting.refresh_from_db()
        assert posting.state == Posting.State.ASSIGNED
        assert not PostingEvent.objects.filter(posting=posting, action="take_office").exists()
        assert not SecretaryAccount.objects.filter(posting=posting).exists()

    def test_a_batch_opens_one_account_each(self, kelan_county_unit_user, kelan_user, lanyi_village, other_lanyi_village):
        postings = [
            assigned(unit_user=kelan_county_unit_user, county_user=kelan_user, village=v) for v in (lanyi_village, other_lanyi_village)
        ]
        arguments = {"start_date": datetime.date(2015, 8, 3), "party_relation_transferred": True}
        result = s.postings_perform(action="take_office", items=[(p.pk, arguments) for p in postings], by=kelan_user)
        assert len(result.done) == 2
        assert set(SecretaryAccount.objects.values_list("posting_id", flat=True)) == {p.pk for p in postings}
        assert User.objects.filter(role=Role.SECRETARY, groups__name="第一书记").count() == 2

    def test_the_admin_action_opens_it_too(self, client, kelan_county_unit_user, kelan_user, lanyi_village):
        from dispatch.services import user_set_role

        posting = assigned(unit_user=kelan_county_unit_user, county_user=kelan_user, village=lanyi_village)
        user_set_role(user=kelan_user, role=Role.COUNTY_ORG, region=kelan_user.region, admin_access=True)
        client.force_login(kelan_user)
        response = client.post(
            reverse("admin:secretaries_posting_changelist"),
            {
                "action": "take_office_selected",
                "_selected_action": [posting.pk],
                "apply": "1",
                "start_date": "2015-08-03",
                "party_relation_transferred": "on",
            },
        )
        assert response.status_code in (200, 302)
        posting.refresh_from_db()
        assert posting.state == Posting.State.IN_OFFICE
        assert SecretaryAccount.objects.filter(posting=posting).exists()


class TestClosedWhenThePostingEnds:
    @pytest.mark.parametrize("action", ["end_term", "recall"])
    def test_the_account_is_deactivated_and_the_records_stay(self, client, secretary_user, secretary_posting, kelan_user, action):
        if action == "end_term":
            term_review_completed(secretary_posting)
            s.posting_end_term(posting=secretary_posting, by=kelan_user, end_date=datetime.date(2017, 8, 10))
        else:
            s.posting_recall(posting=secretary_posting, by=kelan_user, reason_code="work_needs", reason="工作调整")
        secretary_user.refresh_from_db()
        assert not secretary_user.is_active
        assert SecretaryAccount.objects.filter(posting=secretary_posting, user=secretary_user).exists()
        assert not logs_in(client, "shuji", PASSWORD)

    def test_a_session_already_open_ends(self, client, secretary_user, secretary_posting, kelan_user):
        client.force_login(secretary_user)
        assert client.get("/").status_code == 200
        s.posting_recall(posting=secretary_posting, by=kelan_user, reason_code="work_needs", reason="工作调整")
        assert client.get("/").status_code == 302

    def test_extending_keeps_it(self, secretary_user, secretary_posting, kelan_user):
        extension_consented(secretary_posting, datetime.date(2018, 8, 10))
        s.posting_extend(posting=secretary_posting, by=kelan_user, new_end_date=datetime.date(2018, 8, 10), unit_consent=True)
        secretary_user.refresh_from_db()
        assert secretary_user.is_active


def issue(client, user, account):
    client.force_login(user)
    return client.post(reverse("tenure:account_password", args=[account.pk]))


class TestFirstPassword:
    def test_the_county_issues_it_once_on_a_printable_notice_and_he_must_change_it(self, client, kelan_user, secretary_posting):
        account = secretary_posting.account
        response = issue(client, kelan_user, account)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        page = response.content.decode()
        assert "第一书记账号开通通知" in page and f"sj{secretary_posting.pk}" in page
        password = response.context["password"]
        assert len(password) == 12 and password in page
        account.user.refresh_from_db()
        assert account.user.password != password and account.user.must_change_password

        # His first login: every page sends him to the password page until he changes it.
        client.logout()
        assert logs_in(client, account.user.username, password)
        assert client.get("/").url == reverse("password_change")
        assert client.get(reverse("tenure:accounts")).url == reverse("password_change")
        assert client.get(reverse("password_change")).status_code == 200
        response = client.post(
            reverse("password_change"),
            {"old_password": password, "new_password1": "huangtu-gaopo-2016", "new_password2": "huangtu-gaopo-2016"},
        )
        assert response.url == reverse("password_change_done")
        account.user.refresh_from_db()
        assert not account.user.must_change_password
        assert client.get("/").status_code == 200

    def test_a_bad_new_password_keeps_him_on_the_page(self, client, kelan_user, secretary_posting):
        password = issue(client, kelan_user, secretary_posting.account).context["password"]
        client.logout()
        logs_in(client, secretary_posting.account.user.username, password)
        response = client.post(reverse("password_change"), {"old_password": password, "new_password1": "123", "new_password2": "123"})
        assert response.status_code == 200 and response.context["form"].errors
        assert User.objects.get(pk=secretary_posting.account.user_id).must_change_password

    def test_a_reset_replaces_the_password_he_set(self, client, kelan_user, secretary_user, secretary_posting):
        response = issue(client, kelan_user, secretary_posting.account)
        assert "密码重置通知" in response.content.decode()
        client.logout()
        assert not logs_in(client, "shuji", PASSWORD)
        assert logs_in(client, "shuji", response.context["password"])
        assert client.get("/").url == reverse("password_change")

    @pytest.mark.parametrize("fixture", ["wuzhai_user", "xinzhou_user"])
    def test_outside_the_county_it_is_404_and_nothing_changes(self, request, client, secretary_user, secretary_posting, fixture):
        before = secretary_user.password
        user = request.getfixturevalue(fixture)
        if fixture == "xinzhou_user":
            # The city sees the account but holds no capability to reset it.
            assert issue(client, user, secretary_posting.account).status_code == 403
        else:
            assert issue(client, user, secretary_posting.account).status_code == 404
        secretary_user.refresh_from_db()
        assert secretary_user.password == before and not secretary_user.must_change_password

    @pytest.mark.parametrize("fixture", ["lanyi_user", "unit_user", "secretary_user"])
    def test_other_roles_may_not(self, request, client, secretary_posting, fixture):
        user = request.getfixturevalue(fixture)
        assert issue(client, user, secretary_posting.account).status_code == 403
        assert client.get(reverse("tenure:accounts")).status_code == 403

    def test_a_get_changes_nothing(self, client, kelan_user, secretary_posting):
        client.force_login(kelan_user)
        assert client.get(reverse("tenure:account_password", args=[secretary_posting.account.pk])).status_code == 405
        assert not User.objects.get(pk=secretary_posting.account.user_id).has_usable_password()

    def test_a_closed_account_gets_none(self, client, kelan_user, secretary_posting):
        s.posting_recall(posting=secretary_posting, by=kelan_user, reason_code="work_needs", reason="工作调整")
        response = issue(client, kelan_user, secretary_posting.account)
        assert response.url == reverse("tenure:accounts")
        assert not User.objects.get(pk=secretary_posting.account.user_id).has_usable_password()
        messages = [str(m) for m in response.wsgi_request._messages]
        assert messages == ["张建国已离任（调整召回），账号已停用，不能发放密码。"]


class TestTheCountysList:
    def test_it_lists_its_secretaries_with_their_state_and_a_todo(self, client, kelan_user, wuzhai_user, secretary_posting):
        client.force_login(kelan_user)
        page = client.get(reverse("tenure:accounts")).content.decode()
        assert f"sj{secretary_posting.pk}" in page and "待发放初始密码" in page and "张建国" in page
        assert [(t.label, t.count) for t in todos_for(kelan_user) if "账号" in t.label] == [("待发放初始密码的第一书记账号", 1)]
        issue(client, kelan_user, secretary_posting.account)
        assert "待本人修改初始密码" in client.get(reverse("tenure:accounts")).content.decode()
        assert [t for t in todos_for(kelan_user) if "账号" in t.label] == []
        client.force_login(wuzhai_user)
        assert "张建国" not in client.get(reverse("tenure:accounts")).content.decode()
        assert [t for t in todos_for(wuzhai_user) if "账号" in t.label] == []

    def test_it_searches_by_name_village_or_user_name(self, client, kelan_user, secretary_posting):
        client.force_login(kelan_user)
        for q in ("张建国", secretary_posting.village.name, f"SJ{secretary_posting.pk}"):
            assert client.get(reverse("tenure:accounts"), {"q": q}).context["page"].paginator.count == 1
        page = client.get(reverse("tenure:accounts"), {"q": "李四"}).content.decode()
        assert "没有符合条件的账号。" in page

    def test_the_menu_shows_it_to_the_county_only(self, client, kelan_user, lanyi_user):
        client.force_login(kelan_user)
        assert "第一书记账号" in client.get("/").content.decode()
        client.force_login(lanyi_user)
        assert "第一书记账号" not in client.get("/").content.decode()


class TestTheTownshipSeesItsSecretariesPostings:
    """Posting's scope includes the village's code: a township (岚漪镇) sees the postings of its
    villages' secretaries on /postings/ — read only, no pipeline step is a township's — and
    nothing of other townships, of candidates not yet assigned, or of units' rosters."""

    def test_on_the_list_and_the_page(
        self, client, lanyi_user, secretary_posting, kelan_county_unit_user, kelan_user, other_township_village
    ):
        elsewhere = secretary_in_office(
            unit_user=kelan_county_unit_user, county_user=kelan_user, village=other_township_village, name="赵海"
        )
        waiting = s.posting_apply(
            cadre=make_cadre(kelan_county_unit_user.unit, name="钱明"), campaign=s.Campaign.current(), by=kelan_county_unit_user
        )
        assert set(Posting.objects.visible_to(lanyi_user)) == {secretary_posting}
        assert set(Posting.objects.visible_to(kelan_user)) == {secretary_posting, elsewhere, waiting}
        client.force_login(lanyi_user)
        page = client.get(reverse("secretaries:list")).content.decode()
        assert "张建国" in page and "赵海" not in page and "钱明" not in page
        detail = client.get(reverse("secretaries:detail", args=[secretary_posting.pk]))
        assert detail.status_code == 200 and "履岗任职" in detail.content.decode()
        assert detail.context["posting"].pk == secretary_posting.pk
        assert client.get(reverse("secretaries:detail", args=[elsewhere.pk])).status_code == 404
        # Read only: the id number is masked and no step is offered.
        assert secretary_posting.cadre.id_number not in detail.content.decode()
        assert PostingEvent.objects.visible_to(lanyi_user).filter(posting=secretary_posting).count() == 6
