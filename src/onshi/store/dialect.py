"""The few statements whose SQL differs between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, overload

from sqlalchemy import ColumnElement, Select, Table, Text, and_, bindparam, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.dates import JST


@overload
def aware_jst(moment: datetime) -> datetime: ...
@overload
def aware_jst(moment: None) -> None: ...
def aware_jst(moment: datetime | None) -> datetime | None:
    """SQLite gives back the wall time it was given (onshi writes JST) without the zone."""
    return moment.replace(tzinfo=JST) if moment is not None and moment.tzinfo is None else moment


def is_postgres(conn: AsyncConnection) -> bool:
    return conn.dialect.name == "postgresql"


def dialect_insert(conn: AsyncConnection, table: Table) -> PgInsert | SqliteInsert:
    return postgresql.insert(table) if is_postgres(conn) else sqlite.insert(table)


def upsert(
    conn: AsyncConnection, table: Table, key: Sequence[str], changing: Sequence[str]
) -> PgInsert | SqliteInsert:
    """INSERT … ON CONFLICT (key) DO UPDATE SET each `changing` column to the new value."""
    statement = dialect_insert(conn, table)
    return statement.on_conflict_do_update(
        index_elements=list(key), set_={column: statement.excluded[column] for column in changing}
    )


def restrict_to_keys(
    conn: AsyncConnection,
    query: Select[Any],
    columns: Sequence[ColumnElement[Any]],
    keys: Sequence[tuple[str, ...]],
) -> Select[Any]:
    """`query` limited to rows whose `columns` equal one of `keys` (many at once). PostgreSQL
    joins the keys as parallel arrays (`unnest`): one plan of index lookups whatever their
    number, where a 500-way `(a, b) IN (…)` is slow to plan. SQLite takes the row-value IN."""
    if not is_postgres(conn):
        return query.where(tuple_(*columns).in_(list(keys)))
    arrays = [
        func.unnest(bindparam(f"key_{n}", [key[n] for key in keys], type_=postgresql.ARRAY(Text))).label(
            f"k{n}"
        )
        for n in range(len(columns))
    ]
    table = select(*arrays).subquery("keys")
    return query.join(table, and_(*(column == table.c[f"k{n}"] for n, column in enumerate(columns))))


_COPY_THRESHOLD = 32  # rows from which COPY beats an executemany INSERT


async def insert_many(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows in the caller's transaction: COPY on PostgreSQL (several times cheaper
    than INSERT for hundreds of rows), an executemany INSERT on SQLite."""
    if not rows:
        return
    if not is_postgres(conn) or len(rows) < _COPY_THRESHOLD:
        await conn.execute(table.insert(), list(rows))
        return
    columns = list(rows[0])
    raw = await conn.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
        table.name, records=[tuple(row[c] for c in columns) for row in rows], columns=columns
    )
