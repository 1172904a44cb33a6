"""Reading ids and codes out of a request, in one place.

``str.isdigit`` accepts ``²`` and ``٣`` (and ``int('²')`` then raises), and a 25-digit number
passes every check but overflows the database's integer; both answered 500. These helpers
accept only what a row's id or an official division code can be; anything else is simply not
an id (``None`` — the caller answers 404 or ignores it)."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import Http404

# The largest value of a 64-bit signed integer column (BigAutoField) has 19 digits.
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """A positive row id out of text, or None."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_ids(values: Iterable) -> list[int]:
    """The row ids among ``values`` (a form's ticked boxes); the rest are dropped."""
    return [n for n in (parse_id(v) for v in values) if n is not None]


def parse_code(value, lengths: tuple[int, ...] = (2, 4, 6, 9, 12)) -> str | None:
    """An official division code (2, 4, 6, 9 or 12 ASCII digits), or None."""
    text = str(value or "").strip()
    return text if text.isascii() and text.isdigit() and len(text) in lengths else None


def id_or_404(value, message: str = "没有找到。") -> int:
    number = parse_id(value)
    if number is None:
        raise Http404(message)
    return number
