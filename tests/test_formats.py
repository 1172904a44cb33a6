"""One format for numbers and dates on every page.

Quantities are grouped by three (9,396: settings.USE_THOUSAND_SEPARATOR with dispatch/formats);
a number that is not a quantity — an id in a link or a form value, a page number — stays as it
is, or the link and the form break once ids pass 999. Dates read 2015年6月10日.
"""

import re
import zoneinfo

import pytest
from django.db import connection

from dispatch.models import DispatchingUnit
from reports.models import Submission
from reports.services import county_submit
from secretaries.models import Cadre, Posting
from tests.factories import PASSWORD
from tests.reports.test_submissions import county_unit_user, in_office, media, target_villages  # noqa: F401  (fixtures)
from tests.secretaries.conftest import campaign  # noqa: F401  (fixtures)
from villages.models import Village

pytestmark = pytest.mark.django_db

ATTRIBUTE = re.compile(r"""\s(href|src|action|value|name|id|for|data-[\w-]+)="([^"]*)\"""")
GROUPED = re.compile(r"\d,\d{3}")
TAG = re.compile(r"<[^>]*>")
ISO_DATE = re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{2}-\d{2} \d{2}:\d{2}\b")
PADDED = re.compile(r"\d{4}年0\d月|月0\d日")
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def ids_from(model, start: int) -> None:
    """The next row of ``model`` gets id ``start`` or more: ids in the thousands, as a province's
    database has them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, start])
        else:
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [start, table])
            if not cursor.rowcount:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start])


@pytest.fixture
def kelan_in_office(campaign, kelan_user):
    for model, start in ((DispatchingUnit, 4321), (Cadre, 5432), (Posting, 12345), (Submission, 2345)):
        ids_from(model, start)
    for county in ("岢岚县",):
        ids = list(Village.objects.filter(county__name=county).order_by("code").values_list("pk", flat=True)[:3])
        Village.objects.filter(pk__in=ids).update(is_registered_poor=True)
    unit_user = county_unit_user(kelan_user.region, "kelan_nyj")
    postings = [
        in_office(unit_user, kelan_user, v, name=n, campaign=campaign)
        for v, n in zip(target_villages("岢岚县", 2), ["王志刚", "刘玉兰"], strict=True)
    ]
    submission = county_submit(campaign=campaign, by=kelan_user)
    assert postings[0].pk > 12345 and submission.pk > 2345 and unit_user.unit_id > 4321
    return {"posting": postings[0], "submission": submission, "unit": unit_user.unit}


def unformatted_attributes(html: str) -> list[str]:
    return [f'{name}="{value}"' for name, value in ATTRIBUTE.findall(html) if GROUPED.search(value)]


def test_pages_group_quantities_and_keep_ids_in_links_and_forms_plain(client, province_user, kelan_user, xinzhou_user, kelan_in_office):
    posting, submission, unit = kelan_in_office["posting"], kelan_in_office["submission"], kelan_in_office["unit"]
    pages = {
        province_user: [
            "/",
            "/villages/",
            "/villages/summary/",
            "/units/",
            f"/units/{unit.pk}/",
            "/quotas/",
            "/coverage/",
            "/postings/",
            f"/postings/{posting.pk}/",
            "/annexes/",
            "/annexes/1/",
            "/annexes/3/",
            "/annexes/4/",
            "/dashboard/",
            "/submissions/",
            f"/submissions/{submission.pk}/",
            "/villages/import/",
        ],
        xinzhou_user: ["/", f"/submissions/{submission.pk}/", "/dashboard/", "/postings/"],
        kelan_user: ["/", "/postings/", f"/postings/{posting.pk}/", "/submissions/", "/submissions/new/", "/dashboard/"],
    }
    seen = {}
    for user, paths in pages.items():
        client.force_login(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            seen[(user.username, path)] = html = response.content.decode()
            assert not unformatted_attributes(html), (path, unformatted_attributes(html))

    # Quantities: the province's 21,895 villages, grouped as the notice's tables write them.
    assert "21,895" in seen[("shengzzb", "/villages/")]
    assert "21895" not in seen[("shengzzb", "/villages/")]
    # Dates: one format, 2015年6月10日 (with the time where it matters), and deadlines with the year.
    for (_, path), html in seen.items():
        text = TAG.sub(" ", html)
        assert not ISO_DATE.search(text), (path, ISO_DATE.search(text))
        assert not PADDED.search(text), (path, PADDED.search(text))
    submission_page = seen[("xinzhou", f"/submissions/{submission.pk}/")]
    assert "期限 2015年7月5日" in submission_page
    assert f"{submission.submitted_at.astimezone(TZ):%Y}年" in submission_page
    # The ids really are in the thousands, and the pages link to them unformatted.
    assert f'value="{posting.pk}"' in seen[("shengzzb", "/postings/")]
    assert f'data-posting="{posting.pk}"' in seen[("shengzzb", "/annexes/3/")]


def test_the_password_pages_address_the_user_as_nin(client, kelan_user):
    client.force_login(kelan_user)
    page = client.get("/password/").content.decode()
    assert "您的密码必须包含至少 10 个字符。" in page
    response = client.post("/password/", {"old_password": "wrong", "new_password1": "1234", "new_password2": "1234"})
    page = response.content.decode()
    assert "您的旧密码不正确。请重新输入。" in page
    assert "你" not in page
    response = client.post(
        "/password/", {"old_password": PASSWORD, "new_password1": "Shanxi-2015-kelan", "new_password2": "Shanxi-2015-kelan"}, follow=True
    )
    assert "你" not in response.content.decode()


RAW_NUMBER = re.compile(r"\{\{ *((?:[A-Za-z_][\w.]*\.(?:pk|id|year))|(?:[A-Za-z_][\w.]*_id)|year|pk) *\}\}")


def test_no_template_prints_an_id_or_a_year_with_a_thousands_separator():
    """Every template, also those added later: an id or a year printed raw becomes 12,345 or
    2,016 with USE_THOUSAND_SEPARATOR — a broken link, form value or heading. They go through
    |unlocalize."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    raw = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in sorted(root.rglob("*.html"))
        for match in RAW_NUMBER.finditer(path.read_text(encoding="utf-8"))
    ]
    assert raw == []
