import pytest

from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.insurer import InsurerKind, InsurerNumber


@pytest.mark.parametrize(
    ("text", "digits", "kind", "prefecture"),
    [
        ("01130012", "01130012", InsurerKind.KYOKAI_KENPO, "13"),
        ("０１１３００１２", "01130012", InsurerKind.KYOKAI_KENPO, "13"),  # full-width, as typed
        ("39131156", "39131156", InsurerKind.KOUKI_KOUREI, "13"),
        ("  138057", "138057", InsurerKind.KOKUHO, "13"),  # wire form: right-aligned with spaces
        ("133033", "133033", InsurerKind.KOKUHO_KUMIAI, "13"),
    ],
)
def test_parse(text: str, digits: str, kind: InsurerKind, prefecture: str) -> None:
    number = InsurerNumber.parse(text)
    assert number.digits == digits
    assert number.kind is kind
    assert number.prefecture_code == prefecture


def test_wire_form_is_eight_characters_right_aligned() -> None:
    assert InsurerNumber.parse("138057").wire == "  138057"
    assert InsurerNumber.parse("01130012").wire == "01130012"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", Problem.REQUIRED),
        ("1234567", Problem.BAD_FORMAT),
        ("0113001A", Problem.BAD_FORMAT),
        ("123456789", Problem.BAD_FORMAT),
        ("01130013", Problem.BAD_CHECK_DIGIT),
        ("12130019", Problem.UNKNOWN_CODE),  # 法別12 is 生活保護 (public expense), not an insurer
        ("01480011", Problem.UNKNOWN_CODE),  # no prefecture 48
    ],
)
def test_rejects(text: str, problem: Problem) -> None:
    with pytest.raises(InvalidValue) as caught:
        InsurerNumber.parse(text)
    assert caught.value.problem is problem
    assert caught.value.message_ja
    assert caught.value.message_en


def test_build_appends_the_check_digit() -> None:
    assert InsurerNumber.build("0113001").digits == "01130012"
