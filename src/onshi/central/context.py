"""What a running central needs, built once per process (the one wiring point)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from onshi.central.ratelimit import RateLimiter
from onshi.config import Settings
from onshi.services.audit_chain import keep_sealing
from onshi.store.audit import GroupCommitAuditLog
from onshi.store.database import Database
from onshi.store.raw_pg import RawPool


@dataclass(slots=True)
class Central:
    settings: Settings
    db: Database
    audit: GroupCommitAuditLog
    limiter: RateLimiter
    # Raw asyncpg connections for the hot paths on PostgreSQL (None on SQLite).
    raw: RawPool | None = None
    _sealer: asyncio.Task[None] | None = None

    @classmethod
    def build(cls, settings: Settings) -> Central:
        db = Database.open(settings.database_url, settings.pool_size)
        per_second = settings.rate_limit_per_second
        raw = None if db.url.is_sqlite else RawPool(db.url, settings.pool_size)
        audit = GroupCommitAuditLog(db.engine, raw=raw)
        return cls(settings, db, audit, RateLimiter(per_second, int(per_second * 2)), raw)

    async def start(self) -> None:
        await self.audit.start()
        self._sealer = asyncio.create_task(keep_sealing(self.db), name="audit-sealer")

    async def stop(self) -> None:
        if self._sealer is not None:
            self._sealer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sealer
        await self.audit.stop()
        if self.raw is not None:
            await self.raw.close()
        await self.db.close()
