"""The patient's copay (窓口負担) for one visit: insurance ratio, high-cost limit, then 公費.

In order (docs/public-expense.md gives the sources and onshi's simplifications):

1. the insurance share: the cost (10割) × the copay ratio, rounded to 10 yen (10円未満四捨五入);
   with no health insurance (医療扶助単独) the whole cost;
2. the high-cost limit (高額療養費, 限度額適用区分) when the category is known: the month's limit at
   this facility and setting, less what the patient already bore this month;
3. each applicable public-expense entitlement in priority order lowers what is left to its own
   limits — a share of the cost, a fixed amount per visit, the monthly cap less what was paid
   toward it this month; what it takes off is what it pays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from onshi.domain.codes import LimitCategory
from onshi.domain.facility import FacilityType
from onshi.domain.public_expense import CareSetting, Entitlement, in_priority_order
from onshi.domain.qualification import Qualification

EntitlementKey = tuple[str, str]  # (公費負担者番号, 受給者番号)


def ratio_share(amount_yen: int, percent: int) -> int:
    """`percent` of the cost, rounded to 10 yen (四捨五入)."""
    return (amount_yen * percent + 500) // 1000 * 10


def _one_percent_over(month_amount: int, threshold: int) -> int:
    return (max(0, month_amount - threshold) + 50) // 100


# (base, threshold of the 1% part) for the income-linked categories; flat limits below.
_INCOME_LINKED: dict[LimitCategory, tuple[int, int]] = {
    LimitCategory.A01: (252_600, 842_000),
    LimitCategory.A02: (167_400, 558_000),
    LimitCategory.A03: (80_100, 267_000),
    LimitCategory.B01: (252_600, 842_000),
    LimitCategory.B02: (167_400, 558_000),
    LimitCategory.B03: (80_100, 267_000),
}
# (outpatient, inpatient) monthly limits. Under 70 the two are the same; from 70 the
# outpatient figure is the individual 外来 limit, the inpatient one the household limit.
_FLAT: dict[LimitCategory, tuple[int, int]] = {
    LimitCategory.A04: (57_600, 57_600),
    LimitCategory.A05: (35_400, 35_400),
    LimitCategory.A06: (35_400, 35_400),
    LimitCategory.B04: (18_000, 57_600),
    LimitCategory.B05: (8_000, 24_600),
    LimitCategory.B06: (8_000, 15_000),
    LimitCategory.B07: (8_000, 15_000),
    LimitCategory.B08: (8_000, 15_000),
    LimitCategory.B09: (18_000, 57_600),
    LimitCategory.B10: (18_000, 57_600),
}


def high_cost_limit(category: LimitCategory, setting: CareSetting, month_amount_yen: int) -> int:
    """The month's limit on the patient's share (高額療養費の自己負担限度額) at one facility,
    for the month's total cost `month_amount_yen` (this visit included)."""
    if category in _INCOME_LINKED:
        base, threshold = _INCOME_LINKED[category]
        return base + _one_percent_over(month_amount_yen, threshold)
    outpatient, inpatient = _FLAT[category]
    return inpatient if setting is CareSetting.INPATIENT else outpatient


@dataclass(frozen=True, slots=True)
class Visit:
    day: date
    amount_yen: int  # 総医療費 (10割) of this visit
    setting: CareSetting
    insurance_percent: int | None  # 10 / 20 / 30; None: no health insurance (医療扶助単独)
    limit_category: LimitCategory | None = None  # 限度額適用区分, when known (consented)
    facility_type: FacilityType | None = None


@dataclass(frozen=True, slots=True)
class MonthToDate:
    """What happened earlier in the month (same facility and setting for the first two)."""

    amount_yen: int = 0  # cost (10割) of the earlier visits
    share_yen: int = 0  # the patient's share after the high-cost limit, before 公費
    paid_toward: Mapping[EntitlementKey, int] = field(default_factory=dict)  # toward each monthly cap


@dataclass(frozen=True, slots=True)
class PublicExpenseShare:
    entitlement: Entitlement
    pays_yen: int
    patient_after_yen: int


@dataclass(frozen=True, slots=True)
class Copay:
    amount_yen: int
    insurance_share_yen: int  # the ratio's share (before the high-cost limit)
    limited_share_yen: int  # after the high-cost limit (the patient's share at insurance level)
    public_expense: tuple[PublicExpenseShare, ...]
    patient_pays_yen: int
    not_applied: tuple[Entitlement, ...] = ()  # not valid that day, or not for this setting / facility

    @property
    def insurer_pays_yen(self) -> int:
        return self.amount_yen - self.limited_share_yen

    @property
    def high_cost_yen(self) -> int:
        """What the high-cost limit took off the patient's share (paid by the insurer)."""
        return self.insurance_share_yen - self.limited_share_yen


def _after(entitlement: Entitlement, share: int, visit: Visit, month: MonthToDate) -> int:
    terms = entitlement.effective_terms
    left = share
    if terms.percent is not None:
        left = min(left, ratio_share(visit.amount_yen, terms.percent))
    if terms.per_visit_yen is not None:
        left = min(left, terms.per_visit_yen)
    if terms.monthly_cap_yen is not None:
        left = min(left, max(0, terms.monthly_cap_yen - month.paid_toward.get(entitlement.key, 0)))
    return left


def copay(visit: Visit, entitlements: Sequence[Entitlement], month: MonthToDate | None = None) -> Copay:
    """The copay of `visit` with the patient's public-expense entitlements (any order)."""
    if visit.amount_yen < 0:
        raise ValueError("a visit's cost cannot be negative")
    month = month or MonthToDate()
    percent = 100 if visit.insurance_percent is None else visit.insurance_percent
    share = ratio_share(visit.amount_yen, percent)
    limited = share
    if visit.limit_category is not None and visit.insurance_percent is not None:
        limit = high_cost_limit(visit.limit_category, visit.setting, month.amount_yen + visit.amount_yen)
        limited = min(share, max(0, limit - month.share_yen))
    left = limited
    applied: list[PublicExpenseShare] = []
    skipped: list[Entitlement] = []
    for entitlement in in_priority_order(entitlements):
        if not entitlement.applies_to(visit.day, visit.setting, visit.facility_type):
            skipped.append(entitlement)
            continue
        after = _after(entitlement, left, visit, month)
        applied.append(PublicExpenseShare(entitlement, left - after, after))
        left = after
    return Copay(visit.amount_yen, share, limited, tuple(applied), left, tuple(skipped))


def qualification_visit(
    person: Qualification,
    day: date,
    amount_yen: int,
    setting: CareSetting,
    facility_type: FacilityType | None = None,
    limit_consented: bool = False,
) -> Visit:
    """A visit of an insured person: the ratio they pay on the day, and their limit category
    only when they consented to its provision (限度額情報の提供同意) and the certificate is valid."""
    limit = person.limit
    category = None
    if limit_consented and limit is not None and limit.category is not None and limit.is_valid_on(day):
        category = limit.category
    return Visit(day, amount_yen, setting, person.copay_percent_on(day), category, facility_type)
