"""Reading the spreadsheets people upload: .xlsx or .csv, whatever their names say.

`open_table` checks what a file really is before parsing it, refuses what it cannot read with a
message a county clerk understands, finds the header row below any title rows, maps the
header's Chinese variants to columns, and yields each data row with its row number in the file.
It keeps nothing on disk. openpyxl parses workbook XML through defusedxml (installed).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings

from core.columns import Column

HEADER_SCAN_ROWS = 30
# U+FF01..U+FF5E are the full-width forms of ASCII ! .. ~; U+3000 is the ideographic space.
_FULL_WIDTH_DIGITS_LETTERS = {
    **{0xFF10 + i: ord("0") + i for i in range(10)},
    **{0xFF21 + i: ord("A") + i for i in range(26)},
    **{0xFF41 + i: ord("a") + i for i in range(26)},
    0x3000: ord(" "),
    0x00A0: ord(" "),
}
_WHITESPACE = re.compile(r"\s+")
_APOSTROPHE_FORMULA = re.compile(r"^'(?=[=+\-@])")


class FileRefused(Exception):
    """The whole file is refused; the message says why, in Chinese."""


def normalise_text(value, *, compact: bool = False) -> str:
    """A cell as clean text: full-width digits and letters made ASCII, stray spaces removed
    (all of them when ``compact``: codes, names, flags), whole numbers without ".0", and the
    apostrophe our exports put before formula-like text taken off again."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).translate(_FULL_WIDTH_DIGITS_LETTERS)
    text = _WHITESPACE.sub("" if compact else " ", text).strip()
    return _APOSTROPHE_FORMULA.sub("", text)


def normalise_header(value) -> str:
    text = normalise_text(value, compact=True)
    text = text.replace("(", "（").replace(")", "）").rstrip("：:*＊")
    return text.lstrip("*＊")


@dataclass
class Table:
    """The data rows of the first sheet, under a recognised header."""

    header_row: int  # 1-based row number of the header in the file
    columns: dict[str, int]  # column key -> position in the row
    headers: dict[str, str]  # column key -> the header text as written in the file
    rows: Iterator[tuple[int, Sequence]]  # (row number in the file, cell values)
    kind: str  # "xlsx" or "csv"


def sniff_kind(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    return "text"


def _refuse_ole(data: bytes) -> None:
    # Excel saves a password-protected workbook as an OLE2 file with an EncryptedPackage stream.
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise FileRefused("文件已设置密码（已加密），系统无法读取。请在 Excel 中取消密码后另存为 .xlsx 再上传。")
    raise FileRefused("这是旧版 Excel（.xls）或其他 Office 文件。请在 Excel 中另存为“Excel 工作簿（.xlsx）”后再上传。")


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, Sequence]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FileRefused("文件已损坏，无法作为 Excel 文件打开。") from None
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise FileRefused("文件不是 Excel 工作簿（.xlsx）：压缩包内没有工作簿内容。")
    # A few kilobytes of zip can declare gigabytes of XML; the declared sizes bound what
    # zipfile will inflate, so checking them before parsing is enough.
    declared = sum(info.file_size for info in archive.infolist())
    if declared > settings.IMPORT_MAX_UNZIPPED_BYTES:
        raise FileRefused(
            f"文件解压后过大（{declared // (1024 * 1024)} MB，上限 {settings.IMPORT_MAX_UNZIPPED_BYTES // (1024 * 1024)} MB），已拒绝。"
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except (InvalidFileException, KeyError, IndexError, ValueError, zipfile.BadZipFile, OSError) as e:
        raise FileRefused(f"文件已损坏，无法读取工作表（{type(e).__name__}）。") from None
    except Exception as e:  # XML errors of any parser, defusedxml's refusals
        raise FileRefused(f"文件内容无法解析（{type(e).__name__}），请确认是 Excel 保存的 .xlsx 文件。") from None

    def rows():
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, values
        except Exception as e:
            raise FileRefused(f"文件第 {number + 1} 行附近已损坏，无法继续读取（{type(e).__name__}）。") from None
        finally:
            workbook.close()

    return rows()


def _csv_rows(data: bytes) -> Iterator[tuple[int, Sequence]]:
    if b"\x00" in data[:65536]:
        raise FileRefused("文件不是 Excel 或 CSV 表格（含有二进制内容）。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = codecs.decode(data, encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefused("CSV 文件编码无法识别，请用 UTF-8 或 GBK 编码保存。")
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    return ((number, values) for number, values in enumerate(reader, start=1))


def _find_header(rows: Iterator[tuple[int, Sequence]], columns: Sequence[Column]):
    by_header = {normalise_header(h): c.key for c in columns for h in c.headers}
    scanned = []
    for number, values in rows:
        scanned.append((number, values))
        found = {}
        for position, cell in enumerate(values):
            key = by_header.get(normalise_header(cell))
            if key is not None:
                if key in found:
                    raise FileRefused(f"第{number}行表头中“{cell}”与“{values[found[key]]}”是同一列，请删除其中一列。")
                found[key] = position
        if len(found) >= 2:
            return number, found, {k: normalise_text(values[p]) for k, p in found.items()}
        if len(scanned) >= HEADER_SCAN_ROWS:
            break
    expected = "、".join(c.header for c in columns if c.required or c.kind == "code")
    raise FileRefused(f"前 {HEADER_SCAN_ROWS} 行中没有找到表头。表头应包含 {expected} 等列名。")


def open_table(data: bytes, columns: Sequence[Column]) -> Table:
    """Parse an upload's bytes into a Table, or raise FileRefused saying why not."""
    if len(data) > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise FileRefused(f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)} MB。")
    if not data.strip():
        raise FileRefused("文件是空的。")
    kind = sniff_kind(data[:8])
    if kind == "ole":
        _refuse_ole(data)
    rows = _xlsx_rows(data) if kind == "zip" else _csv_rows(data)
    return table_from_rows(rows, columns, kind="xlsx" if kind == "zip" else "csv")


def table_from_rows(rows: Iterator[tuple[int, Sequence]], columns: Sequence[Column], *, kind: str) -> Table:
    """A Table over numbered rows that may start with title or blank rows above the header."""
    header_row, positions, headers = _find_header(rows, columns)
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        raise FileRefused(f"缺少必需的列：{'、'.join(missing)}。请检查第{header_row}行表头。")
    return Table(header_row=header_row, columns=positions, headers=headers, rows=rows, kind=kind)
