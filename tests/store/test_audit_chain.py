"""The audit chain: seals over settled events; `verify` finds any edit, deletion or late insertion
even with the append-only triggers out of the way (as a database superuser could do)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, insert, select, text, update

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.audit import AuditEvent
from onshi.domain.dates import now_jst
from onshi.services import audit_chain
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.dialect import is_postgres
from onshi.store.schema import audit_events

ACTOR = Actor(ActorKind.FACILITY, "1310000017", Channel.API)


async def record(db: Database, count: int, outcome: str = "validity:1") -> None:
    log = DirectAuditLog(db.engine)
    for n in range(count):
        await log.record(AuditEvent(ACTOR, "confirm.numbers", outcome, f"01130012:1:{n}:00", {"n": n}))


async def without_triggers(db: Database, statement: object) -> None:
    """Run a change the triggers would refuse, as the table's owner could."""
    async with db.write() as conn:
        if is_postgres(conn):
            await conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
            await conn.execute(statement)  # type: ignore[call-overload]
            await conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
        else:
            names = (await conn.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'"
            ))).all()  # fmt: skip
            for name, _ in names:
                await conn.execute(text(f"DROP TRIGGER {name}"))
            await conn.execute(statement)  # type: ignore[call-overload]
            for _, sql in names:
                await conn.execute(text(sql))


async def test_sealed_trail_verifies_and_only_settled_events_are_sealed(db: Database) -> None:
    await record(db, 5)
    assert await audit_chain.seal(db) is None  # nothing is 30 s old yet
    first = await audit_chain.seal(db, settle_seconds=0)
    assert first is not None and (first.seq, first.events) == (1, 5)
    await record(db, 3)
    second = await audit_chain.seal(db, settle_seconds=0)
    assert second is not None and (second.seq, second.events, second.through_id) == (
        2,
        3,
        first.through_id + 3,
    )
    await record(db, 2)
    result = await audit_chain.verify(db)
    assert (result.ok, result.seals, result.events, result.unsealed) == (True, 2, 8, 2)


async def test_edit_delete_and_late_insert_are_each_found(db: Database) -> None:
    await record(db, 6)
    assert await audit_chain.seal(db, settle_seconds=0) is not None
    async with db.read() as conn:
        ids = list((await conn.execute(select(audit_events.c.id).order_by(audit_events.c.id))).scalars())

    await without_triggers(
        db, update(audit_events).where(audit_events.c.id == ids[2]).values(outcome="validity:2")
    )
    edited = await audit_chain.verify(db)
    assert not edited.ok and "changed" in edited.problems[0]
    await without_triggers(
        db, update(audit_events).where(audit_events.c.id == ids[2]).values(outcome="validity:1")
    )
    assert (await audit_chain.verify(db)).ok  # put back exactly: the chain agrees again

    await without_triggers(db, delete(audit_events).where(audit_events.c.id == ids[4]))
    deleted = await audit_chain.verify(db)
    assert not deleted.ok and "5 events where 6" in deleted.problems[0]

    forged = {
        "id": ids[4], "occurred_at": now_jst() - timedelta(days=1), "actor_kind": "facility", "actor_id": "1310000017",
        "channel": "api", "action": "confirm.numbers", "outcome": "validity:1", "subject_key": "x", "detail": None,
    }  # fmt: skip
    await without_triggers(db, insert(audit_events).values(forged))
    assert not (await audit_chain.verify(db)).ok  # back to 6 events, but not the sealed ones
