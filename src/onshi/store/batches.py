"""Batches and their chunks: created in one transaction with the upload, claimed one chunk at a
time by workers, completed with the chunk's results in the claiming transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.batch import BatchKind, BatchStatus, ChunkState, chunk_size, chunked
from onshi.store.dialect import aware_jst, dialect_insert
from onshi.store.schema import batch_chunks, batches

Entry = dict[str, Any]


@dataclass(frozen=True, slots=True)
class NewBatch:
    reception_number: str
    actor: Actor
    kind: BatchKind
    request_digest: str
    request: bytes
    encoding: str
    received_at: datetime
    arbitrary_file_identifier: str | None = None
    confirmation_date: date | None = None


@dataclass(frozen=True, slots=True)
class Batch:
    id: int
    reception_number: str
    actor: Actor  # the facility that uploaded it, through its channel and credential
    kind: BatchKind
    encoding: str
    received_at: datetime
    finished_at: datetime | None
    arbitrary_file_identifier: str | None
    confirmation_date: date | None
    total: int
    done: int
    normal: int
    error: int

    @property
    def status(self) -> BatchStatus:
        return BatchStatus.DONE if self.done >= self.total else BatchStatus.PROCESSING


@dataclass(frozen=True, slots=True)
class ClaimedChunk:
    id: int
    batch: Batch
    entries: list[Entry]


_BATCH_COLUMNS = (
    batches.c.id, batches.c.reception_number, batches.c.facility_code, batches.c.kind,
    batches.c.channel, batches.c.credential_id, batches.c.encoding, batches.c.received_at,
    batches.c.finished_at, batches.c.arbitrary_file_identifier, batches.c.confirmation_date,
    batches.c.entries_total, batches.c.entries_done, batches.c.entries_normal, batches.c.entries_error,
)  # fmt: skip


def _batch(row: Any) -> Batch:
    actor = Actor(ActorKind.FACILITY, row.facility_code, Channel(row.channel), row.credential_id)
    received_at = aware_jst(row.received_at)
    assert received_at is not None
    return Batch(
        row.id, row.reception_number, actor, BatchKind(row.kind), row.encoding, received_at,
        aware_jst(row.finished_at), row.arbitrary_file_identifier, row.confirmation_date,
        row.entries_total, row.entries_done, row.entries_normal, row.entries_error,
    )  # fmt: skip


async def create(conn: AsyncConnection, new: NewBatch, entries: Sequence[Entry]) -> tuple[Batch, bool]:
    """The batch for an upload, and whether it is new: an upload already received (same
    facility, kind and bytes) returns the existing batch and stores nothing."""
    values = {
        "reception_number": new.reception_number,
        "facility_code": new.actor.id,
        "kind": new.kind.value,
        "request_digest": new.request_digest,
        "channel": new.actor.channel.value,
        "credential_id": new.actor.credential_id,
        "arbitrary_file_identifier": new.arbitrary_file_identifier,
        "confirmation_date": new.confirmation_date,
        "encoding": new.encoding,
        "received_at": new.received_at,
        "entries_total": len(entries),
        "entries_done": 0,
        "entries_normal": 0,
        "entries_error": 0,
        "request": new.request,
    }
    statement = (
        dialect_insert(conn, batches)
        .values(values)
        .on_conflict_do_nothing(index_elements=["facility_code", "kind", "request_digest"])
        .returning(batches.c.id)
    )
    batch_id = (await conn.execute(statement)).scalar_one_or_none()
    if batch_id is None:
        existing = await _find(conn, batches.c.facility_code == new.actor.id,
                               batches.c.kind == new.kind.value,
                               batches.c.request_digest == new.request_digest)  # fmt: skip
        assert existing is not None
        return existing, False
    chunk_rows = [
        {"batch_id": batch_id, "chunk_no": number, "state": ChunkState.PENDING.value,
         "entries": orjson.dumps(list(part)).decode()}
        for number, part in enumerate(chunked(entries, chunk_size(new.kind)))
    ]  # fmt: skip
    await conn.execute(insert(batch_chunks), chunk_rows)
    created = await _find(conn, batches.c.id == batch_id)
    assert created is not None
    return created, True


async def _find(conn: AsyncConnection, *where: Any) -> Batch | None:
    row = (await conn.execute(select(*_BATCH_COLUMNS).where(*where))).first()
    return _batch(row) if row else None


async def find(
    conn: AsyncConnection, facility_code: str, reception_number: str, kind: BatchKind | None = None
) -> Batch | None:
    """A facility's batch by its reception number (another facility's is not found)."""
    where = [batches.c.facility_code == facility_code, batches.c.reception_number == reception_number]
    if kind is not None:
        where.append(batches.c.kind == kind.value)
    return await _find(conn, *where)


async def claim(conn: AsyncConnection, chunk_id: int | None = None) -> ClaimedChunk | None:
    """Lock the oldest pending chunk (or the one given, if still pending) for this
    transaction. The first statement writes, so on SQLite the transaction holds the write
    lock from here to its commit; on PostgreSQL other workers skip the locked row (SKIP
    LOCKED) and take the next."""
    candidates = select(batch_chunks.c.id).where(batch_chunks.c.state == ChunkState.PENDING.value)
    if chunk_id is not None:
        candidates = candidates.where(batch_chunks.c.id == chunk_id)
    oldest = (
        candidates.order_by(batch_chunks.c.id).limit(1).with_for_update(skip_locked=True).scalar_subquery()
    )
    statement = (
        update(batch_chunks)
        .where(batch_chunks.c.id == oldest, batch_chunks.c.state == ChunkState.PENDING.value)
        .values(state=ChunkState.PENDING.value)
        .returning(batch_chunks.c.id, batch_chunks.c.batch_id, batch_chunks.c.entries)
    )
    row = (await conn.execute(statement)).first()
    if row is None:
        return None
    batch = await _find(conn, batches.c.id == row.batch_id)
    assert batch is not None
    return ClaimedChunk(row.id, batch, orjson.loads(row.entries))


@dataclass(frozen=True, slots=True)
class RenderedUnits:
    """A chunk's units as result-file text (onshi.wire.bulk.unit_fragments) and how many of
    them are normal (ProcessingResultStatus 1) and errors (2)."""

    xml: str
    normal: int
    errors: int


async def complete(
    conn: AsyncConnection,
    chunk: ClaimedChunk,
    results: Sequence[Entry],
    normal: int,
    at: datetime,
    state: ChunkState = ChunkState.DONE,
    rendered: RenderedUnits | None = None,
) -> None:
    """Store a claimed chunk's results (and, when given, the same as XML) and count them on
    its batch (finished with the last)."""
    assert len(results) == len(chunk.entries)
    await conn.execute(
        update(batch_chunks)
        .where(batch_chunks.c.id == chunk.id)
        .values(
            state=state.value,
            results=orjson.dumps(list(results)).decode(),
            done_at=at,
            results_xml=rendered.xml if rendered else None,
            results_normal=rendered.normal if rendered else None,
            results_error=rendered.errors if rendered else None,
        )
    )
    count = len(results)
    done = batches.c.entries_done + count
    await conn.execute(
        update(batches)
        .where(batches.c.id == chunk.batch.id)
        .values(
            entries_done=done,
            entries_normal=batches.c.entries_normal + normal,
            entries_error=batches.c.entries_error + (count - normal),
            finished_at=case((done >= batches.c.entries_total, at), else_=batches.c.finished_at),
        )
    )


async def results(conn: AsyncConnection, batch_id: int) -> list[Entry]:
    """Every entry's result, in upload order (call when the batch is done)."""
    query = (
        select(batch_chunks.c.results)
        .where(batch_chunks.c.batch_id == batch_id)
        .order_by(batch_chunks.c.chunk_no)
    )
    units: list[Entry] = []
    for (text,) in await conn.execute(query):
        units.extend(orjson.loads(text) if text else [])
    return units


async def rendered_results(conn: AsyncConnection, batch_id: int) -> list[RenderedUnits] | None:
    """Every chunk's rendered units, in upload order; None unless every chunk has them
    (a chunk answered before they were kept, or whose units could not be rendered)."""
    query = (
        select(batch_chunks.c.results_xml, batch_chunks.c.results_normal, batch_chunks.c.results_error)
        .where(batch_chunks.c.batch_id == batch_id)
        .order_by(batch_chunks.c.chunk_no)
    )
    parts = []
    for xml, normal, errors in await conn.execute(query):
        if xml is None:
            return None
        parts.append(RenderedUnits(xml, normal, errors))
    return parts


async def pending_chunks(conn: AsyncConnection) -> int:
    query = select(func.count()).where(batch_chunks.c.state == ChunkState.PENDING.value)
    return int((await conn.execute(query)).scalar_one())
