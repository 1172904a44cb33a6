"""Masking (#14 point 3 a): a role without the full number sees 4 + 2 characters of it and the
birth year only, so that the page cannot give the number back; phones masked for roles that do
not call the cadres."""

import datetime

import pytest
from django.urls import reverse

from core.masking import mask_id_number, mask_phone
from dispatch import roles
from dispatch.models import Campaign, Role
from secretaries.admin import CadreAdmin
from secretaries.models import Cadre
from secretaries.services import posting_apply, posting_qualify, posting_recommend
from tests.factories import make_cadre


def test_an_id_number_keeps_its_province_and_city_and_two_last_characters():
    assert mask_id_number("14043119630607791X") == "1404************1X"
    assert mask_id_number("123") == "***"
    assert mask_id_number("") == ""


def test_a_phone_keeps_three_and_four_digits():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("0351-4041234") == "035****1234"
    assert mask_phone("12345") == "*****"
    assert mask_phone("") == ""


def test_who_sees_full_numbers_and_phones():
    full_ids = roles.roles_that(roles.SEE_FULL_ID_NUMBERS)
    phones = roles.roles_that(roles.SEE_PHONES)
    assert Role.POVERTY_OFFICE not in full_ids | phones and Role.AUDITOR not in full_ids | phones
    assert {Role.PROVINCIAL_ORG, Role.CITY_ORG, Role.COUNTY_ORG, Role.UNIT} <= full_ids & phones


@pytest.fixture
def recommended(unit_user, lanyi_village):
    cadre = make_cadre(unit_user.unit, name="孙省直", birth_date=datetime.date(1963, 6, 7), phone="13812341234")
    posting = posting_apply(cadre=cadre, campaign=Campaign.current(), by=unit_user)
    posting_qualify(posting=posting, by=unit_user)
    return posting_recommend(
        posting=posting, by=unit_user, meeting_date=datetime.date(2015, 7, 1), decision="同意", county=lanyi_village.county
    )


def test_the_poverty_office_sees_neither_the_number_nor_the_birth_date_nor_the_phone(client, poverty_office_user, recommended):
    client.force_login(poverty_office_user)
    page = client.get(reverse("secretaries:detail", args=[recommended.pk])).content.decode()
    number = recommended.cadre.id_number
    assert number not in page and number[6:14] not in page
    assert mask_id_number(number) in page
    assert "1963年6月7日" not in page and "1963年6月" not in page and "1963年" in page
    assert "13812341234" not in page and "138****1234" in page

    listing = client.get(reverse("secretaries:list")).content.decode()
    assert "孙省直" in listing and "1963年6月" not in listing and "1963年" in listing


def test_the_unit_sees_everything_of_its_own_people(client, unit_user, recommended):
    client.force_login(unit_user)
    page = client.get(reverse("secretaries:detail", args=[recommended.pk])).content.decode()
    assert recommended.cadre.id_number in page and "1963年6月7日" in page and "13812341234" in page
    assert "1963年6月" in client.get(reverse("secretaries:list")).content.decode()


def test_the_admin_masks_for_a_role_without_the_full_number(rf, poverty_office_user, province_user):
    model_admin = CadreAdmin(Cadre, None)
    request = rf.get("/admin/secretaries/cadre/")
    request.user = poverty_office_user
    assert "id_number" not in model_admin.get_list_display(request) and "birth_date" not in model_admin.get_list_display(request)
    assert {"id_number", "birth_date", "phone"} <= set(model_admin.get_exclude(request))
    request.user = province_user
    assert "id_number" in model_admin.get_list_display(request) and model_admin.get_exclude(request) == []
