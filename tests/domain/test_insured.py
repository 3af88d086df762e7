import pytest

from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.insured import InsuredNumbers, parse_branch, parse_number, parse_symbol


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１２－３４", "12-34"),
        ("12ー34", "12-34"),
        ("12 - 34", "12-34"),
        (" ａｂ１ ", "AB1"),
        ("練馬", "練馬"),
        (None, ""),
        ("", ""),
    ],
)
def test_symbol_normalisation(text: str | None, expected: str) -> None:
    assert parse_symbol(text) == expected


def test_number_is_required_and_normalised() -> None:
    assert parse_number("４５６　７") == "4567"
    with pytest.raises(InvalidValue) as caught:
        parse_number("  ")
    assert caught.value.problem is Problem.REQUIRED


def test_too_long() -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_symbol("1" * 21)
    assert caught.value.problem is Problem.TOO_LONG


@pytest.mark.parametrize(
    ("text", "expected"), [("00", "00"), ("１", "01"), ("7", "07"), ("", None), (None, None)]
)
def test_branch(text: str | None, expected: str | None) -> None:
    assert parse_branch(text) == expected


@pytest.mark.parametrize("text", ["001", "A1", "-1"])
def test_bad_branch(text: str) -> None:
    with pytest.raises(InvalidValue):
        parse_branch(text)


def test_numbers_together() -> None:
    assert InsuredNumbers.parse("１２", "３４", "1") == InsuredNumbers("12", "34", "01")
