"""Date arithmetic for the generator, on proleptic ordinals (fast) with YYYYMMDD text cached."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from onshi.domain.dates import age_on

MAX_AGE = 110
LATE_ELDERLY_SYSTEM_START = date(2008, 4, 1).toordinal()  # 後期高齢者医療制度


def anniversary(birth: date, years: int) -> date:
    """The day `years` after `birth`; a 29 February birthday falls on 1 March in common years
    (the day `onshi.domain.dates.age_on` counts the birthday as reached)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)


class _Cache(dict[int, int]):
    def __init__(self, compute: Callable[[int], int]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, day: int) -> int:
        value = self[day] = self.compute(day)
        return value


def _cycle_start(day: int) -> int:
    value = date.fromordinal(day)
    year = value.year if value.month >= 8 else value.year - 1
    return date(year, 8, 1).toordinal()


def _cycle_end(day: int) -> int:
    value = date.fromordinal(day)
    year = value.year + 1 if value.month >= 8 else value.year
    return date(year, 7, 31).toordinal()


def _month_start(day: int) -> int:
    return day - date.fromordinal(day).day + 1


# Memoised by ordinal (the hot path looks these up directly).
CYCLE_STARTS = _Cache(_cycle_start)
CYCLE_ENDS = _Cache(_cycle_end)
MONTH_STARTS = _Cache(_month_start)


def cycle_start(day: int) -> int:
    """The last 1 August on or before `day`: certificates of the elderly renew every August."""
    return CYCLE_STARTS[day]


def cycle_end(day: int) -> int:
    """The first 31 July on or after `day`."""
    return CYCLE_ENDS[day]


def month_start(day: int) -> int:
    """The first day of the month of `day`."""
    return MONTH_STARTS[day]


def months_later_end(day: int, months: int) -> int:
    """The last day of the month `months` after the month of `day`."""
    value = date.fromordinal(day)
    index = value.year * 12 + value.month - 1 + months + 1
    return date(index // 12, index % 12 + 1, 1).toordinal() - 1


class DayTexts(dict[int, str]):
    """Ordinal → YYYYMMDD, computed once per day."""

    def __missing__(self, day: int) -> str:
        value = date.fromordinal(day)
        text = self[day] = f"{value.year:04d}{value.month:02d}{value.day:02d}"
        return text


class Calendar:
    """`as_of` ("today" of the generated data), exact-age birth windows and cached text."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self.today = as_of.toordinal()
        self.texts = DayTexts()
        low: list[int] = []
        high: list[int] = []
        for age in range(MAX_AGE + 1):
            latest = anniversary(as_of, -age).toordinal()
            while age_on(date.fromordinal(latest), as_of) < age:
                latest -= 1
            earliest = anniversary(as_of, -age - 1).toordinal()
            while age_on(date.fromordinal(earliest), as_of) > age:
                earliest += 1
            low.append(earliest)
            high.append(latest)
        self.birth_low = tuple(low)
        self.birth_span = tuple(h - lo + 1 for lo, h in zip(low, high, strict=True))

    def text(self, day: int) -> str:
        """YYYYMMDD."""
        return self.texts[day]
