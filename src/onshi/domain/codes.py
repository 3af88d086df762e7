"""Code tables of the terminal file interface (別紙5-1 業務コード仕様, OQSCD…) as typed enums.

Values are the strings written on the wire. Where public sources disagree (see
../shared/docs/wire/code-tables.json), the majority is the enum and the minority is
accepted on input by the `parse_*` helpers in `onshi.wire`.
"""

from __future__ import annotations

from enum import StrEnum


class ConsentFlag(StrEnum):
    """OQSCD001 限度額適用認定証提供同意フラグ."""

    NOT_CONSENTED = "0"
    CONSENTED = "1"


class ReferenceClassification(StrEnum):
    """OQSCD002 照会区分."""

    MY_NUMBER_CARD = "1"  # マイナンバーカード (card reader)
    INSURANCE_CARD = "2"  # 被保険者証情報 (numbers typed by staff)


class SegmentOfResult(StrEnum):
    """OQSCD003 処理結果区分 (file level)."""

    NORMAL = "1"  # 正常終了
    IN_PROGRESS = "2"  # 処理中
    ABNORMAL = "9"  # 異常終了


class ProcessingResultStatus(StrEnum):
    """OQSCD004 処理結果状況 (per person)."""

    NORMAL = "1"
    ERROR = "2"


class CharacterCode(StrEnum):
    """OQSCD005 文字コード識別. 0=UTF-8 / 1=Shift_JIS is the majority mapping."""

    UTF8 = "0"
    SHIFT_JIS = "1"


class Validity(StrEnum):
    """OQSCD006 資格有効性."""

    VALID = "1"  # 有効
    INVALID = "2"  # 無効
    INVALID_NEWER_EXISTS = "3"  # 無効（新しい資格あり）
    NOT_FOUND = "4"  # 該当資格なし
    MULTIPLE = "5"  # 複数該当
    VALID_UNREGISTERED = "6"  # 有効（未登録）— medical aid only

    @property
    def label_ja(self) -> str:
        return _VALIDITY_LABELS[self]


_VALIDITY_LABELS = {
    Validity.VALID: "有効",
    Validity.INVALID: "無効",
    Validity.INVALID_NEWER_EXISTS: "無効（新しい資格あり）",
    Validity.NOT_FOUND: "該当資格なし",
    Validity.MULTIPLE: "複数該当",
    Validity.VALID_UNREGISTERED: "有効（未登録）",
}


class Sex(StrEnum):
    """OQSCD007 性別."""

    MALE = "1"
    FEMALE = "2"
    UNSET = "3"


class ReasonOfLoss(StrEnum):
    """OQSCD008 資格喪失事由."""

    DEATH = "01"  # 死亡
    PUBLIC_ASSISTANCE = "02"  # 生活保護受給開始
    OTHER_INSURANCE = "03"  # 医療保険等の資格取得
    OTHER = "99"  # その他

    @property
    def label_ja(self) -> str:
        return _LOSS_LABELS[self]


_LOSS_LABELS = {
    ReasonOfLoss.DEATH: "死亡",
    ReasonOfLoss.PUBLIC_ASSISTANCE: "生活保護受給開始",
    ReasonOfLoss.OTHER_INSURANCE: "医療保険等の資格取得",
    ReasonOfLoss.OTHER: "その他",
}


class PersonalFamily(StrEnum):
    """OQSCD009 本人・家族の別."""

    INSURED = "1"  # 本人
    DEPENDANT = "2"  # 家族


class CardClassification(StrEnum):
    """OQSCD010 被保険者証区分."""

    GENERAL = "01"  # 被保険者証（一般）
    RETIREE = "02"  # 被保険者証（退職）
    SHORT_TERM = "03"  # 短期被保険者証（一般）
    SHORT_TERM_RETIREE = "04"  # 短期被保険者証（退職）
    QUALIFICATION_CERTIFICATE = "05"  # 被保険者資格証明書
    SPECIAL_RETIREE = "06"  # 特例退職被保険者証
    SDF = "07"  # 自衛官診療証
    MEDICAL_AID = "A1"  # 医療扶助


class LimitCertificateClass(StrEnum):
    """OQSCD011 限度額適用認定証区分."""

    LIMIT = "01"  # 限度額適用認定証
    LIMIT_AND_REDUCTION = "02"  # 限度額適用・標準負担額減額認定証
    REDUCTION = "03"  # 標準負担額減額認定証


class LimitCategory(StrEnum):
    """OQSCD012 限度額適用認定証適用区分 (A = under 70, B = 70 and over)."""

    A01 = "A01"  # ア
    A02 = "A02"  # イ
    A03 = "A03"  # ウ
    A04 = "A04"  # エ
    A05 = "A05"  # オ
    A06 = "A06"  # オ（境）
    B01 = "B01"  # 現役並みⅢ
    B02 = "B02"  # 現役並みⅡ
    B03 = "B03"  # 現役並みⅠ
    B04 = "B04"  # 一般
    B05 = "B05"  # 低所得Ⅱ
    B06 = "B06"  # 低所得Ⅰ
    B07 = "B07"  # 低所得Ⅰ（老福）
    B08 = "B08"  # 低所得Ⅰ（境）
    B09 = "B09"  # 一般Ⅱ
    B10 = "B10"  # 一般Ⅰ

    @property
    def label_ja(self) -> str:
        return _LIMIT_LABELS[self]


_LIMIT_LABELS = dict(
    zip(
        LimitCategory,
        [
            "ア",
            "イ",
            "ウ",
            "エ",
            "オ",
            "オ（境）",
            "現役並みⅢ",
            "現役並みⅡ",
            "現役並みⅠ",
            "一般",
            "低所得Ⅱ",
            "低所得Ⅰ",
            "低所得Ⅰ（老福）",
            "低所得Ⅰ（境）",
            "一般Ⅱ",
            "一般Ⅰ",
        ],
        strict=True,
    )
)


class SpecificDisease(StrEnum):
    """OQSCD013 特定疾病療養受療証認定疾病区分."""

    DIALYSIS = "1"  # 人工透析を必要とする慢性腎不全
    HEMOPHILIA = "2"  # 先天性血液凝固因子障害
    HIV_FROM_BLOOD_PRODUCTS = "3"  # 血液凝固因子製剤の投与に起因するHIV感染症


class PreschoolClass(StrEnum):
    """OQSCD015 未就学区分. Absent element means not pre-school."""

    PRESCHOOL = "1"


class ConsentState(StrEnum):
    """OQSCD016 同意区分 (clinical-information and certificate consents)."""

    NO = "0"  # 同意なし
    YES = "1"  # 同意あり
    EXPIRED = "2"  # 同意有効期限切れ
    HARD_TO_OBTAIN = "3"  # 同意取得困難


class PrescriptionIssue(StrEnum):
    """OQSCD017 処方箋発行形態."""

    ELECTRONIC = "1"
    PAPER = "2"


class MedicalTreatmentFlag(StrEnum):
    """OQSCD028 診療区分."""

    OUTPATIENT = "1"  # 外来
    HOME_VISIT = "2"  # 訪問診療等
    ONLINE = "3"  # オンライン診療等
    EMERGENCY = "4"  # 救急時
