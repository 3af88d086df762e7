"""The fallback procedure: the default copay by age, and the 被保険者資格申立書 and its claim."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onshi.domain.codes import Sex
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityCode
from onshi.domain.fallback import (
    UNKNOWN_CARD_NUMBER,
    UNKNOWN_INSURER_NUMBER,
    UNKNOWN_LATE_ELDERLY_CARD_NUMBER,
    Declaration,
    DeclaredCopay,
    FallbackReason,
    InsuranceKind,
    ReviewBody,
    copay_for,
    default_copay_percent,
    parse_optional_insurer_number,
    parse_phone,
    parse_postal_code,
)
from onshi.domain.insurer import InsurerNumber

# --- default copay: every age boundary ------------------------------------------------------------


@pytest.mark.parametrize(
    ("birthdate", "on", "expected"),
    [
        # 義務教育就学前: until the first 31 March on or after the day the child reaches 6.
        (date(2024, 5, 1), date(2024, 5, 1), 20),  # newborn
        (date(2018, 6, 10), date(2024, 6, 10), 20),  # 6th birthday: still before school
        (date(2018, 6, 10), date(2025, 3, 31), 20),
        (date(2018, 6, 10), date(2025, 4, 1), 30),
        (date(2018, 1, 15), date(2024, 3, 31), 20),  # born Jan–Mar: school at 6
        (date(2018, 1, 15), date(2024, 4, 1), 30),
        (date(2018, 4, 2), date(2025, 3, 31), 20),  # born 2 April: the youngest of a school year
        (date(2018, 4, 2), date(2025, 4, 1), 30),
        (date(2018, 4, 1), date(2024, 3, 31), 20),  # born 1 April: reaches 6 on 31 March, a year earlier
        (date(2018, 4, 1), date(2024, 4, 1), 30),
        # 70: from the 1st of the month after the month in which the patient reaches 70.
        (date(1955, 6, 15), date(2025, 6, 14), 30),
        (date(1955, 6, 15), date(2025, 6, 30), 30),  # 70 already, but still the birthday month
        (date(1955, 6, 15), date(2025, 7, 1), 20),
        (date(1955, 12, 15), date(2025, 12, 31), 30),
        (date(1955, 12, 15), date(2026, 1, 1), 20),  # across the year end
        (date(1956, 2, 29), date(2026, 2, 28), 30),
        (date(1956, 2, 29), date(2026, 3, 1), 20),
        # Born on the 1st: 70 is reached the day before, so 2割 starts in the birthday month.
        (date(1955, 6, 1), date(2025, 5, 31), 30),
        (date(1955, 6, 1), date(2025, 6, 1), 20),
        (date(1955, 1, 1), date(2024, 12, 31), 30),
        (date(1955, 1, 1), date(2025, 1, 1), 20),
        # 75: 後期高齢者医療 from the 75th birthday itself.
        (date(1950, 5, 5), date(2025, 5, 4), 20),
        (date(1950, 5, 5), date(2025, 5, 5), 10),
        (date(1950, 5, 1), date(2025, 4, 30), 20),  # the 1st-of-month rule is for 70 only
        (date(1950, 5, 1), date(2025, 5, 1), 10),
        (date(1952, 2, 29), date(2027, 2, 28), 20),
        (date(1952, 2, 29), date(2027, 3, 1), 10),
        (date(1920, 1, 1), date(2025, 1, 1), 10),
    ],
)
def test_default_copay_at_each_boundary(birthdate: date, on: date, expected: int) -> None:
    assert default_copay_percent(birthdate, on) == expected


def test_default_copay_refuses_care_before_birth() -> None:
    with pytest.raises(InvalidValue) as caught:
        default_copay_percent(date(2025, 1, 2), date(2025, 1, 1))
    assert caught.value.problem is Problem.INCONSISTENT


_births = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))


@given(_births, st.integers(min_value=0, max_value=130 * 366))
def test_default_is_always_a_statutory_ratio(birthdate: date, days: int) -> None:
    assert default_copay_percent(birthdate, birthdate + timedelta(days=days)) in (10, 20, 30)


@given(_births, st.integers(min_value=0, max_value=6 * 365))
def test_under_six_is_always_two_tenths(birthdate: date, days: int) -> None:
    on = birthdate + timedelta(days=days)
    assert default_copay_percent(birthdate, on) == 20


def _seventh_birthday(birthdate: date) -> date:
    try:
        return birthdate.replace(year=birthdate.year + 7)
    except ValueError:  # 29 February
        return date(birthdate.year + 7, 3, 1)


@given(
    _births,
    st.integers(min_value=0, max_value=125 * 366),
    st.integers(min_value=0, max_value=125 * 366),
)
def test_default_never_rises_after_school_entry(birthdate: date, first: int, second: int) -> None:
    # From age 6 the ratio only rises once, 2割 → 3割 at school entry (always before the 7th
    # birthday); from then on it can only fall (3割 → 2割 → 1割).
    start = _seventh_birthday(birthdate)
    earlier, later = sorted((first, second))
    assert default_copay_percent(birthdate, start + timedelta(days=earlier)) >= default_copay_percent(
        birthdate, start + timedelta(days=later)
    )


@given(_births, st.integers(min_value=6 * 365, max_value=125 * 366), st.integers(min_value=1, max_value=800))
def test_from_age_six_only_school_entry_raises_it(birthdate: date, first: int, gap: int) -> None:
    earlier = birthdate + timedelta(days=first)
    later = earlier + timedelta(days=gap)
    before, after = default_copay_percent(birthdate, earlier), default_copay_percent(birthdate, later)
    assert after <= before or (before, after) == (20, 30)


# --- copay_for -----------------------------------------------------------------------------------


def test_unknown_applies_the_age_default_and_says_why() -> None:
    decision = copay_for(DeclaredCopay.UNKNOWN, date(1952, 8, 20), date(2025, 1, 10))
    assert decision.percent == 20
    assert decision.is_default
    assert "わからない" in decision.explanation_ja
    assert "70歳から74歳" in decision.explanation_ja
    assert "現役並み" in decision.explanation_ja


@pytest.mark.parametrize(
    ("declared", "percent"), [(DeclaredCopay.THIRTY, 30), (DeclaredCopay.TWENTY, 20), (DeclaredCopay.TEN, 10)]
)
def test_declared_ratio_is_charged(declared: DeclaredCopay, percent: int) -> None:
    decision = copay_for(declared, date(1945, 3, 3), date(2025, 1, 10))
    assert decision.percent == percent
    assert not decision.is_default
    assert decision.warning_ja is None  # 80: 1, 2 and 3割 all exist


def test_a_higher_ratio_is_never_presumed() -> None:
    # 現役並み所得 (3割) at 72 only by declaration.
    assert copay_for(DeclaredCopay.UNKNOWN, date(1953, 1, 10), date(2025, 6, 1)).percent == 20
    assert copay_for(DeclaredCopay.THIRTY, date(1953, 1, 10), date(2025, 6, 1)).percent == 30


def test_an_implausible_declaration_is_charged_but_flagged() -> None:
    decision = copay_for(DeclaredCopay.TEN, date(1985, 3, 3), date(2025, 1, 10))
    assert decision.percent == 10
    assert decision.warning_ja is not None
    assert "3割" in decision.warning_ja


def test_labels() -> None:
    assert DeclaredCopay.THIRTY.label_ja == "３割"
    assert DeclaredCopay.UNKNOWN.label_ja == "わからない"
    assert DeclaredCopay.UNKNOWN.percent is None
    assert FallbackReason.SPLIT_RECEPTION.label_ja == "受付分離（発熱外来等）"
    assert FallbackReason.INVALID.label_ja == "資格(無効)"
    assert {reason.label_ja for reason in FallbackReason} >= {"資格情報なし", "システム障害・通信不可"}


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        (InsuranceKind.KYOKAI_KENPO, ReviewBody.SHIHARAI_KIKIN),
        (InsuranceKind.KENPO_KUMIAI, ReviewBody.SHIHARAI_KIKIN),
        (InsuranceKind.KYOSAI, ReviewBody.SHIHARAI_KIKIN),
        (InsuranceKind.OTHER, ReviewBody.SHIHARAI_KIKIN),
        (InsuranceKind.KOKUHO, ReviewBody.KOKUHOREN),
        (InsuranceKind.KOKUHO_KUMIAI, ReviewBody.KOKUHOREN),
        (InsuranceKind.KOUKI_KOUREI, ReviewBody.KOKUHOREN),
        (InsuranceKind.UNKNOWN, None),
    ],
)
def test_review_body_of_each_kind(kind: InsuranceKind, body: ReviewBody | None) -> None:
    assert kind.review_body is body


# --- the declaration -----------------------------------------------------------------------------

TODAY = date(2025, 6, 2)


def declaration(**changes: Any) -> Declaration:
    values: dict[str, Any] = {
        "facility_code": FacilityCode.parse("1311234567"),
        "declared_on": TODAY,
        "reason": FallbackReason.NO_RECORD,
        "name": " 山田  太郎 ",
        "name_kana": "ﾔﾏﾀﾞ ﾀﾛｳ",
        "birthdate": date(1980, 7, 7),
        "sex": Sex.MALE,
        "postal_code": "１６０－００２３",
        "address": "東京都新宿区西新宿二丁目8番1号",
        "phone": "03-1234-5678",
        "insurance_kind": InsuranceKind.UNKNOWN,
        "insurer_name": None,
        "insurer_number": None,
        "card_symbol": None,
        "card_number": None,
        "card_branch": None,
        "employer": "株式会社オンシ",
        "declared_copay": DeclaredCopay.UNKNOWN,
        "staff_name": "受付 花子",
    }
    values.update(changes)
    return Declaration(**values)


def test_declaration_is_normalised() -> None:
    made = declaration(card_symbol="１２", card_number="３４", card_branch="1", insurer_name="  ")
    assert made.name == "山田\u3000太郎"
    assert made.name_kana == "ヤマダ タロウ"
    assert made.postal_code == "160-0023"
    assert (made.card_symbol, made.card_number, made.card_branch) == ("12", "34", "01")
    assert made.insurer_name is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.name = "x"  # type: ignore[misc]


def test_unknown_numbers_make_a_fushou_claim() -> None:
    claim = declaration().claim_fields()
    assert claim.insurer_number == UNKNOWN_INSURER_NUMBER == "77777777"
    assert claim.number == UNKNOWN_CARD_NUMBER == "777777777"
    assert claim.symbol is None
    assert claim.branch is None
    assert claim.is_unknown_claim
    assert claim.summary_ja.startswith("不詳")
    for expected in ("〒160-0023 東京都新宿区西新宿二丁目8番1号", "株式会社オンシ", "03-1234-5678"):
        assert expected in claim.summary_ja
    assert claim.copay.percent == 30
    assert claim.copay.is_default
    assert claim.review_body is None  # 疑義解釈 問1: the facility chooses
    assert "問1" in claim.review_body_note_ja


def test_late_elderly_unknown_number_has_eight_digits_and_goes_to_kokuhoren() -> None:
    claim = declaration(birthdate=date(1949, 1, 1)).claim_fields()
    assert claim.number == UNKNOWN_LATE_ELDERLY_CARD_NUMBER == "77777777"
    assert claim.review_body is ReviewBody.KOKUHOREN
    assert claim.copay.percent == 10


def test_known_numbers_are_billed_as_they_are() -> None:
    insurer = InsurerNumber.build("0113001")
    claim = declaration(
        insurer_number=insurer,
        insurance_kind=InsuranceKind.KOKUHO,  # the patient ticked the wrong box: the number wins
        card_symbol="12",
        card_number="34",
        card_branch="00",
        address=None,
        phone=None,
        declared_copay=DeclaredCopay.THIRTY,
    ).claim_fields()
    assert (claim.insurer_number, claim.symbol, claim.number, claim.branch) == ("01130012", "12", "34", "00")
    assert not claim.is_unknown_claim
    assert not claim.summary_ja.startswith("不詳")
    assert claim.review_body is ReviewBody.SHIHARAI_KIKIN
    assert claim.copay.percent == 30
    assert not claim.copay.is_default


def test_known_insurer_with_unknown_card_number() -> None:
    claim = declaration(insurer_number=InsurerNumber.build("13805")).claim_fields()
    assert claim.insurer_number == "138057"
    assert not claim.insurer_number_unknown
    assert claim.numbers_unknown
    assert claim.number == UNKNOWN_CARD_NUMBER
    assert claim.review_body is ReviewBody.KOKUHOREN


def test_declared_kind_decides_the_review_body() -> None:
    claim = declaration(insurance_kind=InsuranceKind.KENPO_KUMIAI).claim_fields()
    assert claim.review_body is ReviewBody.SHIHARAI_KIKIN
    assert "健保組合" in claim.summary_ja


def test_copay_on_another_date_of_care() -> None:
    made = declaration(birthdate=date(1955, 6, 15), declared_on=date(2025, 6, 20))
    assert made.claim_fields().copay.percent == 30
    assert made.claim_fields(date(2025, 7, 1)).copay.percent == 20


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"name": "　 "}, "name", Problem.REQUIRED),
        ({"birthdate": TODAY + timedelta(days=1)}, "birthdate", Problem.IMPOSSIBLE_DATE),
        ({"birthdate": date(1890, 1, 1)}, "birthdate", Problem.IMPOSSIBLE_DATE),
        ({"sex": Sex.UNSET}, "sex", Problem.UNKNOWN_CODE),
        ({"postal_code": "160-002"}, "postal_code", Problem.BAD_FORMAT),
        ({"phone": "1234"}, "phone", Problem.BAD_FORMAT),
        ({"name_kana": "Yamada"}, "name_kana", Problem.BAD_FORMAT),
        ({"staff_name": " "}, "staff_name", Problem.REQUIRED),
        ({"address": None, "phone": None}, "address", Problem.REQUIRED),
        ({"card_branch": "123"}, "insured_branch_number", Problem.BAD_FORMAT),
        ({"address": "東" * 201}, "address", Problem.TOO_LONG),
        ({"name": "山" * 51}, "name", Problem.TOO_LONG),
        ({"staff_name": "受" * 51}, "staff_name", Problem.TOO_LONG),
        ({"employer": "株式会社\x00"}, "employer", Problem.BAD_FORMAT),
    ],
)
def test_validation(changes: dict[str, Any], field: str, problem: Problem) -> None:
    with pytest.raises(InvalidValue) as caught:
        declaration(**changes)
    assert caught.value.field == field
    assert caught.value.problem is problem
    assert caught.value.message_ja


def test_birthdate_on_the_day_is_allowed() -> None:
    assert declaration(birthdate=TODAY).claim_fields().copay.percent == 20


def test_optional_insurer_number() -> None:
    assert parse_optional_insurer_number(None) is None
    assert parse_optional_insurer_number(" 　") is None
    assert parse_optional_insurer_number("０１１３００１２") == InsurerNumber("01130012")
    with pytest.raises(InvalidValue) as caught:
        parse_optional_insurer_number("01130013")
    assert caught.value.problem is Problem.BAD_CHECK_DIGIT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03-1234-5678", "03-1234-5678"),
        ("０９０－１２３４－５６７８", "090-1234-5678"),
        ("09012345678", "09012345678"),
        ("(03) 1234-5678", "03-1234-5678"),
        ("+81-3-1234-5678", "+81-3-1234-5678"),
        ("", None),
        (None, None),
    ],
)
def test_phone(text: str | None, expected: str | None) -> None:
    assert parse_phone(text) == expected


@pytest.mark.parametrize("text", ["1234567", "123-4567", "〒123-4567", "１２３ー４５６７"])
def test_postal_code(text: str) -> None:
    assert parse_postal_code(text) == "123-4567"
