"""The append-only audit trail.

`AuditLog.record` returns only once the event is committed: a confirmation is never
answered without its audit record. Under load, `GroupCommitAuditLog` gathers the events
of concurrent requests into one transaction (group commit), so durability costs one
commit per batch instead of one per request; on PostgreSQL it writes through raw asyncpg
(onshi.store.raw_pg) when given a pool, the same rows without SQLAlchemy's per-call cost.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any, Protocol

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from onshi.domain.actors import ActorKind
from onshi.domain.audit import AuditEvent
from onshi.store.dialect import insert_many
from onshi.store.raw_pg import RawPool
from onshi.store.schema import audit_events

_COLUMNS = (
    "occurred_at", "actor_kind", "actor_id", "credential_id", "channel", "action", "subject_key", "outcome",
    "detail",
)  # fmt: skip
_TYPES = ("timestamptz", "text", "text", "bigint", "text", "text", "text", "text", "text")
# One statement for the whole batch: atomic on its own, so no BEGIN/COMMIT round trips.
_INSERT_UNNEST = (
    f"INSERT INTO audit_events ({', '.join(_COLUMNS)}) SELECT * FROM unnest("  # noqa: S608
    + ", ".join(f"${n + 1}::{kind}[]" for n, kind in enumerate(_TYPES))
    + ")"
)


class AuditLog(Protocol):
    async def record(self, event: AuditEvent) -> None: ...


def _row(event: AuditEvent) -> dict[str, Any]:
    return {
        "occurred_at": event.occurred_at,
        "actor_kind": event.actor.kind.value,
        "actor_id": event.actor.id,
        "credential_id": event.actor.credential_id,
        "channel": event.actor.channel.value,
        "action": event.action,
        "subject_key": event.subject_key,
        "outcome": event.outcome,
        "detail": orjson.dumps(event.detail).decode() if event.detail else None,
    }


async def insert_events(conn: AsyncConnection, events: Sequence[AuditEvent]) -> None:
    await insert_many(conn, audit_events, [_row(event) for event in events])


async def insert_events_raw(pool: RawPool, events: Sequence[AuditEvent]) -> None:
    """`insert_events` as one statement (its own transaction) on a raw asyncpg connection
    (PostgreSQL): the rows as one array per column, unnested by the server. It returns once
    the commit is durable (synchronous_commit, as for every onshi transaction)."""
    rows = [_row(event) for event in events]
    columns = [[row[c] for row in rows] for c in _COLUMNS]
    async with pool.connection() as conn:
        await conn.execute(_INSERT_UNNEST, *columns)


class DirectAuditLog:
    """One transaction per event: for the CLI and other low-volume callers."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record(self, event: AuditEvent) -> None:
        async with self._engine.begin() as conn:
            await insert_events(conn, [event])


class GroupCommitAuditLog:
    """Batches concurrent events into one commit; each caller waits for its own commit.

    Every confirmation passes here, so the hand-over is a plain list and one wake-up future
    for the writer (an asyncio.Queue cost two coroutine hops and a getter future per event)."""

    def __init__(self, engine: AsyncEngine, max_batch: int = 512, raw: RawPool | None = None) -> None:
        self._engine = engine
        self._raw = raw
        self._max_batch = max_batch
        self._pending: list[tuple[AuditEvent, asyncio.Future[None]]] = []
        self._wakeup: asyncio.Future[None] | None = None  # the writer, waiting for events
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="audit-group-commit")

    async def stop(self) -> None:
        """Flush what is queued, then stop."""
        if self._task is None:
            return
        while self._pending:
            await self._flush(self._take())
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def record(self, event: AuditEvent) -> None:
        if self._task is None:
            raise RuntimeError("audit log is not running")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((event, future))
        if self._wakeup is not None and not self._wakeup.done():
            self._wakeup.set_result(None)
        await future

    def _take(self) -> list[tuple[AuditEvent, asyncio.Future[None]]]:
        """The next batch: everything pending, up to max_batch, in arrival order."""
        batch = self._pending[: self._max_batch]
        del self._pending[: self._max_batch]
        return batch

    async def _run(self) -> None:
        while True:
            if not self._pending:
                self._wakeup = asyncio.get_running_loop().create_future()
                await self._wakeup
                self._wakeup = None
            await self._flush(self._take())

    async def _flush(self, batch: list[tuple[AuditEvent, asyncio.Future[None]]]) -> None:
        events = [event for event, _ in batch]
        try:
            if self._raw is not None:
                await insert_events_raw(self._raw, events)
            else:
                async with self._engine.begin() as conn:
                    await insert_events(conn, events)
        except Exception as error:
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        for _, future in batch:
            if not future.done():
                future.set_result(None)


async def recent_events(
    conn: AsyncConnection, limit: int = 50, actor_kind: ActorKind | None = None, actor_id: str | None = None
) -> list[dict[str, Any]]:
    query = select(audit_events).order_by(audit_events.c.id.desc()).limit(limit)
    if actor_kind is not None:
        query = query.where(audit_events.c.actor_kind == actor_kind.value)
    if actor_id is not None:
        query = query.where(audit_events.c.actor_id == actor_id)
    result = await conn.execute(query)
    return [dict(row) for row in result.mappings()]
