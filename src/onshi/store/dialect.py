"""The few statements whose SQL differs between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.ext.asyncio import AsyncConnection


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
