"""Consent (同意) the patient gives at the card reader, item by item (domain.md §5).

Items: 手術情報, 診療情報および薬剤情報, 特定健診等情報, 限度額情報, 特定疾病療養受療証情報.
Each is 同意する / 同意しない, with a one-tap "agree to all". 特定健診等情報 exists only for
people aged 40 and over: anyone younger must answer 同意しない, and "agree to all" leaves it
out. A consent given at the counter allows viewing for 24 hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from onshi.domain.dates import age_on
from onshi.domain.errors import InvalidValue, Problem

CHECKUP_MIN_AGE = 40
VIEWING_WINDOW = timedelta(hours=24)


class ConsentItem(StrEnum):
    SURGERY = "surgery"  # 手術情報
    TREATMENT = "treatment"  # 診療情報および薬剤情報
    CHECKUP = "checkup"  # 特定健診等情報 (40 and over)
    LIMIT = "limit"  # 限度額情報 (限度額適用認定証)
    DISEASE = "disease"  # 特定疾病療養受療証情報

    @property
    def label_ja(self) -> str:
        return _LABELS[self]


_LABELS = {
    ConsentItem.SURGERY: "手術情報",
    ConsentItem.TREATMENT: "診療情報および薬剤情報",
    ConsentItem.CHECKUP: "特定健診等情報",
    ConsentItem.LIMIT: "限度額情報",
    ConsentItem.DISEASE: "特定疾病療養受療証情報",
}


def checkup_allowed(birthdate: date, on: date) -> bool:
    return age_on(birthdate, on) >= CHECKUP_MIN_AGE


def items_for(birthdate: date, on: date) -> tuple[ConsentItem, ...]:
    """The items a patient can agree to (the screens a reader shows)."""
    if checkup_allowed(birthdate, on):
        return tuple(ConsentItem)
    return tuple(item for item in ConsentItem if item is not ConsentItem.CHECKUP)


@dataclass(frozen=True, slots=True)
class ConsentChoices:
    agreed: frozenset[ConsentItem] = frozenset()

    @classmethod
    def of(cls, items: Iterable[ConsentItem]) -> ConsentChoices:
        return cls(frozenset(items))

    @classmethod
    def agree_to_all(cls, birthdate: date, on: date) -> ConsentChoices:
        """「すべて同意する」: every item the patient may agree to."""
        return cls(frozenset(items_for(birthdate, on)))

    def agrees(self, item: ConsentItem) -> bool:
        return item in self.agreed

    def as_flags(self) -> dict[str, bool]:
        return {item.value: item in self.agreed for item in ConsentItem}


def validate(choices: ConsentChoices, birthdate: date, on: date) -> None:
    """Raises InvalidValue when the choices break a rule (a consent to checkups under 40)."""
    if choices.agrees(ConsentItem.CHECKUP) and not checkup_allowed(birthdate, on):
        raise InvalidValue(
            "consent.checkup",
            Problem.INCONSISTENT,
            f"特定健診等情報は{CHECKUP_MIN_AGE}歳以上の方のみ同意できます",
            f"checkup information can be consented to only from age {CHECKUP_MIN_AGE}",
        )


class ConsentContext(StrEnum):
    """Where the consent was given: it decides how long it lasts (domain.md §5)."""

    COUNTER = "counter"  # 窓口 (the card reader at the facility): this visit, 24 h of viewing
    ONLINE_CARE = "online_care"  # オンライン診療等: this use, 24 h of viewing
    HOME_VISIT = (
        "home_visit"  # 居宅同意取得型 (訪問診療・訪問看護・訪問薬剤管理): the continuing relationship
    )
    HOUSE_CALL = "house_call"  # 往診: this visit only, asked again every visit

    @property
    def label_ja(self) -> str:
        return _CONTEXT_LABELS[self]


_CONTEXT_LABELS = {
    ConsentContext.COUNTER: "窓口（外来）",
    ConsentContext.ONLINE_CARE: "オンライン診療等",
    ConsentContext.HOME_VISIT: "訪問診療等（居宅同意取得型）",
    ConsentContext.HOUSE_CALL: "往診",
}


def parse_items(values: Iterable[str], field: str = "items") -> frozenset[ConsentItem]:
    """Item codes (surgery, treatment, …) as a set; an unknown code is an error, not ignored."""
    items = set()
    for value in values:
        try:
            items.add(ConsentItem(value.strip()))
        except ValueError:
            known = ", ".join(item.value for item in ConsentItem)
            raise InvalidValue(
                field,
                Problem.UNKNOWN_CODE,
                f"同意項目 {value!r} はありません（{known}）",
                f"unknown consent item {value!r} (known: {known})",
            ) from None
    return frozenset(items)
