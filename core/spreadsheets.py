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
import zlib
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


# The worksheets' XML parts, whose <dimension> is read before openpyxl opens the workbook.
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?\"")
_SHEET_HEAD_BYTES = 4096  # the dimension comes right after <sheetPr>, in the first few hundred bytes


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def too_large(size: int) -> FileRefused:
    """The refusal of an upload of ``size`` bytes, over settings.IMPORT_MAX_UPLOAD_BYTES."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)
    return FileRefused(f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 {limit} MB。")


def _too_many_rows(rows: int) -> FileRefused:
    return FileRefused(f"文件行数过多（{rows:,} 行以上，每个文件最多 {settings.IMPORT_MAX_ROWS:,} 行），已拒绝。请分成几个文件上传。")


def _too_many_columns(columns: int) -> FileRefused:
    return FileRefused(f"文件列数过多（{columns:,} 列，最多 {settings.IMPORT_MAX_COLUMNS:,} 列），已拒绝。请删除多余的列后重新上传。")


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose zip directory or sheets' declared dimensions exceed the caps,
    reading only the directory and the first few kilobytes of each sheet: a few kilobytes of
    zip can declare gigabytes of XML or a million rows, which openpyxl would inflate or pad."""
    infos = archive.infolist()
    # The declared sizes bound what zipfile will inflate (it stops at file_size), so checking
    # them before parsing is enough.
    declared = sum(info.file_size for info in infos)
    if declared > settings.IMPORT_MAX_UNZIPPED_BYTES:
        raise FileRefused(
            f"文件解压后过大（{declared // (1024 * 1024):,} MB，上限 {settings.IMPORT_MAX_UNZIPPED_BYTES // (1024 * 1024):,} MB），已拒绝。"
        )
    for info in infos:
        # openpyxl keeps every shared string in memory, where a tiny string costs ~60 bytes.
        if info.filename == "xl/sharedStrings.xml" and info.file_size > settings.IMPORT_MAX_SHARED_STRINGS_BYTES:
            raise FileRefused(
                f"文件中的文字内容过多（{info.file_size // (1024 * 1024):,} MB，上限 "
                f"{settings.IMPORT_MAX_SHARED_STRINGS_BYTES // (1024 * 1024):,} MB），已拒绝。"
            )
        if not _SHEET_PART.match(info.filename):
            continue
        try:
            with archive.open(info) as part:
                head = part.read(_SHEET_HEAD_BYTES)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as e:
            raise FileRefused(f"文件已损坏，无法读取工作表（{type(e).__name__}）。") from None
        found = _DIMENSION.search(head)
        if not found:
            continue
        first_col, first_row, last_col, last_row = found.groups()
        rows = int(last_row or first_row or 0)
        columns = _column_number(last_col or first_col or b"")
        if rows > settings.IMPORT_MAX_ROWS:
            raise _too_many_rows(rows)
        if columns > settings.IMPORT_MAX_COLUMNS:
            raise _too_many_columns(columns)


def _capped(rows: Iterator[tuple[int, Sequence]]) -> Iterator[tuple[int, Sequence]]:
    """The rows as they are actually read, refused past the row or column cap: a sheet may
    declare nothing and still jump to row 1,000,000 or column XFD."""
    for number, values in rows:
        if number > settings.IMPORT_MAX_ROWS:
            raise _too_many_rows(settings.IMPORT_MAX_ROWS)
        if len(values) > settings.IMPORT_MAX_COLUMNS:
            raise _too_many_columns(len(values))
        yield number, values


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, Sequence]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileRefused("文件已损坏（可能未完整上传），无法作为 Excel 文件打开。") from None
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise FileRefused("文件不是 Excel 工作簿（.xlsx）：压缩包内没有工作簿内容。")
    _check_archive(archive)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Read the rows that are there, not the declared range: openpyxl pads every row to the
        # declared width and the sheet to the declared height, with Nones.
        sheet.reset_dimensions()
    except (InvalidFileException, KeyError, IndexError, ValueError, zipfile.BadZipFile, OSError) as e:
        raise FileRefused(f"文件已损坏，无法读取工作表（{type(e).__name__}）。") from None
    except Exception as e:  # XML errors of any parser, defusedxml's refusals
        raise FileRefused(f"文件内容无法解析（{type(e).__name__}），请确认是 Excel 保存的 .xlsx 文件。") from None

    def rows():
        number = 0
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, values
        except FileRefused:
            raise
        except Exception as e:
            raise FileRefused(f"文件第 {number + 1:,} 行附近已损坏，无法继续读取（{type(e).__name__}）。") from None
        finally:
            workbook.close()

    return _capped(rows())


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

    def rows():
        number = 0
        try:
            for number, values in enumerate(reader, start=1):
                yield number, values
        except csv.Error as e:
            if "field larger than field limit" in str(e):
                raise FileRefused(
                    f"CSV 文件第 {number + 1:,} 行有一个单元格超过 {csv.field_size_limit():,} 个字符（可能是引号没有配对），无法读取。"
                ) from None
            raise FileRefused(f"CSV 文件第 {number + 1:,} 行格式有误，无法读取（{e}）。") from None

    return _capped(rows())


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


def read_rows(data: bytes) -> tuple[str, Iterator[tuple[int, Sequence]]]:
    """("xlsx" or "csv", the numbered rows of an upload's first sheet), or FileRefused saying
    why not. Size, kind, zip directory and declared dimensions are checked here, before a row
    is read; the row and column caps and the parser's own errors as the rows are read."""
    if len(data) > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise too_large(len(data))
    if not data.strip():
        raise FileRefused("文件是空的。")
    kind = sniff_kind(data[:8])
    if kind == "ole":
        _refuse_ole(data)
    if kind == "zip":
        return "xlsx", _xlsx_rows(data)
    return "csv", _csv_rows(data)


def open_table(data: bytes, columns: Sequence[Column]) -> Table:
    """Parse an upload's bytes into a Table, or raise FileRefused saying why not."""
    kind, rows = read_rows(data)
    return table_from_rows(rows, columns, kind=kind)


def table_from_rows(rows: Iterator[tuple[int, Sequence]], columns: Sequence[Column], *, kind: str) -> Table:
    """A Table over numbered rows that may start with title or blank rows above the header."""
    header_row, positions, headers = _find_header(rows, columns)
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        raise FileRefused(f"缺少必需的列：{'、'.join(missing)}。请检查第{header_row}行表头。")
    return Table(header_row=header_row, columns=positions, headers=headers, rows=rows, kind=kind)
