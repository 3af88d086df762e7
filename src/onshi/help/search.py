"""The help search: codes first, then the FAQ entries ranked by meaning and by keywords.

Each FAQ entry is scored two ways and the scores mixed:

* keyword — BM25 over character n-grams of its Japanese and English question and answer
  (`onshi.help.keyword`), scaled so that the best entry for the query scores 1;
* semantic — cosine similarity between the query's embedding and the embeddings of the
  entry's Japanese and English question (the better of the two), scaled to 0..1 over all
  entries for the query. Only when an embedding model is installed (`onshi.help.embedding`);
  otherwise the keyword score alone ranks.

The FAQ's embeddings come from the packaged `faq-embeddings.json` when it matches the FAQ
and the model (`python -m onshi.help.precompute` rebuilds it), else they are computed on the
first query that needs them; either way they are kept in memory.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from onshi.help import embedding, precomputed
from onshi.help.codes import CodeHelp, explain
from onshi.help.embedding import Embedder, Vectors
from onshi.help.faq import Entry, category_label, load_entries
from onshi.help.keyword import Bm25, grams

log = logging.getLogger(__name__)

SEMANTIC_WEIGHT = 0.5  # share of the semantic score when a model is present (docs/help.md)


@dataclass(frozen=True, slots=True)
class Hit:
    entry: Entry
    score: float
    keyword: float
    semantic: float | None


@dataclass(frozen=True, slots=True)
class Answer:
    query: str
    codes: tuple[CodeHelp, ...]
    hits: tuple[Hit, ...]
    mode: str


def _keyword_terms(entry: Entry) -> list[str]:
    fields = (
        entry.question_ja,
        entry.question_ja,
        entry.answer_ja,
        category_label(entry.category, "ja"),
        entry.question_en,
        entry.question_en,
        entry.answer_en,
        entry.id.replace("-", " "),
    )
    return [term for field in fields for term in grams(field)]


def semantic_texts(entry: Entry) -> tuple[str, ...]:
    """What is embedded per entry (docs/help.md: the questions did as well as adding the
    answers on the development set, and cost a fraction to embed)."""
    return (entry.question_ja, entry.question_en)


def _scaled(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.zeros_like(values)
    scaled: np.ndarray = (values - low) / (high - low)
    return scaled


class HelpSearch:
    """Search over `entries` (default: the packaged FAQ) with the backend `model` chooses
    ("auto", "e5", "minilm" or "none"; default $ONSHI_HELP_MODEL, see onshi.help.embedding)."""

    def __init__(
        self,
        entries: Sequence[Entry] | None = None,
        model: str | None = None,
        semantic_weight: float = SEMANTIC_WEIGHT,
    ) -> None:
        self.entries = tuple(entries if entries is not None else load_entries())
        self._bm25 = Bm25([_keyword_terms(entry) for entry in self.entries])
        self._backend = embedding.choose(model)
        self._weight = semantic_weight
        self._embedder: Embedder | None = None
        self._matrix: Vectors | None = None
        self._owners = np.array(
            [index for index, entry in enumerate(self.entries) for _ in semantic_texts(entry)], dtype=np.int64
        )
        self._lock = threading.Lock()

    @property
    def mode(self) -> str:
        if self._backend is None:
            return "keyword"
        return f"hybrid ({self._embedder.name if self._embedder else self._backend})"

    def warm(self) -> None:
        """Load the model and embed the FAQ now rather than on the first query."""
        self._semantic()

    def _semantic(self) -> tuple[Embedder, Vectors] | None:
        if self._backend is None:
            return None
        with self._lock:
            if self._embedder is None or self._matrix is None:
                try:
                    embedder = embedding.load(self._backend)
                    texts = [text for entry in self.entries for text in semantic_texts(entry)]
                    matrix = precomputed.load(self._backend, texts)
                    self._matrix = embedder.passages(texts) if matrix is None else matrix
                    self._embedder = embedder
                except (ImportError, OSError, RuntimeError, ValueError) as error:
                    log.warning(
                        "help: embedding model %s unavailable (%s); keyword search only", self._backend, error
                    )
                    self._backend = None
                    return None
            return self._embedder, self._matrix

    def _semantic_scores(self, query: str) -> np.ndarray | None:
        loaded = self._semantic()
        if loaded is None:
            return None
        embedder, matrix = loaded
        similarities = matrix @ embedder.queries([query])[0]
        best = np.full(len(self.entries), -1.0, dtype=np.float32)
        np.maximum.at(best, self._owners, similarities)
        return _scaled(best)

    def search(self, query: str, top: int = 3) -> Answer:
        query = query.strip()
        codes = tuple(explain(query))
        if not query:
            return Answer(query, codes, (), self.mode)
        keyword = np.asarray(self._bm25.scores(grams(query)), dtype=np.float32)
        if keyword.max() > 0:
            keyword = keyword / keyword.max()
        semantic = self._semantic_scores(query)
        combined = keyword if semantic is None else self._weight * semantic + (1 - self._weight) * keyword
        if semantic is None and not keyword.any():
            return Answer(query, codes, (), self.mode)
        order = np.argsort(-combined, kind="stable")[: max(top, 0)]
        hits = tuple(
            Hit(
                entry=self.entries[index],
                score=round(float(combined[index]), 4),
                keyword=round(float(keyword[index]), 4),
                semantic=None if semantic is None else round(float(semantic[index]), 4),
            )
            for index in order
        )
        return Answer(query, codes, hits, self.mode)


@cache
def default_search() -> HelpSearch:
    """The process-wide search over the packaged FAQ (embeddings cached in memory)."""
    return HelpSearch()
