"""Facilities (医療機関等) registered with central."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.dates import now_jst
from onshi.domain.facility import Facility, FacilityCode, FacilityStatus, FacilityType
from onshi.store.dialect import upsert
from onshi.store.schema import facilities


def _to_domain(row: Any) -> Facility:
    return Facility(
        code=FacilityCode(row.code),
        name=row.name,
        facility_type=FacilityType(row.facility_type),
        status=FacilityStatus(row.status),
        accepts_smartphone=row.accepts_smartphone,
    )


def _row(facility: Facility) -> dict[str, Any]:
    now = now_jst()
    return {
        "code": facility.code.digits,
        "name": facility.name,
        "prefecture_code": facility.code.prefecture.code,
        "facility_type": facility.facility_type.value,
        "status": facility.status.value,
        "accepts_smartphone": facility.accepts_smartphone,
        "created_at": now,
        "updated_at": now,
    }


async def save(conn: AsyncConnection, items: Iterable[Facility]) -> int:
    """Insert or update facilities by code; returns how many were written."""
    rows = [_row(f) for f in items]
    if not rows:
        return 0
    changing = ("name", "prefecture_code", "facility_type", "status", "accepts_smartphone", "updated_at")
    for start in range(0, len(rows), 5000):
        await conn.execute(upsert(conn, facilities, ("code",), changing), rows[start : start + 5000])
    return len(rows)


async def get(conn: AsyncConnection, code: FacilityCode) -> Facility | None:
    row = (await conn.execute(select(facilities).where(facilities.c.code == code.digits))).first()
    return _to_domain(row) if row else None


async def set_status(conn: AsyncConnection, code: FacilityCode, status: FacilityStatus) -> bool:
    result = await conn.execute(
        update(facilities)
        .where(facilities.c.code == code.digits)
        .values(status=status.value, updated_at=now_jst())
    )
    return result.rowcount == 1


async def listing(conn: AsyncConnection, limit: int = 100, offset: int = 0) -> list[Facility]:
    query = select(facilities).order_by(facilities.c.code).limit(limit).offset(offset)
    return [_to_domain(row) for row in await conn.execute(query)]


async def count(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.count()).select_from(facilities))).scalar_one())
