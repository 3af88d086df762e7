"""Published percentages: computed from exact counts, rounded half up (98.85… → 98.9), the way
the seed's tables print them (「申込率」「接続率」「参加率」 to one decimal)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")


def percent(part: int, whole: int, places: Decimal = ONE_DECIMAL) -> Decimal | None:
    """part / whole as a percentage rounded half up; None when there is nothing to divide by."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(places, rounding=ROUND_HALF_UP)


def exact_percent(part: int, whole: int) -> Decimal | None:
    """The unrounded percentage (28 significant digits), for comparisons and averages."""
    return None if whole <= 0 else Decimal(part) * 100 / Decimal(whole)


def shown(value: Decimal | None) -> str:
    """98.9% — or — when the rate is undefined (no facilities, no claims)."""
    return "—" if value is None else f"{value}%"
