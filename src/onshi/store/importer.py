"""Bulk loading of validated feed rows: staging table, then set-based merge.

A chunk of rows goes into a temporary staging table (PostgreSQL: binary COPY; SQLite:
executemany), then plain SQL — the same on both databases — does the rest:

1. insurers named in the rows are created or renamed;
2. rows whose insurer is unknown and unnamed are rejected (reported, not loaded);
3. members (individual-level keys) are created; an individual key given later is kept;
4. each row is classified against the version before it — the previous row of the same
   period in the file, or else the current version in the database — as changed or not;
5. every version a changed row supersedes is appended to `qualification_history`
   (never overwritten), and the last row of each changed period becomes current.

Unchanged rows (the same content as the current version) are counted and skipped, so a
daily full feed does not grow the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.errors import InvalidValue, Problem
from onshi.feeds.insurer_csv import AcceptedRow, RejectedRow
from onshi.store.dialect import is_postgres
from onshi.store.qualifications import content_hash, to_row
from onshi.store.schema import QUALIFICATION_DATA_COLUMNS, qualifications

_PROVENANCE = ("member_id", "content_hash", "import_id", "import_line", "recorded_at")
DATA_COLUMNS = tuple(c for c in QUALIFICATION_DATA_COLUMNS if c not in _PROVENANCE)
_EXTRA = ("line", "individual_key", "insurer_name", "insurer_kind", "insurer_prefecture", "content_hash")
STAGING_COLUMNS = _EXTRA + DATA_COLUMNS

_staging_metadata = MetaData()
staging = Table(
    "import_staging",
    _staging_metadata,
    Column("line", Integer, nullable=False),
    Column("individual_key", String(64)),
    Column("insurer_name", Text),
    Column("insurer_kind", String(24), nullable=False),
    Column("insurer_prefecture", String(2), nullable=False),
    Column("content_hash", String(32), nullable=False),
    *(Column(name, qualifications.c[name].type) for name in DATA_COLUMNS),
    prefixes=["TEMPORARY"],
)


@dataclass(slots=True)
class ChunkResult:
    loaded: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] | None = None


def staging_record(row: AcceptedRow) -> tuple[Any, ...]:
    q = row.qualification
    values = to_row(q)
    extra = {
        "line": row.line,
        "individual_key": q.individual_key,
        "insurer_name": q.insurer_name or None,
        "insurer_kind": q.key.insurer_number.kind.value,
        "insurer_prefecture": q.key.insurer_number.prefecture_code,
        "content_hash": content_hash(values),
    }
    return tuple(extra[c] for c in _EXTRA) + tuple(values[c] for c in DATA_COLUMNS)


class QualificationLoader:
    """Loads chunks of accepted rows within the caller's transaction."""

    def __init__(self, conn: AsyncConnection, import_id: int, recorded_at: datetime) -> None:
        self._conn = conn
        self._params = {"import_id": import_id, "now": recorded_at}

    async def prepare(self) -> None:
        await self._conn.run_sync(lambda sync: staging.create(sync, checkfirst=True))
        await self._conn.execute(text("DELETE FROM import_staging"))

    async def load(self, records: Sequence[tuple[Any, ...]]) -> ChunkResult:
        """Merge staging records (see `staging_record`); returns counts and insurer rejections."""
        if not records:
            return ChunkResult(rejected=[])
        if is_postgres(self._conn):
            # One import at a time per database: concurrent merges would race on versions.
            await self._conn.execute(text("SELECT pg_advisory_xact_lock(7042001)"))
        await self._stage(list(records))
        await self._execute(_UPSERT_INSURERS)
        rejected = await self._reject_unknown_insurers()
        await self._execute(_UPSERT_MEMBERS)
        await self._execute(_CLASSIFY)
        counts = (await self._conn.execute(text(_COUNT_CHANGED))).one()
        await self._execute(_HISTORY_FROM_CURRENT)
        await self._execute(_HISTORY_FROM_FILE)
        await self._execute(_UPSERT_CURRENT)
        await self._conn.execute(text("DROP TABLE import_classified"))
        await self._conn.execute(text("DELETE FROM import_staging"))
        return ChunkResult(loaded=int(counts[0] or 0), unchanged=int(counts[1] or 0), rejected=rejected)

    async def _execute(self, sql: str) -> None:
        await self._conn.execute(text(sql), self._params)

    async def _stage(self, records: list[tuple[Any, ...]]) -> None:
        if is_postgres(self._conn):
            raw = await self._conn.get_raw_connection()
            await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
                "import_staging", records=records, columns=list(STAGING_COLUMNS)
            )
        else:
            await self._conn.execute(
                insert(staging), [dict(zip(STAGING_COLUMNS, r, strict=True)) for r in records]
            )

    async def _reject_unknown_insurers(self) -> list[RejectedRow]:
        unknown = "NOT EXISTS (SELECT 1 FROM insurers i WHERE i.insurer_number = s.insurer_number)"
        result = await self._conn.execute(
            text(f"SELECT s.line, s.insurer_number FROM import_staging s WHERE {unknown} ORDER BY s.line")
        )
        rejected = [
            RejectedRow(
                line,
                (
                    InvalidValue(
                        "insurer_name",
                        Problem.REQUIRED,
                        f"未登録の保険者 {number} です。保険者名称（insurer_name）を指定してください",
                        f"insurer {number} is not registered yet: give insurer_name",
                    ),
                ),
            )
            for line, number in result
        ]
        if rejected:
            await self._conn.execute(text(f"DELETE FROM import_staging AS s WHERE {unknown}"))
        return rejected


def _cols(prefix: str, columns: Sequence[str]) -> str:
    return ", ".join(f"{prefix}{c}" for c in columns)


_UPSERT_INSURERS = """
INSERT INTO insurers (insurer_number, name, kind, prefecture_code, created_at, updated_at)
SELECT insurer_number, insurer_name, insurer_kind, insurer_prefecture, :now, :now
FROM (
    SELECT insurer_number, insurer_name, insurer_kind, insurer_prefecture,
           ROW_NUMBER() OVER (PARTITION BY insurer_number ORDER BY line DESC) AS rn
    FROM import_staging WHERE insurer_name IS NOT NULL
) latest
WHERE rn = 1
ON CONFLICT (insurer_number) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at
WHERE insurers.name <> excluded.name
"""

_UPSERT_MEMBERS = """
INSERT INTO members (insurer_number, symbol, number, branch, individual_key)
SELECT insurer_number, symbol, number, branch, individual_key
FROM (
    SELECT insurer_number, symbol, number, branch, individual_key,
           ROW_NUMBER() OVER (PARTITION BY insurer_number, symbol, number, branch ORDER BY line DESC) AS rn
    FROM import_staging
) latest
WHERE rn = 1
ON CONFLICT (insurer_number, symbol, number, branch) DO UPDATE SET individual_key = excluded.individual_key
WHERE excluded.individual_key IS NOT NULL
  AND (members.individual_key IS NULL OR members.individual_key <> excluded.individual_key)
"""

_CLASSIFY = """
CREATE TEMPORARY TABLE import_classified AS
SELECT c.*,
       c.base_version + SUM(CASE WHEN c.changed THEN 1 ELSE 0 END)
           OVER (PARTITION BY c.member_id, c.qualification_date ORDER BY c.line ROWS UNBOUNDED PRECEDING) AS version
FROM (
    SELECT w.*, (w.prev_hash IS NULL OR w.prev_hash <> w.content_hash) AS changed
    FROM (
        SELECT s.*, m.id AS member_id, COALESCE(q.version, 0) AS base_version,
               COALESCE(LAG(s.content_hash) OVER (PARTITION BY m.id, s.qualification_date ORDER BY s.line),
                        q.content_hash) AS prev_hash,
               ROW_NUMBER() OVER (PARTITION BY m.id, s.qualification_date ORDER BY s.line DESC) AS from_last
        FROM import_staging s
        JOIN members m ON m.insurer_number = s.insurer_number AND m.symbol = s.symbol
                      AND m.number = s.number AND m.branch = s.branch
        LEFT JOIN qualifications q ON q.member_id = m.id AND q.qualification_date = s.qualification_date
    ) w
) c
"""

_COUNT_CHANGED = """
SELECT SUM(CASE WHEN changed THEN 1 ELSE 0 END), SUM(CASE WHEN changed THEN 0 ELSE 1 END) FROM import_classified
"""

_HISTORY_COLUMNS = (*QUALIFICATION_DATA_COLUMNS, "version")

_HISTORY_FROM_CURRENT = f"""
INSERT INTO qualification_history ({_cols("", _HISTORY_COLUMNS)}, superseded_at, superseded_by_import_id)
SELECT {_cols("q.", _HISTORY_COLUMNS)}, :now, :import_id
FROM qualifications q
WHERE EXISTS (
    SELECT 1 FROM import_classified c
    WHERE c.member_id = q.member_id AND c.qualification_date = q.qualification_date AND c.changed
)
"""

_FROM_CLASSIFIED = (
    f"{_cols('c.', DATA_COLUMNS)}, c.member_id, c.content_hash, :import_id, c.line, :now, c.version"
)
_INSERT_COLUMNS = (
    f"{_cols('', DATA_COLUMNS)}, member_id, content_hash, import_id, import_line, recorded_at, version"
)

_HISTORY_FROM_FILE = f"""
INSERT INTO qualification_history ({_INSERT_COLUMNS}, superseded_at, superseded_by_import_id)
SELECT {_FROM_CLASSIFIED}, :now, :import_id
FROM import_classified c
WHERE c.changed AND c.from_last > 1
ORDER BY c.line
"""

_UPSERT_CURRENT = f"""
INSERT INTO qualifications ({_INSERT_COLUMNS})
SELECT {_FROM_CLASSIFIED}
FROM import_classified c
WHERE c.from_last = 1 AND c.version > c.base_version
ON CONFLICT (member_id, qualification_date) DO UPDATE SET
    {
    ", ".join(
        f"{c} = excluded.{c}"
        for c in (*DATA_COLUMNS, "content_hash", "import_id", "import_line", "recorded_at", "version")
    )
}
"""
