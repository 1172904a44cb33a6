"""Spreadsheet columns: the header a list writes, the header variants an import accepts, and
how a cell is shown and escaped. One list of columns serves a model's export, import and admin,
so that an exported list imports back unchanged."""

from __future__ import annotations

from dataclasses import dataclass, field

FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: str = "text"  # "text"; "name", "code", "flag": every space in the cell is stray
    width: int = 12
    headers: tuple[str, ...] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "headers", (self.header, *self.aliases))


def display_value(value) -> str:
    """A stored value as a page or a message shows it: 是/否 for flags, — for nothing."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value) or "（空）"


def escape_formula(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe; the importer takes
    it off again (see core.spreadsheets.normalise_text)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
