"""Finding a confirmation's patient and listing what differs (pure rules)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from onshi.desk.patients import Patient, certain_match, differences, rank
from onshi.desk.results import Person

BIRTH = date(1980, 4, 1)
PERSON = Person(
    name="山田　太郎", name_kana="ﾔﾏﾀﾞ ﾀﾛｳ", birthdate=BIRTH, insurer_number="01130012",
    symbol="123", number="456", branch="00", copay_percent=30,
)  # fmt: skip


def patient(id: int, **values: object) -> Patient:
    base: dict[str, object] = {"name": "山田　太郎", "name_kana": "ヤマダ タロウ", "birthdate": BIRTH}
    return Patient(id=id, **{**base, **values})  # type: ignore[arg-type]


def test_the_reference_number_opens_the_patient_outright() -> None:
    found = rank([patient(1), patient(2, reference_number="00000002")], Person(reference_number="00000002"))
    assert certain_match(found) == found[0].patient and found[0].patient.id == 2


def test_numbers_and_birth_date_beat_names_and_a_single_hit_opens_without_asking() -> None:
    with_numbers = patient(3, insurer_number="01130012", symbol="123", number="456", name="別人")
    found = rank([patient(1), with_numbers, patient(2, birthdate=date(1990, 1, 1))], PERSON)
    assert [(c.patient.id, c.score) for c in found] == [(3, 95), (1, 85), (2, 20)]
    assert certain_match(found) == with_numbers


def test_name_matches_alone_are_offered_not_opened() -> None:
    found = rank([patient(1), patient(2)], PERSON)
    assert [c.reason for c in found] == ["生年月日と氏名カナが一致"] * 2
    assert certain_match(found) is None


def test_differences_are_listed_field_by_field_and_blank_answers_are_no_evidence() -> None:
    registered = patient(1, name="山田　太朗", insurer_number="  130012", copay_percent=20, address="東京都")
    found = {d.field: (d.registered, d.confirmed) for d in differences(registered, PERSON)}
    assert found["name"] == ("山田　太朗", "山田　太郎")
    assert found["copay_percent"] == (20, 30)
    assert "address" not in found  # the confirmation carried no address
    assert "name_kana" not in found  # half-width and full-width kana are the same name


@given(st.sampled_from(["  130012", "130012", "130012 "]))
def test_space_padded_insurer_numbers_are_the_same(number: str) -> None:
    registered = patient(1, insurer_number="130012")
    assert not [
        d for d in differences(registered, Person(insurer_number=number)) if d.field == "insurer_number"
    ]
