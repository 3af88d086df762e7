"""Seeded onboarding: the seed's adoption rates per type, steps in order, nothing after the day."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from onshi.domain.facility import Facility, FacilityType
from onshi.domain.milestones import Milestone
from onshi.seed.facilities import facility_list
from onshi.seed.onboarding import NURSING_OBLIGATION_DAY, OBLIGATION_DAY, Onboarding, onboarding

F = FacilityType
DAY = date(2023, 10, 1)
# seed 004, 2023-10-01: 準備完了 (connected) and 運用開始 of all facilities, and of those obligated
CONNECTED = {F.HOSPITAL: 98.4, F.MEDICAL_CLINIC: 90.6, F.DENTAL_CLINIC: 86.8, F.PHARMACY: 95.8}
OPERATING = {F.HOSPITAL: 96.5, F.MEDICAL_CLINIC: 86.3, F.DENTAL_CLINIC: 82.5, F.PHARMACY: 94.4}
OBLIGATED_OPERATING = {F.HOSPITAL: 97.1, F.MEDICAL_CLINIC: 92.6, F.DENTAL_CLINIC: 90.9, F.PHARMACY: 97.9}


@pytest.fixture(scope="module")
def seeded() -> list[tuple[Facility, Onboarding]]:
    return [(f, onboarding(f, 3, DAY)) for f in facility_list(40_000, seed=3)]


def share(
    items: list[tuple[Facility, Onboarding]], kind: F, step: Milestone, obligated: bool = False
) -> float:
    chosen = [
        o for f, o in items if f.facility_type is kind and (o.obligated_from is not None or not obligated)
    ]
    return 100 * sum(1 for o in chosen if step in dict(o.reached)) / len(chosen)


@pytest.mark.parametrize("kind", list(CONNECTED))
def test_the_rates_of_2023_10_01_are_the_seeds(seeded: list[tuple[Facility, Onboarding]], kind: F) -> None:
    tolerance = 2.5 if kind is F.HOSPITAL else 1.2  # hospitals are few (≈ 1,400 of 40,000)
    assert share(seeded, kind, Milestone.CONNECTED) == pytest.approx(CONNECTED[kind], abs=tolerance)
    assert share(seeded, kind, Milestone.OPERATING) == pytest.approx(OPERATING[kind], abs=tolerance)
    assert share(seeded, kind, Milestone.OPERATING, obligated=True) == pytest.approx(
        OBLIGATED_OPERATING[kind], abs=tolerance
    )


def test_steps_are_in_order_and_not_after_the_day(seeded: list[tuple[Facility, Onboarding]]) -> None:
    for facility, result in seeded:
        reached = dict(result.reached)
        assert all(day <= DAY for day in reached.values())
        if Milestone.OPERATING in reached:
            assert reached[Milestone.CONNECTED] <= reached[Milestone.OPERATING]
        if facility.facility_type is F.VISITING_NURSING:
            assert reached == {} and result.obligated_from in (None, NURSING_OBLIGATION_DAY)
        else:
            assert result.obligated_from in (None, OBLIGATION_DAY)
    obligated = Counter(o.obligated_from is not None for _, o in seeded)
    assert 0.90 < obligated[True] / len(seeded) < 0.94  # 209,554 of 229,585 in the seed (91.3 %)


def test_it_is_deterministic_and_grows_with_the_day() -> None:
    facilities = list(facility_list(300, seed=5))
    assert [onboarding(f, 5, DAY) for f in facilities] == [onboarding(f, 5, DAY) for f in facilities]
    early = sum(len(onboarding(f, 5, date(2022, 6, 1)).reached) for f in facilities)
    late = sum(len(onboarding(f, 5, date(2025, 6, 1)).reached) for f in facilities)
    assert early < sum(len(onboarding(f, 5, DAY).reached) for f in facilities) < late
