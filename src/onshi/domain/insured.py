"""被保険者証の記号・番号・枝番 — the numbers on an insurance card or 資格確認書.

Individual-level key (個人単位被保険者番号) = 保険者番号 + 記号 + 番号 + 枝番. The symbol is
absent on some cards (後期高齢者, some 国保); the 2-digit branch number (枝番) is absent
on 後期高齢者 cards. Values are normalised as cards carry them (full/half width, spaces,
hyphen variants) by `onshi.domain.text.normalise_identifier`.
"""

from __future__ import annotations

from dataclasses import dataclass

from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.text import is_ascii_digits, normalise_identifier

MAX_SYMBOL_LENGTH = 20
MAX_NUMBER_LENGTH = 20


def _check_printable(field: str, value: str) -> None:
    if not value.isprintable():  # spaces are already removed, so any non-printable is refused
        raise InvalidValue(
            field, Problem.BAD_FORMAT, "制御文字が含まれています", "contains control characters"
        )


def parse_symbol(text: str | None, field: str = "insured_card_symbol") -> str:
    """記号, or '' when the card has none."""
    value = normalise_identifier(text or "")
    _check_printable(field, value)
    if len(value) > MAX_SYMBOL_LENGTH:
        raise InvalidValue(
            field,
            Problem.TOO_LONG,
            f"記号は{MAX_SYMBOL_LENGTH}文字以内です",
            f"symbol exceeds {MAX_SYMBOL_LENGTH}",
        )
    return value


def parse_number(text: str | None, field: str = "insured_identification_number") -> str:
    value = normalise_identifier(text or "")
    if not value:
        raise InvalidValue(field, Problem.REQUIRED, "被保険者証番号がありません", "card number is missing")
    _check_printable(field, value)
    if len(value) > MAX_NUMBER_LENGTH:
        raise InvalidValue(
            field,
            Problem.TOO_LONG,
            f"番号は{MAX_NUMBER_LENGTH}文字以内です",
            f"number exceeds {MAX_NUMBER_LENGTH}",
        )
    return value


def parse_branch(text: str | None, field: str = "insured_branch_number") -> str | None:
    """枝番: two digits, or None when absent. A single digit is zero-padded ("1" → "01")."""
    value = normalise_identifier(text or "")
    if not value:
        return None
    if not is_ascii_digits(value) or len(value) > 2:
        raise InvalidValue(
            field,
            Problem.BAD_FORMAT,
            f"枝番は2桁の数字です: {text!r}",
            f"a branch number is 2 digits: {text!r}",
        )
    return value.zfill(2)


@dataclass(frozen=True, slots=True)
class InsuredNumbers:
    symbol: str  # '' when absent
    number: str
    branch: str | None  # None when absent (or, in a search, not given)

    @classmethod
    def parse(cls, symbol: str | None, number: str | None, branch: str | None) -> InsuredNumbers:
        return cls(parse_symbol(symbol), parse_number(number), parse_branch(branch))
