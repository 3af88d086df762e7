"""電子的保健医療情報活用加算 (2022): the seed's model cases, rounding, dates and conditions.

Seed: /work/shared/seeds/002_72aae3d2de244485.txt, 「保険医療機関におけるモデルケース」 and
「保険薬局におけるモデルケース」 (the figures below), 「患者情報等の活用に係る評価が新設されます」 (the points).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onshi.domain.errors import InvalidValue
from onshi.domain.facility import FacilityType
from onshi.domain.portal.addons import RULES_2022, Period, Visits, estimate

IN_FORCE = date(2022, 6, 1)
SEED_RATE = Decimal("42.4")  # マイナンバーカード保持率は42.4%とする


# 診療所にて1日35人が来院し、23人を加算対象とし、その内初診患者数3人、再診患者数20人; 1か月の診療日は20日
CLINIC = Visits(
    FacilityType.MEDICAL_CLINIC,
    Period.DAY,
    first_visits=3,
    revisits=20,
    days_per_month=20,
    card_rate_percent=SEED_RATE,
)
# 1か月の来局患者は1,200人とし、795人が加算対象(月の初回患者)
PHARMACY = Visits(FacilityType.PHARMACY, Period.MONTH, pharmacy_patients=795, card_rate_percent=SEED_RATE)


def clinic(**changes: Any) -> Visits:
    return replace(CLINIC, **changes)


def pharmacy(**changes: Any) -> Visits:
    return replace(PHARMACY, **changes)


@pytest.mark.parametrize(
    ("visits", "scenario", "exact", "points", "yen", "per_month", "per_year"),
    [
        # (7点×3人) + (4点×20人) × 42.4% = 43点 (430円/日); 1か月当たり 8,600円、年間 103,200円
        (clinic(), "with_card", "42.824", 43, 430, 8_600, 103_200),
        # (全患者が健康保険証を使う場合は、年間21,600円): 初診 3点 × 3人 = 9点/日
        (clinic(), "insurance_card_only", "9", 9, 90, 1_800, 21_600),
        # 3点 × 795人 × 42.4% = 1,011点 (10,110円/月); 年間121,320円
        (pharmacy(), "with_card", "1011.24", 1_011, 10_110, 10_110, 121_320),
        # (全患者が健康保険証を使う場合は、年間31,800円): 1点 × 795人 ÷ 3 (3月に1回) = 265点/月
        (pharmacy(), "insurance_card_only", "265", 265, 2_650, 2_650, 31_800),
    ],
)
def test_the_seed_model_cases(
    visits: Visits, scenario: str, exact: str, points: int, yen: int, per_month: int, per_year: int
) -> None:
    figures = getattr(estimate(visits, IN_FORCE), scenario)
    assert figures.exact_points == Decimal(exact)
    assert (figures.points, figures.yen, figures.yen_per_month, figures.yen_per_year) == (
        points,
        yen,
        per_month,
        per_year,
    )


def test_the_terms_show_each_product() -> None:
    terms = estimate(clinic(), IN_FORCE).with_card.terms
    assert [(t.kind, t.points, t.patients, t.share, t.exact_points) for t in terms] == [
        ("first_visit", 7, 3, Decimal("0.424"), Decimal("8.904")),
        ("revisit", 4, 20, Decimal("0.424"), Decimal("33.920")),
    ]
    reduced = estimate(pharmacy(), IN_FORCE).insurance_card_only.terms
    assert [(t.kind, t.points, t.every_months) for t in reduced] == [("reduced_pharmacy", 1, 3)]


def test_combined_gives_card_holders_full_points_and_the_rest_reduced_points() -> None:
    result = estimate(clinic(), IN_FORCE).combined
    assert result.exact_points == Decimal("42.824") + Decimal(9) * Decimal("0.576")  # 48.008
    assert (result.points, result.yen_per_year) == (48, 115_200)


def test_rounding_is_per_period_as_the_counts_are_given() -> None:
    """Rounding the clinic's month instead of its day would give 856点 → 8,560円, not the seed's 8,600円."""
    monthly = estimate(clinic(per=Period.MONTH, first_visits=60, revisits=400, days_per_month=None), IN_FORCE)
    assert monthly.with_card.exact_points == Decimal("856.480")
    assert monthly.with_card.yen_per_month == 8_560


@pytest.mark.parametrize(
    ("rate", "points"),
    # 3点 × 1人 × rate: 1.5, 1.497, 2.502, 2.499, 0.498
    [("50", 2), ("49.9", 1), ("83.4", 3), ("83.3", 2), ("16.6", 0)],
)
def test_points_round_half_up(rate: str, points: int) -> None:
    visits = pharmacy(pharmacy_patients=1, card_rate_percent=Decimal(rate))
    figures = estimate(visits, IN_FORCE).with_card
    assert figures.points == points


def test_reduced_points_end_after_march_2024() -> None:
    last_day = estimate(pharmacy(), RULES_2022.reduced_until)
    assert last_day.reduced_available and last_day.insurance_card_only.yen_per_year == 31_800
    after = estimate(pharmacy(), date(2024, 4, 1))
    assert not after.reduced_available
    assert after.insurance_card_only.points == 0
    assert after.combined == after.with_card
    assert any("2024-03-31" in note.en for note in after.notes)


@pytest.mark.parametrize(
    ("changes", "on", "word"),
    [
        ({"online_claims": False}, IN_FORCE, "online claims"),
        ({"operating": False}, IN_FORCE, "in operation"),
        ({}, date(2022, 3, 31), "starts on 2022-04-01"),
    ],
)
def test_nothing_is_billable_without_its_conditions(changes: dict[str, Any], on: date, word: str) -> None:
    result = estimate(clinic(**changes), on)
    assert not result.billable
    assert result.with_card.points == result.insurance_card_only.points == result.combined.points == 0
    assert any(word in note.en for note in result.notes)


@pytest.mark.parametrize("kind", [FacilityType.HOSPITAL, FacilityType.DENTAL_CLINIC])
def test_hospitals_and_dental_clinics_use_the_medical_points(kind: FacilityType) -> None:
    assert estimate(clinic(facility_type=kind), IN_FORCE).with_card.points == 43


@pytest.mark.parametrize(
    ("visits", "field"),
    [
        (clinic(facility_type=FacilityType.VISITING_NURSING), "facility_type"),
        (pharmacy(first_visits=3), "visits"),
        (clinic(pharmacy_patients=3), "visits"),
        (clinic(revisits=-1), "visits"),
        (clinic(card_rate_percent=Decimal("100.1")), "card_rate"),
        (clinic(days_per_month=None), "days_per_month"),
        (clinic(days_per_month=32), "days_per_month"),
        (pharmacy(days_per_month=20), "days_per_month"),
    ],
)
def test_bad_visits_are_refused(visits: Visits, field: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        estimate(visits, IN_FORCE)
    assert caught.value.field == field


counts = st.integers(min_value=0, max_value=5_000)
rates = st.decimals(min_value=0, max_value=100, places=1)


@given(first=counts, revisits=counts, rate=rates, days=st.integers(min_value=1, max_value=31))
def test_the_money_follows_the_points(first: int, revisits: int, rate: Decimal, days: int) -> None:
    result = estimate(
        clinic(first_visits=first, revisits=revisits, card_rate_percent=rate, days_per_month=days), IN_FORCE
    )
    for figures in (result.with_card, result.insurance_card_only, result.combined):
        assert abs(figures.exact_points - figures.points) <= Decimal("0.5")
        assert figures.yen_per_year == figures.points * 10 * days * 12
    assert result.combined.exact_points >= result.with_card.exact_points
    if rate == 100:
        assert result.combined.exact_points == result.with_card.exact_points
