"""format_wire_datetime writes what strftime("%Y%m%d%H%M%S") wrote, in JST, for any moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from onshi.domain.dates import JST, format_wire_datetime

ZONES = st.sampled_from([JST, UTC, timezone(timedelta(hours=-11, minutes=-30))])


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=ZONES))
def test_same_text_as_strftime(moment: datetime) -> None:
    assert format_wire_datetime(moment) == moment.astimezone(JST).strftime("%Y%m%d%H%M%S")
