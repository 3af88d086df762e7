from __future__ import annotations

from datetime import date, datetime

import pytest

from onshi.domain.card import expires_soon, is_expired, notice_from
from onshi.domain.dates import JST

NOT_AFTER = datetime(2027, 5, 31, 23, 59, 59, tzinfo=JST)


def test_expired_only_after_not_after() -> None:
    assert not is_expired(NOT_AFTER, NOT_AFTER)
    assert is_expired(NOT_AFTER, datetime(2027, 6, 1, tzinfo=JST))


def test_notice_starts_three_months_before_clamped_to_month_end() -> None:
    assert notice_from(NOT_AFTER) == date(2027, 2, 28)
    assert notice_from(datetime(2028, 5, 31, 12, tzinfo=JST)) == date(2028, 2, 29)
    assert notice_from(datetime(2027, 2, 15, 12, tzinfo=JST)) == date(2026, 11, 15)


@pytest.mark.parametrize(
    ("at", "soon"),
    [
        (datetime(2027, 2, 27, 23, 0, tzinfo=JST), False),
        (datetime(2027, 2, 28, 0, 0, tzinfo=JST), True),
        (datetime(2027, 5, 31, 23, 0, tzinfo=JST), True),
        (datetime(2027, 6, 1, 0, 0, tzinfo=JST), False),  # expired, not "soon"
    ],
)
def test_expires_soon(at: datetime, soon: bool) -> None:
    assert expires_soon(NOT_AFTER, at) is soon
