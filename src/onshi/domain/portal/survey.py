"""The adoption-intent survey (「オンライン資格確認」導入意向調査), seed 002 別添3, and its tally.

Sent in April 2022 to insured facilities that had not applied for a face-recognition card
reader. Its four questions, as the seed words them:

1. 今後、顔認証付きカードリーダーの申込を行い、オンライン資格確認を導入する予定はありますか？
   ある（____年__月頃） / ない
2. 問1で「ない」の方: 申込をしない理由（複数可） — eight reasons, the last その他（自由記載）
3. 運用開始時期を早める又は導入する方針に変更するための条件（上位2つまで） — five conditions,
   two with 例えば（自由記載）, the last その他
4. 医療機関区分（病院は病床数）と所在都道府県 — taken from the facility's registration here.

The operator's tally counts reasons and conditions, overall and by prefecture and facility
category. A facility's latest answer is the one counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityType
from onshi.domain.portal.fields import Reader

MAX_CONDITIONS = 2  # 上位2つまでお選びください
FIRST_PLAN_YEAR, LAST_PLAN_YEAR = 2022, 2035


class Reason(StrEnum):
    """問2 申込をしない理由."""

    RUNNING_COSTS = "running_costs"
    NOT_DIGITAL = "not_digital"
    FEW_BENEFITS = "few_benefits"
    FEW_CARD_USERS = "few_card_users"
    CLOSING = "closing"
    SMALL_SCALE = "small_scale"
    BUSY = "busy"
    OTHER = "other"

    @property
    def label_ja(self) -> str:
        return _REASONS[self]


_REASONS = {
    Reason.RUNNING_COSTS: "導入後、継続して費用がかかる（増える）ため",
    Reason.NOT_DIGITAL: "デジタル機器の利用ができない（抵抗がある）ため",
    Reason.FEW_BENEFITS: "オンライン資格確認のメリットが少ないため",
    Reason.FEW_CARD_USERS: "マイナンバーカードの利用者が少ないと考えるため",
    Reason.CLOSING: "1～2年以内に閉院・閉局する可能性が高いため",
    Reason.SMALL_SCALE: "小規模であるため、費用対効果がわるい",
    Reason.BUSY: "業務が多忙のため",
    Reason.OTHER: "その他",
}


class Condition(StrEnum):
    """問3 導入する方針に変更するための条件."""

    MORE_BENEFITS = "more_benefits"
    CARD_SPREAD = "card_spread"
    OTHERS_USE = "others_use"
    SUPPORT = "support"
    OTHER = "other"

    @property
    def label_ja(self) -> str:
        return _CONDITIONS[self]

    @property
    def has_detail(self) -> bool:
        """例えば（…） or その他（…）: the form has a text field for it."""
        return self in (Condition.MORE_BENEFITS, Condition.SUPPORT, Condition.OTHER)


_CONDITIONS = {
    Condition.MORE_BENEFITS: "導入のメリットが増えること",
    Condition.CARD_SPREAD: "マイナンバーカードの普及率の向上",
    Condition.OTHERS_USE: "他の医療機関・薬局でもオンライン資格確認が使われていること",
    Condition.SUPPORT: "導入に向けた支援があること",
    Condition.OTHER: "その他",
}


class Category(StrEnum):
    """問4 医療機関区分 (the questionnaire's four; 内科診療所 stands for every medical clinic)."""

    HOSPITAL = "hospital"
    MEDICAL_CLINIC = "medical_clinic"
    DENTAL_CLINIC = "dental_clinic"
    PHARMACY = "pharmacy"

    @property
    def label_ja(self) -> str:
        return {
            "hospital": "病院",
            "medical_clinic": "内科診療所（医科）",
            "dental_clinic": "歯科診療所",
        }.get(self.value, "薬局")


def category_of(facility_type: FacilityType) -> Category:
    try:
        return Category(facility_type.value)
    except ValueError:
        raise InvalidValue(
            "facility_type",
            Problem.INCONSISTENT,
            "この調査は保険医療機関・保険薬局が対象です（訪問看護ステーションは対象外）",
            "the survey is for hospitals, clinics and pharmacies",
        ) from None


@dataclass(frozen=True, slots=True)
class Answer:
    plans: bool  # 問1 ある / ない
    planned_month: date | None  # 問1 ____年__月頃 (first day)
    reasons: tuple[Reason, ...]  # 問2
    reason_other: str  # 問2 その他（…）
    conditions: tuple[Condition, ...]  # 問3
    condition_details: tuple[tuple[Condition, str], ...]  # 問3 例えば（…）/ その他（…）
    beds: int | None  # 問4 病院（__床）


def read_answer(values: Mapping[str, object], facility_type: FacilityType) -> Answer:
    """Raises FormInvalid (every problem) or InvalidValue (a facility the survey is not for)."""
    category = category_of(facility_type)
    form = Reader(values)
    plans_text = form.raw("plans")
    if plans_text not in ("yes", "no"):
        form.refuse("plans", Problem.REQUIRED, "問1に回答してください（ある／ない）", "plans is yes or no")
    plans = plans_text == "yes"
    month = _planned_month(form) if plans else None
    reasons = form.choices("reasons", Reason, "問2の理由")
    reason_other = form.text("reason_other", "問2 その他", required=False, max_length=200)
    _check_reasons(form, plans, reasons, reason_other)
    conditions = form.choices("conditions", Condition, "問3の条件")
    details = _condition_details(form, conditions)
    _check_conditions(form, conditions)
    beds = form.integer("beds", "病床数", 1, 3000, required=category is Category.HOSPITAL)
    if category is not Category.HOSPITAL:
        beds = None
    form.done()
    return Answer(plans, month, reasons, reason_other, conditions, details, beds)


def _planned_month(form: Reader) -> date | None:
    year = form.integer("planned_year", "問1 予定の年", FIRST_PLAN_YEAR, LAST_PLAN_YEAR)
    month = form.integer("planned_month", "問1 予定の月", 1, 12)
    return date(year, month, 1) if year is not None and month is not None else None


def _check_reasons(form: Reader, plans: bool, reasons: tuple[Reason, ...], other: str) -> None:
    if plans and reasons:
        form.refuse(
            "reasons",
            Problem.INCONSISTENT,
            "問2は問1で「ない」と答えた方だけが回答します",
            "reasons are only for facilities without plans",
        )
    if not plans and form.raw("plans") == "no" and not reasons:
        form.refuse(
            "reasons", Problem.REQUIRED, "問2の理由を1つ以上選んでください", "choose at least one reason"
        )
    if (Reason.OTHER in reasons) != bool(other):
        form.refuse(
            "reason_other",
            Problem.INCONSISTENT,
            "「その他」を選んだときは内容を記入してください（選ばないときは空欄）",
            "other needs its text, and the text needs other",
        )


def _condition_details(form: Reader, conditions: tuple[Condition, ...]) -> tuple[tuple[Condition, str], ...]:
    details = []
    for condition in Condition:
        if not condition.has_detail:
            continue
        text = form.text(
            f"condition_{condition.value}", f"問3 {condition.label_ja}の内容", required=False, max_length=200
        )
        if text and condition not in conditions:
            form.refuse(
                f"condition_{condition.value}",
                Problem.INCONSISTENT,
                f"「{condition.label_ja}」を選んだときだけ記入します",
                f"text given for {condition.value} without choosing it",
            )
        elif text:
            details.append((condition, text))
    if Condition.OTHER in conditions and Condition.OTHER not in dict(details):
        form.refuse(
            "condition_other",
            Problem.REQUIRED,
            "問3「その他」の内容を記入してください",
            "other needs its text",
        )
    return tuple(details)


def _check_conditions(form: Reader, conditions: tuple[Condition, ...]) -> None:
    if not conditions:
        form.refuse(
            "conditions",
            Problem.REQUIRED,
            "問3の条件を選んでください（2つまで）",
            "choose one or two conditions",
        )
    elif len(conditions) > MAX_CONDITIONS:
        form.refuse(
            "conditions",
            Problem.INCONSISTENT,
            f"問3は上位{MAX_CONDITIONS}つまで選びます（{len(conditions)}つ選択）",
            f"at most {MAX_CONDITIONS} conditions",
        )


# --- the tally -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Response:
    answer: Answer
    category: Category
    prefecture_code: str


@dataclass(slots=True)
class Group:
    """Counts for all responses or for one prefecture or category."""

    responses: int = 0
    plans: int = 0
    no_plans: int = 0
    reasons: Counter[Reason] = field(default_factory=Counter)
    conditions: Counter[Condition] = field(default_factory=Counter)

    def add(self, answer: Answer) -> None:
        self.responses += 1
        if answer.plans:
            self.plans += 1
        else:
            self.no_plans += 1
        self.reasons.update(answer.reasons)
        self.conditions.update(answer.conditions)

    def top_reason(self) -> Reason | None:
        ranked = self.reasons.most_common(1)
        return ranked[0][0] if ranked else None


@dataclass(slots=True)
class Tally:
    total: Group
    by_prefecture: dict[str, Group]
    by_category: dict[Category, Group]
    other_reasons: list[str]  # 問2 その他 as written
    condition_texts: list[tuple[Condition, str]]  # 問3 例えば／その他 as written
    planned_months: Counter[date]


def tally(responses: Iterable[Response]) -> Tally:
    result = Tally(Group(), {}, {}, [], [], Counter())
    for response in responses:
        answer = response.answer
        result.total.add(answer)
        result.by_prefecture.setdefault(response.prefecture_code, Group()).add(answer)
        result.by_category.setdefault(response.category, Group()).add(answer)
        if answer.reason_other:
            result.other_reasons.append(answer.reason_other)
        result.condition_texts.extend(answer.condition_details)
        if answer.planned_month is not None:
            result.planned_months[answer.planned_month] += 1
    result.by_prefecture = dict(sorted(result.by_prefecture.items()))
    result.by_category = {c: result.by_category[c] for c in Category if c in result.by_category}
    return result
