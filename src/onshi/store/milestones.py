"""The dated onboarding steps of facilities (onshi.domain.milestones)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.dates import now_jst
from onshi.domain.facility import FacilityCode
from onshi.domain.milestones import Milestone
from onshi.store.dialect import dialect_insert
from onshi.store.schema import facility_milestones


async def record(
    conn: AsyncConnection,
    reached: Iterable[tuple[FacilityCode, Milestone, date]],
    source: str,
) -> None:
    """Record steps reached; a step already recorded keeps its first day."""
    now = now_jst()
    rows = [
        {
            "facility_code": code.digits,
            "milestone": milestone.value,
            "reached_on": on,
            "source": source,
            "recorded_at": now,
        }
        for code, milestone, on in reached
    ]
    statement = dialect_insert(conn, facility_milestones).on_conflict_do_nothing(
        index_elements=["facility_code", "milestone"]
    )
    for start in range(0, len(rows), 5000):
        await conn.execute(statement, rows[start : start + 5000])


async def of_facility(conn: AsyncConnection, code: FacilityCode) -> dict[Milestone, date]:
    query = select(facility_milestones.c.milestone, facility_milestones.c.reached_on).where(
        facility_milestones.c.facility_code == code.digits
    )
    return {Milestone(row.milestone): row.reached_on for row in await conn.execute(query)}
