"""Clinical information (薬剤情報・診療情報・手術情報・特定健診等情報) as the system keeps it.

Records come from claims (レセプト) and checkup data the insurers send. Each kind is shown
only with its consent item, and only as deep as the real system keeps it: medication and
treatment 3 years, surgery and checkups 5 years (domain.md §10; the real system's data
start at 2021-09 claims for medication, 2022-06 for treatment and surgery, FY2020 checkups).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from onshi.domain.consent import ConsentItem
from onshi.domain.dates import add_months


class RecordKind(StrEnum):
    MEDICATION = "medication"  # 薬剤情報
    TREATMENT = "treatment"  # 診療情報
    SURGERY = "surgery"  # 手術情報
    CHECKUP = "checkup"  # 特定健診等情報

    @property
    def label_ja(self) -> str:
        return _LABELS[self]

    @property
    def consent_item(self) -> ConsentItem:
        """The item the patient must have agreed to for this kind to be shown."""
        return _ITEMS[self]

    @property
    def depth_years(self) -> int:
        return _DEPTH_YEARS[self]

    def earliest_shown(self, on: date) -> date:
        """The first day whose records are still shown on `on`."""
        return add_months(on, -12 * self.depth_years)


_LABELS = {
    RecordKind.MEDICATION: "薬剤情報",
    RecordKind.TREATMENT: "診療情報",
    RecordKind.SURGERY: "手術情報",
    RecordKind.CHECKUP: "特定健診等情報",
}
_ITEMS = {
    RecordKind.MEDICATION: ConsentItem.TREATMENT,  # 「診療情報および薬剤情報」 is one consent
    RecordKind.TREATMENT: ConsentItem.TREATMENT,
    RecordKind.SURGERY: ConsentItem.SURGERY,
    RecordKind.CHECKUP: ConsentItem.CHECKUP,
}
_DEPTH_YEARS = {
    RecordKind.MEDICATION: 3,
    RecordKind.TREATMENT: 3,
    RecordKind.SURGERY: 5,
    RecordKind.CHECKUP: 5,
}


class GuidanceLevel(StrEnum):
    """特定保健指導 level from the checkup."""

    ACTIVE = "1"  # 積極的支援
    MOTIVATIONAL = "2"  # 動機付け支援
    NONE = "3"  # 情報提供（対象外）
    UNDETERMINED = "4"  # 判定不能

    @property
    def label_ja(self) -> str:
        return {"1": "積極的支援", "2": "動機付け支援", "3": "情報提供", "4": "判定不能"}[self.value]


@dataclass(frozen=True, slots=True)
class Medication:
    """One drug dispensed (or prescribed) on one day, from a claim."""

    on: date  # 調剤日 / 処方日
    facility_code: str  # the facility whose claim it is
    facility_name: str
    drug_code: str  # レセプト電算処理コード (9 digits) or YJ code
    drug_name: str
    quantity: Decimal  # per day
    unit: str
    days: int  # 日数・回数
    usage: str = ""  # 用法


@dataclass(frozen=True, slots=True)
class Procedure:
    """A treatment or surgery act (診療行為) on one day, from a claim."""

    kind: RecordKind  # TREATMENT or SURGERY
    on: date
    facility_code: str
    facility_name: str
    code: str  # 診療行為コード
    name: str
    quantity: int = 1


@dataclass(frozen=True, slots=True)
class Checkup:
    """特定健診 results: the key measurements (None when not measured)."""

    on: date
    facility_code: str
    facility_name: str
    height_cm: Decimal | None = None
    weight_kg: Decimal | None = None
    waist_cm: Decimal | None = None
    bmi: Decimal | None = None
    systolic_mmhg: int | None = None
    diastolic_mmhg: int | None = None
    triglycerides_mg_dl: int | None = None
    hdl_mg_dl: int | None = None
    ldl_mg_dl: int | None = None
    hba1c_percent: Decimal | None = None
    glucose_mg_dl: int | None = None
    ast_u_l: int | None = None
    alt_u_l: int | None = None
    gamma_gt_u_l: int | None = None
    urine_glucose: str | None = None  # −, ±, +, 2+, 3+
    urine_protein: str | None = None
    guidance: GuidanceLevel | None = None


ClinicalRecord = Medication | Procedure | Checkup
