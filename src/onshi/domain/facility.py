"""医療機関等コード (10-digit facility code) and facility types.

10 digits = 都道府県番号(2) + 点数表番号(1) + 医療機関コード(7: 郡市区番号 2 + 番号 4 + 検証番号 1).
点数表番号: 1 医科, 3 歯科, 4 調剤, 6 訪問看護. The 7-digit part's check digit is not
validated: public samples of real codes do not agree on its rule, and a false rejection
would lock a real facility out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.prefectures import Prefecture, prefecture
from onshi.domain.text import is_ascii_digits, normalise_digits


class FacilityType(StrEnum):
    HOSPITAL = "hospital"  # 病院
    MEDICAL_CLINIC = "medical_clinic"  # 医科診療所
    DENTAL_CLINIC = "dental_clinic"  # 歯科診療所
    PHARMACY = "pharmacy"  # 薬局
    VISITING_NURSING = "visiting_nursing"  # 訪問看護ステーション

    @property
    def label_ja(self) -> str:
        return _TYPE_LABELS[self]


_TYPE_LABELS = {
    FacilityType.HOSPITAL: "病院",
    FacilityType.MEDICAL_CLINIC: "医科診療所",
    FacilityType.DENTAL_CLINIC: "歯科診療所",
    FacilityType.PHARMACY: "薬局",
    FacilityType.VISITING_NURSING: "訪問看護ステーション",
}

# 点数表番号 → the facility types that may carry it (dental hospitals are hospitals with 3).
_TYPES_BY_TABLE = {
    "1": (FacilityType.HOSPITAL, FacilityType.MEDICAL_CLINIC),
    "3": (FacilityType.DENTAL_CLINIC, FacilityType.HOSPITAL),
    "4": (FacilityType.PHARMACY,),
    "6": (FacilityType.VISITING_NURSING,),
}


class FacilityStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


@dataclass(frozen=True, slots=True, order=True)
class FacilityCode:
    digits: str

    @classmethod
    def parse(cls, text: str, field: str = "medical_institution_code") -> FacilityCode:
        digits = normalise_digits(text)
        if len(digits) != 10 or not is_ascii_digits(digits):
            raise InvalidValue(
                field,
                Problem.BAD_FORMAT,
                f"医療機関等コードは10桁の数字です: {text!r}",
                f"a facility code is 10 digits: {text!r}",
            )
        prefecture(digits[:2], field)
        if digits[2] not in _TYPES_BY_TABLE:
            raise InvalidValue(
                field,
                Problem.UNKNOWN_CODE,
                f"点数表番号 {digits[2]} は存在しません（1 医科, 3 歯科, 4 調剤, 6 訪問看護）",
                f"fee-table digit {digits[2]} is not 1, 3, 4 or 6",
            )
        return cls(digits)

    @property
    def prefecture(self) -> Prefecture:
        return prefecture(self.digits[:2])

    @property
    def fee_table(self) -> str:
        return self.digits[2]

    def allows(self, facility_type: FacilityType) -> bool:
        return facility_type in _TYPES_BY_TABLE[self.fee_table]

    def default_type(self) -> FacilityType:
        return _TYPES_BY_TABLE[self.fee_table][0] if self.fee_table != "1" else FacilityType.MEDICAL_CLINIC

    def __str__(self) -> str:
        return self.digits


@dataclass(frozen=True, slots=True)
class Facility:
    code: FacilityCode
    name: str
    facility_type: FacilityType
    status: FacilityStatus = FacilityStatus.ACTIVE
    accepts_smartphone: bool = False  # スマホ保険証に対応（汎用カードリーダー設置）

    @property
    def is_active(self) -> bool:
        return self.status is FacilityStatus.ACTIVE
