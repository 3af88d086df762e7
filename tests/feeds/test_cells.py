"""Cell parsers refuse digits that `str.isdigit` accepts but `int` does not (superscripts,
circled numbers) with a clear error instead of crashing the import."""

from __future__ import annotations

import pytest

from onshi.domain.errors import InvalidValue
from onshi.feeds import _cells


@pytest.mark.parametrize("parse", [_cells.ratio, _cells.self_pay])
@pytest.mark.parametrize("raw", ["²", "3⁰", "①"])
def test_digits_int_cannot_read_are_refused(parse: _cells.CellParser, raw: str) -> None:
    with pytest.raises(InvalidValue):
        parse(raw)


def test_decimal_digits_of_any_width_are_read() -> None:
    assert _cells.ratio("030") == 30
    assert _cells.ratio("３０") == 30
    assert _cells.self_pay("１０００") == 1000
