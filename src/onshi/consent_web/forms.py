"""The consent selection as it travels through the steps (入力 → 確認 → 本人確認) in form fields.

Each item is a field named by its code with `yes` or `no`; `under40` marks a patient known to be
under 40 (特定健診等情報 is then fixed at 同意しない). Nothing is trusted from one step to the next:
every step parses and checks the fields again, and the card signs the final choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from onshi.domain.consent import ConsentChoices, ConsentContext, ConsentItem

YES, NO = "yes", "no"


@dataclass(frozen=True, slots=True)
class Selection:
    answers: dict[ConsentItem, bool]  # the items answered so far
    under40: bool = False

    @classmethod
    def from_form(cls, form: Mapping[str, Any], agree_all: bool = False) -> Selection:
        under40 = str(form.get("under40", "")) == "1"
        answers: dict[ConsentItem, bool] = {}
        for item in ConsentItem:
            value = str(form.get(item.value, ""))
            if agree_all:
                answers[item] = not (under40 and item is ConsentItem.CHECKUP)
            elif value in (YES, NO):
                answers[item] = value == YES
        if under40:
            answers[ConsentItem.CHECKUP] = False
        return cls(answers, under40)

    @property
    def complete(self) -> bool:
        return len(self.answers) == len(ConsentItem)

    @property
    def unanswered(self) -> list[ConsentItem]:
        return [item for item in ConsentItem if item not in self.answers]

    def choices(self) -> ConsentChoices:
        return ConsentChoices.of(item for item, agreed in self.answers.items() if agreed)

    def value(self, item: ConsentItem) -> str:
        """yes / no / '' (not answered), for the radios and hidden fields."""
        if item not in self.answers:
            return ""
        return YES if self.answers[item] else NO

    def hidden(self) -> list[tuple[str, str]]:
        fields = [(item.value, self.value(item)) for item in ConsentItem if item in self.answers]
        return [*fields, ("under40", "1")] if self.under40 else fields

    def with_under40(self) -> Selection:
        return Selection({**self.answers, ConsentItem.CHECKUP: False}, under40=True)


def parse_context(value: str, allowed: frozenset[ConsentContext]) -> ConsentContext | None:
    try:
        context = ConsentContext(value)
    except ValueError:
        return None
    return context if context in allowed else None


CONTEXT_NOTES = {
    ConsentContext.HOME_VISIT: "※この同意は、当機関から継続的に訪問診療等を受ける一定期間、有効です。",
    ConsentContext.HOUSE_CALL: "※この同意は、今回の往診に限り有効です（同意から24時間）。往診のたびに同意をお願いします。",
    ConsentContext.ONLINE_CARE: "※この同意は、今回のオンライン診療等に限り有効です（同意から24時間）。",
}
