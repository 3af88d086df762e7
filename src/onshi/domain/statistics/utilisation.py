"""The My Number Card utilisation rate (マイナ保険証利用率) of a facility and month.

Seed 000 1-3 (〇利用率の算出方法〇, for October 2023):

    令和5年10月のマイナ保険証利用人数(名寄せ処理後) / 令和5年11月請求分レセプト枚数(外来レセのみ)
    ※被用者保険者(自衛官、日雇、公費除く)、国保保険者、後期高齢者広域連合

* Card users of month M after name matching (名寄せ): a person confirmed by card at the facility
  in M counts once however often they came, and once under whichever card keys — a patient is
  known by their patient key (`onshi.domain.consent_grants.patient_key`: the insurer's
  individual key, which follows the person across insurers, else the card key).
* ÷ the facility's outpatient claims (外来レセプト) billed in M+1 — the claims of M's care are
  billed the following month (the claim-month offset).
* Both over the insurer kinds the seed names: employee insurers except the SDF (自衛官等) and
  day labourers (日雇特例), national health insurance (国保, 国保組合, 退職者医療) and the
  late-elderly unions (後期高齢者医療広域連合); no public funds (公費).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from onshi.domain.insurer import InsurerKind
from onshi.domain.portal.values import shift_month
from onshi.domain.statistics.rates import TWO_DECIMALS, exact_percent, percent

RATE_INSURER_KINDS = frozenset(
    {
        InsurerKind.KYOKAI_KENPO,
        InsurerKind.SENIN,
        InsurerKind.KENPO_KUMIAI,
        InsurerKind.KYOSAI,
        InsurerKind.TOKUREI_TAISHOKU,
        InsurerKind.KOKUHO,
        InsurerKind.KOKUHO_KUMIAI,
        InsurerKind.TAISHOKU,
        InsurerKind.KOUKI_KOUREI,
    }
)
# Not counted: 自衛官等, 日雇特例 and public funds (a claims row for 公費単独 has this kind).
PUBLIC_EXPENSE = "public_expense"
CLAIM_KINDS = (*(kind.value for kind in InsurerKind), PUBLIC_EXPENSE)


def counts_toward_rate(kind: InsurerKind | str | None) -> bool:
    return kind is not None and kind in RATE_INSURER_KINDS


def billing_month_of(month: date) -> date:
    """The month whose claims (請求分) hold the care of `month`: the following one."""
    return shift_month(month, 1)


def care_month_of(billing_month: date) -> date:
    return shift_month(billing_month, -1)


@dataclass(frozen=True, slots=True)
class CardUse:
    """A card confirmation with a verdict: who, where, in which month, under which insurer."""

    facility: str
    month: date
    patient: str  # patient_key
    insurer_kind: InsurerKind | None  # None: not an insurer's member (public expense, unknown)


def name_matched_users(uses: Iterable[CardUse]) -> dict[tuple[str, date], int]:
    """名寄せ: distinct patients per facility and month, over the insurer kinds of the rate."""
    people: defaultdict[tuple[str, date], set[Hashable]] = defaultdict(set)
    for use in uses:
        if counts_toward_rate(use.insurer_kind):
            people[(use.facility, use.month)].add(use.patient)
    return {key: len(patients) for key, patients in people.items()}


@dataclass(frozen=True, slots=True)
class UtilisationRate:
    month: date  # the care month M
    users: int  # card users of M after 名寄せ
    claims: int | None  # outpatient claims billed in M+1; None: no claims data for M+1

    def __post_init__(self) -> None:
        if self.users < 0 or (self.claims is not None and self.claims < 0):
            raise ValueError("counts are never negative")

    @property
    def billing_month(self) -> date:
        return billing_month_of(self.month)

    @property
    def rate(self) -> Decimal | None:
        """In percent, two decimals; None without claims (no data, or none billed)."""
        return None if self.claims is None else percent(self.users, self.claims, TWO_DECIMALS)

    @property
    def exact(self) -> Decimal | None:
        return None if self.claims is None else exact_percent(self.users, self.claims)


def combined(month: date, rates: Iterable[UtilisationRate]) -> UtilisationRate:
    """A group's rate (type, prefecture, nation): its users over its claims, counting only the
    facilities with claims data for M+1 (a facility without them would inflate the rate)."""
    users = claims = 0
    for rate in rates:
        if rate.claims is not None:
            users += rate.users
            claims += rate.claims
    return UtilisationRate(month, users, claims)
