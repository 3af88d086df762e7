"""Where the fault tests strike: a point drawn at random in a bounded range on every run (so
`make soak`, which repeats them, tries many), and named in failure messages for replay:
`ONSHI_FAULT_SEED=<seed> pytest <the test>` draws the same point again."""

from __future__ import annotations

import os
import random

SEED = int(os.environ.get("ONSHI_FAULT_SEED") or random.SystemRandom().randrange(2**32))


def _draws(where: str) -> random.Random:
    return random.Random(f"{SEED}:{where}")  # the same point for a test whatever runs before it


def fault_count(where: str, low: int, high: int) -> int:
    return _draws(where).randint(low, high)


def fault_delay(where: str, low: float, high: float) -> float:
    return round(_draws(where).uniform(low, high), 3)


def replay(where: str, point: object) -> str:
    return f"fault at {where}={point} (replay with ONSHI_FAULT_SEED={SEED})"
