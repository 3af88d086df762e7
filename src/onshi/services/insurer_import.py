"""Import an insurer feed: validate every row, load the good ones, report every bad one."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, update

from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent
from onshi.domain.dates import now_jst
from onshi.domain.errors import InvalidValue, Problem
from onshi.feeds.insurer_csv import AcceptedRow, RejectedRow, parse_csv
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.store.importer import QualificationLoader, staging_record
from onshi.store.schema import import_rejections, imports

CHUNK_SIZE = 25_000


@dataclass(slots=True)
class ImportReport:
    import_id: int
    total: int = 0
    loaded: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)

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


def _forbidden(row: AcceptedRow) -> RejectedRow:
    number = row.qualification.key.insurer_number.digits
    error = InvalidValue(
        "insurer_number",
        Problem.FORBIDDEN_CONTENT,
        f"この認証情報では保険者 {number} のデータを登録できません",
        f"this credential may not load data of insurer {number}",
    )
    return RejectedRow(row.line, (error,))


def _next_chunk(
    rows: Iterator[AcceptedRow | RejectedRow], allowed: Collection[str] | None, size: int
) -> _Chunk:
    """Validate the next `size` rows and prepare their staging records (CPU work, run in a thread)."""
    chunk = _Chunk([], [], 0)
    for row in itertools.islice(rows, size):
        chunk.rows += 1
        if isinstance(row, RejectedRow):
            chunk.rejected.append(row)
        elif allowed is not None and row.qualification.key.insurer_number.digits not in allowed:
            chunk.rejected.append(_forbidden(row))
        else:
            chunk.records.append(staging_record(row))
    return chunk


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
    rows = parse_csv(lines)
    first = await asyncio.to_thread(
        _next_chunk, rows, allowed_insurers, chunk_size
    )  # header errors raise here
    report = ImportReport(await _open_import(db, actor, source))
    status = "failed"
    try:
        chunk: _Chunk | None = first
        while chunk is not None and chunk.rows:
            upcoming = asyncio.ensure_future(
                asyncio.to_thread(_next_chunk, rows, allowed_insurers, chunk_size)
            )
            await _load_chunk(db, report, chunk)
            if progress:
                progress(chunk.rows)
            chunk = await upcoming
        status = "done"
    finally:
        await _close_import(db, report, status)
        await audit.record(
            AuditEvent(
                actor,
                "insurer.import",
                f"{status}:{report.loaded}/{report.total}",
                detail={"import_id": report.import_id, "source": source, "rejected": len(report.rejected)},
            )
        )
    return report


async def _load_chunk(db: Database, report: ImportReport, chunk: _Chunk) -> None:
    async with db.write() as conn:
        loader = QualificationLoader(conn, report.import_id, now_jst())
        await loader.prepare()
        result = await loader.load(chunk.records)
        rejected = sorted(chunk.rejected + (result.rejected or []), key=lambda r: r.line)
        if rejected:
            await conn.execute(
                insert(import_rejections),
                [
                    {
                        "import_id": report.import_id,
                        "line": r.line,
                        "reason_ja": r.reason_ja,
                        "reason_en": r.reason_en,
                    }
                    for r in rejected
                ],
            )
    report.total += chunk.rows
    report.loaded += result.loaded
    report.unchanged += result.unchanged
    report.rejected.extend(rejected)


async def _open_import(db: Database, actor: Actor, source: str) -> int:
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
        return int(import_id)


async def _close_import(db: Database, report: ImportReport, status: str) -> None:
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
