"""Text normalisation for identifiers typed from cards.

Cards and receipt computers carry digits and letters in full or half width, with stray
spaces and many kinds of hyphen. Identifiers are compared in one canonical form: NFKC
(full-width ASCII to half-width), every kind of space removed, every hyphen-like
character turned into '-', ASCII letters upper-cased.

Names are NOT normalised here: they are stored exactly as received (see `names.py` for
the matching key), because NFKC would rewrite some CJK compatibility ideographs.
"""

from __future__ import annotations

import re
import unicodedata

# Hyphens, dashes, minus signs and the katakana prolonged-sound mark that people type
# for a hyphen in card symbols (e.g. "12－34", "12ー34").
_HYPHENS = "\u002d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff0d\uff70\u2500\ufe63"
_HYPHEN_RE = re.compile(f"[{re.escape(_HYPHENS)}]")
_SPACE_RE = re.compile(r"\s+")


_PLAIN = re.compile(r"[0-9A-Z-]*")


def normalise_identifier(text: str) -> str:
    """Canonical form of a card symbol, card number or branch number."""
    if _PLAIN.fullmatch(text):  # already canonical: the common case
        return text
    folded = unicodedata.normalize("NFKC", text)
    folded = _SPACE_RE.sub("", folded)
    folded = _HYPHEN_RE.sub("-", folded)
    return folded.upper()


def normalise_digits(text: str) -> str:
    """NFKC and all spaces removed; used for purely numeric identifiers."""
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", text))


def is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()
