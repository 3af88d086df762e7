"""Support money from a facility's own months (seed 000 1-3), table-tested: who qualifies and why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from onshi.domain.facility import FacilityType
from onshi.domain.statistics.support import POSTER_AND_FLYER, FacilityMonth, Support, evaluate_support
from onshi.domain.statistics.utilisation import UtilisationRate

F = FacilityType
AS_OF = date(2024, 8, 1)


def M(year: int, month: int) -> date:
    return date(year, month, 1)


def months(
    users: dict[date, int], claims: int | None = 1000, uses_per_user: int = 2
) -> dict[date, FacilityMonth]:
    return {m: FacilityMonth(UtilisationRate(m, n, claims), n * uses_per_user) for m, n in users.items()}


def support(
    users: dict[date, int], facility: F = F.MEDICAL_CLINIC, declared: bool = True, **kw: object
) -> Support:
    declarations = frozenset({POSTER_AND_FLYER}) if declared else frozenset()
    return evaluate_support(facility, months(users, **kw), AS_OF, declarations)  # type: ignore[arg-type]


def failed(evaluation: object) -> set[str]:
    return {c.requirement for c in evaluation.checks if not c.met}  # type: ignore[attr-defined]


RISING = {M(2023, 10): 50, **{M(2024, m): 60 + m for m in range(1, 8)}}  # 5.0 % in October, then ≈ 6–6.7 %
FLAT = {M(2023, 10): 50, **{M(2024, m): 50 for m in range(1, 8)}}


@pytest.mark.parametrize(
    ("case", "users", "facility", "declared", "support_ok", "lump_ok", "support_fails", "lump_fails"),
    [
        ("rate rose, poster shown", RISING, F.MEDICAL_CLINIC, True, True, True, set(), set()),
        ("rate rose, no poster", RISING, F.PHARMACY, False, True, False, set(), {"poster_and_flyer"}),
        ("flat", FLAT, F.DENTAL_CLINIC, True, False, False, {"rate_increase"}, {"users_increase"}),
        ("no October 2023", {M(2024, m): 70 for m in range(1, 8)}, F.HOSPITAL, True, False, False,
         {"rate_increase"}, {"users_increase"}),
        ("visiting nursing is not covered", RISING, F.VISITING_NURSING, True, False, False,
         {"facility_class"}, {"facility_class"}),
    ],
)  # fmt: skip
def test_who_qualifies(
    case: str, users: dict[date, int], facility: F, declared: bool, support_ok: bool, lump_ok: bool,
    support_fails: set[str], lump_fails: set[str],
) -> None:  # fmt: skip
    result = support(users, facility, declared)
    assert (result.support.eligible, result.lump_sum.eligible) == (support_ok, lump_ok), case
    assert failed(result.support) == support_fails, case
    assert failed(result.lump_sum) == lump_fails, case
    assert all(check.note.ja and check.note.en for check in (*result.support.checks, *result.lump_sum.checks))


def test_the_reasons_name_the_figures() -> None:
    result = support(RISING)
    (rate_check,) = [c for c in result.support.checks if c.requirement == "rate_increase"]
    # January–May 2024: 6.1 … 6.5 %, average 6.30 %; October 2023: 5.00 %
    assert (
        "平均利用率 6.30%" in rate_check.note.ja
        and "5.00%" in rate_check.note.ja
        and "+1.30" in rate_check.note.ja
    )
    (users_check,) = [c for c in result.lump_sum.checks if c.requirement == "users_increase"]
    assert "2024-07 67人" in users_check.note.ja and "2023-10 50人" in users_check.note.ja
    assert result.average_rate == Decimal("6.30")
    assert result.total_uses == 2 * sum(60 + m for m in range(1, 6))


def test_the_amounts_are_not_invented() -> None:
    """The seed lacks the amount tables: no yen figure, a note that says so, the limits kept."""
    result = support(RISING, F.HOSPITAL)
    assert result.support.grant_yen is None and result.lump_sum.grant_yen is None
    assert result.lump_sum.calculation is not None and result.lump_sum.calculation.limit_yen == 200_000
    assert support(RISING, F.PHARMACY).lump_sum.calculation.limit_yen == 100_000  # type: ignore[union-attr]
    assert any("資料に含まれていません" in note.ja for note in result.support.notes)


def test_a_month_without_claims_has_no_rate() -> None:
    """Without November's claims, October has no rate: the rise cannot be measured."""
    data = months(RISING)
    data[M(2023, 10)] = FacilityMonth(UtilisationRate(M(2023, 10), 50, None), 100)
    result = evaluate_support(F.MEDICAL_CLINIC, data, AS_OF, frozenset({POSTER_AND_FLYER}))
    assert failed(result.support) == {"rate_increase"}
    assert "2023-10の利用率がありません" in next(c.note.ja for c in result.support.checks if not c.met)
    assert result.lump_sum.eligible  # users do not need claims


def test_a_rate_above_100_percent_is_capped() -> None:
    result = support({M(2023, 10): 10, **{M(2024, m): 2000 for m in range(1, 6)}})
    assert result.average_rate == Decimal("100.00") and result.support.eligible
