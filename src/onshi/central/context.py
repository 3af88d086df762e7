"""What a running central needs, built once per process (the one wiring point)."""

from __future__ import annotations

from dataclasses import dataclass

from onshi.central.ratelimit import RateLimiter
from onshi.config import Settings
from onshi.store.audit import GroupCommitAuditLog
from onshi.store.database import Database


@dataclass(slots=True)
class Central:
    settings: Settings
    db: Database
    audit: GroupCommitAuditLog
    limiter: RateLimiter

    @classmethod
    def build(cls, settings: Settings) -> Central:
        db = Database.open(settings.database_url, settings.pool_size)
        per_second = settings.rate_limit_per_second
        return cls(settings, db, GroupCommitAuditLog(db.engine), RateLimiter(per_second, int(per_second * 2)))

    async def start(self) -> None:
        await self.audit.start()

    async def stop(self) -> None:
        await self.audit.stop()
        await self.db.close()
