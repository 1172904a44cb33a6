"""The demo data: one account per role, scoped to real places, loaded twice without change."""

from io import StringIO

from django.core.management import call_command

from dispatch.demo import DEMO_PASSWORD
from dispatch.models import DispatchingUnit, Role, User


def test_demo_has_one_account_per_role_scoped_to_real_places(regions):
    out = StringIO()
    call_command("load_demo", "--accounts-only", stdout=out)

    # Every role but the secretary's: his account is opened by his 履岗任职 (tenure.accounts), so
    # the demo's shuji exists once the postings are loaded (tests/demo/test_tenure.py).
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values) - {Role.SECRETARY}
    assert User.objects.get(username="kelan").scope_label == "山西省忻州市岢岚县"
    assert User.objects.get(username="xinzhou").scope_label == "山西省忻州市"
    assert User.objects.get(username="guotu").scope_label == "山西省国土资源厅"
    assert User.objects.get(username="kelan").check_password(DEMO_PASSWORD)
    printed = out.getvalue()
    assert "kelan" in printed and "县委组织部" in printed and DEMO_PASSWORD in printed


def test_a_second_load_changes_nothing_and_keeps_changed_passwords(regions):
    call_command("load_demo", "--accounts-only", stdout=StringIO())
    kelan = User.objects.get(username="kelan")
    kelan.set_password("changed-by-the-county-2015")
    kelan.save()
    before = list(User.objects.order_by("id").values())

    out = StringIO()
    call_command("load_demo", "--accounts-only", "--quiet-accounts", stdout=out)

    assert "新增 0 项" in out.getvalue()
    assert list(User.objects.order_by("id").values()) == before
    assert DispatchingUnit.objects.filter(name="山西省国土资源厅").count() == 1
