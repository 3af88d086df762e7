"""Support money by the utilisation rate (domain.md §8; seed 000 1-3), from a facility's own
monthly figures — the same rules the portal calculator applies (`onshi.domain.portal`), fed
with the rates and users onshi counted instead of figures typed in.

* 支援金 (January–May 2024): for facilities whose rate rose against October 2023. The amount
  follows the January–May average rate and total card uses; the seed does not contain the
  amount table, so no yen figure is computed — the inputs it depends on are.
* 一時金 (May–July 2024, 集中取組月間): for growth in card users in any of those months over
  October 2023, on condition of the common poster and flyers; at most 10万円 (hospitals
  20万円). The amount steps are not in the seed either.

Both are paid by 支払基金 without application, so every facility is evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from onshi.domain.facility import FacilityType
from onshi.domain.portal.subsidies import Applicant, Evaluation, evaluate
from onshi.domain.portal.values import months_between
from onshi.domain.statistics.rates import TWO_DECIMALS
from onshi.domain.statistics.utilisation import UtilisationRate

SUPPORT_PROGRAM = "usage_support"  # マイナ保険証利用促進のための支援金（令和6年1月～5月）
LUMP_SUM_PROGRAM = "usage_lump_sum"  # 一時金（令和6年5月～7月）
SUPPORT_MONTHS = months_between(date(2024, 1, 1), date(2024, 5, 1))
POSTER_AND_FLYER = "poster_and_flyer"


@dataclass(frozen=True, slots=True)
class FacilityMonth:
    rate: UtilisationRate  # users and claims of the month
    card_uses: int  # card confirmations (月間利用件数), every insurer


@dataclass(frozen=True, slots=True)
class Support:
    support: Evaluation  # 支援金: eligible or not, with every check's reason
    lump_sum: Evaluation  # 一時金
    average_rate: (
        Decimal | None
    )  # January–May 2024 average of the months with a rate (the amount depends on it)
    total_uses: int  # January–May 2024 card uses (likewise)


def evaluate_support(
    facility_type: FacilityType,
    months: Mapping[date, FacilityMonth],
    as_of: date,
    declarations: frozenset[str] = frozenset(),
) -> Support:
    """Both programs for one facility. A month without claims data has no rate and is left
    out of the rates (the checks then say which month is missing). A rate above 100 % (more
    card users than claims, e.g. claims not yet complete) is taken as 100 %."""
    rates = {
        month: min(exact, Decimal(100)).quantize(TWO_DECIMALS)
        for month, figures in months.items()
        if (exact := figures.rate.exact) is not None
    }
    applicant = Applicant(
        facility_type,
        monthly_uses={month: figures.card_uses for month, figures in months.items()},
        monthly_users={month: figures.rate.users for month, figures in months.items()},
        utilisation_rates=rates,
        declarations=declarations,
    )
    window = [rates[month] for month in SUPPORT_MONTHS if month in rates]
    average = (sum(window, Decimal(0)) / len(window)).quantize(TWO_DECIMALS) if window else None
    return Support(
        evaluate(SUPPORT_PROGRAM, applicant, as_of),
        evaluate(LUMP_SUM_PROGRAM, applicant, as_of),
        average,
        sum(months[month].card_uses for month in SUPPORT_MONTHS if month in months),
    )
