"""Synthetic onboarding of the seeded facilities: whether the obligation applies to them and the
days they applied for a card reader, connected and started operating.

Rates follow seed 004 (2023-10-01): of all facilities, connected (準備完了) 98.4 % of hospitals,
90.6 % of medical clinics, 86.8 % of dental clinics, 95.8 % of pharmacies, operating 96.5 /
86.3 / 82.5 / 94.4 %; under obligation (義務化対象, 91 % of facilities, from 2023-04-01) 98.9 /
96.9 / 95.3 / 99.0 % connected and 97.1 / 92.6 / 90.9 / 97.9 % operating — those outside it
(paper claims and the like) mostly did not join. Visiting-nursing stations follow their own
timetable (online confirmation from 2024-06, obligation from 2024-12-02).

Each facility draws one number that places it on every step's curve (an early adopter is early
at each step), so no facility operates before it connected. Pharmacies' reader applications
run below their connections, as in the seed's table (some connected with readers of their own).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.domain.milestones import Milestone

F = FacilityType
OBLIGATION_DAY = date(2023, 4, 1)
NURSING_OBLIGATION_DAY = date(2024, 12, 2)
# Share of each type under obligation (seed 004: 義務化対象施設数 / 全施設数).
OBLIGATED_SHARE = {F.HOSPITAL: 0.989, F.MEDICAL_CLINIC: 0.910, F.DENTAL_CLINIC: 0.876, F.PHARMACY: 0.948,
                   F.VISITING_NURSING: 0.95}  # fmt: skip
STEPS = (Milestone.CARD_READER_APPLIED, Milestone.CONNECTED, Milestone.OPERATING)
# Reached by the reference day (2023-10-01; visiting nursing: 2024-12-02): applied, connected,
# operating — under obligation, and outside it.
TARGETS: dict[FacilityType, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    F.HOSPITAL: ((0.995, 0.989, 0.971), (0.55, 0.50, 0.42)),
    F.MEDICAL_CLINIC: ((0.982, 0.969, 0.926), (0.35, 0.28, 0.22)),
    F.DENTAL_CLINIC: ((0.975, 0.953, 0.909), (0.35, 0.29, 0.23)),
    F.PHARMACY: ((0.975, 0.990, 0.979), (0.36, 0.38, 0.30)),
    F.VISITING_NURSING: ((0.85, 0.75, 0.65), (0.30, 0.20, 0.15)),
}
# The shape of every curve: (day, share of the reference-day target) before it, and after it
# (day, share of the rest still to join).
_BEFORE = ((date(2021, 3, 1), 0.0), (date(2021, 10, 20), 0.08), (date(2022, 4, 1), 0.2),
           (date(2022, 10, 1), 0.4), (date(2023, 4, 1), 0.85), (date(2023, 10, 1), 1.0))  # fmt: skip
_NURSING_BEFORE = ((date(2024, 4, 1), 0.0), (date(2024, 6, 1), 0.1), (date(2024, 9, 1), 0.5),
                   (date(2024, 12, 2), 1.0))  # fmt: skip
_AFTER = ((365 + 60, 0.5), (365 * 2 + 240, 0.7))  # days after the reference day


@dataclass(frozen=True, slots=True)
class Onboarding:
    code: FacilityCode
    obligated_from: date | None
    reached: tuple[tuple[Milestone, date], ...]  # the steps reached by the seed's day


def _curve(facility_type: FacilityType, target: float) -> list[tuple[date, float]]:
    before = _NURSING_BEFORE if facility_type is F.VISITING_NURSING else _BEFORE
    reference = before[-1][0]
    points = [(day, share * target) for day, share in before]
    points += [(reference + timedelta(days=days), target + (1 - target) * share) for days, share in _AFTER]
    return points


def _day_reaching(points: list[tuple[date, float]], u: float) -> date | None:
    """The day the curve first reaches `u` (linear between points); None when it never does."""
    for (d0, f0), (d1, f1) in pairwise(points):
        if f0 <= u < f1:
            return d0 + timedelta(days=int((d1 - d0).days * (u - f0) / (f1 - f0)))
    return None


def onboarding(facility: Facility, seed: int, as_of: date) -> Onboarding:
    """The same facility, seed and day always give the same answer."""
    rng = random.Random(f"onboarding:{seed}:{facility.code.digits}")
    kind = facility.facility_type
    obligated = rng.random() < OBLIGATED_SHARE[kind]
    start = NURSING_OBLIGATION_DAY if kind is F.VISITING_NURSING else OBLIGATION_DAY
    targets = TARGETS[kind][0 if obligated else 1]
    u = rng.random()
    reached = []
    for step, target in zip(STEPS, targets, strict=True):
        day = _day_reaching(_curve(kind, target), u)
        if day is not None and day <= as_of:
            reached.append((step, day))
    return Onboarding(facility.code, start if obligated else None, tuple(reached))


def onboardings(facilities: list[Facility], seed: int, as_of: date) -> Iterator[Onboarding]:
    for facility in facilities:
        yield onboarding(facility, seed, as_of)
