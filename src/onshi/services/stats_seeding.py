"""Writing the seeded facilities' onboarding: the obligation column and the steps reached."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.seed.onboarding import Onboarding
from onshi.store import milestones
from onshi.store.schema import facilities

SOURCE = "seed"


async def seed_onboarding(conn: AsyncConnection, items: Iterable[Onboarding]) -> None:
    listed = list(items)
    obligated = [{"key": item.code.digits, "day": item.obligated_from} for item in listed]
    if obligated:
        statement = (
            update(facilities)
            .where(facilities.c.code == bindparam("key"))
            .values(obligated_from=bindparam("day"))
        )
        await conn.execute(statement, obligated)
    steps = [(item.code, step, day) for item in listed for step, day in item.reached]
    await milestones.record(conn, steps, SOURCE)
