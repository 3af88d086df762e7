"""Engines for the configured database: async for the service, sync for migrations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
_SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    """A database URL with the dialect separated from the driver onshi picks for it."""

    url: URL

    @classmethod
    def parse(cls, raw: str) -> DatabaseUrl:
        url = make_url(raw)
        backend = url.get_backend_name()
        if backend == "postgres":
            url = url.set(drivername="postgresql")
        elif backend not in _ASYNC_DRIVERS:
            raise ValueError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")
        return cls(url)

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    def with_driver(self, drivers: dict[str, str]) -> URL:
        return self.url.set(drivername=drivers[self.dialect])

    def render(self) -> str:
        """Shown to people: the password hidden."""
        return self.url.render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the writer; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_async(url: DatabaseUrl, pool_size: int = 8) -> AsyncEngine:
    if url.is_sqlite:
        engine = create_async_engine(url.with_driver(_ASYNC_DRIVERS))
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        url.with_driver(_ASYNC_DRIVERS),
        pool_size=pool_size,
        # No overflow: a burst waits for a pooled connection (microseconds) rather than
        # opening throwaway ones (a PostgreSQL backend each, milliseconds) — under load the
        # overflow churn cost 20× the throughput. A wait past pool_timeout is a 503.
        max_overflow=0,
        pool_timeout=10,
        # No pre-ping (a round trip per checkout on the hot path): a connection broken by a
        # database restart fails its request with a clean 503 and is replaced by the pool.
        # Prepared statements are cached per connection by asyncpg; keep a generous cache.
        connect_args={"prepared_statement_cache_size": 512, "server_settings": {"jit": "off"}},
    )


def create_sync(url: DatabaseUrl) -> Engine:
    engine = create_engine(url.with_driver(_SYNC_DRIVERS))
    if url.is_sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine
