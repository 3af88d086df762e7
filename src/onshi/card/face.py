"""Simulated face recognition: a face is a unit vector (a "template"); two faces are the same
person when their cosine similarity reaches MATCH_THRESHOLD.

A card holds its holder's template (the photo on the chip). At the reader the camera
produces a new capture: the holder's face gives the template plus a little noise, anyone
else's an unrelated vector.
"""

from __future__ import annotations

import json
import math
import random
import secrets
from collections.abc import Sequence
from pathlib import Path

DIMENSIONS = 128
MATCH_THRESHOLD = 0.9
CAPTURE_NOISE = 0.02  # per component; a capture of the holder stays above 0.95 similarity

Template = tuple[float, ...]

_random = secrets.SystemRandom()


def _normalised(values: Sequence[float]) -> Template:
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return tuple(round(v / norm, 6) for v in values)


def new_template(rng: random.Random = _random) -> Template:
    return _normalised([rng.gauss(0.0, 1.0) for _ in range(DIMENSIONS)])


def capture_of_holder(template: Template, rng: random.Random = _random) -> Template:
    """What the camera sees when the card's holder stands in front of it."""
    return _normalised([v + rng.gauss(0.0, CAPTURE_NOISE) for v in template])


def similarity(left: Template, right: Template) -> float:
    if len(left) != len(right):
        return 0.0
    return sum(a * b for a, b in zip(left, right, strict=True))


def matches(card: Template, capture: Template) -> bool:
    return similarity(card, capture) >= MATCH_THRESHOLD


def load_template(path: Path) -> Template:
    """A capture saved as a JSON list of numbers (for scripted tests of the reader)."""
    values = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(values, list) or not all(isinstance(v, int | float) for v in values):
        raise ValueError(f"{path}: a face template is a JSON list of numbers")
    return _normalised([float(v) for v in values])
