"""Spreadsheet columns: the header a list writes, the header variants an import accepts, how a
cell is read (its parser) and how a value is shown and escaped. One list of columns serves a
model's export, import and admin, so that an exported list imports back unchanged.

Each column declares its parser, one per kind of cell: ``TEXT``/``Text`` (plain text, with a
length limit), ``NAME`` (a name: every space is stray), ``Flag`` (是/否, √/×, 1/0, Y/N…),
``Choice`` (a model's TextChoices by label or value, plus the words people write), ``Date``
(年月 in the forms counties type), ``Code`` (n digits), ``WholeNumber`` and ``RegionName``
(resolved against the regions by ``villages.selectors.RegionNames``). A parser turns a cell's
normalised text into a value or raises ``CellError`` with the problem; the import engine puts it
in the one error format, "第N行 列名：问题" (``core.importing.RowError``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@")


class CellError(ValueError):
    """A cell that cannot be read: the message says what is wrong with it, in Chinese."""


class Parser:
    """Reads one non-blank cell (already normalised: ``core.spreadsheets.normalise_text``)."""

    kind = "text"  # "text" keeps inner spaces; every other kind drops them as stray
    blank = None  # the value of a blank cell

    def parse(self, text: str):
        return text

    @property
    def compact(self) -> bool:
        return self.kind != "text"


@dataclass(frozen=True)
class Text(Parser):
    """Text as written, at most ``max_length`` characters. ``kind="name"`` or ``"code"`` for
    names and identifiers, whose spaces are stray."""

    max_length: int | None = None
    kind: str = "text"
    blank = ""

    def parse(self, text: str) -> str:
        if self.max_length is not None and len(text) > self.max_length:
            raise CellError(f"超过{self.max_length}个字。")
        return text


TEXT = Text()
NAME = Text(kind="name")


TRUE_WORDS = frozenset({"是", "√", "✓", "✔", "1", "Y", "YES", "TRUE", "T", "对"})
FALSE_WORDS = frozenset({"否", "", "0", "N", "NO", "FALSE", "F", "×", "✗", "-", "—", "无"})


@dataclass(frozen=True)
class Flag(Parser):
    """是/否, √/× (or blank), 1/0, Y/N, true/false; a blank cell is 否."""

    kind = "flag"
    blank = False

    def parse(self, text: str) -> bool:
        word = text.upper()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError(f"无法识别“{text}”，应填 是/否、√/空白、1/0 或 Y/N。")


FLAG = Flag()


@dataclass(frozen=True)
class Choice(Parser):
    """One of a fixed set: ``words`` maps what people write to the stored value. ``hint`` ends
    the message for a word it does not know ("应填 男 或 女"); ``default`` is taken for such a
    word instead of an error (政治面貌: whatever is not a party member is 其他)."""

    words: Mapping[str, str] = field(default_factory=dict)
    hint: str = ""
    default: str | None = None
    kind: str = "name"

    @classmethod
    def of(cls, choices, *, words: Mapping[str, str] | None = None, hint: str | None = None, **kwargs) -> Choice:
        """A model's TextChoices, by label or by value, plus ``words``; the hint lists the labels."""
        known = {**{c.value: c.value for c in choices}, **{c.label: c.value for c in choices}, **(words or {})}
        return cls(words=known, hint="应填 " + "、".join(c.label for c in choices) if hint is None else hint, **kwargs)

    def parse(self, text: str) -> str:
        value = self.words.get(text, self.default)
        if value is None:
            raise CellError(f"无法识别“{text}”" + (f"，{self.hint}。" if self.hint else "。"))
        return value


@dataclass(frozen=True)
class Code(Parser):
    """An identifier of exactly ``digits`` digits (统计用区划代码: 12)."""

    digits: int
    kind = "code"

    def parse(self, text: str) -> str:
        if not (text.isascii() and text.isdigit() and len(text) == self.digits):
            raise CellError(f"“{text}”不是{self.digits}位数字。")
        return text


@dataclass(frozen=True)
class WholeNumber(Parser):
    """A count: a whole number from 0 to ``maximum``; ``noun`` names it in the messages."""

    noun: str
    maximum: int = 32767
    kind = "code"

    def parse(self, text: str) -> int:
        if text.isascii() and text.isdigit():
            value = int(text)
            if value > self.maximum:
                raise CellError(f"“{text}”过大。")
            return value
        if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
            if text.startswith("-"):
                raise CellError(f"“{text}”是负数，{self.noun}应为 0 或正整数。")
            raise CellError(f"“{text}”不是整数，{self.noun}应为整数。")
        raise CellError(f"“{text}”不是数字。")


# 1980.05, 1980-05, 1980/5/17, 1980年5月, 1980年5月17日, 198005, 19800517.
_DATE = re.compile(r"^(\d{4})(?:[.\-/年．](\d{1,2})(?:[.\-/月．](\d{1,2})?日?|月)?|(\d{2})(\d{2})?)$")
_EXCEL_TIME = re.compile(r"(?<=\d)T?00:00:00$")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(text: str) -> tuple[datetime.date, bool]:
    """(date, whether the day was given); a month alone gives its first day. CellError if the
    text is no date, or one before 1900 or in the future."""
    text = _EXCEL_TIME.sub("", text)
    if re.fullmatch(r"\d{5}", text):  # an Excel date stored as its serial number
        return _EXCEL_EPOCH + datetime.timedelta(days=int(text)), True
    match = _DATE.match(text)
    if not match:
        raise CellError(f"无法识别“{text}”，应填年月，如 1980.05、1980-05、1980年5月 或 1980/5/17。")
    year, month, day = int(match[1]), int(match[2] or match[4]), match[3] or match[5]
    try:
        date = datetime.date(year, month, int(day or 1))
    except ValueError:
        raise CellError(f"“{text}”不是有效日期。") from None
    # The project's day (Asia/Shanghai), not the server clock's: before 08:00 there a UTC server
    # would still be on yesterday and refuse today's date as in the future.
    today = timezone.localdate()
    if not 1900 <= year <= today.year or date > today:
        raise CellError(f"“{text}”不在合理范围内。")
    return date, day is not None


@dataclass(frozen=True)
class Date(Parser):
    """A date, or a month (its first day): ``parse_date``'s forms."""

    kind = "name"

    def parse(self, text: str) -> datetime.date:
        return parse_date(text)[0]

    def parse_with_day(self, text: str) -> tuple[datetime.date, bool]:
        return parse_date(text)


DATE = Date()


@dataclass(frozen=True)
class RegionName(Parser):
    """The name of a region of ``levels`` (岢岚县, 岢岚, a former name…). The text is only
    cleaned here; which region it names depends on the regions and the importer's scope, and is
    decided by villages.selectors.RegionNames, the one lookup every import uses."""

    levels: tuple[str, ...] = ()
    kind = "name"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    parser: Parser = TEXT
    width: int = 12
    # What a cell of this column looks like: the import page's downloadable template has one
    # example row made of these (core.importing.template_xlsx), so it follows the columns.
    example: str = ""
    headers: tuple[str, ...] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "headers", (self.header, *self.aliases))

    @property
    def kind(self) -> str:
        return self.parser.kind

    def parse(self, text: str):
        """The cell's value (the parser's ``blank`` for a blank cell), or CellError."""
        if text == "":
            return self.parser.blank
        return self.parser.parse(text)


def columns_by_key(columns: Iterable[Column]) -> dict[str, Column]:
    return {c.key: c for c in columns}


def display_value(value) -> str:
    """A stored value as a page or a message shows it: 是/否 for flags, — for nothing."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value) or "（空）"


def escape_formula(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe; the importer takes
    it off again (see core.spreadsheets.normalise_text). The one rule for every cell of every
    .xlsx and .csv the system writes (tests/core/test_export_formulas.py runs each export);
    applying it twice changes nothing."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def escape_row(values: Iterable) -> list:
    """A row of cells with every text escaped (escape_formula): what export rows return, so
    that the pages' exports and the admin's (django-import-export) write the same cells."""
    return [escape_formula(v) for v in values]
