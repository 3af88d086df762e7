"""Import an insurer feed: validate every row, load the good ones, report every bad one."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent
from onshi.domain.dates import now_jst
from onshi.feeds.insurer_csv import FeedReader, RejectedRow, refuse_other_insurers
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.store.importer import ChunkResult, MergeMemory, QualificationLoader, staging_records
from onshi.store.schema import import_rejections, imports

CHUNK_SIZE = 25_000


@dataclass(slots=True)
class ImportReport:
    import_id: int
    total: int = 0
    loaded: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    merge_memory: MergeMemory = field(default_factory=MergeMemory, repr=False)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def as_dict(self) -> dict[str, Any]:
        return {
            "import_id": self.import_id,
            "rows_total": self.total,
            "rows_loaded": self.loaded,
            "rows_unchanged": self.unchanged,
            "rows_rejected": len(self.rejected),
            "rejected": [
                {
                    "line": r.line,
                    "reason_ja": r.reason_ja,
                    "reason_en": r.reason_en,
                    "fields": [e.field for e in r.errors],
                }
                for r in self.rejected
            ],
        }


@dataclass(slots=True)
class _Chunk:
    records: list[tuple[Any, ...]]
    rejected: list[RejectedRow]
    rows: int


def _next_chunk(reader: FeedReader, allowed: Collection[str] | None, size: int) -> _Chunk:
    """Validate the next `size` rows and prepare their staging records (CPU work, run in a thread)."""
    block = reader.next_block(size)
    if block is None:
        return _Chunk([], [], 0)
    if allowed is not None:
        refuse_other_insurers(block, allowed)
    return _Chunk(staging_records(block), block.rejected, block.rows_read)


async def import_feed(
    db: Database,
    audit: AuditLog,
    lines: Iterable[str],
    actor: Actor,
    source: str,
    allowed_insurers: Collection[str] | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportReport:
    """Load a feed. Raises FeedFormatError when the header is unusable (nothing is loaded then).

    Each chunk commits on its own; a failure mid-way leaves the import marked failed with the
    chunks before it loaded — running the same file again is safe (unchanged rows are skipped).
    """
    reader = FeedReader(lines)  # header errors raise here, before anything is recorded
    with _short_gil_switch():
        return await _import(db, audit, reader, actor, source, allowed_insurers, progress, chunk_size)


@contextlib.contextmanager
def _short_gil_switch() -> Iterator[None]:
    """Validation runs in a worker thread while the event loop talks to the database. With
    CPython's default 5 ms switch interval every database round trip waits for the parser to
    yield the GIL; 0.5 ms keeps the loop responsive (bench/README.md: the import ran ~2x faster)."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, 0.0005))
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


async def _import(
    db: Database,
    audit: AuditLog,
    reader: FeedReader,
    actor: Actor,
    source: str,
    allowed_insurers: Collection[str] | None,
    progress: Callable[[int], None] | None,
    chunk_size: int,
) -> ImportReport:
    first = await asyncio.to_thread(_next_chunk, reader, allowed_insurers, chunk_size)
    report = await open_import(db, actor, source)
    status = "failed"
    try:
        chunk: _Chunk | None = first
        while chunk is not None and chunk.rows:
            # Validate the next chunk in a thread while this one is merged by the database.
            upcoming = asyncio.ensure_future(
                asyncio.to_thread(_next_chunk, reader, allowed_insurers, chunk_size)
            )
            async with db.write() as conn:
                loader = QualificationLoader(conn, report.import_id, now_jst(), report.merge_memory)
                await loader.prepare()
                result = await loader.load(chunk.records)
                await record_chunk(conn, report, chunk.rows, chunk.rejected, result)
            if progress:
                progress(chunk.rows)
            chunk = await upcoming
        status = "done"
    finally:
        await finish_import(db, audit, actor, report, status, source)
    return report


async def record_chunk(
    conn: AsyncConnection,
    report: ImportReport,
    rows_read: int,
    rejected: list[RejectedRow],
    result: ChunkResult,
) -> None:
    """Store a merged chunk's rejections (in its transaction) and add it to the report."""
    every = sorted(rejected + (result.rejected or []), key=lambda row: row.line)
    if every:
        await conn.execute(
            insert(import_rejections),
            [{"import_id": report.import_id, "line": r.line, "reason_ja": r.reason_ja, "reason_en": r.reason_en}
             for r in every],
        )  # fmt: skip
    report.total += rows_read
    report.loaded += result.loaded
    report.unchanged += result.unchanged
    report.rejected.extend(every)


async def open_import(db: Database, actor: Actor, source: str) -> ImportReport:
    async with db.write() as conn:
        result = await conn.execute(
            insert(imports).values(
                actor_kind=actor.kind.value,
                actor_id=actor.id,
                source=source,
                started_at=now_jst(),
                status="running",
                rows_total=0,
                rows_loaded=0,
                rows_unchanged=0,
                rows_rejected=0,
            )
        )
        (import_id,) = result.inserted_primary_key or (0,)
        return ImportReport(int(import_id))


async def finish_import(
    db: Database,
    audit: AuditLog,
    actor: Actor,
    report: ImportReport,
    status: str,
    source: str,
    action: str = "insurer.import",
) -> None:
    """Close the import's record with its counts and audit it (also when it failed)."""
    async with db.write() as conn:
        await conn.execute(
            update(imports)
            .where(imports.c.id == report.import_id)
            .values(
                finished_at=now_jst(),
                status=status,
                rows_total=report.total,
                rows_loaded=report.loaded,
                rows_unchanged=report.unchanged,
                rows_rejected=len(report.rejected),
            )
        )
    await audit.record(
        AuditEvent(
            actor,
            action,
            f"{status}:{report.loaded}/{report.total}",
            detail={"import_id": report.import_id, "source": source, "rejected": len(report.rejected)},
        )
    )


async def import_rows(
    db: Database,
    audit: AuditLog,
    actor: Actor,
    source: str,
    rows: Iterator[Any],
    load_chunk: Callable[[AsyncConnection, ImportReport, list[Any]], Awaitable[None]],
    action: str,
    chunk_rows: int = 1000,
) -> ImportReport:
    """The row-by-row feeds (clinical records, public expense): parsed rows are loaded a chunk
    per transaction by `load_chunk`, which adds to the report; the import is recorded and audited
    as done or failed. The first chunk is read before anything is recorded, so a file whose
    header is unusable raises (FeedFormatError) and leaves no trace but the error."""
    first = list(islice(rows, chunk_rows))
    report = await open_import(db, actor, source)
    status = "failed"
    try:
        chunk = first
        while chunk:
            async with db.write() as conn:
                await load_chunk(conn, report, chunk)
            chunk = list(islice(rows, chunk_rows))
        status = "done"
    finally:
        await finish_import(db, audit, actor, report, status, source, action)
    return report
