"""Subsidies: the data table reproduces the seeds' figures, grants follow min(cost × rate, limit),
and every condition says why it is or is not met.

Seeds (/work/shared/seeds/): 004 「訪問診療等における医療機関・薬局に対する財政支援」 and 「オンライン診療等に
おける医療機関・薬局に対する財政支援」 (補助率・補助限度額・事業額上限 tables), 「訪問看護ステーションに対する財政支援」
(基準とする事業額 42.9万円を上限に実費補助); 000 1-3 (支援金, 一時金 最大10万円・病院20万円), 1-4 (カードリーダー
増設: 1台当たり500件以上, 病院最大3台, 1/2補助, 令和5年11月11日以降), 1-5 (一体化: ※1 500件, ※2 5%以上増加);
002 (交付額 = 「総事業費×補助率」と補助限度額の少ない額; 令和5年3月31日までに完了, 6月30日までに申請).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityType
from onshi.domain.portal import subsidy_programs
from onshi.domain.portal.subsidies import Applicant, CostLine, Evaluation, evaluate
from onshi.domain.portal.subsidy_table import SubsidyClass, default_table, load_table, subsidy_class
from onshi.domain.portal.values import Rate

F = FacilityType
TODAY = date(2024, 6, 1)


def M(year: int, month: int) -> date:
    """A month key of the monthly figures."""
    return date(year, month, 1)


def run(program: str, facility: FacilityType = F.MEDICAL_CLINIC, **facts: Any) -> Evaluation:
    return evaluate(program, Applicant(facility, **facts), TODAY)


def failed(result: Evaluation) -> set[str]:
    return {check.requirement for check in result.checks if not check.met}


# --- the table holds the seeds' figures ------------------------------------------------------------

CLINICS = (SubsidyClass.MEDICAL_CLINIC, SubsidyClass.DENTAL_CLINIC, SubsidyClass.PHARMACY)


@pytest.mark.parametrize(
    ("program", "classes", "rate", "limit", "project_cap", "item_caps"),
    [
        # 居宅同意取得型 (訪問診療等): 病院 1/2 41.1万円 事業額上限82.2万円; 大型チェーン薬局 1/2 8.5万円 17.1万円;
        # 診療所・薬局 3/4 12.8万円 17.1万円; ※ モバイル端末 4.1万円, レセコン改修 78.1万円（病院）/13万円
        (
            "home_visit",
            (SubsidyClass.HOSPITAL,),
            "1/2",
            411_000,
            822_000,
            {"mobile_device": 41_000, "receipt_computer": 781_000},
        ),
        (
            "home_visit",
            (SubsidyClass.LARGE_CHAIN_PHARMACY,),
            "1/2",
            85_000,
            171_000,
            {"mobile_device": 41_000, "receipt_computer": 130_000},
        ),
        (
            "home_visit",
            CLINICS,
            "3/4",
            128_000,
            171_000,
            {"mobile_device": 41_000, "receipt_computer": 130_000},
        ),
        # オンライン診療等: 病院 1/2 39万円 78.1万円; 大型チェーン薬局 1/2 6.5万円 13万円; 診療所・薬局 3/4 9.7万円 13万円
        ("online_care", (SubsidyClass.HOSPITAL,), "1/2", 390_000, 781_000, {"receipt_computer": 781_000}),
        (
            "online_care",
            (SubsidyClass.LARGE_CHAIN_PHARMACY,),
            "1/2",
            65_000,
            130_000,
            {"receipt_computer": 130_000},
        ),
        ("online_care", CLINICS, "3/4", 97_000, 130_000, {"receipt_computer": 130_000}),
        # 訪問看護: 基準とする事業額 42.9万円を上限に、実費補助
        ("visiting_nursing", (SubsidyClass.VISITING_NURSING,), "1/1", 429_000, 429_000, {}),
        # 一時金: 最大10万円（病院は20万円）
        ("usage_lump_sum", (SubsidyClass.HOSPITAL,), None, 200_000, None, {}),
        ("usage_lump_sum", CLINICS, None, 100_000, None, {}),
        # カードリーダー増設: 1/2補助 (上限額の表は資料に無い)
        ("card_reader_extension", (SubsidyClass.HOSPITAL, *CLINICS), "1/2", None, None, {}),
    ],
)
def test_the_table_reproduces_the_seed_figures(
    program: str,
    classes: tuple[SubsidyClass, ...],
    rate: str | None,
    limit: int | None,
    project_cap: int | None,
    item_caps: dict[str, int],
) -> None:
    for klass in classes:
        tier = default_table().program(program).tier_for(klass)
        assert tier is not None
        assert (str(tier.rate) if tier.rate else None, tier.limit_yen, tier.project_cap_yen) == (
            rate,
            limit,
            project_cap,
        )
        assert dict(tier.item_caps_yen) == item_caps


def test_every_program_cites_its_seed_and_the_table_is_versioned() -> None:
    table = default_table()
    assert table.version == subsidy_programs.VERSION
    assert len(table.programs) == 8
    assert all(program.source.startswith("seed 00") for program in table.programs)


# --- grants: min(eligible cost × rate, limit) --------------------------------------------------------


@pytest.mark.parametrize(
    ("program", "facility", "large_chain", "costs", "times_rate", "grant"),
    [
        # at the 事業額上限 the product meets (or, rounded in the seed's 万円, just passes) the 限度額
        (
            "home_visit",
            F.HOSPITAL,
            False,
            {"mobile_device": 41_000, "receipt_computer": 781_000},
            411_000,
            411_000,
        ),
        (
            "home_visit",
            F.PHARMACY,
            True,
            {"mobile_device": 41_000, "receipt_computer": 130_000},
            85_500,
            85_000,
        ),
        (
            "home_visit",
            F.MEDICAL_CLINIC,
            False,
            {"mobile_device": 41_000, "receipt_computer": 130_000},
            128_250,
            128_000,
        ),
        (
            "home_visit",
            F.DENTAL_CLINIC,
            False,
            {"mobile_device": 41_000, "receipt_computer": 130_000},
            128_250,
            128_000,
        ),
        (
            "home_visit",
            F.PHARMACY,
            False,
            {"mobile_device": 41_000, "receipt_computer": 130_000},
            128_250,
            128_000,
        ),
        ("online_care", F.HOSPITAL, False, {"receipt_computer": 781_000}, 390_500, 390_000),
        ("online_care", F.PHARMACY, True, {"receipt_computer": 130_000}, 65_000, 65_000),
        ("online_care", F.MEDICAL_CLINIC, False, {"receipt_computer": 130_000}, 97_500, 97_000),
        # costs above the caps count only up to them
        (
            "home_visit",
            F.HOSPITAL,
            False,
            {"mobile_device": 90_000, "receipt_computer": 2_000_000},
            411_000,
            411_000,
        ),
        ("home_visit", F.MEDICAL_CLINIC, False, {"mobile_device": 50_000}, 30_750, 30_750),  # 41,000 × 3/4
        # below the caps the product is the grant, rounded down to the yen
        ("online_care", F.MEDICAL_CLINIC, False, {"receipt_computer": 100_001}, 75_000, 75_000),
        (
            "visiting_nursing",
            F.VISITING_NURSING,
            False,
            {"terminal": 150_000, "network": 100_000},
            250_000,
            250_000,
        ),
        (
            "visiting_nursing",
            F.VISITING_NURSING,
            False,
            {"mobile_device": 300_000, "network": 200_000},
            429_000,
            429_000,
        ),
    ],
)
def test_grant_is_the_lower_of_cost_times_rate_and_the_limit(
    program: str,
    facility: FacilityType,
    large_chain: bool,
    costs: dict[str, int],
    times_rate: int,
    grant: int,
) -> None:
    lines = tuple(CostLine(item, yen) for item, yen in costs.items())
    result = run(program, facility, large_chain=large_chain, costs=lines)
    assert result.eligible, result.checks
    assert result.calculation is not None
    assert result.calculation.cost_times_rate_yen == times_rate
    assert result.grant_yen == grant


def test_the_calculation_keeps_every_step() -> None:
    costs = (
        CostLine("mobile_device", 50_000),
        CostLine("receipt_computer", 150_000),
        CostLine("card_reader", 9),
    )
    result = run("home_visit", F.PHARMACY, large_chain=True, costs=costs)
    calc = result.calculation
    assert calc is not None
    assert (calc.submitted_yen, calc.counted_yen) == (200_009, 200_000)
    assert [(i.item, i.counted_yen, i.cap_yen, i.eligible_yen) for i in calc.items] == [
        ("mobile_device", 50_000, 41_000, 41_000),
        ("receipt_computer", 150_000, 130_000, 130_000),
    ]
    assert (calc.eligible_cost_yen, calc.rate, calc.cost_times_rate_yen, calc.limit_yen) == (
        171_000,
        Rate(1, 2),
        85_500,
        85_000,
    )
    assert calc.limited_by == "limit"
    assert [line.counted for line in result.lines] == [True, True, False]
    assert result.lines[2].note is not None and "対象外" in result.lines[2].note.ja


def test_a_facility_outside_the_program_gets_nothing() -> None:
    result = run("home_visit", F.VISITING_NURSING, costs=(CostLine("mobile_device", 40_000),))
    assert not result.eligible and failed(result) == {"facility_class"}
    assert result.grant_yen == 0 and result.calculation is None


def test_home_visits_and_online_care_together_use_the_home_visit_limit() -> None:
    # ※ 訪問診療等とオンライン診療等の両方を実施している場合は、この上限額となる。
    both = run(
        "online_care",
        costs=(CostLine("receipt_computer", 130_000),),
        other_programs=frozenset({"home_visit"}),
    )
    assert failed(both) == {"not_with_home_visit"} and both.grant_yen == 0
    assert run("home_visit", other_programs=frozenset({"online_care"})).eligible


# --- card-reader extension ----------------------------------------------------------------------------


def reader(facility: FacilityType = F.HOSPITAL, **facts: Any) -> Evaluation:
    facts.setdefault("costs", (CostLine("card_reader", 300_000, date(2023, 12, 1)),))
    facts.setdefault("monthly_uses", {M(2023, 12): 500})
    return run("card_reader_extension", facility, **facts)


def test_reader_extension_pays_half_without_a_known_limit() -> None:
    costs = (
        CostLine("card_reader", 300_000, date(2023, 11, 11)),  # 令和5年の11月11日以降に生じた増設に係る費用
        CostLine("terminal", 120_001, date(2024, 1, 5)),
        CostLine("installation", 80_000, date(2023, 11, 10)),  # the day before: not counted
    )
    result = reader(costs=costs)
    assert result.eligible
    assert result.calculation is not None
    assert result.calculation.eligible_cost_yen == 420_001
    assert result.grant_yen == 210_000  # floor(420,001 / 2)
    assert result.calculation.limited_by == "no_known_limit"
    assert any("limit" in note.en for note in result.notes)


@pytest.mark.parametrize(
    ("uses", "readers", "met"),
    [
        ({M(2023, 10): 500}, 1, True),  # 令和5年10月 is in the window
        ({M(2024, 3): 500}, 1, True),  # … and 令和6年3月
        ({M(2023, 12): 499}, 1, False),
        ({M(2023, 9): 5_000, M(2024, 4): 5_000}, 1, False),  # outside the window
        ({M(2023, 12): 999, M(2024, 1): 998}, 2, False),  # 1台当たり500件以上: 2 readers need 1,000
        ({M(2023, 12): 999, M(2024, 1): 1_000}, 2, True),
    ],
)
def test_reader_extension_needs_500_uses_per_reader_in_a_month(
    uses: dict[date, int], readers: int, met: bool
) -> None:
    assert ("uses_per_reader" not in failed(reader(monthly_uses=uses, readers=readers))) is met


@pytest.mark.parametrize(
    ("facility", "units", "met"),
    [(F.HOSPITAL, 3, True), (F.HOSPITAL, 4, False), (F.MEDICAL_CLINIC, 1, True), (F.PHARMACY, 2, False)],
)
def test_hospitals_may_add_three_readers_others_one(facility: FacilityType, units: int, met: bool) -> None:
    assert ("units" not in failed(reader(facility, units=units))) is met


def test_reader_costs_need_their_dates_and_nursing_is_not_covered() -> None:
    with pytest.raises(InvalidValue) as caught:
        reader(costs=(CostLine("card_reader", 1_000),))
    assert caught.value.problem is Problem.REQUIRED
    assert "facility_class" in failed(reader(F.VISITING_NURSING))


# --- card as patient card / public-subsidy certificate -------------------------------------------------


def integration(**facts: Any) -> Evaluation:
    facts.setdefault("operating_since", date(2022, 1, 1))
    facts.setdefault("monthly_uses", {M(2024, 2): 500})
    facts.setdefault("utilisation_rates", {M(2023, 10): Decimal("4.2"), M(2024, 1): Decimal("9.2")})
    return run("card_integration", **facts)


@pytest.mark.parametrize(
    ("rates", "met"),
    [
        ({M(2023, 10): Decimal("4.2"), M(2024, 1): Decimal("9.2")}, True),  # +5 points exactly: 5%以上増加
        ({M(2023, 10): Decimal("4.2"), M(2024, 1): Decimal("9.19")}, False),
        # (注) 令和6年1月以降の利用率を算出し、5%を超えた時点で申請条件を満たしたこととする: the average so far
        (
            {
                M(2023, 10): Decimal(4),
                M(2024, 1): Decimal(6),
                M(2024, 2): Decimal(10),
                M(2024, 3): Decimal(12),
            },
            True,
        ),
        ({M(2023, 10): Decimal(4), M(2024, 1): Decimal(6), M(2024, 2): Decimal(10)}, False),  # average 8 = +4
        ({M(2023, 10): Decimal(4), M(2024, 1): Decimal(20), M(2024, 2): Decimal(0)}, True),  # met in January
        ({M(2024, 1): Decimal(20)}, False),  # no October 2023 baseline
        ({M(2023, 10): Decimal(4), M(2024, 2): Decimal(20)}, False),  # the average starts in January
    ],
)
def test_integration_needs_the_rate_five_points_up(rates: dict[date, Decimal], met: bool) -> None:
    assert ("rate_increase" not in failed(integration(utilisation_rates=rates))) is met


def test_integration_needs_500_uses_in_a_month_and_operation() -> None:
    assert integration().eligible
    assert integration().grant_yen is None  # the seed's table of limits is missing
    assert failed(integration(monthly_uses={M(2024, 2): 499})) == {"uses_total"}
    assert failed(integration(monthly_uses={M(2024, 2): 500}, readers=3)) == set()  # a total, not per reader
    assert failed(integration(operating_since=None)) == {"operating"}
    assert failed(integration(operating_since=date(2024, 7, 1))) == {"operating"}


# --- the usage incentives ----------------------------------------------------------------------------


def test_support_money_needs_a_higher_average_rate_than_october() -> None:
    # 令和6年1月~5月の期間中のマイナ保険証利用率が令和5年10月の利用率と比較して増加
    up = {M(2023, 10): Decimal(5), M(2024, 1): Decimal(5), M(2024, 2): Decimal("5.1")}
    assert run("usage_support", utilisation_rates=up).eligible
    flat = {M(2023, 10): Decimal(5), M(2024, 1): Decimal(5), M(2024, 6): Decimal(50)}  # June is outside
    assert failed(run("usage_support", utilisation_rates=flat)) == {"rate_increase"}


def test_lump_sum_needs_more_users_and_the_poster() -> None:
    users = {M(2023, 10): 120, M(2024, 5): 110, M(2024, 7): 121}
    declared = frozenset({"poster_and_flyer"})
    hospital = run("usage_lump_sum", F.HOSPITAL, monthly_users=users, declarations=declared)
    assert hospital.eligible and hospital.grant_yen is None
    assert hospital.calculation is not None and hospital.calculation.limit_yen == 200_000
    clinic = run("usage_lump_sum", monthly_users=users, declarations=declared)
    assert clinic.calculation is not None and clinic.calculation.limit_yen == 100_000
    assert failed(run("usage_lump_sum", monthly_users=users)) == {"poster_and_flyer"}
    assert failed(run("usage_lump_sum", monthly_users={**users, M(2024, 7): 120}, declarations=declared)) == {
        "users_increase"
    }


# --- system introduction (ICT fund) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("completed", "applied", "failures"),
    [
        (date(2023, 3, 31), date(2023, 6, 30), set()),
        (date(2023, 4, 1), date(2023, 6, 30), {"completed_by"}),
        (date(2023, 3, 31), date(2023, 7, 1), {"applied_by"}),
        (None, date(2023, 6, 1), {"completed_by"}),
    ],
)
def test_system_introduction_deadlines(completed: date | None, applied: date, failures: set[str]) -> None:
    result = run("system_introduction", completed_on=completed, applied_on=applied)
    assert failed(result) == failures


def test_system_introduction_cannot_be_computed_from_the_seeds() -> None:
    result = run(
        "system_introduction",
        costs=(CostLine("terminal", 200_000), CostLine("mobile_device", 40_000)),
        completed_on=date(2023, 3, 1),
        applied_on=date(2023, 5, 1),
    )
    assert result.eligible and result.grant_yen is None
    assert result.calculation is not None and result.calculation.eligible_cost_yen == 200_000
    assert any("rate" in note.en for note in result.notes)


# --- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: run("no_such_program"), "program"),
        (lambda: run("home_visit", costs=(CostLine("sofa", 1),)), "item"),
        (lambda: run("home_visit", costs=(CostLine("mobile_device", -1),)), "cost"),
        (lambda: run("home_visit", F.HOSPITAL, large_chain=True), "large_chain"),
        (lambda: run("card_reader_extension", units=0), "units"),
        (lambda: run("card_integration", utilisation_rates={M(2024, 1): Decimal(101)}), "rate"),
        (lambda: run("card_integration", monthly_uses={M(2024, 1): -1}), "uses"),
        (lambda: run("online_care", other_programs=frozenset({"home_visits"})), "program"),
        (lambda: run("usage_lump_sum", declarations=frozenset({"poster"})), "declare"),
    ],
)
def test_bad_input_is_refused(call: Callable[[], object], field: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        call()
    assert caught.value.field == field


def test_only_pharmacies_can_be_large_chains() -> None:
    assert subsidy_class(F.PHARMACY, large_chain=True) is SubsidyClass.LARGE_CHAIN_PHARMACY
    assert subsidy_class(F.DENTAL_CLINIC) is SubsidyClass.DENTAL_CLINIC


# --- the table is validated ---------------------------------------------------------------------------


def broken(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    table = copy.deepcopy(subsidy_programs.TABLE)
    change(table)
    return table


def program(table: dict[str, Any], program_id: str) -> dict[str, Any]:
    return next(p for p in table["programs"] if p["id"] == program_id)


def tier(table: dict[str, Any], program_id: str, index: int = 0) -> dict[str, Any]:
    tiers: list[dict[str, Any]] = program(table, program_id)["tiers"]
    return tiers[index]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (
            lambda t: tier(t, "home_visit").update(project_cap_yen=823_000),
            "project_cap_yen",
        ),  # ≠ 41,000 + 781,000
        (lambda t: tier(t, "home_visit").update(limit_yen=412_000), "limit_yen"),  # above 822,000 × 1/2
        (lambda t: tier(t, "home_visit").update(rate="3/2"), "rate"),
        (lambda t: tier(t, "home_visit").update(classes=["clinic"]), "classes"),
        (lambda t: tier(t, "home_visit", 1).update(classes=["hospital"]), "tiers"),  # a class in two tiers
        (lambda t: tier(t, "home_visit").update(item_caps_yen={"card_reader": 1}), "item_caps_yen"),
        (lambda t: tier(t, "card_reader_extension").update(max_units=None), "max_units"),
        (lambda t: program(t, "home_visit").update(source=""), "source"),
        (lambda t: program(t, "home_visit").update(items=["sofa"]), "items"),
        (lambda t: program(t, "online_care").update(exclusive_with=["nothing"]), "exclusive_with"),
        (lambda t: program(t, "online_care").update(id="home_visit"), "programs"),
        (lambda t: program(t, "card_integration")["requirements"].append({"kind": "luck"}), "kind"),
        (lambda t: program(t, "card_integration")["requirements"][1].update(min=0), "min"),
        (lambda t: program(t, "card_reader_extension").update(costs_from="2023-11-31"), "costs_from"),
        (
            lambda t: program(t, "usage_support")["requirements"][0].update(first_month="2023-09"),
            "requirements",
        ),
    ],
)
def test_a_broken_table_is_refused(change: Callable[[dict[str, Any]], None], where: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        load_table(broken(change))
    assert where in caught.value.field


# --- properties ---------------------------------------------------------------------------------------

CAPPED = ("home_visit", "online_care", "visiting_nursing")
FACILITIES = [(F.HOSPITAL, False), (F.MEDICAL_CLINIC, False), (F.PHARMACY, True), (F.VISITING_NURSING, False)]
amounts = st.integers(min_value=0, max_value=3_000_000)


@given(
    program_id=st.sampled_from(CAPPED),
    facility=st.sampled_from(FACILITIES),
    mobile=amounts,
    receipt=amounts,
    extra=st.integers(min_value=0, max_value=100_000),
)
def test_a_grant_never_exceeds_the_limit_or_cost_times_rate(
    program_id: str, facility: tuple[FacilityType, bool], mobile: int, receipt: int, extra: int
) -> None:
    kind, chain = facility

    def grant(more: int) -> int | None:
        costs = (CostLine("mobile_device", mobile + more), CostLine("receipt_computer", receipt))
        return run(program_id, kind, large_chain=chain, costs=costs).grant_yen

    result = run(
        program_id,
        kind,
        large_chain=chain,
        costs=(CostLine("mobile_device", mobile), CostLine("receipt_computer", receipt)),
    )
    if not result.eligible:
        assert result.grant_yen == 0
        return
    calc = result.calculation
    assert calc is not None and calc.rate is not None and calc.limit_yen is not None
    assert result.grant_yen is not None
    assert 0 <= result.grant_yen <= calc.limit_yen
    assert result.grant_yen <= calc.rate.of_yen(mobile + receipt)
    assert result.grant_yen <= calc.rate.of_yen(calc.eligible_cost_yen)
    more = grant(extra)
    assert more is not None and more >= result.grant_yen  # spending more never lowers the grant


def test_a_per_reader_limit_multiplies_by_the_readers_added() -> None:
    # The seed's limit table is missing; once a figure is in the table it applies per reader.
    table = load_table(broken(lambda t: tier(t, "card_reader_extension").update(limit_yen=100_000)))
    costs = (CostLine("card_reader", 500_000, date(2024, 1, 10)),)
    applicant = Applicant(F.HOSPITAL, costs=costs, units=2, monthly_uses={M(2024, 1): 600})
    result = evaluate("card_reader_extension", applicant, TODAY, table)
    assert result.calculation is not None and result.calculation.limit_yen == 200_000
    assert (result.calculation.cost_times_rate_yen, result.grant_yen) == (250_000, 200_000)
