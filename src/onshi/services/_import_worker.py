"""Worker process of the parallel import: validate one piece of a feed file and stage its
accepted rows in an unlogged chunk table, over the worker's own database connection.

Nothing but the raw text goes in and a small summary comes out (rows read, rejections,
insurers seen): the rows themselves never cross between processes.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Sequence
from typing import Any

import psycopg

from onshi.feeds.insurer_csv import FeedReader, refuse_other_insurers
from onshi.store.importer import (
    STAGING_COLUMNS,
    InsurersSeen,
    chunk_insurers,
    chunk_table,
    create_chunk_table_sql,
    staging_records,
)

# (line, [(field, problem, message_ja, message_en), …]) — plain data, to cross the process boundary.
PlainRejection = tuple[int, list[tuple[str, str, str, str]]]


class _Worker:
    def __init__(self, database_url: str, columns: Sequence[str], allowed: Collection[str] | None) -> None:
        self.connection = psycopg.connect(database_url)
        self.columns = list(columns)
        self.allowed = frozenset(allowed) if allowed is not None else None
        self.column_types: list[int] = []


_worker: _Worker | None = None


def start(database_url: str, columns: Sequence[str], allowed: Collection[str] | None) -> None:
    """Process initializer: one connection per worker for the whole import."""
    global _worker
    _worker = _Worker(database_url, columns, allowed)
    # A chunk is hundreds of thousands of small objects freed by reference counting; the
    # cycle collector would rescan them again and again (a third of the staging time).
    # It runs once per chunk instead, in `stage`, over the youngest generation only: what the
    # modules and the caches hold is scanned once and then left alone (a full collection per
    # chunk, through the caches of parsed values, was a tenth of the worker's time).
    gc.disable()
    gc.freeze()


def stage(
    import_id: int, chunk: int, first_line: int, text: str
) -> tuple[int, list[PlainRejection], InsurersSeen]:
    """Validate `text` (whole CSV records starting at `first_line`) and COPY the accepted rows
    into the chunk's unlogged table. Returns rows read, rejections and insurers seen."""
    assert _worker is not None, "worker not started"
    gc.collect(0)  # cycles of the previous chunk are all young: nothing was collected since
    reader = FeedReader(text.splitlines(keepends=True), _worker.columns, first_line)
    block = reader.next_block(size=10**9)
    if block is None:
        return 0, [], {}
    if _worker.allowed is not None:
        refuse_other_insurers(block, _worker.allowed)
    records = staging_records(block)
    _copy(chunk_table(import_id, chunk), records)
    rejections = [
        (row.line, [(e.field, e.problem.value, e.message_ja, e.message_en) for e in row.errors])
        for row in block.rejected
    ]
    return block.rows_read, rejections, chunk_insurers(records)


def _copy(table: str, records: list[tuple[Any, ...]]) -> None:
    assert _worker is not None
    connection = _worker.connection
    with connection.cursor() as cursor:
        cursor.execute(create_chunk_table_sql(table))
        types = _worker.column_types or _column_types(cursor, table)
        _worker.column_types = types
        # Binary COPY: the values go as they are, without being printed as text (half the time).
        copy_sql = f"COPY {table} ({', '.join(STAGING_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
        with cursor.copy(copy_sql) as copy:
            copy.set_types(types)
            for record in records:
                copy.write_row(record)
    connection.commit()


def _column_types(cursor: psycopg.Cursor[Any], table: str) -> list[int]:
    """The type OIDs of a chunk table's columns, in STAGING_COLUMNS order (binary COPY needs them)."""
    rows = cursor.execute(
        "SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
        [table],
    ).fetchall()
    by_name = dict(rows)
    return [by_name[column] for column in STAGING_COLUMNS]
