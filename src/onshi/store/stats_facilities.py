"""Facility data as the statistics feed loads it: the facility row (with its obligation) and
the onboarding steps it reached (`onshi.store.milestones`, first day kept)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.facility import FacilityStatus
from onshi.domain.milestones import Milestone
from onshi.store.dialect import dialect_insert
from onshi.store.schema import facilities, facility_milestones

ALWAYS_WRITTEN = ("name", "prefecture_code", "facility_type")
OPTIONAL = ("obligated_from", "accepts_smartphone")


async def recorded_steps(conn: AsyncConnection, codes: Iterable[str]) -> dict[tuple[str, Milestone], date]:
    wanted = sorted(set(codes))
    found: dict[tuple[str, Milestone], date] = {}
    m = facility_milestones.c
    for start in range(0, len(wanted), 5000):
        query = select(m.facility_code, m.milestone, m.reached_on).where(
            m.facility_code.in_(wanted[start : start + 5000])
        )
        for row in await conn.execute(query):
            found[(row.facility_code, Milestone(row.milestone))] = row.reached_on
    return found


async def save(
    conn: AsyncConnection, rows: Sequence[dict[str, Any]], written: Sequence[str], at: datetime
) -> None:
    """Insert facilities or update them by code. `written`: the optional columns the feed gave
    (an absent column keeps what is stored). A new facility is active; an existing one keeps
    its status (a load never reactivates a suspended facility)."""
    if not rows:
        return
    statement = dialect_insert(conn, facilities)
    changing = [*ALWAYS_WRITTEN, *(c for c in OPTIONAL if c in written), "updated_at"]
    statement = statement.on_conflict_do_update(
        index_elements=["code"], set_={column: statement.excluded[column] for column in changing}
    )
    values = [
        {"status": FacilityStatus.ACTIVE.value, "accepts_smartphone": False, "obligated_from": None,
         "created_at": at, "updated_at": at, **row}
        for row in rows
    ]  # fmt: skip
    for start in range(0, len(values), 5000):
        await conn.execute(statement, values[start : start + 5000])
