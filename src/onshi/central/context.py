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


@dataclass(slots=True)
class Central:
    settings: Settings
    db: Database
    audit: GroupCommitAuditLog
    limiter: RateLimiter
    _sealer: asyncio.Task[None] | None = None

    @classmethod
    def build(cls, settings: Settings) -> Central:
        db = Database.open(settings.database_url, settings.pool_size)
        per_second = settings.rate_limit_per_second
        return cls(settings, db, GroupCommitAuditLog(db.engine), RateLimiter(per_second, int(per_second * 2)))

    async def start(self) -> None:
        await self.audit.start()
        self._sealer = asyncio.create_task(keep_sealing(self.db), name="audit-sealer")

    async def stop(self) -> None:
        if self._sealer is not None:
            self._sealer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sealer
        await self.audit.stop()
        await self.db.close()
