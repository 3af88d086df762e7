"""The 2022 medical-fee add-on 電子的保健医療情報活用加算, estimated from visits and card holding.

Rules (seed 002, 「患者情報等の活用に係る評価が新設されます」, 令和4年4月から): with online claims
(レセプトオンライン請求) and the patient's drug or check-up information obtained through the system,
初診 7点, 再診 4点 (once a month), 調剤管理料 3点 (once a month). At a facility already operating
online confirmation, when the information cannot be obtained (e.g. the patient brings no card):
初診 3点, 調剤管理料 1点 once every 3 months, until 令和6年3月末. 1点 = 10円.

The seed's model cases, and the inputs that reproduce them:

- Clinic: 35 patients a day, 23 of them add-on patients (3 初診, 20 再診), 20 days a month, card
  holding rate 42.4 %. The seed writes "(7点×3人) + (4点×20人) × 42.4% = 43点"; only the rate
  applied to the whole sum gives 43: (7×3 + 4×20) × 0.424 = 101 × 0.424 = 42.824 → 43 点/日,
  430 円/日, × 20 日 = 8,600 円/月, × 12 = 103,200 円/年. Everyone on insurance cards: the reduced
  初診 points only (再診 has none), 3 × 3 = 9 点/日 → 90 円 → 1,800 円/月 → 21,600 円/年.
- Pharmacy: 1,200 patients a month, 795 of them the month's first visit, rate 42.4 %:
  3 × 795 × 0.424 = 1,011.24 → 1,011 点/月 → 10,110 円/月 → 121,320 円/年. Everyone on insurance
  cards: 1 点 once every 3 months, 1 × 795 / 3 = 265 点/月 → 2,650 円/月 → 31,800 円/年.

Rounding: points per period (the unit the counts are given in: a day for the clinic, a month for
the pharmacy) to the nearest whole point, halves up. 42.824 → 43 rules out rounding down,
1,011.24 → 1,011 rules out rounding up, and rounding the clinic's month instead of its day
(856.48 → 856 点 → 8,560 円) does not give the seed's 8,600 円. Yen follow exactly from the points.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import NoReturn

from onshi.domain.dates import format_ja
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityType
from onshi.domain.portal.values import Note

YEN_PER_POINT = 10
MONTHS_PER_YEAR = 12


@dataclass(frozen=True, slots=True)
class AddonRules:
    name: Note
    effective_from: date
    reduced_until: date  # the reduced points (情報取得が困難な場合) end after this day
    first_visit_points: int
    revisit_points: int
    pharmacy_points: int
    reduced_first_visit_points: int
    reduced_pharmacy_points: int
    reduced_pharmacy_every_months: int  # 3月に1回
    source: str


RULES_2022 = AddonRules(
    name=Note("電子的保健医療情報活用加算", "electronic health information utilisation add-on"),
    effective_from=date(2022, 4, 1),
    reduced_until=date(2024, 3, 31),
    first_visit_points=7,
    revisit_points=4,
    pharmacy_points=3,
    reduced_first_visit_points=3,
    reduced_pharmacy_points=1,
    reduced_pharmacy_every_months=3,
    source="seed 002 患者情報等の活用に係る評価が新設されます; 保険医療機関/保険薬局におけるモデルケース",
)


class Period(StrEnum):
    DAY = "day"  # counts per day (the seed's clinic)
    MONTH = "month"  # counts per month (the seed's pharmacy)


@dataclass(frozen=True, slots=True)
class Visits:
    """Add-on patients per period: only those the add-on may be billed for (初診, a month's
    first 再診, a month's first 調剤)."""

    facility_type: FacilityType
    per: Period
    first_visits: int = 0  # 初診 (hospitals, clinics)
    revisits: int = 0  # 再診, the month's first (hospitals, clinics)
    pharmacy_patients: int = 0  # 調剤, the month's first (pharmacies)
    days_per_month: int | None = None  # needed when per is DAY
    card_rate_percent: Decimal = Decimal(0)  # マイナンバーカード保持率 (uses it and consents)
    online_claims: bool = True  # レセプトオンライン請求
    operating: bool = True  # オンライン資格確認の運用開始済み


@dataclass(frozen=True, slots=True)
class Term:
    """One product of the estimate: points × patients × share ÷ every_months."""

    kind: str  # first_visit, revisit, pharmacy, reduced_first_visit, reduced_pharmacy
    points: int
    patients: int
    share: Decimal  # of the patients: the card rate, its complement or 1
    every_months: int  # 1, or 3 for once every 3 months
    exact_points: Decimal


@dataclass(frozen=True, slots=True)
class Figures:
    terms: tuple[Term, ...]
    exact_points: Decimal  # per period
    points: int  # per period, rounded half up
    yen: int  # per period
    yen_per_month: int
    yen_per_year: int


@dataclass(frozen=True, slots=True)
class AddonEstimate:
    visits: Visits
    as_of: date
    rules: AddonRules
    billable: bool
    reduced_available: bool
    with_card: Figures  # 取得するケース: card holders, information obtained
    insurance_card_only: Figures  # 全患者が健康保険証を使う場合
    combined: Figures  # card holders at full points, everyone else at reduced points
    notes: tuple[Note, ...]


def estimate(visits: Visits, as_of: date, rules: AddonRules = RULES_2022) -> AddonEstimate:
    """The seed's two scenarios and their combination, per period, month and year."""
    _validate(visits)
    notes = _notes(visits, as_of, rules)
    billable = visits.online_claims and visits.operating and as_of >= rules.effective_from
    reduced = billable and as_of <= rules.reduced_until
    rate = visits.card_rate_percent / 100
    full = _full_terms(visits, rules, rate) if billable else ()
    others = _reduced_terms(visits, rules, 1 - rate) if reduced else ()
    everyone = _reduced_terms(visits, rules, Decimal(1)) if reduced else ()
    return AddonEstimate(
        visits,
        as_of,
        rules,
        billable,
        reduced,
        _figures(full, visits),
        _figures(everyone, visits),
        _figures(full + others, visits),
        notes,
    )


def _is_pharmacy(visits: Visits) -> bool:
    return visits.facility_type is FacilityType.PHARMACY


def _full_terms(visits: Visits, rules: AddonRules, share: Decimal) -> tuple[Term, ...]:
    if _is_pharmacy(visits):
        return (_term("pharmacy", rules.pharmacy_points, visits.pharmacy_patients, share),)
    return (
        _term("first_visit", rules.first_visit_points, visits.first_visits, share),
        _term("revisit", rules.revisit_points, visits.revisits, share),
    )


def _reduced_terms(visits: Visits, rules: AddonRules, share: Decimal) -> tuple[Term, ...]:
    if _is_pharmacy(visits):
        every = rules.reduced_pharmacy_every_months
        return (
            _term("reduced_pharmacy", rules.reduced_pharmacy_points, visits.pharmacy_patients, share, every),
        )
    return (_term("reduced_first_visit", rules.reduced_first_visit_points, visits.first_visits, share),)


def _term(kind: str, points: int, patients: int, share: Decimal, every_months: int = 1) -> Term:
    exact = Decimal(points) * patients * share / every_months
    return Term(kind, points, patients, share, every_months, exact)


def _figures(terms: tuple[Term, ...], visits: Visits) -> Figures:
    exact = sum((term.exact_points for term in terms), Decimal(0))
    points = int(exact.to_integral_value(rounding=ROUND_HALF_UP))
    yen = points * YEN_PER_POINT
    per_month = yen * (visits.days_per_month or 1) if visits.per is Period.DAY else yen
    return Figures(terms, exact, points, yen, per_month, per_month * MONTHS_PER_YEAR)


def _notes(visits: Visits, as_of: date, rules: AddonRules) -> tuple[Note, ...]:
    notes: list[Note] = []
    if as_of < rules.effective_from:
        start = rules.effective_from
        notes.append(
            Note(f"この加算は{format_ja(start)}からです", f"the add-on starts on {start.isoformat()}")
        )
    if not visits.online_claims:
        notes.append(Note("加算にはレセプトオンライン請求が必要です", "the add-on needs online claims"))
    if not visits.operating:
        notes.append(
            Note(
                "加算にはオンライン資格確認の運用開始が必要です",
                "the add-on needs online qualification confirmation in operation",
            )
        )
    if as_of > rules.reduced_until:
        end = rules.reduced_until
        notes.append(
            Note(
                f"情報を取得できない場合の点数は{format_ja(end)}で終了しました",
                f"the reduced points without information ended on {end.isoformat()}",
            )
        )
    return tuple(notes)


def _validate(visits: Visits) -> None:
    if visits.facility_type is FacilityType.VISITING_NURSING:
        _fail(
            "facility_type",
            "訪問看護ステーションにはこの加算はありません",
            "visiting nursing has no such add-on",
        )
    if any(n < 0 for n in (visits.first_visits, visits.revisits, visits.pharmacy_patients)):
        _fail("visits", "患者数は0以上です", "patient counts are 0 or more", Problem.BAD_FORMAT)
    if _is_pharmacy(visits) and (visits.first_visits or visits.revisits):
        _fail(
            "visits",
            "薬局は調剤の患者数（--patients）で入力します",
            "a pharmacy gives pharmacy patients (--patients)",
        )
    if not _is_pharmacy(visits) and visits.pharmacy_patients:
        _fail(
            "visits",
            "医療機関は初診・再診の患者数で入力します",
            "a hospital or clinic gives first visits and revisits",
        )
    if not Decimal(0) <= visits.card_rate_percent <= Decimal(100):
        _fail(
            "card_rate",
            "マイナンバーカード保持率は0～100%です",
            "the card holding rate is 0–100 %",
            Problem.BAD_FORMAT,
        )
    if visits.per is Period.DAY and not (visits.days_per_month and 1 <= visits.days_per_month <= 31):
        _fail(
            "days_per_month",
            "1日当たりの場合は月の診療日数（1～31）が必要です",
            "per day needs days per month (1–31)",
        )
    if visits.per is Period.MONTH and visits.days_per_month is not None:
        _fail(
            "days_per_month", "月当たりの場合は診療日数を指定しません", "days per month only go with per day"
        )


def _fail(field: str, ja: str, en: str, problem: Problem = Problem.INCONSISTENT) -> NoReturn:
    raise InvalidValue(field, problem, ja, en)
