"""A qualification (資格): one period of coverage of one insured person, with its certificates.

A person at individual level (保険者番号 + 記号 + 番号 + 枝番) may hold several
qualification periods over time; the period valid on a date is [qualification_date,
disqualification_date) — 資格喪失年月日 is the first day without coverage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from onshi.domain.codes import (
    CardClassification,
    LimitCategory,
    LimitCertificateClass,
    PersonalFamily,
    ReasonOfLoss,
    Sex,
    SpecificDisease,
)
from onshi.domain.dates import age_on
from onshi.domain.insurer import InsurerNumber


def _within(day: date, start: date | None, end_inclusive: date | None) -> bool:
    return (start is None or start <= day) and (end_inclusive is None or day <= end_inclusive)


@dataclass(frozen=True, slots=True)
class ElderlyRecipientCertificate:
    """高齢受給者証 (70–74)."""

    issued_on: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None  # inclusive (有効終了年月日)
    copay_percent: int | None = None  # 20 or 30

    def is_valid_on(self, day: date) -> bool:
        return _within(day, self.valid_from, self.valid_to)


@dataclass(frozen=True, slots=True)
class LimitCertificate:
    """限度額適用認定証 and related certificates."""

    classification: LimitCertificateClass | None = None
    category: LimitCategory | None = None
    issued_on: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    long_term_from: date | None = None  # 長期入院該当年月日

    def is_valid_on(self, day: date) -> bool:
        return _within(day, self.valid_from, self.valid_to)


@dataclass(frozen=True, slots=True)
class SpecificDiseaseCertificate:
    """特定疾病療養受療証."""

    category: SpecificDisease
    issued_on: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    self_pay_limit_yen: int | None = None  # 自己負担限度額 (per month)

    def is_valid_on(self, day: date) -> bool:
        return _within(day, self.valid_from, self.valid_to)


@dataclass(frozen=True, slots=True)
class MemberKey:
    """個人単位被保険者番号: the individual-level key of an insured person."""

    insurer_number: InsurerNumber
    symbol: str  # '' when the card has none
    number: str
    branch: str | None  # None on cards without 枝番


@dataclass(frozen=True, slots=True)
class Qualification:
    key: MemberKey
    insurer_name: str
    # The person as on the card (券面記載).
    name: str
    name_kana: str
    sex1: Sex
    birthdate: date
    qualification_date: date  # 資格取得年月日
    card_classification: CardClassification = CardClassification.GENERAL
    disqualification_date: date | None = None  # 資格喪失年月日: first day without coverage
    reason_of_loss: ReasonOfLoss | None = None
    personal_family: PersonalFamily | None = None
    insured_name: str | None = None  # 被保険者氏名（世帯主氏名）
    name_of_other: str | None = None
    name_of_other_kana: str | None = None
    sex2: Sex | None = None
    address: str | None = None
    post_number: str | None = None
    card_issued_on: date | None = None
    card_valid_from: date | None = None
    card_valid_to: date | None = None
    copay_percent: int | None = None  # 一部負担金割合 as printed (後期高齢者): 10/20/30
    preschool: bool = False
    elderly: ElderlyRecipientCertificate | None = None
    limit: LimitCertificate | None = None
    specific_diseases: tuple[SpecificDiseaseCertificate, ...] = ()
    # Opaque per-human key linking qualifications across insurers (never the My Number).
    individual_key: str | None = None

    def is_valid_on(self, day: date) -> bool:
        return self.qualification_date <= day and (
            self.disqualification_date is None or day < self.disqualification_date
        )

    def card_expired_on(self, day: date) -> bool:
        return self.card_valid_to is not None and day > self.card_valid_to

    def copay_percent_on(self, day: date) -> int:
        """The patient's copay ratio on `day`, in percent (一部負担金割合).

        The printed ratio wins (後期高齢者 cards carry it); then a valid 高齢受給者証; then the
        statutory defaults: 2割 before school age (未就学), 3割 under 70, 2割 at 70–74, 1割 at 75+.
        """
        if self.copay_percent is not None:
            return self.copay_percent
        if self.elderly is not None and self.elderly.copay_percent and self.elderly.is_valid_on(day):
            return self.elderly.copay_percent
        if self.preschool or is_preschool(self.birthdate, day):
            return 20
        if day < elderly_recipient_start(self.birthdate):
            return 30
        return 20 if age_on(self.birthdate, day) < 75 else 10


def is_preschool(birthdate: date, day: date) -> bool:
    """未就学: before the April school entry after the 6th birthday (children born on 1 April
    enter a year earlier, since the law counts their birthday as reached the day before)."""
    entry_year = birthdate.year + (6 if (birthdate.month, birthdate.day) <= (4, 1) else 7)
    return day < date(entry_year, 4, 1)


def elderly_recipient_start(birthdate: date) -> date:
    """First day of the 70–74 copay (高齢受給者): the 1st of the month after the 70th birthday,
    or the birthday itself when it falls on the 1st."""
    seventieth = date(birthdate.year + 70, birthdate.month, 1)
    if birthdate.day == 1:
        return seventieth
    return date(seventieth.year + seventieth.month // 12, seventieth.month % 12 + 1, 1)
