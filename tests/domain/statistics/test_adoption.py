"""Adoption rates and the ranking reproduce seed 004's tables (tests/stats_seed004.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from onshi.domain.facility import FacilityType
from onshi.domain.statistics.adoption import AdoptionCounts, ranking, total
from onshi.domain.statistics.rates import percent, shown
from tests.stats_seed004 import EXCLUDED, RANKING, TOTAL, TYPES, all_groups, excluded, groups, prefecture_code

F = FacilityType


def counts(group: object) -> AdoptionCounts:
    return AdoptionCounts(group.facilities, group.applied, group.connected, group.operating)  # type: ignore[attr-defined]


def test_every_consistent_cell_of_the_prefecture_table_is_reproduced() -> None:
    checked = groups()
    assert len(checked) == 141  # of the 158 complete groups printed
    for group in checked:
        result = counts(group)
        assert (str(result.applied_rate), str(result.connected_rate), str(result.operating_rate)) == (
            group.applied_rate,
            group.connected_rate,
            group.operating_rate,
        ), group


def test_the_printed_cells_that_disagree_with_each_other_are_named() -> None:
    assert excluded() == EXCLUDED
    assert len(list(all_groups())) == 158


def test_a_prefecture_total_is_the_sum_of_its_types() -> None:
    kept = groups()
    for code in {g.prefecture for g in kept if g.kind == TOTAL}:
        parts = [counts(g) for g in kept if g.prefecture == code and g.kind != TOTAL]
        (printed,) = [g for g in kept if g.prefecture == code and g.kind == TOTAL]
        assert total(parts) == counts(printed)
        assert str(total(parts).operating_rate) == printed.operating_rate


@pytest.mark.parametrize("facility_type", TYPES)
def test_the_ranking_agrees_with_the_seed_over_the_prefectures_it_gives(facility_type: F) -> None:
    """The seed ranks all 47 prefectures; its table stops at 岡山. Over the prefectures the table
    gives for the type, the seed's top five begin our ranking and its bottom five end it."""
    by_prefecture = {g.prefecture: counts(g) for g in groups() if g.kind == facility_type.value}
    result = ranking(facility_type, by_prefecture)
    published = [(prefecture_code(name), rate) for name, rate in RANKING[facility_type]]
    top = [entry for entry in published[:5] if entry[0] in by_prefecture]
    bottom = [entry for entry in published[5:] if entry[0] in by_prefecture]
    ours_top = [(r.prefecture.code, str(r.rate)) for r in result.top]
    ours_bottom = [(r.prefecture.code, str(r.rate)) for r in result.bottom]
    assert top and bottom
    assert ours_top[: len(top)] == top
    assert ours_bottom[len(ours_bottom) - len(bottom) :] == bottom
    assert result.ranked == len(by_prefecture)
    assert [r.rank for r in result.bottom] == list(range(len(by_prefecture) - 4, len(by_prefecture) + 1))


def test_ties_go_by_prefecture_code_like_the_seed() -> None:
    """山形 and 福井 hospitals both operate 66 of 67: the seed lists 山形 (06) first."""
    tied = {
        "18": AdoptionCounts(67, 67, 67, 66),
        "06": AdoptionCounts(67, 67, 67, 66),
        "05": AdoptionCounts(64, 64, 64, 64),
    }
    result = ranking(F.HOSPITAL, tied)
    assert [r.prefecture.name_ja for r in result.top] == ["秋田県", "山形県", "福井県"]
    assert [r.rank for r in result.top] == [1, 2, 3]
    assert result.bottom == ()  # three prefectures: no separate bottom five


def test_prefectures_without_facilities_of_the_type_are_not_ranked() -> None:
    result = ranking(F.VISITING_NURSING, {"13": AdoptionCounts(), "01": AdoptionCounts(10, 5, 5, 5)})
    assert [r.prefecture.code for r in result.top] == ["01"] and result.ranked == 1
    assert result.overall == Decimal("50.0")


def test_the_national_tables_of_2023_10_01() -> None:
    """「全施設数に対する割合」: per type 準備完了 (production connection) and 運用開始 rates of
    8,162 / 89,742 / 69,929 / 61,752 facilities, and 209,124 (91.1%) and 201,378 (87.7%) of
    229,585 in all. The seed gives only the rates per type: counts inside each printed rate's
    rounding interval that add up to the printed totals exist, and give every printed rate."""
    facilities = {F.HOSPITAL: 8162, F.MEDICAL_CLINIC: 89742, F.DENTAL_CLINIC: 69929, F.PHARMACY: 61752}
    ready = {F.HOSPITAL: "98.4", F.MEDICAL_CLINIC: "90.6", F.DENTAL_CLINIC: "86.8", F.PHARMACY: "95.8"}
    operating = {F.HOSPITAL: "96.5", F.MEDICAL_CLINIC: "86.3", F.DENTAL_CLINIC: "82.5", F.PHARMACY: "94.4"}
    connected = _fit(facilities, ready, 209_124)
    running = _fit(facilities, operating, 201_378)
    per_type = {t: AdoptionCounts(n, 0, connected[t], running[t]) for t, n in facilities.items()}
    for t, result in per_type.items():
        assert (str(result.connected_rate), str(result.operating_rate)) == (ready[t], operating[t])
    nation = total(per_type.values())
    assert nation == AdoptionCounts(229_585, 0, 209_124, 201_378)
    assert (shown(nation.connected_rate), shown(nation.operating_rate)) == ("91.1%", "87.7%")
    assert percent(211_481, 229_585) == Decimal("92.1")  # (注1) card-reader applications
    # 義務化対象施設: 209,554 facilities, 203,467 (97.1%) ready and 196,489 (93.8%) operating
    assert (percent(203_467, 209_554), percent(196_489, 209_554)) == (Decimal("97.1"), Decimal("93.8"))
    assert percent(205_825, 209_554) == Decimal("98.2")


def _fit(facilities: dict[F, int], rates: dict[F, str], wanted: int) -> dict[F, int]:
    """Counts whose rounded rates are the printed ones, summing to `wanted` (lowest first)."""

    def near(n: int, rate: str) -> range:  # the counts around rate × n (a rounding interval is ±0.05 %)
        middle = int(Decimal(rate) * n / 100)
        return range(max(0, middle - n // 1000 - 2), min(n, middle + n // 1000 + 2) + 1)

    ranges = {
        t: [c for c in near(n, rates[t]) if str(percent(c, n)) == rates[t]] for t, n in facilities.items()
    }
    chosen = {t: values[0] for t, values in ranges.items()}
    for t, values in ranges.items():
        chosen[t] = min(values[-1], values[0] + wanted - sum(chosen.values()))
    assert sum(chosen.values()) == wanted
    return chosen


def test_counts_are_checked() -> None:
    with pytest.raises(ValueError, match="more facilities"):
        AdoptionCounts(3, 4, 0, 0)
    with pytest.raises(ValueError, match="negative"):
        AdoptionCounts(3, -1, 0, 0)
    assert AdoptionCounts().operating_rate is None and shown(None) == "—"
