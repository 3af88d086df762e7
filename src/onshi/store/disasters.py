"""Disaster declarations (災害時モード): declared and cancelled by the operator, never deleted."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.disaster import DisasterDeclaration
from onshi.store.dialect import aware_jst
from onshi.store.schema import disaster_declarations

_T = disaster_declarations.c


def _declaration(row: Any) -> DisasterDeclaration:
    return DisasterDeclaration(
        id=row.id,
        prefectures=frozenset(row.prefectures.split(",")),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        reason=row.reason,
        declared_at=aware_jst(row.declared_at),
        declared_by=row.declared_by,
        cancelled_at=aware_jst(row.cancelled_at),
    )


async def declare(
    conn: AsyncConnection,
    prefectures: frozenset[str],
    starts_on: date,
    ends_on: date,
    reason: str,
    at: datetime,
    by: str,
) -> DisasterDeclaration:
    values = {
        "prefectures": ",".join(sorted(prefectures)),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "reason": reason,
        "declared_at": at,
        "declared_by": by,
    }
    new_id = (await conn.execute(insert(disaster_declarations).values(values).returning(_T.id))).scalar_one()
    found = await get(conn, int(new_id))
    assert found is not None
    return found


async def get(conn: AsyncConnection, declaration_id: int) -> DisasterDeclaration | None:
    row = (await conn.execute(select(disaster_declarations).where(_T.id == declaration_id))).first()
    return _declaration(row) if row else None


async def cancel(conn: AsyncConnection, declaration_id: int, at: datetime, by: str) -> bool:
    result = await conn.execute(
        update(disaster_declarations)
        .where(_T.id == declaration_id, _T.cancelled_at.is_(None))
        .values(cancelled_at=at, cancelled_by=by)
    )
    return result.rowcount == 1


async def current(conn: AsyncConnection, on: date) -> list[DisasterDeclaration]:
    """Declarations not cancelled whose period includes `on` (a handful at most)."""
    query = select(disaster_declarations).where(
        _T.cancelled_at.is_(None), _T.starts_on <= on, _T.ends_on >= on
    )
    return [_declaration(row) for row in await conn.execute(query)]


async def listing(conn: AsyncConnection) -> list[DisasterDeclaration]:
    query = select(disaster_declarations).order_by(_T.id.desc())
    return [_declaration(row) for row in await conn.execute(query)]
