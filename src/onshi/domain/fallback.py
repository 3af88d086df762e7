"""The fallback procedure when online confirmation fails: the 被保険者資格申立書 and its claim.

Sources (cited by the rules below):

- 保発0710第1号 (2023-07-10), 保険局長通知「マイナンバーカードによるオンライン資格確認を行うことが
  できない場合の対応について」: when the terminal shows 資格(無効) or 資格情報なし, the system or the
  terminal cannot be reached, or reception is split (e.g. a fever clinic), the patient fills a
  被保険者資格申立書 as far as they can, pays the copay ratio they state, and the facility bills with
  the numbers it knows — 「不詳」 for the others (通知 3.(4)).
- 事務連絡 2023-07-19「マイナンバーカードによるオンライン資格確認ができない場合における診療報酬等の
  請求の取扱いについて」 (the 請求事務連絡): how a 不詳 claim is written — 保険者等番号 "77777777",
  記号 not recorded, 番号 "777777777" (9 digits; 8 for 後期高齢者医療), and 「不詳」 first in the
  摘要欄 followed by the address, employer and contact from the declaration.
- 事務連絡 2023-08-03「マイナンバーカードによるオンライン資格確認を行うことができない場合における
  対応等に対する疑義解釈について」: 問1 — when the declared 保険種別 is 「わからない」, the facility
  narrows the kind down as far as it can (declaration, interview) and bills the matching 審査支払機関;
  if it still cannot tell, it chooses 支払基金 or 国保連 itself.

The copay a patient answering 「わからない」 pays is the general statutory ratio for their age on the
date of care (see `default_copay_percent`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from onshi.domain.codes import Sex
from onshi.domain.dates import age_on, format_ja
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityCode
from onshi.domain.insured import parse_branch, parse_number, parse_symbol
from onshi.domain.insurer import InsurerKind, InsurerNumber
from onshi.domain.names import clean_kana, clean_name
from onshi.domain.qualification import elderly_recipient_start, is_preschool


class FallbackReason(StrEnum):
    """Why online confirmation could not be used (the cases of 保発0710第1号)."""

    INVALID = "invalid"  # 資格(無効) was shown
    NO_RECORD = "no_record"  # 資格情報なし was shown
    OUTAGE = "outage"  # central, the network or the terminal could not be reached
    SPLIT_RECEPTION = "split_reception"  # reception away from the card reader (fever clinic etc.)
    CARD_PROBLEM = "card_problem"  # the card or its certificate cannot be read or has expired

    @property
    def label_ja(self) -> str:
        return _REASON_LABELS[self]


_REASON_LABELS = {
    FallbackReason.INVALID: "資格(無効)",
    FallbackReason.NO_RECORD: "資格情報なし",
    FallbackReason.OUTAGE: "システム障害・通信不可",
    FallbackReason.SPLIT_RECEPTION: "受付分離（発熱外来等）",
    FallbackReason.CARD_PROBLEM: "カード・電子証明書の不具合",
}


class ReviewBody(StrEnum):
    """審査支払機関: where the claim is sent."""

    SHIHARAI_KIKIN = "shiharai_kikin"  # 社会保険診療報酬支払基金 (employee insurance)
    KOKUHOREN = "kokuhoren"  # 国民健康保険団体連合会 (国保, 国保組合, 後期高齢者医療)

    @property
    def label_ja(self) -> str:
        return "支払基金" if self is ReviewBody.SHIHARAI_KIKIN else "国保連"


class InsuranceKind(StrEnum):
    """保険種別 as the patient ticks it on the declaration."""

    KYOKAI_KENPO = "kyokai_kenpo"  # 協会けんぽ
    KENPO_KUMIAI = "kenpo_kumiai"  # 健保組合
    KYOSAI = "kyosai"  # 共済組合
    KOKUHO = "kokuho"  # 国民健康保険 (市町村)
    KOKUHO_KUMIAI = "kokuho_kumiai"  # 国保組合
    KOUKI_KOUREI = "kouki_kourei"  # 後期高齢者医療
    OTHER = "other"  # その他 (船員保険, 自衛官等, 日雇特例 …)
    UNKNOWN = "unknown"  # わからない

    @property
    def label_ja(self) -> str:
        return _KIND_LABELS[self]

    @property
    def review_body(self) -> ReviewBody | None:
        """The 審査支払機関 the kind implies; None for わからない (疑義解釈 問1: the facility decides)."""
        if self is InsuranceKind.UNKNOWN:
            return None
        # その他 on the form covers the remaining employee schemes (船員保険, 自衛官等, 日雇特例),
        # all of which are billed through 支払基金.
        return ReviewBody.KOKUHOREN if self in _KOKUHOREN_KINDS else ReviewBody.SHIHARAI_KIKIN


_KIND_LABELS = {
    InsuranceKind.KYOKAI_KENPO: "協会けんぽ",
    InsuranceKind.KENPO_KUMIAI: "健保組合",
    InsuranceKind.KYOSAI: "共済組合",
    InsuranceKind.KOKUHO: "国民健康保険",
    InsuranceKind.KOKUHO_KUMIAI: "国保組合",
    InsuranceKind.KOUKI_KOUREI: "後期高齢者医療",
    InsuranceKind.OTHER: "その他",
    InsuranceKind.UNKNOWN: "わからない",
}
_KOKUHOREN_KINDS = frozenset({InsuranceKind.KOKUHO, InsuranceKind.KOKUHO_KUMIAI, InsuranceKind.KOUKI_KOUREI})
_KOKUHOREN_INSURERS = frozenset(
    {InsurerKind.KOKUHO, InsurerKind.KOKUHO_KUMIAI, InsurerKind.KOUKI_KOUREI, InsurerKind.TAISHOKU}
)


class DeclaredCopay(StrEnum):
    """一部負担金の割合 as the patient ticks it."""

    THIRTY = "3"
    TWENTY = "2"
    TEN = "1"
    UNKNOWN = "unknown"  # わからない

    @property
    def label_ja(self) -> str:
        return "わからない" if self is DeclaredCopay.UNKNOWN else f"{_FULL_WIDTH_DIGITS[self.value]}割"

    @property
    def percent(self) -> int | None:
        return None if self is DeclaredCopay.UNKNOWN else int(self.value) * 10


_FULL_WIDTH_DIGITS = {"1": "１", "2": "２", "3": "３"}


# --- The default copay (一部負担金割合 when the patient answers わからない) -------------------------
#
# The general statutory ratio for the patient's age on the date of care:
# - 2割 while 義務教育就学前, i.e. up to the first 31 March on or after the day the child reaches 6
#   (健康保険法110条2項1号ロ, 国民健康保険法42条1項2号);
# - 3割 from then until the month in which they reach 70 (健康保険法74条1項1号);
# - 2割 from the first day of the month after the month in which they reach 70 (同項2号). By
#   年齢計算ニ関スル法律 one "reaches" an age the day before the birthday, so someone born on the
#   1st reaches 70 on the last day of the previous month and the 2割 starts in the birthday month;
# - 1割 from the 75th birthday, when 後期高齢者医療 begins (高齢者の医療の確保に関する法律50条・
#   52条, 67条1項1号).
# A higher ratio (70–74 or 後期 現役並み所得 3割, 後期 一定以上所得 2割) depends on income that the
# facility cannot know, so it is never presumed without the patient's declaration; neither is the
# 1割 of a 65–74 year-old in 後期高齢者医療 by 障害認定.

PRESCHOOL_PERCENT = 20
WORKING_AGE_PERCENT = 30
ELDERLY_PERCENT = 20
LATE_ELDERLY_PERCENT = 10
LATE_ELDERLY_AGE = 75
# Below this age (and after school entry) 3割 is the only statutory ratio; from 65 a 障害認定 in
# 後期高齢者医療 or, from 70, the elderly ratios make other declarations plausible.
_ONLY_THIRTY_BELOW_AGE = 65


def _check_born_by(birthdate: date, on: date) -> None:
    if on < birthdate:
        raise InvalidValue(
            "birthdate",
            Problem.INCONSISTENT,
            f"生年月日 {format_ja(birthdate)} が診療日 {format_ja(on)} より後です",
            f"birthdate {birthdate} is after the date of care {on}",
        )


def default_copay_percent(birthdate: date, on: date) -> int:
    """The copay ratio in percent (30/20/10) applied when the patient answers わからない."""
    return _default_rule(birthdate, on)[0]


def _default_rule(birthdate: date, on: date) -> tuple[int, str]:
    """The default ratio and the rule behind it, in the words staff read."""
    _check_born_by(birthdate, on)
    if is_preschool(birthdate, on):
        return PRESCHOOL_PERCENT, "義務教育就学前は2割（6歳に達する日以後の最初の3月31日まで）"
    if age_on(birthdate, on) >= LATE_ELDERLY_AGE:
        return LATE_ELDERLY_PERCENT, "75歳以上は1割（後期高齢者医療、75歳の誕生日から）"
    start = elderly_recipient_start(birthdate)
    if on >= start:
        return (
            ELDERLY_PERCENT,
            f"70歳から74歳は2割（70歳に達する日の属する月の翌月、{start.year}年{start.month}月{start.day}日から）",
        )
    return WORKING_AGE_PERCENT, "義務教育就学後は3割（70歳に達する日の属する月まで）"


@dataclass(frozen=True, slots=True)
class CopayDecision:
    percent: int  # 10, 20 or 30
    is_default: bool  # True when the patient answered わからない and the age rule applied
    explanation_ja: str
    warning_ja: str | None = None  # set when a declared ratio is not a statutory one for the age

    @property
    def label_ja(self) -> str:
        return f"{_FULL_WIDTH_DIGITS[str(self.percent // 10)]}割"


def copay_for(declared: DeclaredCopay, birthdate: date, on: date) -> CopayDecision:
    """The copay charged: the declared ratio (保発0710第1号), or the age default for わからない."""
    default_percent, rule = _default_rule(birthdate, on)
    if declared.percent is None:
        return CopayDecision(
            default_percent,
            True,
            f"患者が「わからない」と申し立てたため、年齢による原則の割合を適用しました。{rule}。"
            "現役並み所得者等の高い割合は、申立てがない限り適用しません。",
        )
    return CopayDecision(
        declared.percent,
        False,
        f"被保険者資格申立書で患者が申し立てた割合（{declared.label_ja}）を適用しました。",
        _implausible_warning(declared.percent, default_percent, birthdate, on),
    )


def _implausible_warning(percent: int, default_percent: int, birthdate: date, on: date) -> str | None:
    """The declaration is charged as stated, but staff should hear about a ratio the law does not
    give at that age (e.g. 1割 at 40), which is usually a misread question."""
    preschool = is_preschool(birthdate, on)
    only_default = preschool or age_on(birthdate, on) < _ONLY_THIRTY_BELOW_AGE
    if only_default and percent != default_percent:
        return (
            f"申し立てられた割合（{percent // 10}割）は、この年齢の法定割合（{default_percent // 10}割）と"
            "異なります。患者に確認してください。"
        )
    return None


# --- The 不詳 claim (請求事務連絡 2023-07-19) ----------------------------------------------------
#
# Unknown numbers are entered as the digit 7 repeated to the field's length: 保険者等番号 8 digits;
# 被保険者等記号 left out; 番号 9 digits, or 8 for 後期高齢者医療 (whose 被保険者番号 is 8 digits).
# The 摘要欄 begins with 「不詳」 and carries the address, employer and contact taken from the
# declaration, so the review body can find the insurer. (A 2023-09-15 revision lets a receipt
# computer that cannot send "77777777" — its check digit is wrong — send "77777779", which passes;
# that is the receipt computer's business, so the canonical value is kept here.)
UNKNOWN_INSURER_NUMBER = "77777777"
UNKNOWN_CARD_NUMBER = "777777777"
UNKNOWN_LATE_ELDERLY_CARD_NUMBER = "77777777"
UNKNOWN_MARK = "不詳"


@dataclass(frozen=True, slots=True)
class ClaimFields:
    """What the claim (レセプト) carries for a patient seen under the fallback procedure."""

    insurer_number: str  # the declared number, or UNKNOWN_INSURER_NUMBER
    insurer_number_unknown: bool
    symbol: str | None  # None: not recorded (absent on the card, or 不詳)
    number: str  # the declared number, or the 7s of the 不詳 claim
    branch: str | None
    numbers_unknown: bool
    copay: CopayDecision
    summary_ja: str  # 摘要欄
    review_body: ReviewBody | None  # None: the facility chooses (疑義解釈 問1)
    review_body_note_ja: str

    @property
    def is_unknown_claim(self) -> bool:
        """A 不詳請求: some number was not known."""
        return self.insurer_number_unknown or self.numbers_unknown


# --- The declaration -----------------------------------------------------------------------------

MAX_AGE_YEARS = 130  # a birthdate further back is a typing error (e.g. 1900 for 2000)
MAX_TEXT_LENGTH = 200  # address, employer, insurer name
MAX_NAME_LENGTH = 50  # a person's name or its kana
_POSTAL_CODE = re.compile(r"^(\d{3})-?(\d{4})$")
_PHONE = re.compile(r"^\+?[\d-]+$")
_PHONE_DIGITS = (10, 11)
_KANA = re.compile(r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fb\u309d\u309e\u30fd\u30fe ]+$")
_HYPHENS = str.maketrans(dict.fromkeys("‐‑‒–—―−ー－", "-"))


def _required(field: str, label: str) -> InvalidValue:
    return InvalidValue(field, Problem.REQUIRED, f"{label}がありません", f"{field} is missing")


def _optional_text(field: str, label: str, text: str | None, limit: int = MAX_TEXT_LENGTH) -> str | None:
    value = (text or "").strip(" \u3000\t\r\n")
    if not value:
        return None
    if len(value) > limit:
        raise InvalidValue(
            field,
            Problem.TOO_LONG,
            f"{label}は{limit}文字以内です",
            f"{field} exceeds {limit} characters",
        )
    # Only control characters are refused: full-width spaces, IVS and other code points stay as written.
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise InvalidValue(
            field, Problem.BAD_FORMAT, f"{label}に制御文字が含まれています", f"{field} has control characters"
        )
    return value


def parse_postal_code(text: str | None, field: str = "postal_code") -> str | None:
    """〒 as NNN-NNNN, or None when not given."""
    value = _optional_text(field, "郵便番号", unicodedata.normalize("NFKC", text or "").translate(_HYPHENS))
    if value is None:
        return None
    match = _POSTAL_CODE.match(value.removeprefix("〒").strip())
    if match is None:
        raise InvalidValue(
            field, Problem.BAD_FORMAT, f"郵便番号は7桁の数字です: {text!r}", f"not a postal code: {text!r}"
        )
    return f"{match[1]}-{match[2]}"


def parse_phone(text: str | None, field: str = "phone") -> str | None:
    """A Japanese phone number with its hyphens as written, or None when not given."""
    value = _optional_text(field, "電話番号", unicodedata.normalize("NFKC", text or "").translate(_HYPHENS))
    if value is None:
        return None
    # "(03) 1234-5678" is written 03-1234-5678: the area code's brackets become a hyphen.
    value = re.sub(r"-{2,}", "-", re.sub(r"\s+", "", value).replace("(", "").replace(")", "-"))
    digits = value.replace("-", "")
    if digits.startswith("+81"):  # international form: +81 replaces the leading trunk 0
        digits = "0" + digits.removeprefix("+81")
    if not _PHONE.match(value) or not digits.startswith("0") or len(digits) not in _PHONE_DIGITS:
        raise InvalidValue(
            field,
            Problem.BAD_FORMAT,
            f"電話番号は10桁または11桁の数字です: {text!r}",
            f"not a phone number: {text!r}",
        )
    return value


def parse_optional_insurer_number(text: str | None, field: str = "insurer_number") -> InsurerNumber | None:
    """The insurer number the patient wrote, or None when left blank (it is then billed as 不詳)."""
    if not (text or "").strip(" \u3000"):
        return None
    return InsurerNumber.parse(text or "", field)


@dataclass(frozen=True, slots=True)
class Declaration:
    """A 被保険者資格申立書 as filled by the patient (and completed by staff) at the desk.

    Text fields are normalised on construction; blank optional fields become None. The patient
    fills what they can (保発0710第1号: 「可能な範囲で」), so only the name, the birthdate and a way
    to reach them when numbers are missing are required.
    """

    facility_code: FacilityCode
    declared_on: date  # 記入日, also the date of care the copay is decided for
    reason: FallbackReason
    name: str
    name_kana: str | None
    birthdate: date
    sex: Sex
    postal_code: str | None
    address: str | None
    phone: str | None
    insurance_kind: InsuranceKind
    insurer_name: str | None
    insurer_number: InsurerNumber | None
    card_symbol: str | None
    card_number: str | None
    card_branch: str | None
    employer: str | None  # 事業所名 (勤務先)
    declared_copay: DeclaredCopay
    staff_name: str  # who took the declaration

    def __post_init__(self) -> None:
        self._set("name", clean_name(self.name))
        if not self.name:
            raise _required("name", "氏名")
        _optional_text("name", "氏名", self.name, MAX_NAME_LENGTH)
        self._set("name_kana", self._clean_kana(self.name_kana))
        self._check_birthdate()
        if self.sex not in (Sex.MALE, Sex.FEMALE):
            raise InvalidValue(
                "sex", Problem.UNKNOWN_CODE, "性別は男（1）または女（2）です", "sex is 1 (male) or 2 (female)"
            )
        self._set("postal_code", parse_postal_code(self.postal_code))
        self._set("address", _optional_text("address", "住所", self.address))
        self._set("phone", parse_phone(self.phone))
        self._set("insurer_name", _optional_text("insurer_name", "保険者名", self.insurer_name))
        self._set("employer", _optional_text("employer", "事業所名", self.employer))
        self._set("card_symbol", parse_symbol(self.card_symbol) or None)
        self._set("card_number", parse_number(self.card_number) if (self.card_number or "").strip() else None)
        self._set("card_branch", parse_branch(self.card_branch))
        staff = _optional_text("staff_name", "受付者名", self.staff_name, MAX_NAME_LENGTH)
        if staff is None:
            raise _required("staff_name", "受付者名")
        self._set("staff_name", staff)
        self._check_reachable()

    def _set(self, field: str, value: object) -> None:
        object.__setattr__(self, field, value)  # normalising a frozen dataclass once, on construction

    @staticmethod
    def _clean_kana(text: str | None) -> str | None:
        value = _optional_text("name_kana", "フリガナ", clean_kana(text or ""), MAX_NAME_LENGTH)
        if value is not None and not _KANA.match(value):
            raise InvalidValue(
                "name_kana",
                Problem.BAD_FORMAT,
                f"フリガナはカナで記入してください: {text!r}",
                f"name kana is not kana: {text!r}",
            )
        return value

    def _check_birthdate(self) -> None:
        if self.birthdate > self.declared_on:
            raise InvalidValue(
                "birthdate",
                Problem.IMPOSSIBLE_DATE,
                f"生年月日 {format_ja(self.birthdate)} が記入日より後です",
                f"birthdate {self.birthdate} is in the future",
            )
        if age_on(self.birthdate, self.declared_on) > MAX_AGE_YEARS:
            raise InvalidValue(
                "birthdate",
                Problem.IMPOSSIBLE_DATE,
                f"生年月日 {format_ja(self.birthdate)} は{MAX_AGE_YEARS}年以上前です",
                f"birthdate {self.birthdate} is more than {MAX_AGE_YEARS} years ago",
            )

    def _check_reachable(self) -> None:
        """A 不詳 claim is only accepted with the patient's address or contact in the 摘要欄
        (請求事務連絡 2023-07-19), so one of them is needed when a number is missing."""
        numbers_missing = self.insurer_number is None or self.card_number is None
        if numbers_missing and self.address is None and self.phone is None:
            raise InvalidValue(
                "address",
                Problem.REQUIRED,
                "保険者番号・被保険者証の番号が不明な場合は、住所または電話番号を記入してください",
                "address or phone is required when the insurance numbers are unknown",
            )

    @property
    def is_late_elderly(self) -> bool:
        """後期高齢者医療: declared, read from the insurer number (法別39), or implied by age 75+,
        since everyone insured at 75 is in it (高齢者の医療の確保に関する法律50条)."""
        if self.insurer_number is not None:
            return self.insurer_number.kind is InsurerKind.KOUKI_KOUREI
        return (
            self.insurance_kind is InsuranceKind.KOUKI_KOUREI
            or age_on(self.birthdate, self.declared_on) >= LATE_ELDERLY_AGE
        )

    def copay(self, on: date | None = None) -> CopayDecision:
        return copay_for(self.declared_copay, self.birthdate, on or self.declared_on)

    def claim_fields(self, on: date | None = None) -> ClaimFields:
        """What goes on the claim for care given on `on` (default: the declaration's date)."""
        insurer_unknown = self.insurer_number is None
        numbers_unknown = self.card_number is None
        unknown_number = UNKNOWN_LATE_ELDERLY_CARD_NUMBER if self.is_late_elderly else UNKNOWN_CARD_NUMBER
        review_body, review_note = self._review_body()
        return ClaimFields(
            insurer_number=UNKNOWN_INSURER_NUMBER
            if self.insurer_number is None
            else str(self.insurer_number),
            insurer_number_unknown=insurer_unknown,
            symbol=None if numbers_unknown else self.card_symbol,
            number=unknown_number if self.card_number is None else self.card_number,
            branch=None if numbers_unknown else self.card_branch,
            numbers_unknown=numbers_unknown,
            copay=self.copay(on),
            summary_ja=self._summary(insurer_unknown or numbers_unknown),
            review_body=review_body,
            review_body_note_ja=review_note,
        )

    def _review_body(self) -> tuple[ReviewBody | None, str]:
        """The insurer number decides when known; then the declared kind; then age 75+ narrows
        わからない to 後期高齢者医療 (疑義解釈 問1: narrow it down as far as possible)."""
        if self.insurer_number is not None:
            body = (
                ReviewBody.KOKUHOREN
                if self.insurer_number.kind in _KOKUHOREN_INSURERS
                else ReviewBody.SHIHARAI_KIKIN
            )
            return body, f"保険者番号（{self.insurer_number.kind.label_ja}）から{body.label_ja}に請求します。"
        declared = self.insurance_kind.review_body
        if declared is not None:
            return (
                declared,
                f"申し立てられた保険種別（{self.insurance_kind.label_ja}）から{declared.label_ja}に請求します。",
            )
        if self.is_late_elderly:
            return (
                ReviewBody.KOKUHOREN,
                "保険種別は「わからない」ですが、75歳以上のため後期高齢者医療として国保連に請求します。",
            )
        return (
            None,
            "保険種別が特定できません。聞き取り等で可能な限り特定し、それでも特定できない場合は"
            "医療機関等の判断で支払基金または国保連に請求します（疑義解釈 問1）。",
        )

    def _summary(self, unknown: bool) -> str:
        """摘要欄: 「不詳」 first on a 不詳 claim, then what lets the insurer be found."""
        parts = [UNKNOWN_MARK] if unknown else []
        if self.address is not None:
            postal = f"〒{self.postal_code} " if self.postal_code else ""
            parts.append(f"住所：{postal}{self.address}")
        if self.employer is not None:
            parts.append(f"事業所名：{self.employer}")
        if self.phone is not None:
            parts.append(f"連絡先：{self.phone}")
        if self.insurer_name is not None:
            parts.append(f"保険者名：{self.insurer_name}")
        if self.insurance_kind is not InsuranceKind.UNKNOWN:
            parts.append(f"保険種別：{self.insurance_kind.label_ja}")
        return "　".join(parts)
