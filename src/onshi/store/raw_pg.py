"""Raw asyncpg connections for the hot paths on PostgreSQL (single confirmations, group commit).

SQLAlchemy costs ≈ 1 ms of Python per checkout-query-rollback; the confirmation path needs a
few point lookups and nothing of the ORM. This is a plain queue of connections
(perf-limits.md §4: a queue beats `asyncpg.Pool` by ≈ 20 %, and both beat its default reset
query): a connection is handed over as is, never reset, because the hot paths run single
statements outside transactions, or a transaction they close themselves. Statements are
prepared once per connection (asyncpg's statement cache). A connection that broke (database
restart, or a request cancelled mid-query) is dropped and reopened on its next checkout; the
request that saw it break fails with a clean 503 like any database failure.
"""

from __future__ import annotations

import asyncio

import asyncpg

from onshi.store.engine import DatabaseUrl

# The errors that mean "the database is unavailable", not "this request is wrong".
UNAVAILABLE: tuple[type[Exception], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    OSError,
    TimeoutError,
)
CONNECT_TIMEOUT_SECONDS = 10.0
STATEMENT_CACHE_SIZE = 256


def dsn_of(url: DatabaseUrl) -> str:
    """asyncpg's DSN for a PostgreSQL URL (host=/socket/dir query parameters pass through)."""
    return url.url.set(drivername="postgresql").render_as_string(hide_password=False)


class RawPool:
    """`size` asyncpg connections, opened lazily, handed out through an asyncio queue."""

    def __init__(self, url: DatabaseUrl, size: int) -> None:
        self._dsn = dsn_of(url)
        self._idle: asyncio.Queue[asyncpg.Connection | None] = asyncio.Queue()
        self.size = max(1, size)
        for _ in range(self.size):
            self._idle.put_nowait(None)

    async def _open(self) -> asyncpg.Connection:
        return await asyncpg.connect(
            self._dsn,
            timeout=CONNECT_TIMEOUT_SECONDS,
            statement_cache_size=STATEMENT_CACHE_SIZE,
            server_settings={"jit": "off"},
        )

    def connection(self) -> _Checkout:
        """`async with pool.connection() as conn:` — the connection back to the queue after."""
        return _Checkout(self)

    async def _get(self) -> asyncpg.Connection:
        try:
            conn = self._idle.get_nowait()  # the common case: no timer, no waiting
        except asyncio.QueueEmpty:
            # A wait past the timeout is a TimeoutError (a 503), like SQLAlchemy's pool_timeout.
            async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS):
                conn = await self._idle.get()
        if conn is None or conn.is_closed():
            try:
                conn = await self._open()
            except BaseException:
                self._idle.put_nowait(None)
                raise
        return conn

    def _put(self, conn: asyncpg.Connection, failed: bool) -> None:
        # After an error or a cancellation (a client gone mid-query) the connection may be
        # broken, mid-transaction or still busy: it is dropped, and reopened on its next use.
        if failed and not conn.is_closed():
            conn.terminate()
        self._idle.put_nowait(None if conn.is_closed() else conn)

    async def close(self) -> None:
        while not self._idle.empty():
            conn = self._idle.get_nowait()
            if conn is not None:
                await conn.close()


class _Checkout:
    __slots__ = ("_conn", "_pool")

    def __init__(self, pool: RawPool) -> None:
        self._pool = pool
        self._conn: asyncpg.Connection | None = None

    async def __aenter__(self) -> asyncpg.Connection:
        self._conn = await self._pool._get()
        return self._conn

    async def __aexit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self._conn is not None:
            self._pool._put(self._conn, kind is not None)
            self._conn = None
