"""Sealing the audit trail (central does it every few seconds) and verifying it."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import IntegrityError

from onshi.domain.dates import now_jst
from onshi.store import audit_chain
from onshi.store.audit_chain import SETTLE_SECONDS, Seal, Verification
from onshi.store.database import Database

log = logging.getLogger("onshi.audit")
SEAL_EVERY_SECONDS = 10.0


async def seal(db: Database, settle_seconds: float = SETTLE_SECONDS) -> Seal | None:
    """One new seal over the settled events, or None (nothing new, or another sealer won)."""
    try:
        async with db.write() as conn:
            return await audit_chain.seal(conn, now_jst(), settle_seconds)
    except IntegrityError:
        return None


async def verify(db: Database) -> Verification:
    async with db.read() as conn:
        return await audit_chain.verify(conn)


async def keep_sealing(db: Database, every: float = SEAL_EVERY_SECONDS) -> None:
    """Seal until cancelled; a failed round (database away) is logged and retried."""
    while True:
        try:
            while await seal(db) is not None:
                pass  # catch up after a pause, one seal per round trip
        except Exception as error:  # the next round retries; the events themselves are safe
            log.warning("audit sealing failed: %s", error)
        await asyncio.sleep(every)
