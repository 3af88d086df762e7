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


class LimitCertificateChanged(StrEnum):
    """OQSCD014 限度額適用認定証情報変更有無 (bulk results)."""

    UNCHANGED = "0"  # 変更なし
    CHANGED_OR_UNKNOWN = "1"  # 変更あり または 判定不能


class TicketType(StrEnum):
    """OQSCD018 医療券・調剤券別."""

    MEDICAL = "01"  # 医療券
    DISPENSING = "02"  # 調剤券


class MedicalTreatmentType(StrEnum):
    """OQSCD019 診療別 (medical-aid tickets)."""

    INPATIENT = "01"  # 入院
    OUTPATIENT = "02"  # 入院外
    DENTAL = "03"  # 歯科
    DISPENSING = "04"  # 調剤
    HOME_NURSING = "05"  # 訪問看護


class SingleOrCombined(StrEnum):
    """OQSCD020 単独・併用別."""

    SINGLE = "01"  # 単独
    COMBINED = "02"  # 併用


class Presence(StrEnum):
    """OQSCD021 社会保険状況, OQSCD023 感染症法第37条の2の該当状況, OQSCD024 後期高齢者医療の
    該当状況, OQSCD025 都道府県費の該当状況 — four tables with the same values."""

    PRESENT = "01"  # あり
    ABSENT = "02"  # なし


class ConsistencyFlag(StrEnum):
    """OQSCD022 社会保険状況の整合性フラグ. Absent element means consistent."""

    INCONSISTENT = "1"  # 不整合あり


class DesignatedInstitutionFlag(StrEnum):
    """OQSCD026 指定医療機関確認フラグ."""

    MATCHES = "0"  # 一致
    DIFFERS = "1"  # 不一致


class SameIndividual(StrEnum):
    """OQSCD027 同一個人有無フラグ (element not identified)."""

    EXISTS = "1"  # 同一個人あり


class MedicalInfoKind(StrEnum):
    """OQSCD029 医療情報種別 — also the file-name symbol of medical-information messages."""

    CHECKUP = "TKK"  # 特定健診情報
    MEDICATION = "YZK"  # 薬剤情報等


class DisplaySetting(StrEnum):
    """OQSCD030 薬剤情報等 表示区分."""

    HIDE = "0"
    SHOW = "1"


class ConsentExpiryReason(StrEnum):
    """OQSCD031 同意有効期限切れ理由."""

    BY_CARE_TYPE = "0"  # 診療形態毎に異なる
    REVOKED_BY_INSTITUTION = "1"  # 医療機関による同意取り消し
    REVOKED_BY_PATIENT = "2"  # 患者による同意取り消し
    REVOKED_BY_PURPOSE_CHANGE = "3"  # 用途変更による同意取り消し


class QualificationChangeFlag(StrEnum):
    """OQSCD032 資格情報変更確認フラグ."""

    SAME = "0"  # 一致
    DIFFERENT = "1"  # 不一致


class UrlKind(StrEnum):
    """OQSCD033 URL取得区分."""

    HOME_VISIT = "2"  # 訪問診療等
    ONLINE = "3"  # オンライン診療等


class DocumentFormat(StrEnum):
    """OQSCD034 (file format selector)."""

    PDF = "1"
    PNG = "2"


class ChangeSelector(StrEnum):
    """OQSCD035 (change selector)."""

    KEEP = "0"  # 変更しない
    CHANGE = "1"  # 変更する


class ConsentInfoKind(StrEnum):
    """OQSCD036 閲覧同意情報種別."""

    SPECIFIC_DISEASE = "TSR"  # 特定疾病療養受療証情報
    CHECKUP = "TKK"  # 特定健診情報
    MEDICATION = "YZK"  # 薬剤情報・処方
    DIAGNOSIS = "SRJ"  # 診療情報・その他アレルギー等・薬剤アレルギー等・検査情報
    OPERATION = "SHJ"  # 手術情報・傷病名・感染症情報


class UsageSetting(StrEnum):
    """OQSCD037 利用設定区分."""

    NOT_USED = "0"  # 利用しない
    USED = "1"  # 利用する


class EPrescriptionUsage(StrEnum):
    """OQSCD038 電子処方箋利用区分."""

    NOT_USED = "0"  # 利用しない
    ELECTRONIC_ONLY = "1"  # 電子処方箋のみ
    BOTH = "2"  # 電子処方箋+紙の処方箋併用
    PAPER_ONLY = "3"  # 紙の処方箋のみ


class PrescriptionSelectTiming(StrEnum):
    """OQSCD039 処方箋発行形態選択タイミング."""

    OUTSIDE_CONFIRMATION = "1"  # 資格確認時以外で確認する
    AT_CONFIRMATION = "2"  # 資格確認時に確認する


class InfoRequestPattern(StrEnum):
    """OQSCD040 情報要求パターン (medical-information requests)."""

    EMERGENCY_SUMMARY = "1"  # 救急用サマリー
    EMERGENCY_FULL = "2"  # 救急用全量版
    EPRESCRIPTION_AND_EMERGENCY = "3"  # 電子処方箋+救急用サマリー+救急用全量版
    MEDICATION = "4"  # 現行通りの薬剤情報
    TREATMENT_AND_MEDICATION = "5"  # 現行通りの診療／薬剤情報
    CHECKUP = "6"  # 現行通りの特定健診情報


class TwoFactorElement(StrEnum):
    """OQSCD041 二要素認証要素区分."""

    KNOWLEDGE = "1"  # 記憶
    BIOMETRIC = "2"  # 生体情報
    POSSESSION = "3"  # 物理媒体


class TwoFactorMethod(StrEnum):
    """OQSCD042 二要素認証方式区分. Its codes depend on OQSCD041, so each value is
    '<OQSCD041>/<OQSCD042>' as in the source table; `code` is what an element carries."""

    ID_PASSWORD = "1/01"  # noqa: S105 (a code value, not a secret)
    PIN = "1/02"
    SECRET_QUESTION = "1/03"  # noqa: S105 (a code value, not a secret)
    FINGERPRINT = "2/01"
    FACE = "2/02"
    VOICE = "2/03"
    VEIN = "2/04"
    IRIS = "2/05"
    IC_CARD = "3/01"
    ONE_TIME_PASSWORD = "3/02"  # noqa: S105 (a code value, not a secret)
    OTHER_DEVICE = "3/03"

    @property
    def element(self) -> TwoFactorElement:
        return TwoFactorElement(self.value.split("/")[0])

    @property
    def code(self) -> str:
        return self.value.split("/")[1]


class EmergencyViewPermission(StrEnum):
    """OQSCD043 救急時閲覧権限有無."""

    NONE = "0"  # 権限無し
    GRANTED = "1"  # 権限あり


class LinkedSystem(StrEnum):
    """OQSCD044 連携システムID. The mixed widths ('01' beside '2') are as in the only source."""

    MEDICAL_SUBSIDY = "01"  # 医療費助成
    MATERNAL_CHILD_HEALTH = "2"  # 母子保健
    VACCINATION = "4"  # 予防接種
    LONG_TERM_CARE = "8"  # 介護保険


# --- tables without an OQSCD number (medical-information requests and results) ----------------


class MedicationFileCategory(StrEnum):
    """FileCategory of YZKsiquc01req (薬剤情報等の提供形式)."""

    PDF = "1"  # 薬剤情報 PDF
    XML = "2"  # 薬剤情報 XML
    PDF_WITH_TREATMENT = "3"  # 薬剤情報+診療情報 PDF
    XML_WITH_TREATMENT = "4"  # 薬剤情報+診療情報 XML


class CheckupFileCategory(StrEnum):
    """FileCategory of TKKsiquc01req (特定健診情報の提供形式)."""

    PDF = "1"
    XML = "2"


class PrDiInfClassification(StrEnum):
    """PrDiInfClassification of medical-information requests; clients always send 1 and its
    meaning is undocumented."""

    DEFAULT = "1"


class MedicalInfoResult(StrEnum):
    """ResultCode of YZK/TKK results. Clients treat 1 as success and anything else as failure
    (then read MessageContents); onshi writes 2 for failure, mirroring OQSCD004."""

    SUCCESS = "1"
    FAILURE = "2"


# The OQSCD tables by number; one enum can serve several tables (Presence).
OQSCD: dict[str, type[StrEnum]] = {
    "OQSCD001": ConsentFlag,
    "OQSCD002": ReferenceClassification,
    "OQSCD003": SegmentOfResult,
    "OQSCD004": ProcessingResultStatus,
    "OQSCD005": CharacterCode,
    "OQSCD006": Validity,
    "OQSCD007": Sex,
    "OQSCD008": ReasonOfLoss,
    "OQSCD009": PersonalFamily,
    "OQSCD010": CardClassification,
    "OQSCD011": LimitCertificateClass,
    "OQSCD012": LimitCategory,
    "OQSCD013": SpecificDisease,
    "OQSCD014": LimitCertificateChanged,
    "OQSCD015": PreschoolClass,
    "OQSCD016": ConsentState,
    "OQSCD017": PrescriptionIssue,
    "OQSCD018": TicketType,
    "OQSCD019": MedicalTreatmentType,
    "OQSCD020": SingleOrCombined,
    "OQSCD021": Presence,
    "OQSCD022": ConsistencyFlag,
    "OQSCD023": Presence,
    "OQSCD024": Presence,
    "OQSCD025": Presence,
    "OQSCD026": DesignatedInstitutionFlag,
    "OQSCD027": SameIndividual,
    "OQSCD028": MedicalTreatmentFlag,
    "OQSCD029": MedicalInfoKind,
    "OQSCD030": DisplaySetting,
    "OQSCD031": ConsentExpiryReason,
    "OQSCD032": QualificationChangeFlag,
    "OQSCD033": UrlKind,
    "OQSCD034": DocumentFormat,
    "OQSCD035": ChangeSelector,
    "OQSCD036": ConsentInfoKind,
    "OQSCD037": UsageSetting,
    "OQSCD038": EPrescriptionUsage,
    "OQSCD039": PrescriptionSelectTiming,
    "OQSCD040": InfoRequestPattern,
    "OQSCD041": TwoFactorElement,
    "OQSCD042": TwoFactorMethod,
    "OQSCD043": EmergencyViewPermission,
    "OQSCD044": LinkedSystem,
}
