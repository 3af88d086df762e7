"""Adoption (導入状況): how many facilities applied for a face-recognition card reader, are
connected to production and operate online qualification confirmation, as of a day.

A facility counts for a step when it reached the step on or before the day
(`onshi.domain.milestones`). Rates are of all facilities of the group — or, restricted to
facilities under obligation (義務化対象施設), of those only. The seed's weekly table (004
「都道府県別の状況一覧」) calls them 申込率・接続率・参加率; its ranking lists the top and bottom
five prefectures per facility type by the operating rate (「都道府県別の運用開始状況」).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from onshi.domain.facility import FacilityType
from onshi.domain.milestones import Milestone
from onshi.domain.prefectures import PREFECTURES, Prefecture
from onshi.domain.statistics.rates import exact_percent, percent

# The three steps the published tables count, in their column order.
COUNTED_STEPS = (Milestone.CARD_READER_APPLIED, Milestone.CONNECTED, Milestone.OPERATING)
# The facility types of the published tables, in their order (訪問看護 joined them in 2024).
TYPES = (
    FacilityType.HOSPITAL,
    FacilityType.MEDICAL_CLINIC,
    FacilityType.DENTAL_CLINIC,
    FacilityType.PHARMACY,
    FacilityType.VISITING_NURSING,
)
RANKING_SIZE = 5


@dataclass(frozen=True, slots=True)
class AdoptionCounts:
    facilities: int = 0  # 機関数
    applied: int = 0  # 顔認証付きカードリーダー申込機関数
    connected: int = 0  # 本番接続機関数
    operating: int = 0  # 運用機関数

    def __post_init__(self) -> None:
        if min(self.facilities, self.applied, self.connected, self.operating) < 0:
            raise ValueError("counts are never negative")
        if max(self.applied, self.connected, self.operating) > self.facilities:
            raise ValueError("a step cannot be reached by more facilities than there are")

    def __add__(self, other: AdoptionCounts) -> AdoptionCounts:
        return AdoptionCounts(
            self.facilities + other.facilities,
            self.applied + other.applied,
            self.connected + other.connected,
            self.operating + other.operating,
        )

    def reached(self, step: Milestone) -> int:
        return {
            Milestone.CARD_READER_APPLIED: self.applied,
            Milestone.CONNECTED: self.connected,
            Milestone.OPERATING: self.operating,
        }[step]

    @property
    def applied_rate(self) -> Decimal | None:  # 申込率
        return percent(self.applied, self.facilities)

    @property
    def connected_rate(self) -> Decimal | None:  # 接続率
        return percent(self.connected, self.facilities)

    @property
    def operating_rate(self) -> Decimal | None:  # 参加率（運用開始率）
        return percent(self.operating, self.facilities)


def total(counts: Iterable[AdoptionCounts]) -> AdoptionCounts:
    result = AdoptionCounts()
    for item in counts:
        result = result + item
    return result


@dataclass(frozen=True, slots=True)
class Ranked:
    rank: int  # 1 = highest operating rate
    prefecture: Prefecture
    rate: Decimal  # the operating rate as published (one decimal)


@dataclass(frozen=True, slots=True)
class Ranking:
    facility_type: FacilityType
    top: tuple[Ranked, ...]
    bottom: tuple[Ranked, ...]  # the last places, best first (e.g. 43rd … 47th)
    overall: Decimal | None  # the type's national operating rate (the table's 合計 row)
    ranked: int  # prefectures that have facilities of the type


def ranking(
    facility_type: FacilityType, by_prefecture: Mapping[str, AdoptionCounts], size: int = RANKING_SIZE
) -> Ranking:
    """Prefectures by operating rate, highest first: by the exact rate, and on a tie by JIS code
    (the seed puts 山形 (06) before 福井 (18), both 66/67). Prefectures without facilities of the
    type have no rate and are not ranked."""
    exact = {
        code: rate
        for code, counts in by_prefecture.items()
        if (rate := exact_percent(counts.operating, counts.facilities)) is not None
    }
    order = sorted(exact, key=lambda code: (-exact[code], code))
    places = [_place(index, code, by_prefecture[code]) for index, code in enumerate(order, start=1)]
    overall = total(by_prefecture.values()).operating_rate
    bottom_start = max(size, len(places) - size)
    return Ranking(facility_type, tuple(places[:size]), tuple(places[bottom_start:]), overall, len(places))


def _place(rank: int, code: str, counts: AdoptionCounts) -> Ranked:
    rate = counts.operating_rate
    assert rate is not None  # only prefectures with facilities are ranked
    return Ranked(rank, PREFECTURES[int(code) - 1], rate)
