"""Access to the public sample documents in ../shared/docs/wire/samples (read-only, not copied).

The folder lies beside the checkout (as in CI). Elsewhere, set ONSHI_SHARED to the shared
folder; when it cannot be found the sample tests are skipped — except under CI=true.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import IN_CI

_SHARED = Path(os.environ.get("ONSHI_SHARED", Path(__file__).resolve().parents[3] / "shared"))
SAMPLES = _SHARED / "docs" / "wire" / "samples"


def sample(prefix: str) -> bytes:
    found = sorted(SAMPLES.glob(f"{prefix}_*.xml"))
    if not found:
        message = f"wire sample {prefix}_*.xml not found in {SAMPLES} (set ONSHI_SHARED)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found[0].read_bytes()


def shared_wire_doc(name: str) -> bytes:
    """A file of ../shared/docs/wire (e.g. code-tables.json), with the same skip rule."""
    path = SAMPLES.parent / name
    if not path.exists():
        message = f"{path} not found (set ONSHI_SHARED)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path.read_bytes()
