"""Access to the public sample documents in ../shared/docs/wire/samples (read-only, not copied)."""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "docs" / "wire" / "samples"


def sample(prefix: str) -> bytes:
    (path,) = SAMPLES.glob(f"{prefix}_*.xml")
    return path.read_bytes()
