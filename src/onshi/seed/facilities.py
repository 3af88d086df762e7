"""Synthetic insured-care facilities (医療機関・薬局・訪問看護ステーション) across Japan.

The type mix follows the national counts (seed 004, domain.md §1): 8,162 hospitals, 89,742
medical clinics, 69,929 dental clinics, 61,752 pharmacies, and about 15,000 visiting-nursing
stations. Types are interleaved so that any prefix of the list keeps that mix, after one of each
type first (so that even a tiny demo has every kind); prefectures are drawn by population.

Codes: 都道府県(2) + 点数表(1: 1 医科, 3 歯科, 4 調剤, 6 訪問看護) + 郡市区(2) + 番号(4) +
検証番号(1). Every code is distinct.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import accumulate

from onshi.domain.checkdigit import check_digit
from onshi.domain.facility import Facility, FacilityCode, FacilityStatus, FacilityType
from onshi.domain.prefectures import PREFECTURES
from onshi.seed.names import SURNAME_WEIGHTS, SURNAMES
from onshi.seed.places import PLACE_TABLE_BITS, TOWN_NAMES, Municipality, place_table

__all__ = ["FACILITY_MIX", "facility_list"]

FACILITY_MIX: dict[FacilityType, int] = {
    FacilityType.HOSPITAL: 8_162,
    FacilityType.MEDICAL_CLINIC: 89_742,
    FacilityType.DENTAL_CLINIC: 69_929,
    FacilityType.PHARMACY: 61_752,
    FacilityType.VISITING_NURSING: 15_000,
}
_FEE_TABLE = {
    FacilityType.HOSPITAL: "1",
    FacilityType.MEDICAL_CLINIC: "1",
    FacilityType.DENTAL_CLINIC: "3",
    FacilityType.PHARMACY: "4",
    FacilityType.VISITING_NURSING: "6",
}
_SMARTPHONE_SHARE = {
    FacilityType.HOSPITAL: 0.20,
    FacilityType.MEDICAL_CLINIC: 0.15,
    FacilityType.DENTAL_CLINIC: 0.15,
    FacilityType.PHARMACY: 0.30,
    FacilityType.VISITING_NURSING: 0.05,
}
_DISTRICTS = 50  # 郡市区番号 01..50; with 4-digit numbers: ≥480,000 codes per prefecture and table

# Name patterns per type: {s} surname, {t} town, {c} city without 市/区/町, {C} city, {p} 都/道/府/県,
# {w} a soft word (pharmacy and nursing-station names).
_PATTERNS: dict[FacilityType, tuple[str, ...]] = {
    FacilityType.HOSPITAL: (
        "{c}中央病院",
        "{C}民病院",
        "{s}病院",
        "{t}記念病院",
        "{c}総合病院",
        "{c}赤十字病院",
        "{w}会{s}病院",
        "{c}医療センター",
        "{t}リハビリテーション病院",
        "{p}立{c}病院",
        "{c}済生会病院",
    ),
    FacilityType.MEDICAL_CLINIC: (
        "{s}内科クリニック",
        "{s}医院",
        "{t}クリニック",
        "{s}整形外科",
        "{t}眼科",
        "{s}皮膚科クリニック",
        "{w}こどもクリニック",
        "{s}耳鼻咽喉科",
        "{t}駅前クリニック",
        "{s}内科・消化器内科",
        "{w}ファミリークリニック",
        "{s}循環器内科",
        "{t}レディースクリニック",
        "{s}診療所",
    ),
    FacilityType.DENTAL_CLINIC: (
        "{s}歯科医院",
        "{t}歯科クリニック",
        "{w}デンタルクリニック",
        "{w}こども歯科",
        "{s}矯正歯科",
        "{t}歯科",
        "{s}歯科診療所",
    ),
    FacilityType.PHARMACY: (
        "{w}薬局",
        "{t}調剤薬局",
        "{s}薬局",
        "{w}薬局{t}店",
        "{c}中央薬局",
        "{w}調剤薬局{t}店",
        "{t}駅前薬局",
    ),
    FacilityType.VISITING_NURSING: (
        "訪問看護ステーション{w}",
        "訪問看護ステーション{t}",
        "{c}訪問看護ステーション",
        "{w}訪問看護ステーション",
        "訪問看護ステーション{s}",
    ),
}
_WORDS = (
    "さくら",
    "ひまわり",
    "あおぞら",
    "はなみずき",
    "つむぎ",
    "ゆい",
    "すずらん",
    "わかば",
    "ひかり",
    "こもれび",
    "みどり",
    "たんぽぽ",
    "あおば",
    "やまびこ",
    "なごみ",
    "そよかぜ",
    "えがお",
    "こころ",
    "いずみ",
    "あかり",
)


class _Allocator:
    """Hands out distinct codes: per (prefecture, fee table) a counter spread over districts."""

    def __init__(self) -> None:
        self.counters: dict[tuple[str, str], int] = {}

    def code(self, prefecture_code: str, table: str) -> FacilityCode:
        serial = self.counters.get((prefecture_code, table), 0)
        self.counters[(prefecture_code, table)] = serial + 1
        first = (int(prefecture_code) * 37 + int(table) * 11) % 400  # numbering does not start at 0001
        district, number = serial % _DISTRICTS + 1, serial // _DISTRICTS + 1 + first
        if number > 9999:
            raise ValueError(f"too many facilities in prefecture {prefecture_code} (fee table {table})")
        body = f"{district:02d}{number:04d}"
        return FacilityCode.parse(f"{prefecture_code}{table}{body}{check_digit(body)}")


def _short_city(place: Municipality) -> str:
    """札幌, 新宿, 倶知安: the municipality without its 市/区/町/村 suffix (and without 郡)."""
    name = place.insurer
    return name[:-1] if len(name) > 2 else name


def _name(rng: random.Random, facility_type: FacilityType, place: Municipality, surname: str) -> str:
    pattern = rng.choice(_PATTERNS[facility_type])
    prefecture = PREFECTURES[place.prefecture_index].name_ja
    return pattern.format(
        s=surname,
        t=rng.choice(TOWN_NAMES),
        c=_short_city(place),
        C=place.insurer,
        p=prefecture[-1],
        w=rng.choice(_WORDS),
    )


def facility_list(count: int, seed: int = 1) -> Iterator[Facility]:
    """`count` active facilities with distinct codes; the same arguments give the same list."""
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(seed)
    places = place_table()
    surnames = tuple(kanji for kanji, _ in SURNAMES)
    surname_weights = tuple(accumulate(SURNAME_WEIGHTS))
    allocator = _Allocator()
    total = sum(FACILITY_MIX.values())
    made = dict.fromkeys(FACILITY_MIX, 0)
    types = tuple(FACILITY_MIX)
    for index in range(count):
        if index < len(types):  # one of each first, so that even a tiny demo has every kind
            facility_type = types[index]
        else:  # then the type furthest behind its share: every prefix follows the national mix
            facility_type = max(types, key=lambda t: FACILITY_MIX[t] * (index + 1) / total - made[t])
        made[facility_type] += 1
        place = places[rng.getrandbits(PLACE_TABLE_BITS)]
        surname = rng.choices(surnames, cum_weights=surname_weights)[0]
        yield Facility(
            code=allocator.code(PREFECTURES[place.prefecture_index].code, _FEE_TABLE[facility_type]),
            name=_name(rng, facility_type, place, surname),
            facility_type=facility_type,
            status=FacilityStatus.ACTIVE,
            accepts_smartphone=rng.random() < _SMARTPHONE_SHARE[facility_type],
        )
