"""Importing a feed file — in parallel worker processes when it is large and the database is
PostgreSQL.

Validation is Python CPU work; merging is PostgreSQL work. In one process the two fight
for the interpreter lock and a core idles. Here worker processes (`_import_worker`) each
validate a piece of the file and COPY its accepted rows into their own unlogged chunk
table, while this process merges the chunks into the registry strictly in file order —
so a later row of a period still supersedes an earlier one, exactly as in the in-process
import. Only raw text goes to the workers and only small summaries come back.
"""

from __future__ import annotations

import asyncio
import csv
import itertools
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TextIO

from sqlalchemy import text

from onshi.domain.actors import Actor
from onshi.domain.dates import now_jst
from onshi.domain.errors import InvalidValue, Problem
from onshi.feeds.insurer_csv import BLOCK_ROWS, RejectedRow, read_header
from onshi.feeds.text import check_utf8, open_feed
from onshi.services import _import_worker
from onshi.services.insurer_import import ImportReport, finish_import, import_feed, open_import, record_chunk
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.store.importer import (
    InsurersSeen,
    QualificationLoader,
    chunk_table,
    prepare_key_index,
    restore_key_index,
)

PARALLEL_MIN_BYTES = 16 * 1024 * 1024
log = logging.getLogger(__name__)
Staged = asyncio.Future[tuple[int, list[_import_worker.PlainRejection], InsurersSeen]]


async def import_file(
    db: Database,
    audit: AuditLog,
    path: Path,
    actor: Actor,
    source: str,
    allowed_insurers: Collection[str] | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> ImportReport:
    """Import a feed file (UTF-8 checked first: NotUtf8). Large files on PostgreSQL go to
    worker processes; the rest is imported in this process. Same results either way."""
    size = await asyncio.to_thread(_checked_size, path)
    if db.url.is_sqlite or size < PARALLEL_MIN_BYTES:
        with open_feed(path) as lines:
            return await import_feed(db, audit, lines, actor, source, allowed_insurers, progress)
    count = workers or max(1, os.cpu_count() or 1)
    return await _parallel(db, audit, path, actor, source, allowed_insurers, progress, count)


def _checked_size(path: Path) -> int:
    """The file's size, once it is known to be UTF-8 (raises NotUtf8)."""
    with path.open("rb") as stream:
        check_utf8(stream)
    return path.stat().st_size


async def _parallel(
    db: Database,
    audit: AuditLog,
    path: Path,
    actor: Actor,
    source: str,
    allowed: Collection[str] | None,
    progress: Callable[[int], None] | None,
    workers: int,
) -> ImportReport:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        header_text, first_line = _first_record(stream)
        columns = read_header(next(csv.reader([header_text])))
        report = await open_import(db, actor, source)
        status = "failed"
        staged: list[int] = []
        key_index_dropped = False
        loop = asyncio.get_running_loop()
        url = db.url.url.set(drivername="postgresql").render_as_string(hide_password=False)
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_import_worker.start,
            initargs=(url, columns, allowed),
        )
        pending: deque[tuple[int, Staged]] = deque()
        merging: asyncio.Task[None] | None = None
        pieces = _pieces(stream, first_line, BLOCK_ROWS)
        try:
            async with db.write() as conn:
                key_index_dropped = await prepare_key_index(conn)
            chunk = 0
            # The next piece is read in a thread while the previous merge runs on the server.
            while (piece := await asyncio.to_thread(next, pieces, None)) is not None:
                start, body = piece
                future = loop.run_in_executor(
                    pool, _import_worker.stage, report.import_id, chunk, start, body
                )
                pending.append((chunk, future))
                staged.append(chunk)
                chunk += 1
                if len(pending) > workers:  # keep every worker busy, memory bounded
                    if merging is not None:
                        await merging  # merges run one at a time, in file order
                    merging = asyncio.create_task(_merge(db, report, *pending.popleft(), progress))
            if merging is not None:
                await merging
            while pending:
                await _merge(db, report, *pending.popleft(), progress)
            status = "done"
        finally:
            if merging is not None and not merging.done():
                merging.cancel()
                await asyncio.gather(merging, return_exceptions=True)
            for _, future in pending:  # after a failure: nothing left running or unobserved
                future.cancel()
            await asyncio.gather(*(future for _, future in pending), return_exceptions=True)
            pool.shutdown(wait=True, cancel_futures=True)
            await _cleanup(db, audit, actor, report, status, source, staged, key_index_dropped)
    return report


async def _merge(
    db: Database, report: ImportReport, chunk: int, future: Staged, progress: Callable[[int], None] | None
) -> None:
    rows_read, plain, insurers_seen = await future
    rejected = [
        RejectedRow(
            line, tuple(InvalidValue(field, Problem(problem), ja, en) for field, problem, ja, en in errors)
        )
        for line, errors in plain
    ]
    async with db.write() as conn:
        table = chunk_table(report.import_id, chunk)
        loader = QualificationLoader(
            conn, report.import_id, now_jst(), report.merge_memory, staging_table=table
        )
        result = await loader.merge(insurers_seen)
        await record_chunk(conn, report, rows_read, rejected, result)
    if progress:
        progress(rows_read)


async def _cleanup(
    db: Database,
    audit: AuditLog,
    actor: Actor,
    report: ImportReport,
    status: str,
    source: str,
    chunks: list[int],
    key_index_dropped: bool,
) -> None:
    """Drop chunk tables not merged (after a failure; merged ones are gone already), build the
    key index a first load went without, and record the import's end. When the database itself
    failed this may fail too: the original error is the one raised, and leftovers (a chunk
    table, the missing index) are reported by `onshi db check` — the next import builds the index."""
    try:
        async with db.write() as conn:
            for chunk in chunks:
                await conn.execute(text(f"DROP TABLE IF EXISTS {chunk_table(report.import_id, chunk)}"))
            if key_index_dropped:
                await restore_key_index(conn)
        await finish_import(db, audit, actor, report, status, source)
    except Exception:
        if status == "done":
            raise
        log.exception("could not clean up after the failed import %s", report.import_id)


def _first_record(stream: TextIO) -> tuple[str, int]:
    """The header record's text (it may span lines inside quotes) and the next line's number."""
    lines = []
    for lines_read, line in enumerate(stream, start=1):
        lines.append(line)
        if "".join(lines).count('"') % 2 == 0:
            return "".join(lines), lines_read + 1
    return "".join(lines), len(lines) + 1


def _pieces(stream: TextIO, first_line: int, lines: int) -> Iterator[tuple[int, str]]:
    """Whole CSV records, about `lines` lines at a time, with the physical line number each piece
    starts at. A quoted cell may hold line breaks: a piece ends only where the quotes balance.
    (Lines are taken and their quotes counted a piece at a time: per line, this was a third of
    the importing process's work.)"""
    start = first_line
    while taken := list(itertools.islice(stream, lines)):
        piece = "".join(taken)
        quotes = piece.count('"')
        more: list[str] = []
        while quotes % 2 and (line := next(stream, None)) is not None:
            more.append(line)
            quotes += line.count('"')
        yield start, piece + "".join(more)
        start += len(taken) + len(more)
