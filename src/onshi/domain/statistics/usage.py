"""Usage (利用状況): what facilities did with the system in a month, counted from the audit
trail — never from counters that could drift (seed 004 「オンライン資格確認の利用状況」).

What counts, by audit action (the names the services write):

* 資格確認 by card (マイナンバーカード): `card.confirm` that reached a verdict (`validity:N`),
  smartphone certificates (スマホ保険証) included and counted apart (`detail.form_factor`),
  目視確認 at home visits included (same action).
* 資格確認 by insurance numbers (保険証等): `confirm.numbers`, and the confirmations that work from
  numbers too — 再照会 (`confirm.reinquiry`) and public-expense recipient numbers
  (`confirm.public_expense`) — each with a verdict.
* 一括照会 entries: `confirm.batch`, one record per entry, with a verdict.
* Views (閲覧) of 特定健診等情報, 薬剤情報 and 診療情報: `clinical.view` that showed records
  (`shown`, or `override:disaster` in 災害時モード), by `detail.kind`; 診療情報 counts
  treatment and surgery (手術 is part of the 診療情報 a facility sees).

Refusals (bad keys, locked PINs, no consent) are not uses: nothing was confirmed or shown.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum

from onshi.domain.clinical import RecordKind
from onshi.domain.statistics.rates import TWO_DECIMALS, percent

VERDICT_PREFIX = "validity:"  # the outcome of a confirmation that reached a verdict
CARD_ACTION = "card.confirm"
NUMBER_ACTIONS = ("confirm.numbers", "confirm.reinquiry", "confirm.public_expense")
BATCH_ACTION = "confirm.batch"
VIEW_ACTION = "clinical.view"
SHOWN_OUTCOMES = ("shown", "override:disaster")
SMARTPHONE = "smartphone"  # detail.form_factor of a smartphone certificate


class ViewKind(StrEnum):
    """The three kinds of information the published usage tables count."""

    CHECKUP = "checkup"  # 特定健診等情報
    MEDICATION = "medication"  # 薬剤情報
    TREATMENT = "treatment"  # 診療情報（手術情報を含む）

    @property
    def label_ja(self) -> str:
        return _VIEW_LABELS[self]


_VIEW_LABELS = {
    ViewKind.CHECKUP: "特定健診等情報",
    ViewKind.MEDICATION: "薬剤情報",
    ViewKind.TREATMENT: "診療情報",
}
VIEW_KIND_OF_RECORD = {
    RecordKind.CHECKUP: ViewKind.CHECKUP,
    RecordKind.MEDICATION: ViewKind.MEDICATION,
    RecordKind.TREATMENT: ViewKind.TREATMENT,
    RecordKind.SURGERY: ViewKind.TREATMENT,
}


@dataclass(frozen=True, slots=True)
class MonthlyUsage:
    """One facility's (or a group's) month."""

    card: int = 0  # マイナンバーカードによる資格確認（スマホを含む）
    card_smartphone: int = 0  # うちスマホ保険証
    numbers: int = 0  # 保険証等の番号による資格確認
    batch: int = 0  # 一括照会の件数
    views_checkup: int = 0
    views_medication: int = 0
    views_treatment: int = 0

    def __add__(self, other: MonthlyUsage) -> MonthlyUsage:
        return MonthlyUsage(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def confirmations(self) -> int:
        """合計: card and numbers (the seed's total leaves batch entries apart)."""
        return self.card + self.numbers

    @property
    def card_share(self) -> Decimal | None:
        """マイナンバーカードの割合 of the confirmations, in percent (two decimals)."""
        return percent(self.card, self.confirmations, TWO_DECIMALS)

    @property
    def smartphone_share(self) -> Decimal | None:
        """スマホ保険証 among card confirmations, in percent (two decimals)."""
        return percent(self.card_smartphone, self.card, TWO_DECIMALS)

    def views(self, kind: ViewKind) -> int:
        return {
            ViewKind.CHECKUP: self.views_checkup,
            ViewKind.MEDICATION: self.views_medication,
            ViewKind.TREATMENT: self.views_treatment,
        }[kind]


def total(items: list[MonthlyUsage]) -> MonthlyUsage:
    result = MonthlyUsage()
    for item in items:
        result = result + item
    return result
