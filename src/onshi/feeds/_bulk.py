"""Whole-column fast paths for the cell parsers of values that do not repeat (names, kana,
card numbers, post numbers, individual keys; addresses gained nothing: their cell parser is
already one `isprintable`).

Such a column has as many distinct texts as rows, so the per-feed cache cannot help and each
cell cost a Python call (a third of the validation). Here the column's cells are joined with
line breaks and checked at once by C code (a regular expression, `str` methods): when every
cell is already in its parsed form, the column is its own result. Otherwise the bulk parser
answers None and the cells are parsed one by one, with their errors — so the result is always
the per-cell parser's (tests/feeds/test_bulk.py holds them equal).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from onshi.feeds import _cells
from onshi.feeds._block import BulkParser

# A control character other than the separator, or a cell that starts or ends with a space
# (the per-cell parsers would strip it).
_NOT_PLAIN = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]|^[^\S\n]|[^\S\n]$", re.M)
# A kana name keeps single half-width spaces only (clean_kana turns other runs into one).
_KANA_SPACING = re.compile(r"[^\S \n]| {2}")
_POST_NUMBERS = re.compile(r"(?:(?:[0-9]{3}-[0-9]{4})?\n)*(?:[0-9]{3}-[0-9]{4})?")
_NUMBERS = re.compile(r"(?:[0-9A-Z-]{0,20}\n)*[0-9A-Z-]{0,20}")
_INDIVIDUAL_KEYS = re.compile(r"(?:[A-Za-z0-9_.:-]{0,64}\n)*[A-Za-z0-9_.:-]{0,64}")
_TWELVE_DIGITS = re.compile(r"^[0-9]{12}$", re.M)


def _joined(raw: Sequence[str]) -> str | None:
    """The cells joined by line breaks, or None when a cell holds one itself."""
    joined = "\n".join(raw)
    return joined if joined.count("\n") == len(raw) - 1 else None


def _as_is(raw: Sequence[str]) -> list[str | None]:
    return [cell or None for cell in raw]


def _plain_text(raw: Sequence[str]) -> str | None:
    """The joined column when every cell passes `_cells.text` unchanged."""
    joined = _joined(raw)
    if joined is None or max(map(len, raw), default=0) > _cells.MAX_TEXT_LENGTH:
        return None
    if joined.replace("\n", "").replace("\u3000", "").isprintable():
        # The quick test (C, 1 ns a character): then the only spaces are " " and U+3000.
        edges = ("\n ", " \n", "\n\u3000", "\u3000\n")
        if (
            any(edge in joined for edge in edges)
            or joined.startswith((" ", "\u3000"))
            or joined.endswith((" ", "\u3000"))
        ):
            return None
        return joined
    return None if _NOT_PLAIN.search(joined) else joined


def name(raw: Sequence[str]) -> list[str | None] | None:
    """Names with no half-width space and no run of spaces (clean_name would rewrite them)."""
    joined = _plain_text(raw)
    if joined is None or " " in joined or "\u3000\u3000" in joined:
        return None
    return _as_is(raw)


def kana(raw: Sequence[str]) -> list[str | None] | None:
    """Kana already in NFKC with single half-width spaces. A line break never composes with
    its neighbours, so the joined text is normalised exactly when every cell is."""
    joined = _plain_text(raw)
    if joined is None or _KANA_SPACING.search(joined) or not unicodedata.is_normalized("NFKC", joined):
        return None
    return _as_is(raw)


def _matching(pattern: re.Pattern[str]) -> BulkParser:
    def parse(raw: Sequence[str]) -> list[str | None] | None:
        joined = _joined(raw)
        return _as_is(raw) if joined is not None and pattern.fullmatch(joined) else None

    return parse


number = _matching(_NUMBERS)  # already canonical (normalise_identifier leaves it alone)
post_number = _matching(_POST_NUMBERS)


def individual_key(raw: Sequence[str]) -> list[str | None] | None:
    joined = _joined(raw)
    if joined is None or not _INDIVIDUAL_KEYS.fullmatch(joined) or _TWELVE_DIGITS.search(joined):
        return None
    return _as_is(raw)


# The cell parser → its bulk form.
BULK: dict[_cells.CellParser, BulkParser] = {
    _cells.name: name,
    _cells.kana: kana,
    _cells.number: number,
    _cells.post_number: post_number,
    _cells.individual_key: individual_key,
}
