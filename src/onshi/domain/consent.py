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
