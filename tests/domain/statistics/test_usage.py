"""Monthly usage: sums and shares over seed 004's August 2023 breakdown (【8月分の内訳】)."""

from __future__ import annotations

from decimal import Decimal

from onshi.domain.clinical import RecordKind
from onshi.domain.facility import FacilityType
from onshi.domain.statistics.usage import VIEW_KIND_OF_RECORD, MonthlyUsage, ViewKind, total

F = FacilityType
# 合計 (件) / マイナンバーカード / 保険証 / 一括照会 ; 特定健診等情報 / 薬剤情報 / 診療情報
AUGUST = {
    F.HOSPITAL: (9_723_199, 1_071_399, 8_651_800, 13_117_752, 99_740, 247_099, 246_921),
    F.MEDICAL_CLINIC: (63_283_146, 3_670_058, 59_613_088, 1_252_440, 1_299_387, 2_030_235, 1_676_557),
    F.DENTAL_CLINIC: (10_695_030, 1_104_843, 9_590_187, 3_592_682, 80_193, 258_653, 47_038),
    F.PHARMACY: (73_619_613, 1_503_312, 72_116_301, 50_805, 266_040, 579_589, 420_204),
}
NATION = (157_320_988, 7_349_612, 149_971_376, 18_013_679, 1_745_360, 3_115_576, 2_390_720)


def usage(figures: tuple[int, ...]) -> MonthlyUsage:
    _, card, numbers, batch, checkup, medication, treatment = figures
    return MonthlyUsage(card, 0, numbers, batch, checkup, medication, treatment)


def test_the_august_2023_breakdown_adds_up_like_the_seed() -> None:
    for figures in AUGUST.values():
        assert usage(figures).confirmations == figures[0]  # 合計 = card + insurance card
    nation = total([usage(f) for f in AUGUST.values()])
    assert nation == usage(NATION)
    assert nation.confirmations == NATION[0]
    assert [nation.views(kind) for kind in ViewKind] == list(NATION[4:])
    assert nation.card_share == Decimal("4.67")  # 7,349,612 of 157,320,988


def test_smartphone_share_is_of_card_confirmations() -> None:
    assert MonthlyUsage(card=200, card_smartphone=30).smartphone_share == Decimal("15.00")
    assert MonthlyUsage(numbers=5).smartphone_share is None  # no card use: no share
    assert MonthlyUsage().card_share is None


def test_treatment_views_include_surgery() -> None:
    assert {kind: VIEW_KIND_OF_RECORD[kind] for kind in RecordKind} == {
        RecordKind.CHECKUP: ViewKind.CHECKUP,
        RecordKind.MEDICATION: ViewKind.MEDICATION,
        RecordKind.TREATMENT: ViewKind.TREATMENT,
        RecordKind.SURGERY: ViewKind.TREATMENT,
    }
    assert [kind.label_ja for kind in ViewKind] == ["特定健診等情報", "薬剤情報", "診療情報"]
