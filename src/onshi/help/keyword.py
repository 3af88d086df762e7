"""Keyword scoring without a tokenizer: BM25 over character n-grams.

Japanese has no spaces, so runs of Japanese text are cut into character bigrams (and single
kanji, which carry meaning alone: 顔, 紙); Latin letters and digits are cut into words.
Before that the text is NFKC-normalised, lower-cased and katakana is folded to hiragana, so
「カードリーダー」, 「ｶｰﾄﾞﾘｰﾀﾞｰ」 and 「かーどりーだー」 give the same grams. BM25's idf
keeps frequent grams (particles, です/ます) from mattering much.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

_KATAKANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
_WORD = re.compile(r"[a-z0-9]+")
_JAPANESE = re.compile(r"[\u3041-\u3096\u30fc\u4e00-\u9fff\u3005\u3006\u30f6々〆]+")
_KANJI = re.compile(r"[\u4e00-\u9fff\u3005]")


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().translate(_KATAKANA)


def grams(text: str) -> list[str]:
    """The terms of `text`: Latin words, Japanese bigrams and single kanji."""
    normal = normalize(text)
    terms = [word for word in _WORD.findall(normal) if len(word) > 1 or word.isdigit()]
    for run in _JAPANESE.findall(normal):
        terms.extend(char for char in run if _KANJI.match(char))
        terms.extend(run[i : i + 2] for i in range(len(run) - 1))
    return terms


class Bm25:
    """Okapi BM25 over documents given as term lists (repeat a field to weight it)."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self._k1, self._b = k1, b
        self._counts = [Counter(document) for document in documents]
        self._lengths = [len(document) for document in documents]
        self._average = sum(self._lengths) / max(len(documents), 1)
        frequency: Counter[str] = Counter()
        for counts in self._counts:
            frequency.update(counts.keys())
        total = len(documents)
        self._idf = {term: math.log(1 + (total - n + 0.5) / (n + 0.5)) for term, n in frequency.items()}

    def scores(self, query: Sequence[str]) -> list[float]:
        terms = Counter(term for term in query if term in self._idf)
        results: list[float] = []
        for counts, length in zip(self._counts, self._lengths, strict=True):
            norm = self._k1 * (1 - self._b + self._b * length / self._average)
            score = 0.0
            for term, weight in terms.items():
                tf = counts.get(term, 0)
                if tf:
                    score += weight * self._idf[term] * tf * (self._k1 + 1) / (tf + norm)
            results.append(score)
        return results
