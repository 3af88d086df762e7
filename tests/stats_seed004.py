"""Seed 004's adoption tables as published — the statistics' test cases.

`PREFECTURE_TABLE` is 「(参考) 都道府県別の状況一覧 (9月17日時点)」 transcribed cell for cell: per
prefecture, for 病院, 医科診療所 (printed 内科診療所), 歯科診療所, 薬局 and 合計, the 機関数,
カードリーダー申込機関数 and 申込率, 本番接続機関数 and 接続率, 運用機関数 and 参加率. The seed is cut
off after 岡山 (and 岡山 itself after its dental operating count); 山形's and 茨城's pharmacy
rows lack their operating count and rate. Some printed cells do not agree with each other (a
rate that is not its count ÷ 機関数, a 合計 that is not the sum of its types — e.g. 青森's pharmacy
row reads 603 603 97.7%): `groups()` keeps only the groups whose every cell agrees, and
`EXCLUDED` names the others, so the tests say exactly which published figures they reproduce.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from onshi.domain.facility import FacilityType
from onshi.domain.prefectures import PREFECTURES

AS_OF = date(2023, 9, 17)
TYPES = (
    FacilityType.HOSPITAL,
    FacilityType.MEDICAL_CLINIC,
    FacilityType.DENTAL_CLINIC,
    FacilityType.PHARMACY,
)
TOTAL = "total"

PREFECTURE_TABLE = """
北海道 538 532 98.9% 528 98.1% 511 95.0% 2,749 2,553 92.9% 2,470 89.9% 2,314 84.2% 2,874 2,613 90.9% 2,539 88.3% 2,448 85.2% 2,272 2,192 96.5% 2,195 96.6% 2,177 95.8% 8,433 7,890 93.6% 7,732 91.7% 7,450 88.3%
青森 92 90 97.8% 88 95.7% 88 95.7% 657 624 95.0% 617 93.9% 592 90.1% 524 463 88.4% 449 85.7% 449 85.7% 603 603 97.7% 603 98.0% 598 97.2% 1,888 1,778 94.2% 1,757 93.1% 1,727 91.5%
岩手 92 92 100.0% 92 100.0% 91 98.9% 674 640 95.0% 622 92.3% 598 88.7% 590 548 92.9% 538 91.2% 537 91.2% 629 602 95.7% 606 96.3% 601 95.5% 1,985 1,882 94.8% 1,858 93.6% 1,827 92.0%
宮城 135 133 98.5% 129 95.6% 127 94.1% 1,411 1,326 94.0% 1,301 92.2% 1,233 87.4% 1,082 999 92.3% 969 89.2% 937 86.6% 1,183 1,133 95.8% 1,140 96.4% 1,117 94.4% 3,811 3,591 94.2% 3,535 92.8% 3,414 89.6%
秋田 64 64 100.0% 64 100.0% 64 100.0% 605 549 90.7% 542 89.6% 513 84.8% 440 398 90.5% 389 88.4% 379 86.1% 522 509 97.5% 509 97.5% 506 96.9% 1,631 1,520 93.2% 1,504 92.2% 1,462 89.6%
山形 67 67 100.0% 67 100.0% 66 98.5% 708 673 95.1% 658 92.9% 642 90.7% 483 447 92.5% 437 90.5% 426 88.2% 597 580 97.2% 581 97.3% 1,855 1,767 95.3% 1,743 94.0% 1,710 92.2%
福島 128 122 95.3% 121 94.5% 121 94.5% 1,095 1,000 91.3% 980 89.5% 938 85.7% 877 803 91.6% 782 89.2% 764 87.1% 890 862 96.9% 855 96.1% 845 94.9% 2,990 2,787 93.2% 2,738 91.6% 2,668 89.2%
茨城 173 171 98.8% 167 96.5% 164 94.8% 1,436 1,307 91.0% 1,265 88.1% 1,192 83.0% 1,444 1,293 89.5% 1,241 85.9% 1,165 80.7% 1,336 1,257 94.1% 1,261 94.4% 4,389 4,028 91.8% 3,934 89.6% 3,767 85.8%
栃木 108 108 100.0% 106 98.1% 103 95.4% 1,187 1,108 93.3% 1,081 91.1% 1,013 85.3% 986 881 89.4% 862 87.4% 818 83.0% 930 874 94.0% 875 94.1% 856 92.0% 3,211 2,971 92.5% 2,924 91.1% 2,790 86.9%
群馬 128 126 98.4% 124 96.9% 121 94.5% 1,306 1,236 94.6% 1,210 92.6% 1,147 87.8% 1,016 916 90.2% 892 87.8% 846 83.3% 978 913 93.4% 905 92.5% 897 91.7% 3,428 3,191 93.1% 3,131 91.3% 3,011 87.8%
埼玉 342 336 98.2% 329 96.2% 310 90.6% 3,903 3,594 92.1% 3,477 89.1% 3,163 81.0% 3,664 3,257 88.9% 3,137 85.6% 2,935 80.1% 3,149 2,963 94.1% 2,958 93.9% 2,907 92.3% 11,058 10,150 91.8% 9,901 89.5% 9,315 84.2%
千葉 289 289 100.0% 285 98.6% 273 94.5% 3,356 3,059 91.2% 2,971 89.5% 2,704 80.6% 3,368 2,915 87.3% 2,737 83.1% 2,534 75.9% 2,615 2,478 94.8% 2,502 95.9% 2,472 94.5% 9,598 8,741 91.1% 8,531 88.9% 7,983 83.2%
東京 637 623 97.8% 601 94.3% 555 87.1% 12,793 11,383 89.0% 10,835 84.7% 9,711 75.9% 10,792 9,253 85.7% 8,736 80.9% 7,829 72.5% 6,935 6,596 95.1% 6,650 95.9% 6,477 93.4% 31,157 27,855 89.4% 26,822 86.1% 24,572 78.9%
神奈川 340 332 97.6% 322 94.7% 299 87.9% 6,453 5,883 91.2% 5,732 88.8% 5,232 81.1% 5,083 4,486 88.3% 4,309 84.8% 3,901 76.7% 4,109 3,935 95.8% 3,953 96.2% 3,863 94.0% 15,985 14,636 91.6% 14,316 89.6% 13,295 83.2%
新潟 119 118 99.2% 119 100.0% 118 99.2% 1,254 1,164 92.8% 1,140 90.9% 1,105 88.1% 1,181 1,068 90.4% 1,009 85.4% 976 82.6% 1,158 1,108 95.7% 1,112 96.0% 1,106 95.5% 3,712 3,458 93.2% 3,380 91.1% 3,305 89.0%
富山 106 105 99.1% 102 96.2% 99 93.4% 616 574 93.2% 561 91.0% 541 87.8% 486 424 92.2% 415 90.2% 407 88.5% 517 492 95.2% 488 94.4% 484 93.6% 1,699 1,595 93.9% 1,566 92.2% 1,531 90.1%
石川 89 88 98.9% 88 98.9% 86 96.6% 716 680 95.0% 666 93.0% 641 89.5% 496 446 89.9% 434 87.5% 421 84.9% 560 538 96.1% 535 95.5% 526 93.9% 1,861 1,752 94.1% 1,723 92.6% 1,674 90.0%
福井 67 67 100.0% 67 100.0% 66 98.5% 447 426 95.3% 415 92.8% 408 91.3% 308 297 96.4% 287 93.2% 281 91.2% 318 302 95.0% 297 93.4% 290 91.2% 1,140 1,092 95.8% 1,066 93.5% 1,045 91.7%
山梨 60 59 98.3% 59 98.3% 57 95.0% 566 532 94.0% 520 91.9% 495 87.5% 448 402 89.7% 375 83.7% 352 78.6% 461 449 97.4% 446 96.7% 431 93.5% 1,535 1,442 93.9% 1,400 91.2% 1,335 87.0%
長野 123 122 99.2% 120 97.6% 118 95.9% 1,300 1,212 93.2% 1,191 91.6% 1,139 87.6% 1,049 940 89.6% 900 85.8% 846 80.6% 1,002 974 97.2% 964 96.2% 952 95.0% 3,474 3,248 93.5% 3,175 91.4% 3,055 87.9%
岐阜 96 95 99.0% 95 99.0% 93 96.9% 1,330 1,246 93.7% 1,210 91.0% 1,150 86.5% 991 905 91.3% 874 88.2% 846 85.4% 1,040 988 95.0% 979 94.1% 962 92.5% 3,457 3,234 93.5% 3,158 91.4% 3,051 88.3%
静岡 170 167 98.2% 165 97.1% 161 94.7% 2,296 2,172 94.6% 2,100 91.5% 2,015 87.8% 1,772 1,635 92.3% 1,552 87.6% 1,461 82.4% 1,879 1,803 96.0% 1,825 97.1% 1,806 96.1% 6,117 5,777 94.4% 5,642 92.2% 5,443 89.0%
愛知 316 313 99.1% 310 98.1% 308 97.5% 4,844 4,559 94.1% 4,461 92.1% 4,258 87.9% 3,808 3,482 91.4% 3,356 88.1% 3,135 82.3% 3,578 3,424 95.7% 3,443 96.2% 3,403 96.1% 12,546 11,778 93.9% 11,540 92.2% 11,104 88.5%
三重 93 92 98.9% 93 100.0% 91 97.8% 1,256 1,165 92.8% 1,138 90.6% 1,086 86.5% 832 752 90.4% 718 86.3% 672 80.8% 862 832 96.5% 823 95.5% 816 94.7% 3,043 2,841 93.4% 2,772 91.1% 2,665 87.6%
滋賀 58 58 100.0% 58 100.0% 54 93.1% 929 861 92.7% 844 90.9% 784 84.4% 591 545 92.2% 528 89.3% 500 84.6% 657 629 95.7% 634 96.5% 626 95.3% 2,235 2,093 93.6% 2,064 92.3% 1,964 87.9%
京都 164 160 97.6% 158 96.3% 155 94.5% 2,257 1,988 88.1% 1,928 85.4% 1,764 78.2% 1,329 1,211 91.1% 1,172 88.2% 1,112 83.7% 1,154 1,068 92.5% 1,077 93.3% 1,062 92.0% 4,904 4,427 90.3% 4,335 88.4% 4,093 83.5%
大阪 505 502 99.4% 492 97.4% 467 92.5% 8,165 7,533 92.3% 7,292 89.3% 6,783 83.1% 5,594 4,935 88.2% 4,749 84.9% 4,392 78.5% 4,526 4,274 94.4% 4,299 95.0% 4,236 93.6% 18,790 17,044 91.8% 16,832 89.6% 15,878 84.5%
兵庫 345 343 99.4% 338 98.0% 330 95.7% 4,703 4,335 92.2% 4,195 89.2% 3,943 83.8% 3,024 2,731 90.3% 2,617 86.5% 2,443 80.8% 2,814 2,622 93.2% 2,646 94.0% 2,615 92.9% 10,886 10,231 94.1% 9,796 90.0% 9,331 85.7%
奈良 76 75 98.7% 74 97.4% 72 94.7% 1,069 991 92.7% 971 90.8% 919 86.0% 705 631 89.5% 599 85.0% 561 79.6% 562 530 94.3% 524 93.2% 519 92.3% 2,412 2,227 92.3% 2,168 89.9% 2,071 85.9%
和歌山 83 83 100.0% 83 100.0% 81 97.6% 900 830 92.2% 811 90.1% 767 85.2% 542 469 86.5% 456 84.1% 430 79.3% 468 455 97.2% 455 97.2% 451 96.4% 1,993 1,837 92.2% 1,805 90.6% 1,729 86.8%
鳥取 43 43 100.0% 42 97.7% 41 95.3% 409 383 93.6% 375 91.7% 345 84.4% 272 245 90.1% 241 88.6% 237 87.1% 276 260 94.2% 271 98.2% 257 93.1% 1,000 931 93.1% 929 92.9% 880 88.0%
島根 46 45 97.8% 46 100.0% 45 97.8% 553 493 89.2% 471 85.2% 430 77.8% 272 252 92.6% 242 89.0% 238 87.5% 335 330 98.5% 331 98.8% 330 98.5% 1,206 1,120 92.9% 1,090 90.4% 1,043 86.5%
岡山 159 157 98.7% 154 96.9% 147 92.5% 1,292 1,218 94.3% 1,172 90.7% 1,106 85.6% 1,050 923 87.9% 892 85.0% 856
"""

# 「都道府県別の運用開始状況（施設類型別・9月17日時点）」: ranks 1–5 and 43–47 by 参加率, and 合計.
RANKING = {
    FacilityType.HOSPITAL: (
        ("秋田", "100.0"), ("新潟", "99.2"), ("岩手", "98.9"), ("鹿児島", "98.7"), ("山形", "98.5"),
        ("高知", "92.4"), ("沖縄", "92.0"), ("埼玉", "90.6"), ("神奈川", "87.9"), ("東京", "87.1"),
    ),
    FacilityType.MEDICAL_CLINIC: (
        ("福井", "91.3"), ("山形", "90.7"), ("青森", "90.1"), ("宮崎", "89.7"), ("石川", "89.5"),
        ("愛媛", "79.1"), ("沖縄", "78.6"), ("京都", "78.2"), ("島根", "77.8"), ("東京", "75.9"),
    ),
    FacilityType.DENTAL_CLINIC: (
        ("宮崎", "92.2"), ("福井", "91.2"), ("岩手", "91.0"), ("富山", "88.5"), ("山形", "88.2"),
        ("大阪", "78.5"), ("神奈川", "76.7"), ("千葉", "75.9"), ("東京", "72.5"), ("沖縄", "70.9"),
    ),
    FacilityType.PHARMACY: (
        ("島根", "98.5"), ("宮崎", "97.8"), ("青森", "97.2"), ("秋田", "96.9"), ("熊本", "96.9"),
        ("栃木", "92.0"), ("京都", "92.0"), ("群馬", "91.7"), ("福井", "91.2"), ("沖縄", "91.1"),
    ),
}  # fmt: skip
RANKING_TOTALS = {
    FacilityType.HOSPITAL: "94.4", FacilityType.MEDICAL_CLINIC: "83.4",
    FacilityType.DENTAL_CLINIC: "80.4", FacilityType.PHARMACY: "94.2",
}  # fmt: skip


@dataclass(frozen=True)
class Group:
    """One prefecture's figures for one type (or TOTAL), as printed."""

    prefecture: str  # JIS code
    kind: str  # a FacilityType value or TOTAL
    facilities: int
    applied: int
    applied_rate: str  # "98.9"
    connected: int
    connected_rate: str
    operating: int
    operating_rate: str


def prefecture_code(name: str) -> str:
    """The JIS code of a prefecture as the seed names it (北海道, 青森 …, without 県/府/都)."""
    (code,) = [p.code for p in PREFECTURES if p.name_ja == name or p.name_ja[:-1] == name]
    return code


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def printed_rows() -> Iterator[tuple[str, list[str]]]:
    for line in PREFECTURE_TABLE.strip().splitlines():
        name, *cells = line.split()
        yield prefecture_code(name), cells


def all_groups() -> Iterator[Group]:
    """Every complete group of seven cells (incomplete tails are skipped)."""
    for code, cells in printed_rows():
        kinds = [*(t.value for t in TYPES), TOTAL]
        if len(cells) != 35:  # a row missing cells: only its leading complete groups can be read
            kinds = [t.value for t in TYPES][: _leading_complete(cells)]
        for index, kind in enumerate(kinds):
            n, a, ar, c, cr, o, orate = cells[index * 7 : index * 7 + 7]
            yield Group(code, kind, _number(n), _number(a), ar.rstrip("%"), _number(c), cr.rstrip("%"),
                        _number(o), orate.rstrip("%"))  # fmt: skip


def _leading_complete(cells: list[str]) -> int:
    """Groups at the start of a short row that still have their seven cells and pattern."""
    complete = 0
    while len(cells) >= (complete + 1) * 7:
        group = cells[complete * 7 : complete * 7 + 7]
        if not all(group[i].endswith("%") for i in (2, 4, 6)):
            break
        complete += 1
    return complete


def published(part: int, whole: int) -> str:
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def agrees(group: Group) -> bool:
    return all(
        published(count, group.facilities) == rate
        for count, rate in (
            (group.applied, group.applied_rate),
            (group.connected, group.connected_rate),
            (group.operating, group.operating_rate),
        )
    )


def _totals_agree(groups: list[Group]) -> bool:
    by_kind = {g.kind: g for g in groups}
    total = by_kind.get(TOTAL)
    if total is None or len(by_kind) != 5:
        return False
    parts = [by_kind[t.value] for t in TYPES]
    return agrees(total) and all(
        getattr(total, name) == sum(getattr(p, name) for p in parts)
        for name in ("facilities", "applied", "connected", "operating")
    )


def groups() -> list[Group]:
    """The groups whose printed cells agree with each other (totals: and with their types)."""
    kept = []
    printed = list(all_groups())
    for code in dict.fromkeys(g.prefecture for g in printed):
        of_prefecture = [g for g in printed if g.prefecture == code]
        kept.extend(g for g in of_prefecture if g.kind != TOTAL and agrees(g))
        if _totals_agree(of_prefecture) and all(agrees(g) for g in of_prefecture):
            kept.extend(g for g in of_prefecture if g.kind == TOTAL)
    return kept


def excluded() -> list[tuple[str, str]]:
    kept = {(g.prefecture, g.kind) for g in groups()}
    return [(g.prefecture, g.kind) for g in all_groups() if (g.prefecture, g.kind) not in kept]


# What `excluded()` must find (pinned so that a change to the filter shows): 青森 薬局 (603 603
# 97.7% …), 岩手 歯科 (537/590 printed 91.2%), 宮城 歯科 (969/1082 printed 89.2%), 千葉 医科, 歯科
# and 薬局, 富山 医科 and 歯科, 愛知 薬局 — and the 合計 of these prefectures and of 大阪 and 兵庫,
# whose totals are not the sums of their types.
EXCLUDED = [
    ("02", "pharmacy"), ("02", TOTAL), ("03", "dental_clinic"), ("03", TOTAL), ("04", "dental_clinic"),
    ("04", TOTAL), ("12", "medical_clinic"), ("12", "dental_clinic"), ("12", "pharmacy"), ("12", TOTAL),
    ("16", "medical_clinic"), ("16", "dental_clinic"), ("16", TOTAL), ("23", "pharmacy"), ("23", TOTAL),
    ("27", TOTAL), ("28", TOTAL),
]  # fmt: skip


# --- the table as facility data -----------------------------------------------------------------

_FEE_TABLE = {FacilityType.HOSPITAL: "1", FacilityType.MEDICAL_CLINIC: "1", FacilityType.DENTAL_CLINIC: "3",
              FacilityType.PHARMACY: "4"}  # fmt: skip
# Medical clinics share the fee table 1 with hospitals: their serials start above the hospitals'.
_SERIAL_BASE = {FacilityType.HOSPITAL: 0, FacilityType.MEDICAL_CLINIC: 100_000, FacilityType.DENTAL_CLINIC: 0,
                FacilityType.PHARMACY: 0}  # fmt: skip
LATER = AS_OF + timedelta(days=14)  # steps reached after the table's day: counted later, not then


def facility_rows(chosen: list[Group]) -> Iterator[dict[str, str]]:
    """Facilities whose steps reproduce the groups' counts on AS_OF: of a group's N facilities,
    the first `applied` applied for a reader, the first `connected` connected and the first
    `operating` operate by then (on staggered days); every other facility reaches each step two
    weeks later, so that the day of the count matters. Half of them are under obligation."""
    for group in chosen:
        kind = FacilityType(group.kind)
        for index in range(group.facilities):
            serial = _SERIAL_BASE[kind] + index + 1
            code = f"{group.prefecture}{_FEE_TABLE[kind]}{serial:07d}"
            day = date(2021, 4, 1) + timedelta(days=index % 800)

            def step(reached: int, offset: int) -> str:
                return (day + timedelta(days=offset) if index < reached else LATER).isoformat()  # noqa: B023

            yield {
                "facility_code": code,
                "name": f"{kind.label_ja}{serial}",
                "facility_type": kind.value,
                "obligated_from": "2023-04-01" if index % 2 == 0 else "",
                "card_reader_applied_on": step(group.applied, 0),
                "connected_on": step(group.connected, 30),
                # operating needs a connection on or before it: a facility operating by AS_OF is
                # among the connected ones (the seed's operating counts never exceed connections)
                "operating_on": step(group.operating, 60),
            }


def facility_csv(chosen: list[Group]) -> list[str]:
    rows = list(facility_rows(chosen))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().splitlines(keepends=True)
