"""照会番号 (reference number): the facility's own patient ID, registered against a person so that
face-reader results come back with it (wire-spec.md §7). Up to 50 characters, kept as given."""

from __future__ import annotations

import unicodedata

from onshi.domain.errors import InvalidValue, Problem

MAX_LENGTH = 50
_MY_NUMBER_DIGITS = 12


def parse_reference_number(text: str | None, field: str = "reference_number") -> str:
    value = (text or "").strip(" \u3000")
    if not value:
        raise InvalidValue(field, Problem.REQUIRED, "照会番号がありません", "reference number is missing")
    if len(value) > MAX_LENGTH:
        raise InvalidValue(
            field,
            Problem.TOO_LONG,
            f"照会番号は{MAX_LENGTH}文字以内です",
            f"a reference number has at most {MAX_LENGTH} characters",
        )
    if not value.isprintable():
        raise InvalidValue(
            field, Problem.BAD_FORMAT, "制御文字が含まれています", "contains control characters"
        )
    folded = unicodedata.normalize("NFKC", value)
    # The same rule as for individual keys: a facility must never send a My Number here.
    if len(folded) == _MY_NUMBER_DIGITS and folded.isascii() and folded.isdigit():
        raise InvalidValue(
            field,
            Problem.FORBIDDEN_CONTENT,
            "12桁の数字は個人番号の可能性があるため受け付けません",
            "a 12-digit number may be a My Number and is refused",
        )
    return value
