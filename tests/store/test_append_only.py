import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.audit import AuditEvent
from onshi.store.audit import DirectAuditLog, recent_events
from onshi.store.database import Database
from onshi.store.schema import audit_events


async def test_audit_events_cannot_be_changed_or_deleted(db: Database) -> None:
    actor = Actor(ActorKind.OPERATOR, "tester", Channel.CLI)
    await DirectAuditLog(db.engine).record(AuditEvent(actor, "test.action", "ok"))
    for statement in (update(audit_events).values(outcome="forged"), delete(audit_events)):
        with pytest.raises(DBAPIError, match="append-only"):
            async with db.write() as conn:
                await conn.execute(statement)
    async with db.read() as conn:
        (event,) = await recent_events(conn)
    assert event["outcome"] == "ok"
