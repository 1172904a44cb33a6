"""The roster's import pages follow the capability table (dispatch.roles), like every page."""

from django.urls import reverse

from dispatch import roles
from dispatch.models import Role


def test_a_unit_without_the_roster_import_capability_is_refused_the_pages_and_the_menu_drops_them(client, unit_user, monkeypatch):
    client.force_login(unit_user)
    assert f'<a href="{reverse("roster:import")}">报名名单导入</a>' in client.get("/").content.decode()
    assert client.get(reverse("roster:import_history")).status_code == 200  # its own unit's imports

    monkeypatch.setitem(roles.ROLE_CAPABILITIES, Role.UNIT, roles.ROLE_CAPABILITIES[Role.UNIT] - {roles.IMPORT_ROSTER})
    response = client.get(reverse("roster:import"))
    assert response.status_code == 403
    assert "您的角色无权导入报名人员名单。" in response.content.decode()
    assert client.get(reverse("roster:import_history")).status_code == 403
    assert f'href="{reverse("roster:import")}"' not in client.get("/").content.decode()
