"""Every import page offers a template (.xlsx: the header row and one example row) made from the
import's own column declarations, and a link to the export it reads back (issue #11, point 12)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from core.columns import CellError
from core.importing import template_xlsx
from core.models import ImportBatch
from dispatch.annex2 import ANNEX2_COLUMNS
from dispatch.unit_resources import UNIT_COLUMNS
from secretaries.roster_resources import ROSTER_COLUMNS
from villages.columns import VILLAGE_COLUMNS
from villages.resources import VillageResource

# (upload page's URL name, its columns, a user fixture that may import there, the export link's URL name)
IMPORTS = [
    ("villages:import", VILLAGE_COLUMNS, "province_user", "villages:export"),
    ("units:import", UNIT_COLUMNS, "province_user", "units:export"),
    ("quotas:import", ANNEX2_COLUMNS, "province_user", "quotas:export"),
    ("roster:import", ROSTER_COLUMNS, "unit_user", "roster:export"),
]


def rows_of(data: bytes) -> list[list[str]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [[c.value or "" for c in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("upload, columns, fixture, export", IMPORTS, ids=[i[0] for i in IMPORTS])
def test_each_import_page_links_its_template_and_export(client, request, upload, columns, fixture, export):
    client.force_login(request.getfixturevalue(fixture))
    page = client.get(reverse(upload)).content.decode()
    template_url = reverse(upload + "_template")
    assert f'href="{template_url}"' in page
    assert f'href="{reverse(export)}"' in page

    response = client.get(template_url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    header, example = rows_of(response.content)
    assert header == [c.header for c in columns]
    # The example row reads with the import's own parsers: it cannot drift from the columns.
    for column, text in zip(columns, example, strict=True):
        try:
            column.parse(str(text))
        except CellError as e:
            pytest.fail(f"{column.header} example {text!r}: {e}")
    assert any(example)


def test_the_village_template_previews_without_errors(province_user):
    batch = VillageResource().preview(data=template_xlsx(VILLAGE_COLUMNS), file_name="模板.xlsx", user=province_user)
    assert batch.errors == [] and batch.total_rows == 1


def test_the_template_needs_the_import_capability(client, xinzhou_user):
    client.force_login(xinzhou_user)
    assert client.get(reverse("villages:import_template")).status_code == 403
    assert not ImportBatch.objects.exists()
