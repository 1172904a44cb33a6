"""The admin's django-import-export import and export run through VillageResource."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import ImportBatch
from tests.spreadsheets import read_xlsx, xlsx_bytes
from villages.columns import VILLAGE_COLUMNS
from villages.models import Village, VillageCategoryChange

HEADER = ["统计用区划代码", "县（市、区）", "乡（镇）", "村名", "党组织软弱涣散村", "建档立卡贫困村"]
XIJIE = "140929100201"
XLSX = "0"  # position in VillageAdmin.formats


def admin_import(client, data):
    return client.post(
        reverse("admin:villages_village_import"),
        {"import_file": SimpleUploadedFile("名单.xlsx", data), "format": XLSX, "resource": "0"},
    )


def test_admin_import_shows_the_same_row_errors_and_writes_nothing(client, admin_user):
    client.force_login(admin_user)
    data = xlsx_bytes([HEADER, [XIJIE, "五寨县", "岚漪镇", "西街村", "是", "否"], [XIJIE, "岢岚县", "岚漪镇", "西街村", "maybe", "否"]])
    html = admin_import(client, data).content.decode()
    assert "“五寨县”与统计用区划代码不符：代码 140929100201 属于岢岚县。" in html
    assert "无法识别“maybe”" in html
    assert not Village.objects.targets().exists()
    assert not ImportBatch.objects.exists()  # the dry run leaves nothing behind


def test_admin_import_previews_then_confirms(client, admin_user):
    client.force_login(admin_user)
    data = xlsx_bytes([HEADER, [XIJIE, "岢岚县", "岚漪镇", "西街村", "是", "否"]])
    html = admin_import(client, data).content.decode()
    assert not Village.objects.get(code=XIJIE).is_weak_organization
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    assert "import_file_name" in hidden, html[-3000:]

    response = client.post(reverse("admin:villages_village_process_import"), hidden)
    assert response.status_code == 302
    assert Village.objects.get(code=XIJIE).is_weak_organization
    change = VillageCategoryChange.objects.get()
    assert change.changed_by == admin_user and change.import_batch.status == ImportBatch.Status.CONFIRMED


def test_admin_export_has_chinese_headers_and_escapes_formulas(client, admin_user):
    Village.objects.filter(code=XIJIE).update(notes="@SUM(A1)")
    client.force_login(admin_user)
    response = client.get(reverse("admin:villages_village_export"))
    rows = read_xlsx(response.content)
    assert rows[0] == [c.header for c in VILLAGE_COLUMNS]
    assert len(rows) == 21896
    assert next(r for r in rows if r[0] == XIJIE)[-1] == "'@SUM(A1)"


def test_admin_import_and_export_need_the_permissions(client, admin_user):
    admin_user.is_superuser = False
    admin_user.save()
    admin_user.groups.clear()  # staff, but no import/export permission
    client.force_login(admin_user)
    assert client.get(reverse("admin:villages_village_import")).status_code == 403
    assert client.get(reverse("admin:villages_village_export")).status_code == 403
