"""GroupCommitAuditLog: concurrent events are committed in batches, in arrival order, and each
`record` returns only once its own event is committed (raw asyncpg on PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.audit import AuditEvent
from onshi.store.audit import GroupCommitAuditLog
from onshi.store.database import Database
from onshi.store.raw_pg import RawPool
from onshi.store.schema import audit_events

ACTOR = Actor(ActorKind.FACILITY, "1310000017", Channel.API, 3)


async def subjects(db: Database) -> list[str]:
    async with db.read() as conn:
        rows = await conn.execute(select(audit_events.c.subject_key).order_by(audit_events.c.id))
        return [row[0] for row in rows]


async def test_concurrent_events_are_committed_in_order_before_each_caller_returns(db: Database) -> None:
    raw = None if db.url.is_sqlite else RawPool(db.url, 2)
    log = GroupCommitAuditLog(db.engine, max_batch=7, raw=raw)
    await log.start()
    try:
        seen_after_own_commit: list[bool] = []

        async def confirm(n: int) -> None:
            await log.record(AuditEvent(ACTOR, "confirm.numbers", "validity:1", f"k:{n:03d}"))
            seen_after_own_commit.append(f"k:{n:03d}" in await subjects(db))

        await asyncio.gather(*(confirm(n) for n in range(40)))
        await log.record(AuditEvent(ACTOR, "confirm.numbers", "validity:1", "k:last"))  # after a pause
        assert all(seen_after_own_commit) and len(seen_after_own_commit) == 40
        assert await subjects(db) == [f"k:{n:03d}" for n in range(40)] + ["k:last"]
    finally:
        await log.stop()
        if raw is not None:
            await raw.close()
    with pytest.raises(RuntimeError, match="not running"):
        await log.record(AuditEvent(ACTOR, "confirm.numbers", "validity:1", "k:late"))
