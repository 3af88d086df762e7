from datetime import date

import pytest

from onshi.domain.dates import (
    age_on,
    format_ja,
    format_wareki,
    format_wire_date,
    parse_flexible_date,
    parse_wire_date,
    parse_wire_datetime,
)
from onshi.domain.errors import InvalidValue, Problem


def test_wire_date_is_strict() -> None:
    assert parse_wire_date("20240229") == date(2024, 2, 29)
    for text in ("2024-02-29", "2024229", "２０２４０２２９"):
        with pytest.raises(InvalidValue) as caught:
            parse_wire_date(text)
        assert caught.value.problem is Problem.BAD_FORMAT
    with pytest.raises(InvalidValue) as caught:
        parse_wire_date("20230229")
    assert caught.value.problem is Problem.IMPOSSIBLE_DATE


def test_wire_datetime() -> None:
    moment = parse_wire_datetime("20230221174835")
    assert (moment.hour, moment.minute, moment.second) == (17, 48, 35)
    assert moment.utcoffset() is not None
    with pytest.raises(InvalidValue):
        parse_wire_datetime("20230221246000")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20240401", date(2024, 4, 1)),
        ("2024-04-01", date(2024, 4, 1)),
        ("2024/4/1", date(2024, 4, 1)),
        ("R6.4.1", date(2024, 4, 1)),
        ("r6.04.01", date(2024, 4, 1)),
        ("令和6年4月1日", date(2024, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("H31/04/30", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("Ｓ55．3．3", date(1980, 3, 3)),
        ("大正15年12月24日", date(1926, 12, 24)),
    ],
)
def test_flexible(text: str, expected: date) -> None:
    assert parse_flexible_date(text) == expected


@pytest.mark.parametrize(
    "text", ["平成31年5月1日", "昭和64年1月8日", "令和1年4月30日", "R0.1.1", "2024-02-30", "令和6年13月1日"]
)
def test_flexible_rejects_impossible(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_flexible_date(text)
    assert caught.value.problem is Problem.IMPOSSIBLE_DATE


def test_flexible_rejects_unrecognised() -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_flexible_date("next tuesday")
    assert caught.value.problem is Problem.BAD_FORMAT


def test_formats() -> None:
    assert format_wire_date(date(2024, 4, 1)) == "20240401"
    assert format_wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert format_wareki(date(2019, 4, 30)) == "平成31年4月30日"
    assert format_ja(date(2024, 4, 1)) == "2024年4月1日（令和6年4月1日）"


def test_age_counts_from_the_calendar_birthday() -> None:
    assert age_on(date(1950, 6, 15), date(2025, 6, 14)) == 74
    assert age_on(date(1950, 6, 15), date(2025, 6, 15)) == 75
    assert age_on(date(2000, 2, 29), date(2021, 2, 28)) == 20
    assert age_on(date(2000, 2, 29), date(2021, 3, 1)) == 21
