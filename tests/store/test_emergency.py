"""Emergency switches in the database (both backends): one switch on per target, history kept."""

from __future__ import annotations

from datetime import timedelta

from onshi.domain.dates import now_jst
from onshi.domain.emergency import Scope
from onshi.store import emergency
from onshi.store.database import Database


async def test_one_switch_on_per_target_and_the_history_stays(db: Database) -> None:
    at = now_jst()
    async with db.write() as conn:
        first = await emergency.insert(conn, Scope.PREFECTURE, "13", "障害", at, "ops")
        assert first is not None
        assert await emergency.insert(conn, Scope.PREFECTURE, "13", "二重", at, "other") is None
        facility = await emergency.insert(conn, Scope.FACILITY, "1310000017", "院内障害", at, "ops")
        assert facility is not None
    assert (first.scope, first.target, first.reason, first.is_on) == (Scope.PREFECTURE, "13", "障害", True)
    assert abs(first.switched_on_at - at) < timedelta(seconds=1)

    async with db.write() as conn:
        assert await emergency.switch_off(conn, first.id, at + timedelta(hours=1), "ops2")
        assert not await emergency.switch_off(conn, first.id, at + timedelta(hours=2), "ops3")
        assert not await emergency.switch_off(conn, 999, at, "ops")
        again = await emergency.insert(conn, Scope.PREFECTURE, "13", "再発", at + timedelta(hours=3), "ops")
        assert again is not None and again.id != first.id
    async with db.read() as conn:
        on = await emergency.listing(conn)
        everything = await emergency.listing(conn, include_off=True)
        closed = await emergency.get(conn, first.id)
        found = await emergency.on_for(conn, Scope.PREFECTURE, "13")
    assert [s.id for s in on] == [again.id, facility.id]
    assert [s.id for s in everything] == [again.id, facility.id, first.id]
    assert closed is not None and closed.switched_off_by == "ops2" and not closed.is_on
    assert closed.switched_off_at is not None and closed.switched_off_at.tzinfo is not None
    assert found == again
