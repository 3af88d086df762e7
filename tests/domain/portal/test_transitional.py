"""義務化・経過措置: regimes, deadlines by category, and a facility's status on a day.

Seed: /work/shared/seeds/004_272b34a7cd06d7c5.txt — 「訪問看護事業者のオンライン資格確認の義務化の経過措置」
(やむを得ない事情 (1)–(5) and their 期限, ※1 事前届出, ※2 71歳以上), 「訪問看護レセプトのオンライン請求の義務化の
経過措置」 (adds 電気通信回線設備の障害), 「(参考) 保険医療機関・薬局における電子レセプト請求・オンライン資格確認の
経過措置」 (令和5年2月までにベンダーと契約締結; 訪問診療のみ), 注3 (義務化 令和5年4月1日) and
「オンライン請求の推進に伴う所要の見直し」 (紙レセプト; 令和6年4月以降は改めての届出).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityType
from onshi.domain.portal.transitional import (
    Category,
    Notification,
    Obligation,
    Regime,
    Situation,
    Status,
    assess,
    contract_cutoff,
    deadline,
    latest_end,
    legal_age,
    regime_for,
    staff_age_rule_met,
)

NURSING = regime_for(FacilityType.VISITING_NURSING, Obligation.ONLINE_QUALIFICATION)
CLAIMS = regime_for(FacilityType.VISITING_NURSING, Obligation.ONLINE_CLAIMS)
CLINIC = regime_for(FacilityType.MEDICAL_CLINIC, Obligation.ONLINE_QUALIFICATION)
PHARMACY = regime_for(FacilityType.PHARMACY, Obligation.ONLINE_QUALIFICATION)
C = Category

# --- regimes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regime", "obligation_date", "latest", "cutoff"),
    [
        # 義務化 令和5年4月1日; 令和5年2月までにベンダーと契約締結; 6か月後の月末 → 令和5年9月末
        (CLINIC, date(2023, 4, 1), date(2023, 9, 30), date(2023, 2, 28)),
        (PHARMACY, date(2023, 4, 1), date(2023, 9, 30), date(2023, 2, 28)),
        # 令和6年秋（保険証廃止時期）= 令和6年12月2日; 2か月前の月末 → 10月末; 6か月後の月末 → 令和7年5月末
        (NURSING, date(2024, 12, 2), date(2025, 5, 31), date(2024, 10, 31)),
        (CLAIMS, date(2024, 12, 2), date(2025, 5, 31), date(2024, 10, 31)),
    ],
)
def test_obligation_dates_and_their_derived_limits(
    regime: Regime, obligation_date: date, latest: date, cutoff: date
) -> None:
    assert regime.obligation_date == obligation_date
    assert latest_end(regime) == latest
    assert contract_cutoff(regime) == cutoff


def test_each_regime_has_the_seeds_categories() -> None:
    common = (C.SYSTEM_IN_PROGRESS, C.NETWORK, C.RENOVATION, C.CLOSURE, C.SPECIAL_DIFFICULTY)
    assert NURSING.categories == common  # (1)–(5)
    assert CLAIMS.categories == (C.LINE_FAILURE, *common)  # (1)–(6) of online claims
    assert set(CLINIC.categories) == {*common, C.HOME_VISIT_ONLY}  # 訪問診療のみを提供する保険医療機関
    assert PHARMACY.categories == common
    for kind in (FacilityType.HOSPITAL, FacilityType.DENTAL_CLINIC):
        assert regime_for(kind, Obligation.ONLINE_QUALIFICATION) == CLINIC


def test_no_regime_outside_the_seeds() -> None:
    with pytest.raises(InvalidValue) as caught:
        regime_for(FacilityType.HOSPITAL, Obligation.ONLINE_CLAIMS)
    assert caught.value.problem is Problem.INCONSISTENT


# --- deadlines -------------------------------------------------------------------------------------


def notice(category: Category, **facts: Any) -> Notification:
    return Notification(category, date(2024, 11, 1), **facts)


@pytest.mark.parametrize(
    ("notification", "until", "latest"),
    [
        # (1) システム整備が完了する日まで (遅くとも義務化の6か月後の月末まで)
        (
            notice(C.SYSTEM_IN_PROGRESS, vendor_contract_on=date(2024, 10, 1)),
            date(2025, 5, 31),
            date(2025, 5, 31),
        ),
        (
            notice(
                C.SYSTEM_IN_PROGRESS, vendor_contract_on=date(2024, 10, 1), system_ready_on=date(2025, 2, 14)
            ),
            date(2025, 2, 14),
            date(2025, 5, 31),
        ),
        (
            notice(
                C.SYSTEM_IN_PROGRESS, vendor_contract_on=date(2024, 10, 1), system_ready_on=date(2025, 8, 1)
            ),
            date(2025, 5, 31),
            date(2025, 5, 31),
        ),
        # (2) 光回線ネットワーク環境が整備されてから6ヶ月後まで
        (notice(C.NETWORK, network_available_on=date(2025, 1, 15)), date(2025, 7, 15), None),
        (notice(C.NETWORK, network_available_on=date(2025, 8, 31)), date(2026, 2, 28), None),  # clamped
        (notice(C.NETWORK), None, None),  # no fibre yet: open
        # (3) 改築工事が完了するまで
        (notice(C.RENOVATION, works_end_on=date(2025, 9, 30)), date(2025, 9, 30), None),
        (notice(C.RENOVATION), None, None),
        # (4) 廃止・休止まで (遅くとも義務化の6か月後の月末まで)
        (notice(C.CLOSURE, closure_on=date(2025, 3, 31)), date(2025, 3, 31), date(2025, 5, 31)),
        (notice(C.CLOSURE, closure_on=date(2025, 12, 31)), date(2025, 5, 31), date(2025, 5, 31)),
        # (5) 特に困難な事情が解消されるまで
        (notice(C.SPECIAL_DIFFICULTY), None, None),
        (notice(C.SPECIAL_DIFFICULTY, resolved_on=date(2026, 1, 10)), date(2026, 1, 10), None),
    ],
)
def test_deadline_by_category(notification: Notification, until: date | None, latest: date | None) -> None:
    limit = deadline(NURSING, notification)
    assert (limit.until, limit.latest) == (until, latest)


def test_online_claims_add_line_failure_until_fixed() -> None:
    # オンライン請求 (1) 電気通信回線設備に障害が発生した場合 — 障害が解消されるまで
    assert deadline(CLAIMS, notice(C.LINE_FAILURE, resolved_on=date(2025, 1, 9))).until == date(2025, 1, 9)
    with pytest.raises(InvalidValue):
        deadline(NURSING, notice(C.LINE_FAILURE))


def test_medical_deadlines_have_the_same_shape() -> None:
    closing = Notification(C.CLOSURE, date(2023, 3, 1), closure_on=date(2024, 3, 31))
    assert deadline(CLINIC, closing).until == date(2023, 9, 30)
    assert deadline(CLINIC, notice(C.HOME_VISIT_ONLY)).until is None


@pytest.mark.parametrize(
    ("regime", "notification", "field"),
    [
        (PHARMACY, notice(C.HOME_VISIT_ONLY), "category"),  # 保険医療機関 only
        (NURSING, notice(C.HOME_VISIT_ONLY), "category"),
        (NURSING, notice(C.CLOSURE), "closure_on"),
        (NURSING, notice(C.SYSTEM_IN_PROGRESS), "vendor_contract_on"),
    ],
)
def test_missing_or_foreign_facts_are_refused(regime: Regime, notification: Notification, field: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        deadline(regime, notification)
    assert caught.value.field == field


# --- the staff-age example of (5) --------------------------------------------------------------------


def test_age_counts_as_the_law_does() -> None:
    # 平成30年3月31日において65歳以上: one born on 1 April 1953 completes 65 at the end of 31 March 2018.
    assert legal_age(date(1953, 4, 1), date(2018, 3, 31)) == 65
    assert legal_age(date(1953, 4, 2), date(2018, 3, 31)) == 64
    assert staff_age_rule_met((date(1953, 4, 1), date(1940, 5, 5)))
    assert not staff_age_rule_met((date(1953, 4, 1), date(1953, 4, 2)))
    assert not staff_age_rule_met(())


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2000, 12, 31)))
def test_65_in_2018_is_71_in_2024(birthdate: date) -> None:
    # ※2 令和6年3月31日時点では、71歳以上。
    assert (legal_age(birthdate, date(2018, 3, 31)) >= 65) == (legal_age(birthdate, date(2024, 3, 31)) >= 71)


# --- status ----------------------------------------------------------------------------------------

SYSTEM = Notification(C.SYSTEM_IN_PROGRESS, date(2024, 11, 1), vendor_contract_on=date(2024, 10, 31))


def status(situation: Situation, on: date) -> Status:
    return assess(situation, on).status


def nursing(**changes: Any) -> Situation:
    return replace(Situation(FacilityType.VISITING_NURSING), **changes)


@pytest.mark.parametrize(
    ("situation", "on", "expected"),
    [
        (nursing(), date(2024, 12, 1), Status.NOT_YET_DUE),
        (nursing(), date(2024, 12, 2), Status.OVERDUE),  # neither operating nor notified
        (nursing(operating_since=date(2024, 9, 1)), date(2025, 1, 6), Status.COMPLIANT),
        (nursing(operating_since=date(2025, 2, 1)), date(2025, 1, 31), Status.OVERDUE),
        (
            nursing(operating_since=date(2025, 2, 1), notification=SYSTEM),
            date(2025, 1, 31),
            Status.TRANSITIONAL,
        ),
        (nursing(notification=SYSTEM), date(2025, 5, 31), Status.TRANSITIONAL),  # last day
        (nursing(notification=SYSTEM), date(2025, 6, 1), Status.OVERDUE),
        (
            nursing(notification=replace(SYSTEM, vendor_contract_on=date(2024, 11, 1))),
            date(2025, 1, 6),
            Status.OVERDUE,
        ),
        (nursing(notification=replace(SYSTEM, filed_on=date(2025, 2, 1))), date(2025, 1, 6), Status.OVERDUE),
        (
            nursing(notification=replace(SYSTEM, filed_on=date(2025, 2, 1))),
            date(2025, 2, 1),
            Status.TRANSITIONAL,
        ),
        (
            nursing(notification=Notification(C.NETWORK, date(2024, 11, 1))),
            date(2027, 1, 1),
            Status.TRANSITIONAL,
        ),
        (nursing(paper_claims=True), date(2025, 1, 6), Status.OVERDUE),  # no paper exemption for nursing
    ],
)
def test_visiting_nursing_status(situation: Situation, on: date, expected: Status) -> None:
    assert status(situation, on) is expected


@pytest.mark.parametrize(
    ("situation", "on", "expected"),
    [
        (Situation(FacilityType.MEDICAL_CLINIC, paper_claims=True), date(2023, 6, 1), Status.EXEMPT),
        (Situation(FacilityType.MEDICAL_CLINIC, paper_claims=True), date(2024, 3, 31), Status.EXEMPT),
        # 令和6年4月以降は、こうした届出を行った保険医療機関・薬局が「紙レセプトでの請求が認められているもの」
        (Situation(FacilityType.MEDICAL_CLINIC, paper_claims=True), date(2024, 4, 1), Status.OVERDUE),
        (
            Situation(FacilityType.PHARMACY, paper_claims=True, paper_claims_refiled=True),
            date(2024, 4, 1),
            Status.EXEMPT,
        ),
        (Situation(FacilityType.HOSPITAL), date(2023, 3, 31), Status.NOT_YET_DUE),
        (Situation(FacilityType.HOSPITAL), date(2023, 4, 1), Status.OVERDUE),
        (
            Situation(
                FacilityType.DENTAL_CLINIC,
                notification=Notification(
                    C.SYSTEM_IN_PROGRESS, date(2023, 3, 1), vendor_contract_on=date(2023, 2, 28)
                ),
            ),
            date(2023, 9, 30),
            Status.TRANSITIONAL,
        ),
        (
            Situation(
                FacilityType.DENTAL_CLINIC,
                notification=Notification(
                    C.SYSTEM_IN_PROGRESS, date(2023, 3, 1), vendor_contract_on=date(2023, 3, 1)
                ),
            ),
            date(2023, 5, 1),
            Status.OVERDUE,  # contract after 令和5年2月
        ),
    ],
)
def test_medical_status(situation: Situation, on: date, expected: Status) -> None:
    assert status(situation, on) is expected


ELDER = (date(1950, 1, 1), date(1953, 4, 1))


@pytest.mark.parametrize(
    ("regime_type", "notification", "expected"),
    [
        (
            FacilityType.VISITING_NURSING,
            notice(C.SPECIAL_DIFFICULTY, staff_birthdates=ELDER),
            Status.TRANSITIONAL,
        ),
        (
            FacilityType.VISITING_NURSING,
            notice(C.SPECIAL_DIFFICULTY, staff_birthdates=(*ELDER, date(1960, 1, 1))),
            Status.OVERDUE,
        ),
        (
            FacilityType.VISITING_NURSING,
            notice(C.SPECIAL_DIFFICULTY, staff_birthdates=(date(1960, 1, 1),), individually_approved=True),
            Status.TRANSITIONAL,
        ),
        (FacilityType.VISITING_NURSING, notice(C.SPECIAL_DIFFICULTY), Status.OVERDUE),  # not yet judged
        # the age example is the visiting-nursing one; a clinic needs the individual judgement
        (FacilityType.MEDICAL_CLINIC, notice(C.SPECIAL_DIFFICULTY, staff_birthdates=ELDER), Status.OVERDUE),
        (
            FacilityType.MEDICAL_CLINIC,
            notice(C.SPECIAL_DIFFICULTY, individually_approved=True),
            Status.TRANSITIONAL,
        ),
    ],
)
def test_special_difficulty_needs_the_age_rule_or_a_judgement(
    regime_type: FacilityType, notification: Notification, expected: Status
) -> None:
    assert status(Situation(regime_type, notification=notification), date(2025, 6, 1)) is expected


def test_the_assessment_says_why_and_how_long() -> None:
    result = assess(nursing(notification=SYSTEM), date(2025, 5, 1))
    assert result.deadline is not None and result.deadline.until == date(2025, 5, 31)
    assert result.days_left == 30
    assert "2025-05-31" in result.reasons[-1].en and "令和7年5月31日" in result.reasons[-1].ja
    late = assess(nursing(notification=replace(SYSTEM, filed_on=date(2024, 12, 10))), date(2025, 1, 6))
    assert late.status is Status.TRANSITIONAL
    assert any("after the obligation date" in note.en for note in late.reasons)
    overdue = assess(nursing(notification=SYSTEM), date(2025, 6, 1))
    assert overdue.days_left is None and "ended on 2025-05-31" in overdue.reasons[-1].en


def test_the_obligation_date_can_be_overridden() -> None:
    # The seed says only 「令和6年秋」: a different day moves every derived limit with it.
    notification = replace(SYSTEM, vendor_contract_on=date(2024, 8, 31))  # 2か月前の月末
    situation = nursing(notification=notification, obligation_date=date(2024, 10, 1))
    result = assess(situation, date(2025, 3, 31))
    assert result.regime.obligation_date == date(2024, 10, 1)
    assert result.deadline is not None and result.deadline.until == date(2025, 3, 31)
    assert result.status is Status.TRANSITIONAL
    late_contract = nursing(notification=SYSTEM, obligation_date=date(2024, 10, 1))
    assert status(late_contract, date(2025, 1, 6)) is Status.OVERDUE
    assert assess(situation, date(2025, 3, 31) + timedelta(days=1)).status is Status.OVERDUE
