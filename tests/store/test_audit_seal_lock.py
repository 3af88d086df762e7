"""On PostgreSQL one sealer works at a time: while a seal's transaction is open, another
central worker's sealer does not read or hash the same events again."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.audit import AuditEvent
from onshi.domain.dates import now_jst
from onshi.services import audit_chain as sealing
from onshi.store import audit_chain
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.dialect import is_postgres
from onshi.store.schema import audit_seals

ACTOR = Actor(ActorKind.FACILITY, "1310000017", Channel.API)


async def test_a_second_sealer_waits_its_turn_on_postgresql(db: Database) -> None:
    log = DirectAuditLog(db.engine)
    for n in range(3):
        await log.record(AuditEvent(ACTOR, "confirm.numbers", "validity:1", f"01130012:1:{n}:00"))
    async with db.write() as first:
        postgres = is_postgres(first)
        sealed = await audit_chain.seal(first, now_jst(), settle_seconds=0)
        assert sealed is not None and sealed.events == 3
        if postgres:
            # The first seal is not committed yet: the other sealer skips its round (without
            # the lock it would hash the same events and wait on the seal's key: a timeout).
            assert await asyncio.wait_for(sealing.seal(db, settle_seconds=0), 10) is None
    async with db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(audit_seals))).scalar_one() == 1
    await log.record(AuditEvent(ACTOR, "confirm.numbers", "validity:1", "01130012:1:9:00"))
    later = await sealing.seal(db, settle_seconds=0)  # the lock went with the first commit
    assert later is not None and later.events == 1
    assert (await sealing.verify(db)).ok
