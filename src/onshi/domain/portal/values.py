"""Small values shared by the portal calculators: bilingual notes, exact rates, months."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from onshi.domain.dates import add_months, month_start, parse_wire_month
from onshi.domain.errors import InvalidValue, Problem


@dataclass(frozen=True, slots=True)
class Note:
    """A reason or remark shown to staff: Japanese first, English second."""

    ja: str
    en: str


_RATE = re.compile(r"(\d+)/(\d+)")


@dataclass(frozen=True, slots=True)
class Rate:
    """An exact fraction such as 3/4, so that cost × rate never picks up float error."""

    numerator: int
    denominator: int

    @classmethod
    def parse(cls, text: str, field: str = "rate") -> Rate:
        match = _RATE.fullmatch(text.strip())
        if not match or int(match[2]) == 0 or not 0 < int(match[1]) <= int(match[2]):
            raise InvalidValue(
                field,
                Problem.BAD_FORMAT,
                f"補助率は 0 より大きく 1 以下の分数（例 3/4）です: {text!r}",
                f"a rate is a fraction in (0, 1], e.g. 3/4: {text!r}",
            )
        return cls(int(match[1]), int(match[2]))

    def of_yen(self, yen: int) -> int:
        """yen × rate, rounded down to the yen (a grant never pays a fraction of a yen)."""
        return yen * self.numerator // self.denominator

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"


def parse_month(text: str, field: str = "month") -> date:
    """YYYY-MM or YYYYMM, returned as the first day of the month."""
    return parse_wire_month(text.strip().replace("-", "").replace("/", ""), field)


def format_month(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def shift_month(day: date, months: int) -> date:
    """The first day of the month `months` after the day's month (negative: before)."""
    return month_start(add_months(day, months))


def months_between(first: date, last: date) -> tuple[date, ...]:
    """The months from `first` to `last` inclusive, as first days."""
    months: list[date] = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = shift_month(month, 1)
    return tuple(months)
