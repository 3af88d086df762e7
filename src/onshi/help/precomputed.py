"""The FAQ's embeddings, precomputed into the packaged `faq-embeddings.json`.

Embedding the FAQ takes seconds on a small CPU; a query takes milliseconds. So the vectors
are computed once, stored as float16 (base64) with the model's name and a fingerprint of
the exact texts, and used only while both match. After editing `faq.json` run

    python -m onshi.help.precompute

(a test fails until the file matches the FAQ again).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from onshi.help.embedding import Vectors

FILE = "faq-embeddings.json"


def fingerprint(texts: Sequence[str]) -> str:
    return hashlib.sha256("\x1e".join(texts).encode("utf-8")).hexdigest()


def _stored() -> dict[str, Any] | None:
    resource = resources.files("onshi.help").joinpath(FILE)
    if not resource.is_file():
        return None
    data: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return data


def is_current(backend: str, texts: Sequence[str]) -> bool:
    stored = _stored()
    return bool(stored and stored["backend"] == backend and stored["fingerprint"] == fingerprint(texts))


def load(backend: str, texts: Sequence[str]) -> Vectors | None:
    """The stored vectors for `texts` under `backend`, or None when absent or stale."""
    stored = _stored()
    if not stored or stored["backend"] != backend or stored["fingerprint"] != fingerprint(texts):
        return None
    raw = np.frombuffer(base64.b64decode(stored["data"]), dtype=np.float16)
    vectors: Vectors = raw.reshape(stored["rows"], stored["dim"]).astype(np.float32)
    return vectors


def encode(backend: str, model: str, texts: Sequence[str], vectors: Vectors) -> str:
    data = {
        "backend": backend,
        "model": model,
        "fingerprint": fingerprint(texts),
        "rows": int(vectors.shape[0]),
        "dim": int(vectors.shape[1]),
        "dtype": "float16",
        "data": base64.b64encode(vectors.astype(np.float16).tobytes()).decode("ascii"),
    }
    return json.dumps(data, indent=0) + "\n"


def default_path() -> Path:
    return Path(__file__).with_name(FILE)
