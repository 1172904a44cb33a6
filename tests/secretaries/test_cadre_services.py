"""Cadres are written by the cadres services (the roster import, the demo), and the roster
import asks the model's own rules (Cadre.problems, the same as Cadre.clean) instead of its own
copy of them: one rule, one message, whichever door a cadre comes in by."""

import datetime

import pytest

from core.importing import ImportConflict
from secretaries.idcard import make_id_number
from secretaries.models import Cadre, Posting
from secretaries.roster_resources import RosterResource
from secretaries.services import CadresRefused, cadres_create, cadres_update
from tests.secretaries.conftest import cadre_for
from tests.secretaries.test_roster_import import WANG, errors_of, preview, row

NON_MEMBER = "非中共党员不应填写入党时间。"


def new_cadre(unit, serial, **fields):
    birth = datetime.date(1984, 2, 3)
    values = dict(
        name=f"测试{serial}",
        id_number=make_id_number("140105", birth, serial, "M"),
        sex="M",
        birth_date=birth,
        education=Cadre.Education.BACHELOR,
        political_status=Cadre.PoliticalStatus.MEMBER,
        work_start_date=datetime.date(2006, 7, 1),
        unit=unit,
        rank=Cadre.Rank.SECTION,
        source=Cadre.Source.YOUNG_CADRE,
    )
    return Cadre(**{**values, **fields})


def test_the_service_refuses_a_party_date_for_a_non_member(unit_user):
    cadre = new_cadre(unit_user.unit, 301, political_status="other", party_join_date=datetime.date(2008, 7, 1))
    with pytest.raises(CadresRefused) as refused:
        cadres_create(cadres=[cadre], by=unit_user)
    assert refused.value.errors == {0: {"party_join_date": NON_MEMBER}}
    assert not Cadre.objects.filter(name="测试301").exists()


def test_the_roster_preview_asks_the_model_s_rule(unit_user, campaign):
    batch = preview(unit_user, [row(pol="群众", party="2008.07")])
    assert errors_of(batch) == [f"第2行 入党时间：{NON_MEMBER}"]


def test_the_roster_confirm_writes_through_the_service(unit_user, campaign):
    batch = preview(unit_user, [row()])
    staged = batch.rows.get()
    staged.values["political_status"] = "other"  # a staged row the rules refuse
    staged.save()
    with pytest.raises(ImportConflict) as conflict:
        RosterResource().confirm(batch=batch, user=unit_user)
    assert [str(e) for e in conflict.value.errors] == [f"第2行 入党时间：{NON_MEMBER}"]
    assert not Cadre.objects.filter(id_number=WANG).exists() and not Posting.objects.exists()


def test_the_service_keeps_a_unit_to_its_own_people(unit_user, county_unit):
    with pytest.raises(CadresRefused) as refused:
        cadres_create(cadres=[new_cadre(county_unit, 302)], by=unit_user)
    assert refused.value.errors == {0: {"unit": "只有本单位组织人事部门可以登记本单位的人员。"}}


def test_a_number_is_registered_once(unit_user):
    taken = cadre_for(unit_user.unit)
    with pytest.raises(CadresRefused) as refused:
        cadres_create(cadres=[new_cadre(unit_user.unit, 303, id_number=taken.id_number, birth_date=taken.birth_date)], by=unit_user)
    assert refused.value.errors == {0: {"id_number": f"身份证号 {taken.id_number} 已登记。"}}


def test_cadres_are_written_in_batches(unit_user, django_assert_max_num_queries):
    cadres = [new_cadre(unit_user.unit, 400 + i) for i in range(60)]
    # Five, and one INSERT … SELECT for their audit trail (core.audit).
    with django_assert_max_num_queries(6):
        cadres_create(cadres=cadres, by=unit_user)
    assert Cadre.objects.filter(name__startswith="测试4").count() == 60
    with django_assert_max_num_queries(6):
        cadres_update(changes=[(c, {"position": "科员"}) for c in cadres], by=unit_user)
    assert set(Cadre.objects.filter(name__startswith="测试4").values_list("position", flat=True)) == {"科员"}
