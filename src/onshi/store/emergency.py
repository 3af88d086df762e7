"""Emergency switches (緊急時資格確認機能): one row per switch-on, closed by its switch-off."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.emergency import Scope, Switch
from onshi.store.dialect import aware_jst, dialect_insert
from onshi.store.schema import emergency_switches

_ON = emergency_switches.c.switched_off_at.is_(None)


def _switch(row: Any) -> Switch:
    switched_on_at = aware_jst(row.switched_on_at)
    assert switched_on_at is not None
    return Switch(
        row.id, Scope(row.scope), row.target, row.reason, switched_on_at, row.switched_on_by,
        aware_jst(row.switched_off_at), row.switched_off_by,
    )  # fmt: skip


async def insert(
    conn: AsyncConnection, scope: Scope, target: str, reason: str, at: datetime, by: str
) -> Switch | None:
    """A new switch, or None when the target's switch is already on (the partial unique index
    decides, so two operators switching on at once still make one row)."""
    statement = (
        dialect_insert(conn, emergency_switches)
        .values(scope=scope.value, target=target, reason=reason, switched_on_at=at, switched_on_by=by)
        .on_conflict_do_nothing(index_elements=["scope", "target"], index_where=_ON)
        .returning(emergency_switches.c.id)
    )
    new_id = (await conn.execute(statement)).scalar_one_or_none()
    return None if new_id is None else await get(conn, int(new_id))


async def get(conn: AsyncConnection, switch_id: int) -> Switch | None:
    row = (await conn.execute(select(emergency_switches).where(emergency_switches.c.id == switch_id))).first()
    return _switch(row) if row else None


async def on_for(conn: AsyncConnection, scope: Scope, target: str) -> Switch | None:
    """The target's switch that is on, if any."""
    query = select(emergency_switches).where(
        emergency_switches.c.scope == scope.value, emergency_switches.c.target == target, _ON
    )
    row = (await conn.execute(query)).first()
    return _switch(row) if row else None


async def switch_off(conn: AsyncConnection, switch_id: int, at: datetime, by: str) -> bool:
    """Close a switch; False when it is unknown or already off."""
    result = await conn.execute(
        update(emergency_switches)
        .where(emergency_switches.c.id == switch_id, _ON)
        .values(switched_off_at=at, switched_off_by=by)
    )
    return result.rowcount == 1


async def listing(conn: AsyncConnection, include_off: bool = False) -> list[Switch]:
    """Switches that are on (all of them, newest first, with `include_off`)."""
    query = select(emergency_switches).order_by(emergency_switches.c.id.desc())
    if not include_off:
        query = query.where(_ON)
    return [_switch(row) for row in await conn.execute(query)]
