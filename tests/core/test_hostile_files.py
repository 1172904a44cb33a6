"""Hostile and broken upload files are refused early and cheaply, with a Chinese message, and
nothing is written: no batch, no stored file (issue #14, point 4). Every file is built here."""

from __future__ import annotations

import codecs
import csv
import errno
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from core.importing import FileRefused
from core.models import ImportBatch, ImportRow
from tests.spreadsheets import csv_bytes, xlsx_bytes
from villages.models import Village
from villages.resources import VillageResource

HEADER = ["统计用区划代码", "县（市、区）", "乡（镇）", "村名", "党组织软弱涣散村", "建档立卡贫困村"]
XIJIE = "140929100201"
GOOD_ROW = [XIJIE, "岢岚县", "岚漪镇", "西街村", "是", "否"]

# (upload page, a user fixture who may import there): every upload path of the site.
UPLOAD_PAGES = [
    ("villages:import", "province_user"),
    ("units:import", "province_user"),
    ("quotas:import", "province_user"),
    ("roster:import", "unit_user"),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def assert_nothing_written(media: Path) -> None:
    assert not ImportBatch.objects.exists()
    assert not ImportRow.objects.exists()
    assert stored_files(media) == []


def preview(user, data: bytes, name: str = "名单.xlsx"):
    return VillageResource().preview(data=data, file_name=name, user=user)


def rewrite_sheet(data: bytes, change) -> bytes:
    """``data`` (an .xlsx) with its first worksheet's XML passed through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(info.filename, content)
    return out.getvalue()


def with_dimension(data: bytes, ref: str) -> bytes:
    return rewrite_sheet(data, lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml))


@pytest.fixture
def rows_never_read(monkeypatch):
    """Fails the test if openpyxl builds the workbook or reads a worksheet row."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was opened or its rows iterated")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", refuse)


# --- .xlsx: declared sizes, checked from the zip directory and the sheet's first bytes --------
def test_a_small_workbook_declaring_millions_of_rows_is_refused_without_reading_a_row(province_user, media, rows_never_read):
    data = with_dimension(xlsx_bytes([HEADER, GOOD_ROW]), "A1:F5000000")
    assert len(data) < 13 * 1024

    with pytest.raises(FileRefused, match=r"文件行数过多（5,000,000 行以上，每个文件最多 700,000 行）"):
        preview(province_user, data)
    assert_nothing_written(media)


def test_a_workbook_declaring_columns_to_xfd_is_refused_without_reading_a_row(province_user, media, rows_never_read):
    data = with_dimension(xlsx_bytes([HEADER, GOOD_ROW]), "A1:XFD10")
    with pytest.raises(FileRefused, match=r"文件列数过多（16,384 列，最多 100 列）"):
        preview(province_user, data)
    assert_nothing_written(media)


def test_every_sheet_declaration_counts_not_only_the_first(province_user, media, rows_never_read):
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.create_sheet("说明").append(["x"])
    out = io.BytesIO()
    workbook.save(out)
    data = rewrite_sheet(out.getvalue(), lambda xml: xml)  # the same file, rezipped
    source = zipfile.ZipFile(io.BytesIO(data))
    second = source.read("xl/worksheets/sheet2.xml")
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1048576"', second)
            target.writestr(info.filename, content)
    with pytest.raises(FileRefused, match="文件行数过多"):
        preview(province_user, patched.getvalue())


def test_a_sheet_that_jumps_past_the_row_cap_undeclared_is_refused_as_it_is_read(province_user, media, settings):
    settings.IMPORT_MAX_ROWS = 5000
    data = xlsx_bytes([HEADER, GOOD_ROW])
    # No dimension at all, and one more row numbered a million: openpyxl would pad the gap.
    data = rewrite_sheet(
        data,
        lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml).replace(
            b"</sheetData>", b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        ),
    )
    with pytest.raises(FileRefused, match=r"文件行数过多（5,000 行以上"):
        preview(province_user, data)
    assert_nothing_written(media)


def test_a_row_wider_than_the_column_cap_is_refused_as_it_is_read(province_user, media):
    data = rewrite_sheet(
        xlsx_bytes([HEADER, GOOD_ROW]),
        lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml).replace(
            b"</sheetData>", b'<row r="3"><c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        ),
    )
    with pytest.raises(FileRefused, match="文件列数过多（16,384 列"):
        preview(province_user, data)
    assert_nothing_written(media)


def test_shared_strings_over_their_cap_are_refused_before_parsing(province_user, media, settings, rows_never_read):
    settings.IMPORT_MAX_SHARED_STRINGS_BYTES = 1024
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})  # as Excel does: shared strings
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    for i in range(1, 200):
        sheet.write_row(i, 0, [f"{140929100000 + i}", f"村名{i}" * 5])
    workbook.close()
    data = out.getvalue()
    with pytest.raises(FileRefused, match="文字内容过多"):
        preview(province_user, data)
    assert_nothing_written(media)


def test_the_caps_let_the_largest_real_file_through(settings):
    """The national village list: 620,573 rows of 10 columns, about 360 MB of XML unzipped."""
    assert settings.IMPORT_MAX_ROWS >= 620_573 * 1.1
    assert settings.IMPORT_MAX_UNZIPPED_BYTES >= 620_573 * 600 * 1.1
    assert settings.IMPORT_MAX_COLUMNS >= 40
    assert settings.REQUEST_MAX_BODY_BYTES > settings.IMPORT_MAX_UPLOAD_BYTES


def test_nginx_refuses_the_same_body_size_as_the_application(settings):
    conf = (Path(settings.BASE_DIR) / "deploy" / "nginx.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", conf)[1])
    assert megabytes * 1024 * 1024 == settings.REQUEST_MAX_BODY_BYTES


# --- broken files: every parser error is a Chinese refusal -------------------------------------
def ole_file() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096


BROKEN = {
    "empty": (b"", "文件是空的"),
    "only_spaces": (b"  \r\n ", "文件是空的"),
    "xls_renamed_xlsx": (ole_file(), "旧版 Excel（.xls）"),
    "truncated_zip": (xlsx_bytes([HEADER, GOOD_ROW])[:900], "文件已损坏"),
    "zip_without_workbook": (b"PK\x03\x04" + b"\x00" * 200, "文件已损坏"),
    "bad_encoding": (b"\xff\xfe\xff\x80\x81\xff" * 50, "编码无法识别|二进制"),
    "binary_csv": (b"abc\x00def" * 10, "二进制内容"),
    "csv_field_over_the_limit": (
        ",".join(HEADER).encode() + b'\n"' + b"x" * (csv.field_size_limit() + 10) + b'",a\n',
        r"CSV 文件第 2 行有一个单元格超过 131,072 个字符",
    ),
    "csv_unclosed_quote_over_the_limit": (
        ",".join(HEADER).encode() + b'\n"' + ("村" * 200_000).encode(),
        "超过 131,072 个字符",
    ),
}


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_file_is_refused_in_chinese_and_nothing_is_written(province_user, media, name):
    data, message = BROKEN[name]
    with pytest.raises(FileRefused, match=message) as refused:
        preview(province_user, data, name="名单.xlsx")
    assert re.search(r"[\u4e00-\u9fff]", str(refused.value))
    assert_nothing_written(media)


def test_a_gbk_csv_still_reads(province_user):
    data = codecs.encode("\n".join([",".join(HEADER), ",".join(GOOD_ROW)]), "gbk")
    batch = preview(province_user, data, name="名单.csv")
    assert batch.errors == [] and batch.total_rows == 1


# --- the stored file's name -------------------------------------------------------------------
def test_a_file_name_too_long_for_the_disk_is_kept_as_text_and_stored_under_its_checksum(province_user, media):
    name = "岢岚县党组织软弱涣散村和建档立卡贫困村名单" * 10 + ".xlsx"  # 635 bytes in UTF-8
    batch = preview(province_user, xlsx_bytes([HEADER, GOOD_ROW]), name=name)
    assert batch.file_name == name[:255]
    stored = Path(batch.file.path).name
    assert stored.startswith(batch.file_sha256[:32]) and stored.endswith(".xlsx") and len(stored.encode()) < 64


def test_a_file_the_disk_cannot_store_is_refused_and_nothing_is_written(province_user, media, monkeypatch):
    def cannot_store(self, name, content):
        raise OSError(errno.ENAMETOOLONG, "File name too long", name)

    monkeypatch.setattr(FileSystemStorage, "_save", cannot_store)
    with pytest.raises(FileRefused, match="文件无法保存（OSError）"):
        preview(province_user, xlsx_bytes([HEADER, GOOD_ROW]))
    assert_nothing_written(media)


# --- errors: the first 1,000 stored and shown a page at a time, with the total ------------------
def test_a_csv_of_100000_bad_rows_stores_1000_errors_and_shows_the_total(client, province_user, media):
    bad = [["1409291002x1", "岢岚县", "岚漪镇", f"村{i}", "是", "否"] for i in range(100_000)]  # one error a row
    data = csv_bytes([HEADER, *bad])
    client.force_login(province_user)
    response = client.post(reverse("villages:import"), {"file": SimpleUploadedFile("坏名单.csv", data)})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.error_count == 100_000
    assert len(batch.errors) == 1000
    assert [e[0] for e in batch.errors[:3]] == [2, 3, 4]  # the first rows' errors, in file order
    assert not Village.objects.filter(is_weak_organization=True).exists()

    page = client.get(response.url).content.decode()
    assert "文件中有 100,000 处错误" in page and "错误（共 100,000 处）" in page
    assert "只列出前 1,000 处错误，其余 99,000 处未列出" in page
    assert page.count("<li>第") == 100  # one page of errors
    assert "错误第 1 / 10 页" in page
    last = client.get(response.url, {"errors_page": "10"}).content.decode()
    assert "第1001行 统计用区划代码" in last and "第1002行" not in last
    assert len(page) < 200_000


# --- the upload pages: body size before reading, file size before parsing ---------------------
@pytest.mark.parametrize("url_name, fixture", UPLOAD_PAGES, ids=[u for u, _ in UPLOAD_PAGES])
def test_every_upload_page_refuses_a_hostile_file_in_chinese_and_writes_nothing(client, request, media, url_name, fixture):
    client.force_login(request.getfixturevalue(fixture))
    data = with_dimension(xlsx_bytes([HEADER, GOOD_ROW]), "A1:F5000000")
    response = client.post(reverse(url_name), {"file": SimpleUploadedFile("名单.xlsx", data)})
    assert response.status_code == 400
    assert "文件行数过多" in response.content.decode()
    assert_nothing_written(media)


@pytest.mark.parametrize("url_name, fixture", UPLOAD_PAGES, ids=[u for u, _ in UPLOAD_PAGES])
def test_every_upload_page_refuses_a_file_over_the_upload_cap_before_reading_it(
    client, request, media, settings, monkeypatch, url_name, fixture
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2000
    client.force_login(request.getfixturevalue(fixture))
    monkeypatch.setattr("core.spreadsheets.read_rows", lambda data: pytest.fail("the file was parsed"))
    response = client.post(reverse(url_name), {"file": SimpleUploadedFile("名单.csv", b"x" * 5000)})
    assert response.status_code == 400
    assert "文件过大（0.0 MB），上限为 0 MB" in response.content.decode()
    assert_nothing_written(media)


def test_a_body_over_the_limit_is_refused_from_its_content_length_before_it_is_read(client, province_user, media, settings, monkeypatch):
    settings.REQUEST_MAX_BODY_BYTES = 4000
    client.force_login(province_user)
    # Nothing may parse the body: not the CSRF check, not the view.
    monkeypatch.setattr("django.http.request.HttpRequest._load_post_and_files", lambda self: pytest.fail("the body was read"))
    response = client.post(reverse("villages:import"), {"file": SimpleUploadedFile("名单.csv", b"x" * 8000)})
    assert response.status_code == 413
    assert "文件过大" in response.content.decode() and "没有读取也没有保存" in response.content.decode()
    assert_nothing_written(media)


def test_a_body_within_the_limit_reaches_the_page(client, province_user, media):
    client.force_login(province_user)
    response = client.post(reverse("villages:import"), {"file": SimpleUploadedFile("名单.xlsx", xlsx_bytes([HEADER, GOOD_ROW]))})
    assert response.status_code == 302


# --- the admin's import reads through the same checks ------------------------------------------
@pytest.mark.parametrize("admin_url", ["admin:villages_village_import", "admin:dispatch_dispatchingunit_import"])
def test_the_admin_import_refuses_a_hostile_file_in_chinese_and_stores_nothing(client, admin_user, media, admin_url, rows_never_read):
    client.force_login(admin_user)
    data = with_dimension(xlsx_bytes([HEADER, GOOD_ROW]), "A1:F5000000")
    response = client.post(reverse(admin_url), {"import_file": SimpleUploadedFile("名单.xlsx", data), "format": "0", "resource": "0"})
    html = response.content.decode()
    assert "文件行数过多（5,000,000 行以上" in html
    assert "encountered while trying to read file" not in html
    assert_nothing_written(media)


def test_the_admin_import_refuses_a_csv_field_over_the_limit_in_chinese(client, admin_user, media):
    client.force_login(admin_user)
    data, _ = BROKEN["csv_field_over_the_limit"]
    response = client.post(
        reverse("admin:villages_village_import"), {"import_file": SimpleUploadedFile("名单.csv", data), "format": "1", "resource": "0"}
    )
    assert "超过 131,072 个字符" in response.content.decode()
    assert_nothing_written(media)
