"""災害時モード: the operator declares a disaster for prefectures and a period (and may cancel
it); each change is written with its audit record in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from onshi.domain import disaster as rules
from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent
from onshi.domain.dates import now_jst
from onshi.domain.disaster import DisasterDeclaration
from onshi.domain.emergency import parse_reason
from onshi.store import disasters as store
from onshi.store.audit import insert_events
from onshi.store.database import Database

DECLARE_ACTION = "disaster.declare"
CANCEL_ACTION = "disaster.cancel"


async def declare(
    db: Database, actor: Actor, prefectures: Iterable[str], starts_on: date, ends_on: date, reason: str
) -> DisasterDeclaration:
    """Raises InvalidValue for unknown prefectures, a bad period or a missing reason."""
    codes = rules.parse_prefectures(prefectures)
    rules.check_period(starts_on, ends_on)
    text = parse_reason(reason)
    at = now_jst()
    async with db.write() as conn:
        declared = await store.declare(conn, codes, starts_on, ends_on, text, at, actor.id)
        detail = {
            "id": declared.id,
            "prefectures": sorted(codes),
            "from": starts_on.isoformat(),
            "to": ends_on.isoformat(),
        }
        await insert_events(
            conn, [AuditEvent(actor, DECLARE_ACTION, "declared", detail=detail, occurred_at=at)]
        )
    return declared


async def cancel(db: Database, actor: Actor, declaration_id: int) -> DisasterDeclaration | None:
    """None when there is no such declaration; an already cancelled one is returned as it is."""
    at = now_jst()
    async with db.write() as conn:
        if await store.cancel(conn, declaration_id, at, actor.id):
            event = AuditEvent(
                actor, CANCEL_ACTION, "cancelled", detail={"id": declaration_id}, occurred_at=at
            )
            await insert_events(conn, [event])
        return await store.get(conn, declaration_id)


async def listing(db: Database) -> list[DisasterDeclaration]:
    async with db.read() as conn:
        return await store.listing(conn)
