"""Numeric cells of the clinical feeds: values Decimal and int accept but no measurement is."""

from __future__ import annotations

import pytest

from onshi.domain.errors import InvalidValue
from onshi.feeds.clinical_csv import CHECKUP_CELLS, MEDICATION_CELLS


@pytest.mark.parametrize("raw", ["NaN", "NAN", "sNaN", "Infinity", "-inf", "1e999", "abc"])
def test_not_a_number_is_a_format_error_not_a_crash(raw: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        CHECKUP_CELLS["height_cm"].parse(raw)
    assert refused.value.problem.value in {"bad_format", "inconsistent"}


def test_numbers_in_range_are_read() -> None:
    assert str(CHECKUP_CELLS["height_cm"].parse(" 170.5 ")) == "170.5"
    assert MEDICATION_CELLS["quantity"].parse("3") == 3
    with pytest.raises(InvalidValue):
        CHECKUP_CELLS["height_cm"].parse("20")
