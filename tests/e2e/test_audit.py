"""The 审计员 signs in, reads the audit trail of a village changed through the admin (who, from
where, before → after), narrows it by data type, and reads the personal-data access log."""

from django.urls import reverse
from playwright.sync_api import expect

from villages.models import Village


def test_the_auditor_reads_who_changed_what(
    page, live_server, login, admin_user, auditor_user, kelan_user, secretary_posting, client, screenshot
):
    village = Village.objects.get(code="140929100201")
    client.force_login(admin_user)
    client.post(
        reverse("admin:villages_village_change", args=[village.pk]),
        {"name": "西街新村", "urban_rural_code": "", "is_registered_poor": "on", "notes": "核实后补录"},
        REMOTE_ADDR="10.20.30.40",
    )
    client.force_login(kelan_user)
    client.get(reverse("secretaries:detail", args=[secretary_posting.pk]), REMOTE_ADDR="10.20.30.41")

    login("shenji")
    page.get_by_role("navigation").get_by_role("link", name="审计记录").first.click()
    page.get_by_label("数据类别").select_option(label="村")
    page.get_by_label("操作人（用户名）").fill("admin")
    page.get_by_role("button", name="查询").click()
    rows = page.get_by_test_id("audit-rows")
    expect(rows).to_contain_text("西街村 → 西街新村")
    expect(rows).to_contain_text("10.20.30.40")
    expect(rows).to_contain_text("admin")
    screenshot("d-audit-trail")
    page.screenshot(path="/tmp/d-audit-trail.png")

    page.get_by_role("link", name="个人信息查看记录").first.click()
    access = page.get_by_test_id("access-rows")
    expect(access).to_contain_text("kelan")
    expect(access).to_contain_text("张建国")
    screenshot("d-audit-access-log")
    page.screenshot(path="/tmp/d-audit-access-log.png")

    page.goto(f"{live_server.url}/villages/")
    expect(page.locator("body")).to_contain_text("无权")
