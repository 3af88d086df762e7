"""Synthetic facilities: valid distinct codes, the national type mix, population-weighted places."""

from __future__ import annotations

from collections import Counter

import pytest

from onshi.domain.facility import Facility, FacilityCode, FacilityStatus, FacilityType
from onshi.seed.facilities import FACILITY_MIX, facility_list
from onshi.seed.places import PREFECTURE_POPULATION

FEE_TABLE = {
    FacilityType.HOSPITAL: "1",
    FacilityType.MEDICAL_CLINIC: "1",
    FacilityType.DENTAL_CLINIC: "3",
    FacilityType.PHARMACY: "4",
    FacilityType.VISITING_NURSING: "6",
}
SUFFIXES = {
    FacilityType.HOSPITAL: ("病院", "医療センター"),
    FacilityType.DENTAL_CLINIC: (
        "歯科医院",
        "歯科クリニック",
        "デンタルクリニック",
        "こども歯科",
        "矯正歯科",
        "歯科",
        "歯科診療所",
    ),
    FacilityType.PHARMACY: ("薬局", "店"),
}


@pytest.fixture(scope="module")
def facilities() -> list[Facility]:
    return list(facility_list(30_000, seed=4))


def test_deterministic() -> None:
    assert list(facility_list(500, seed=9)) == list(facility_list(500, seed=9))
    assert list(facility_list(500, seed=9)) != list(facility_list(500, seed=10))
    assert list(facility_list(0)) == []
    with pytest.raises(ValueError, match="negative"):
        list(facility_list(-1))


def test_codes_are_valid_distinct_and_match_the_type(facilities: list[Facility]) -> None:
    assert len({f.code for f in facilities}) == len(facilities)
    for facility in facilities:
        assert FacilityCode.parse(facility.code.digits) == facility.code
        assert facility.code.fee_table == FEE_TABLE[facility.facility_type]
        assert facility.code.allows(facility.facility_type)
        assert facility.status is FacilityStatus.ACTIVE and facility.is_active


def test_type_mix_follows_the_national_counts(facilities: list[Facility]) -> None:
    counts = Counter(f.facility_type for f in facilities)
    total = sum(FACILITY_MIX.values())
    for facility_type, national in FACILITY_MIX.items():
        assert abs(counts[facility_type] / len(facilities) - national / total) < 0.002
    first = [f.facility_type for f in facility_list(5)]
    assert sorted(first) == sorted(FacilityType)


def test_prefectures_follow_the_population(facilities: list[Facility]) -> None:
    prefectures = Counter(f.code.digits[:2] for f in facilities)
    assert len(prefectures) == 47
    tokyo = PREFECTURE_POPULATION[12] / sum(PREFECTURE_POPULATION)
    assert abs(prefectures["13"] / len(facilities) - tokyo) < 0.01


def test_smartphone_acceptance_and_names(facilities: list[Facility]) -> None:
    by_type: dict[FacilityType, list[bool]] = {}
    for facility in facilities:
        by_type.setdefault(facility.facility_type, []).append(facility.accepts_smartphone)
        assert facility.name
        if facility.facility_type in SUFFIXES:
            assert facility.name.endswith(SUFFIXES[facility.facility_type]), facility.name
        if facility.facility_type is FacilityType.VISITING_NURSING:
            assert "訪問看護ステーション" in facility.name
    share = {t: sum(flags) / len(flags) for t, flags in by_type.items()}
    assert 0.26 < share[FacilityType.PHARMACY] < 0.34
    assert 0.12 < share[FacilityType.MEDICAL_CLINIC] < 0.18
