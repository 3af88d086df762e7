"""Addresses compared the way people write them, through one documented normalisation.

Insurers and the card surface write the same address differently: 「西新宿二丁目8番1号」,
「西新宿2-8-1」, 「西新宿２－８－１」. `address_match_key` does, in order:

1. everything `names.name_match_key` does (variation selectors, NFKC — full-width digits and
   hyphens become ASCII —, old/new character forms, kana folding, spaces removed);
2. kanji numerals directly before 丁目・番地・番・号 become digits (二丁目 → 2丁目); other kanji
   numerals are left alone, since they are part of place names (三鷹市, 八王子市, 四谷);
3. 丁目・番地・番・号 after a number become "-", and dash look-alikes between digits
   (‐ ‑ ‒ – — ― − ー ─ ━) become "-";
4. repeated and trailing "-" are dropped.

Nothing else is guessed (no prefecture completion, no 大字/字 removal): when a difference
remains, a person looks at it.
"""

from __future__ import annotations

import re

from onshi.domain.names import name_match_key

_KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_BLOCK_MARKERS = "丁目|番地|番|号"
_KANJI_BEFORE_MARKER = re.compile(rf"([〇一二三四五六七八九十百千]+)(?={_BLOCK_MARKERS})")
_MARKER_AFTER_DIGITS = re.compile(rf"(?<=\d)(?:{_BLOCK_MARKERS})")
_DASH_BETWEEN_DIGITS = re.compile(r"(?<=\d)[‐‑‒–—―−ー─━\-](?=\d)")
_REPEATED_DASHES = re.compile(r"-{2,}")


def kanji_number(text: str) -> int:
    """二十三 → 23, 百五 → 105, 二〇 → 20 (positional form)."""
    if all(char in _KANJI_DIGITS for char in text):
        value = 0
        for char in text:
            value = value * 10 + _KANJI_DIGITS[char]
        return value
    total = current = 0
    for char in text:
        if char in _KANJI_DIGITS:
            current = _KANJI_DIGITS[char]
        else:
            total += (current or 1) * _KANJI_UNITS[char]
            current = 0
    return total + current


def address_match_key(address: str) -> str:
    text = name_match_key(address)
    text = _KANJI_BEFORE_MARKER.sub(lambda match: str(kanji_number(match[1])), text)
    text = _MARKER_AFTER_DIGITS.sub("-", text)
    text = _DASH_BETWEEN_DIGITS.sub("-", text)
    return _REPEATED_DASHES.sub("-", text).rstrip("-")


def addresses_match(left: str, right: str) -> bool:
    return address_match_key(left) == address_match_key(right)
