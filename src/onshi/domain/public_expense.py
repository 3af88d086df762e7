"""公費負担医療 (public expense) and 医療扶助 (medical aid): numbers, programmes, entitlements, tickets.

* 公費負担者番号 (payer number), 8 digits: 法別番号(2) + 都道府県番号(2) + 実施機関番号(3) +
  検証番号(1), the check digit computed like an insurer number's (`onshi.domain.checkdigit`).
  The 法別番号 names the programme (`PROGRAMMES`; municipal subsidies use 80–99).
* 受給者番号 (recipient number), 7 digits: 6 + 検証番号 (same rule).
* A recipient's entitlement (受給者証, or for medical aid the welfare office's decision) is valid
  over [valid_from, valid_to] (both inclusive, as printed) and carries what the patient pays at
  most (`CopayTerms`): the programme's defaults, overridden by the payer and by the recipient.
* Medical aid is paid through monthly tickets (医療券・調剤券) naming the designated facility.

Pure values and rules; no I/O. Sources and simplifications: docs/public-expense.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from onshi.domain.addresses import addresses_match
from onshi.domain.checkdigit import has_valid_check_digit
from onshi.domain.codes import (
    DesignatedInstitutionFlag,
    MedicalTreatmentType,
    Presence,
    Sex,
    SingleOrCombined,
    TicketType,
)
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityType
from onshi.domain.linkage import Attribute, CardSurface
from onshi.domain.names import names_match
from onshi.domain.prefectures import prefecture
from onshi.domain.qualification import MemberKey
from onshi.domain.text import is_ascii_digits, normalise_digits


class ProgrammeKind(StrEnum):
    NATIONAL = "national"  # 法律に基づく公費負担医療（難病・小児慢性・障害者総合支援 …）
    MEDICAL_AID = "medical_aid"  # 生活保護の医療扶助・中国残留邦人等支援給付（医療券・調剤券）
    MUNICIPAL = "municipal"  # 地方単独医療費助成（子ども・ひとり親・重度心身障害者 …）


class CareSetting(StrEnum):
    OUTPATIENT = "outpatient"  # 入院外（外来・調剤・訪問看護）
    INPATIENT = "inpatient"  # 入院

    @property
    def label_ja(self) -> str:
        return "入院" if self is CareSetting.INPATIENT else "入院外"


ALL_SETTINGS = frozenset(CareSetting)


@dataclass(frozen=True, slots=True)
class CopayTerms:
    """What the patient pays at most under one entitlement; None means no limit of that kind.

    percent: a share of the visit's cost (難病 2割 → 20; 0 = nothing to pay);
    per_visit_yen: a fixed amount per visit (子ども医療費助成 200円/回);
    monthly_cap_yen: 自己負担上限額 (月額), counted with what was paid earlier in the month."""

    percent: int | None = None
    per_visit_yen: int | None = None
    monthly_cap_yen: int | None = None

    def overridden_by(self, other: CopayTerms) -> CopayTerms:
        """These terms with every limit `other` sets taking its place."""
        return CopayTerms(
            other.percent if other.percent is not None else self.percent,
            other.per_visit_yen if other.per_visit_yen is not None else self.per_visit_yen,
            other.monthly_cap_yen if other.monthly_cap_yen is not None else self.monthly_cap_yen,
        )

    @property
    def label_ja(self) -> str:
        parts = []
        if self.percent is not None:
            parts.append("自己負担なし" if self.percent == 0 else f"{self.percent // 10}割負担")
        if self.per_visit_yen is not None:
            parts.append(f"1回{self.per_visit_yen:,}円")
        if self.monthly_cap_yen is not None:
            parts.append(f"月額上限{self.monthly_cap_yen:,}円")
        return "・".join(parts) or "医療保険の負担どおり"


@dataclass(frozen=True, slots=True)
class Programme:
    """A public-expense programme (制度), named by its 法別番号."""

    houbetsu: str
    name_ja: str
    kind: ProgrammeKind
    priority: int  # lower applies first (公費の適用順位)
    terms: CopayTerms
    settings: frozenset[CareSetting] = ALL_SETTINGS
    facility_types: frozenset[FacilityType] = frozenset()  # empty: every facility type

    def covers(self, setting: CareSetting, facility_type: FacilityType | None) -> bool:
        if setting not in self.settings:
            return False
        return not self.facility_types or facility_type is None or facility_type in self.facility_types


def _programme(houbetsu: str, name: str, kind: ProgrammeKind, priority: int, terms: CopayTerms,
               settings: frozenset[CareSetting] = ALL_SETTINGS) -> Programme:  # fmt: skip
    return Programme(houbetsu, name, kind, priority, terms, settings)


_ZERO = CopayTerms(percent=0)
_ONE_TENTH = CopayTerms(percent=10)
_TWO_TENTHS = CopayTerms(percent=20)

# The programmes onshi knows by 法別番号. Priority follows the order in which claims apply
# national programmes (national before municipal; medical aid always last, 他法優先).
PROGRAMMES: dict[str, Programme] = {
    p.houbetsu: p
    for p in (
        _programme("21", "精神通院医療", ProgrammeKind.NATIONAL, 30, _ONE_TENTH, frozenset({CareSetting.OUTPATIENT})),
        _programme("15", "更生医療", ProgrammeKind.NATIONAL, 40, _ONE_TENTH),
        _programme("16", "育成医療", ProgrammeKind.NATIONAL, 41, _ONE_TENTH),
        _programme("52", "小児慢性特定疾病医療費助成", ProgrammeKind.NATIONAL, 60, _TWO_TENTHS),
        _programme("54", "難病医療費助成", ProgrammeKind.NATIONAL, 70, _TWO_TENTHS),
        _programme("12", "生活保護（医療扶助）", ProgrammeKind.MEDICAL_AID, 90, _ZERO),
        _programme("25", "中国残留邦人等支援（医療支援給付）", ProgrammeKind.MEDICAL_AID, 91, _ZERO),
    )
}  # fmt: skip
MUNICIPAL_HOUBETSU = frozenset(f"{n:02d}" for n in range(80, 100))
MUNICIPAL_PRIORITY = 80


def programme_of(houbetsu: str) -> Programme | None:
    """The programme of a 法別番号; 80–99 are municipal subsidies (地方単独), free by default."""
    if houbetsu in PROGRAMMES:
        return PROGRAMMES[houbetsu]
    if houbetsu in MUNICIPAL_HOUBETSU:
        return Programme(houbetsu, "地方単独医療費助成", ProgrammeKind.MUNICIPAL, MUNICIPAL_PRIORITY, _ZERO)
    return None


def _digits(text: str, field: str, length: int, label_ja: str, label_en: str) -> str:
    digits = normalise_digits(text)
    if not digits:
        raise InvalidValue(field, Problem.REQUIRED, f"{label_ja}がありません", f"{label_en} is missing")
    if not is_ascii_digits(digits) or len(digits) != length:
        raise InvalidValue(
            field, Problem.BAD_FORMAT, f"{label_ja}は{length}桁の数字です: {text!r}",
            f"a {label_en} is {length} digits: {text!r}",
        )  # fmt: skip
    if not has_valid_check_digit(digits):
        raise InvalidValue(
            field, Problem.BAD_CHECK_DIGIT, f"{label_ja}の検証番号が正しくありません: {digits}",
            f"check digit of {label_en} {digits} is wrong",
        )  # fmt: skip
    return digits


@dataclass(frozen=True, slots=True, order=True)
class PayerNumber:
    """公費負担者番号: 8 digits with a correct check digit and a known 法別番号."""

    digits: str

    @classmethod
    def parse(cls, text: str, field: str = "public_expense_number") -> PayerNumber:
        digits = _digits(text, field, 8, "公費負担者番号", "public-expense payer number")
        prefecture(digits[2:4], field)
        if programme_of(digits[:2]) is None:
            raise InvalidValue(
                field, Problem.UNKNOWN_CODE, f"法別番号 {digits[:2]} の公費負担医療には対応していません",
                f"law code {digits[:2]} is not a public-expense programme onshi knows",
            )  # fmt: skip
        return cls(digits)

    @property
    def houbetsu(self) -> str:
        return self.digits[:2]

    @property
    def prefecture_code(self) -> str:
        return self.digits[2:4]

    @property
    def programme(self) -> Programme:
        found = programme_of(self.houbetsu)
        assert found is not None  # checked by parse
        return found

    def __str__(self) -> str:
        return self.digits


@dataclass(frozen=True, slots=True, order=True)
class RecipientNumber:
    """受給者番号: 7 digits with a correct check digit."""

    digits: str

    @classmethod
    def parse(cls, text: str, field: str = "beneficiary_number") -> RecipientNumber:
        return cls(_digits(text, field, 7, "受給者番号", "recipient number"))

    def __str__(self) -> str:
        return self.digits


@dataclass(frozen=True, slots=True)
class Payer:
    """A public-expense payer (実施機関: 都道府県・市区町村・福祉事務所) and its programme as it runs it."""

    number: PayerNumber
    name: str  # for medical aid: the welfare office (福祉事務所名)
    programme: Programme
    participating: bool = True  # in online confirmation; otherwise the paper 受給者証 is the proof

    @classmethod
    def of(
        cls,
        number: PayerNumber,
        name: str,
        participating: bool = True,
        programme_name: str | None = None,
        terms: CopayTerms | None = None,
        settings: frozenset[CareSetting] | None = None,
        facility_types: frozenset[FacilityType] | None = None,
    ) -> Payer:
        """The payer with its programme's defaults replaced where the payer says otherwise (its
        own terms replace the programme's whole: a municipality defines its own scheme)."""
        base = number.programme
        programme = replace(
            base,
            name_ja=programme_name or base.name_ja,
            terms=terms if terms is not None else base.terms,
            settings=settings or base.settings,
            facility_types=facility_types if facility_types is not None else base.facility_types,
        )
        return cls(number, name, programme, participating)

    @property
    def is_medical_aid(self) -> bool:
        return self.programme.kind is ProgrammeKind.MEDICAL_AID


@dataclass(frozen=True, slots=True)
class PayerRecord:
    """A payer as registered (its feed row): None keeps the programme's default."""

    number: PayerNumber
    name: str
    participating: bool = True
    programme_name: str | None = None
    terms: CopayTerms | None = None
    settings: frozenset[CareSetting] | None = None
    facility_types: frozenset[FacilityType] | None = None

    def payer(self) -> Payer:
        return Payer.of(
            self.number, self.name, self.participating, self.programme_name, self.terms, self.settings,
            self.facility_types,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a recipient is, as the payer registered them."""

    name: str
    name_kana: str
    birthdate: date
    sex: Sex
    address: str | None = None
    post_number: str | None = None


@dataclass(frozen=True, slots=True)
class Entitlement:
    """One recipient's entitlement under one payer, over one validity period."""

    payer: Payer
    recipient: RecipientNumber
    valid_from: date
    valid_to: date | None  # inclusive (有効終了日); None: open
    identity: Identity
    terms: CopayTerms = CopayTerms()  # the recipient's own limits (override the programme's)
    insured: MemberKey | None = None  # the health-insurance card key, when the payer knows it
    individual_key: str | None = None
    income_category: str | None = None  # 所得区分 as the payer prints it (informational)

    @property
    def key(self) -> tuple[str, str]:
        return (self.payer.number.digits, self.recipient.digits)

    @property
    def programme(self) -> Programme:
        return self.payer.programme

    @property
    def effective_terms(self) -> CopayTerms:
        return self.programme.terms.overridden_by(self.terms)

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def applies_to(self, day: date, setting: CareSetting, facility_type: FacilityType | None) -> bool:
        return self.is_valid_on(day) and self.programme.covers(setting, facility_type)


def in_priority_order(entitlements: Iterable[Entitlement]) -> list[Entitlement]:
    """Entitlements in the order they apply: by programme priority, then payer and recipient."""
    return sorted(entitlements, key=lambda e: (e.programme.priority, e.key))


def valid_on(entitlements: Iterable[Entitlement], day: date) -> list[Entitlement]:
    """The participating payers' entitlements valid on `day`, in priority order."""
    return in_priority_order(e for e in entitlements if e.payer.participating and e.is_valid_on(day))


def check_period(valid_from: date, valid_to: date | None, field: str = "valid_to") -> None:
    if valid_to is not None and valid_to < valid_from:
        raise InvalidValue(
            field,
            Problem.INCONSISTENT,
            "有効終了日が有効開始日より前です",
            "the period ends before it starts",
        )


@dataclass(frozen=True, slots=True)
class MedicalTicket:
    """医療券・調剤券: medical aid for one month at one designated facility."""

    payer: PayerNumber
    recipient: RecipientNumber
    ticket_type: TicketType
    month: date  # 診療年月 (the first of the month)
    valid_from: date
    valid_to: date  # inclusive
    issue_number: str  # 交付番号
    facility_code: str  # 指定医療機関コード
    facility_name: str
    treatment_type: MedicalTreatmentType
    self_pay_yen: int | None = None  # 本人支払額
    injury_names: tuple[str, ...] = ()  # 傷病名 (up to 3)
    prescriber_code: str | None = None  # 処方箋発行元 (調剤券)
    prescriber_name: str | None = None
    district_contact: str | None = None  # 地区担当員名
    handling_contact: str | None = None  # 取扱担当者名
    single_or_combined: SingleOrCombined | None = None
    social_insurance: Presence | None = None
    infection: Presence | None = None  # 感染症法第37条の2
    elderly_care: Presence | None = None  # 後期高齢者医療
    prefectural: Presence | None = None  # 都道府県費
    remarks: tuple[str, ...] = ()

    def covers(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to

    def designated_flag(self, facility_code: str | None) -> DesignatedInstitutionFlag:
        same = facility_code is not None and facility_code == self.facility_code
        return DesignatedInstitutionFlag.MATCHES if same else DesignatedInstitutionFlag.DIFFERS


def compare_identity(
    surface: CardSurface, identity: Identity
) -> tuple[tuple[Attribute, ...], tuple[Attribute, ...]]:
    """(mismatching attributes, unverified ones) of a card's surface against a recipient, by the
    rules of `onshi.domain.linkage` (names normalised; an address the payer lacks is unverified)."""
    agrees = {
        Attribute.NAME: names_match(surface.name, identity.name),
        Attribute.KANA: names_match(surface.name_kana, identity.name_kana),
        Attribute.BIRTHDATE: surface.birthdate == identity.birthdate,
        Attribute.SEX: surface.sex == identity.sex,
        Attribute.ADDRESS: identity.address is None or addresses_match(surface.address, identity.address),
    }
    mismatches = tuple(a for a in Attribute if not agrees[a])
    return mismatches, (Attribute.ADDRESS,) if identity.address is None else ()


def paper_certificate_message(payers: Iterable[Payer]) -> str:
    """What staff are told about payers that do not take part in online confirmation."""
    named = "、".join(f"{p.name}（{p.programme.name_ja}・{p.number}）" for p in payers)
    if not named:
        return ""
    return f"{named}はオンライン資格確認に参加していません。紙の受給者証で確認してください。"


@dataclass(frozen=True, slots=True)
class Findings:
    """What a confirmation says about one person's public expense on a day, at a facility."""

    entitlements: tuple[Entitlement, ...] = ()  # valid that day, participating payers, in priority order
    tickets: tuple[MedicalTicket, ...] = ()  # medical-aid tickets covering the day (any facility)
    paper_only: tuple[Payer, ...] = ()  # payers not in online confirmation with a recipient record
    facility_code: str | None = None

    @property
    def medical_aid(self) -> Entitlement | None:
        return next((e for e in self.entitlements if e.payer.is_medical_aid), None)

    @property
    def message_ja(self) -> str:
        return paper_certificate_message(self.paper_only)

    def __bool__(self) -> bool:
        return bool(self.entitlements or self.tickets or self.paper_only)


def findings_on(
    entitlements: Iterable[Entitlement],
    tickets: Iterable[MedicalTicket],
    day: date,
    facility_code: str | None,
) -> Findings:
    """The entitlements valid on `day` (a non-participating payer's are named, never served) and
    the tickets of the served recipients covering `day`."""
    every = [e for e in entitlements if e.is_valid_on(day)]
    served = in_priority_order(e for e in every if e.payer.participating)
    keys = {(e.payer.number, e.recipient) for e in served}
    paper = {e.payer.number: e.payer for e in every if not e.payer.participating}
    covering = tuple(t for t in tickets if t.covers(day) and (t.payer, t.recipient) in keys)
    return Findings(tuple(served), covering, tuple(paper[n] for n in sorted(paper)), facility_code)
