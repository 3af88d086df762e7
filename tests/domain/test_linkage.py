"""Linkage of a card to a person: every attribute checked, every mismatch reported, one person per card."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from onshi.domain.codes import Sex
from onshi.domain.linkage import (
    Attribute,
    CardSurface,
    LinkageRefusal,
    compare,
    decide_linkage,
    record_to_compare,
)
from tests.factories import key, qualification

RECORD = qualification(
    name="髙橋　太郎", name_kana="タカハシ タロウ", address="東京都新宿区西新宿二丁目8番1号"
)
SURFACE = CardSurface(
    "髙橋　太郎", "タカハシ タロウ", date(1980, 4, 1), Sex.MALE, "東京都新宿区西新宿二丁目8番1号"
)


def test_matching_data_link_with_every_attribute_checked() -> None:
    decision = decide_linkage(SURFACE, RECORD, None)
    assert decision.linked
    assert decision.person == RECORD.key
    assert decision.checked == tuple(Attribute)
    assert (decision.mismatches, decision.unverified) == ((), ())


@pytest.mark.parametrize(
    "name",
    [
        "髙橋 太郎",  # half-width space
        "髙橋太郎",  # no space
        "高橋　太郎",  # new form of 髙
        "髙橋\u3000\u3000太郎 ",  # extra spaces
        "髙󠄀橋　太郎",  # with an ideographic variation selector
    ],
)
def test_name_matches_through_the_normalisation(name: str) -> None:
    assert compare(replace(SURFACE, name=name), RECORD) == ((), ())


def test_another_name_is_a_mismatch() -> None:
    assert compare(replace(SURFACE, name="髙橋　次郎"), RECORD)[0] == (Attribute.NAME,)


def test_a_registered_common_name_counts_as_the_name() -> None:
    record = replace(RECORD, name_of_other="高橋　タロー", name_of_other_kana="タカハシ タロー")
    surface = replace(SURFACE, name="高橋　タロー", name_kana="タカハシ タロー")
    assert compare(surface, record) == ((), ())


@pytest.mark.parametrize("kana", ["ﾀｶﾊｼ ﾀﾛｳ", "たかはし　たろう", "タカハシタロウ"])
def test_kana_matches_across_width_script_and_spacing(kana: str) -> None:
    assert compare(replace(SURFACE, name_kana=kana), RECORD) == ((), ())


def test_another_kana_is_a_mismatch() -> None:
    assert compare(replace(SURFACE, name_kana="タカバシ タロウ"), RECORD)[0] == (Attribute.KANA,)


def test_birthdate_must_be_equal() -> None:
    assert compare(replace(SURFACE, birthdate=date(1980, 4, 2)), RECORD)[0] == (Attribute.BIRTHDATE,)


def test_sex_must_be_equal() -> None:
    assert compare(replace(SURFACE, sex=Sex.FEMALE), RECORD)[0] == (Attribute.SEX,)


@pytest.mark.parametrize(
    "address",
    [
        "東京都新宿区西新宿2-8-1",
        "東京都新宿区西新宿２－８－１",
        "東京都 新宿区 西新宿2ー8ー1",
        "東京都新宿区西新宿二丁目八番一号",
    ],
)
def test_address_matches_in_its_usual_spellings(address: str) -> None:
    assert compare(replace(SURFACE, address=address), RECORD) == ((), ())


def test_another_address_is_a_mismatch() -> None:
    assert compare(replace(SURFACE, address="東京都新宿区西新宿2-8-2"), RECORD)[0] == (Attribute.ADDRESS,)


def test_an_insurer_record_without_address_leaves_it_unverified_not_matched() -> None:
    decision = decide_linkage(SURFACE, replace(RECORD, address=None), None)
    assert decision.linked
    assert decision.unverified == (Attribute.ADDRESS,)
    assert Attribute.ADDRESS not in decision.checked


def test_every_mismatch_is_reported_and_nothing_is_linked() -> None:
    surface = CardSurface("佐藤　花子", "サトウ ハナコ", date(1990, 1, 1), Sex.FEMALE, "大阪府大阪市北区1-1")
    decision = decide_linkage(surface, RECORD, None)
    assert not decision.linked
    assert decision.refusal is LinkageRefusal.MISMATCH
    assert decision.mismatches == tuple(Attribute)
    assert "氏名・氏名カナ・生年月日・性別・住所" in decision.message_ja


def test_a_card_linked_to_someone_else_is_refused_even_when_the_data_match() -> None:
    decision = decide_linkage(SURFACE, RECORD, key(number="999"))
    assert decision.refusal is LinkageRefusal.LINKED_TO_OTHER
    assert "別の方" in decision.message_ja


def test_a_card_already_linked_to_the_same_person_stays_linked() -> None:
    assert decide_linkage(SURFACE, RECORD, RECORD.key).linked


def test_the_latest_period_is_compared() -> None:
    older = replace(RECORD, qualification_date=date(2000, 4, 1), address="旧住所")
    assert record_to_compare([older, RECORD]) == RECORD
    assert record_to_compare([]) is None
