"""`onshi audit seal` and `onshi audit verify` through the real executable."""

from __future__ import annotations

from tests.cli.conftest import Cli


def test_seal_then_verify(onshi: Cli) -> None:
    onshi("operator", "disaster", "declare", "--prefecture", "13", "--from", "2026-01-01", "--to", "2026-01-02",
          "--reason", "訓練")  # fmt: skip
    sealed = onshi("audit", "seal", "--settle", "0").stdout
    assert sealed.startswith("seal 1: 1 events")
    verified = onshi("audit", "verify")
    assert "1 seals, 1 sealed events checked, 0 not yet sealed: OK" in verified.stdout
