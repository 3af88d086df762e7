"""The database a process works on: one engine, opened from a URL, with read/write scopes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from onshi.store.engine import DatabaseUrl, create_async


class Database:
    def __init__(self, url: DatabaseUrl, pool_size: int = 8) -> None:
        self.url = url
        self.engine: AsyncEngine = create_async(url, pool_size)
        # Reads on PostgreSQL run without a transaction of their own: each statement sees its own
        # snapshot, as under READ COMMITTED inside one, and the BEGIN and ROLLBACK round trips
        # (a third of a short read's cost) go. SQLite keeps its read transaction (one snapshot).
        self._reader = (
            self.engine if url.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )

    @classmethod
    def open(cls, raw_url: str, pool_size: int = 8) -> Database:
        return cls(DatabaseUrl.parse(raw_url), pool_size)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reading (nothing written here is kept on SQLite, nor meant to be)."""
        async with self._reader.connect() as conn:
            yield conn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """One transaction, committed on success and rolled back on error."""
        async with self.engine.begin() as conn:
            yield conn

    async def close(self) -> None:
        await self.engine.dispose()
