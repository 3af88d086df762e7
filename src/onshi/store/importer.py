"""Bulk loading of validated feed rows: staging table, then set-based merge.

Rows are staged — in a temporary table by the importing process (PostgreSQL: binary COPY;
SQLite: executemany), or, for large files on PostgreSQL, in unlogged chunk tables filled by
worker processes (onshi.services.parallel_import) — then plain SQL, the same on both
databases, merges each chunk in file order:

1. insurers named in the chunk are created or renamed;
2. rows whose insurer is unknown and unnamed are rejected (reported, not loaded);
3. each row is classified against the version before it — the previous row of the same
   period in the chunk (worked out in Python while staging), or else the current version
   in the database — as changed or not (a narrow temporary table of flags, not a second
   copy of the rows);
4. every version a changed row supersedes is appended to `qualification_history`
   (never overwritten), and the last row of each changed period becomes current.

A first load (every period of the chunk new to the registry) needs no classification: the
chunk is inserted straight from staging, inside a savepoint. A period already registered
makes that insert fail on the primary key; the savepoint is rolled back, the chunk takes
the steps above, and the rest of the import does too (`MergeMemory.all_new`).

Unchanged rows (the same content as the current version) are counted and skipped, so a
daily full feed does not grow the history.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from asyncpg.exceptions import UniqueViolationError
from sqlalchemy import Boolean, Column, Dialect, Integer, MetaData, String, Table, Text, insert, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.schema import CreateIndex, CreateTable, DropIndex

from onshi.domain.errors import InvalidValue, Problem
from onshi.feeds.insurer_csv import RejectedRow, ValidatedBlock
from onshi.store.dialect import dialect_insert, is_postgres
from onshi.store.qualifications import DATA_COLUMNS, PERIOD_KEY_WIDTH, content_hash, feed_data_columns
from onshi.store.schema import (
    PERIOD_KEY,
    QUALIFICATION_DATA_COLUMNS,
    individual_key_index,
    insurers,
    qualifications,
)

_PROVENANCE = ("content_hash", "import_id", "import_line", "recorded_at")
if tuple(c for c in QUALIFICATION_DATA_COLUMNS if c not in _PROVENANCE) != DATA_COLUMNS:
    raise RuntimeError("store.qualifications.DATA_COLUMNS is out of step with the schema")
_EXTRA = ("line", "insurer_name", "insurer_kind", "insurer_prefecture", "content_hash")
# Where a row stands among its period's rows in the same chunk (see `_order_in_chunk`).
_ORDER = ("seq", "from_last", "differs", "later_changes", "superseded", "first_hash")
STAGING_COLUMNS = _EXTRA + _ORDER + DATA_COLUMNS
TEMP_STAGING = "import_staging"

_staging_metadata = MetaData()
staging = Table(
    TEMP_STAGING,
    _staging_metadata,
    Column("line", Integer, nullable=False),
    Column("insurer_name", Text),
    Column("insurer_kind", String(24), nullable=False),
    Column("insurer_prefecture", String(2), nullable=False),
    Column("content_hash", String(32), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("from_last", Integer, nullable=False),
    Column("differs", Boolean, nullable=False),
    Column("later_changes", Integer, nullable=False),
    Column("superseded", Boolean, nullable=False),
    Column("first_hash", String(32), nullable=False),
    *(Column(name, qualifications.c[name].type) for name in DATA_COLUMNS),
    prefixes=["TEMPORARY"],
)
_INSURER_NAME = STAGING_COLUMNS.index("insurer_name")
_INSURER_KIND = STAGING_COLUMNS.index("insurer_kind")
_INSURER_PREFECTURE = STAGING_COLUMNS.index("insurer_prefecture")
_INSURER_NUMBER = STAGING_COLUMNS.index("insurer_number")

InsurersSeen = dict[str, tuple[str, str, str]]  # number → (name, kind, prefecture code)


@dataclass(slots=True)
class MergeMemory:
    """What the loaders of one import's chunks pass on to each other."""

    # Insurer number → name already written by this import: later chunks skip them.
    insurers: dict[str, str] = field(default_factory=dict)
    # No chunk so far met a registered period: try the direct insert of new periods.
    all_new: bool = True


@dataclass(slots=True)
class ChunkResult:
    loaded: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] | None = None


def staging_records(block: ValidatedBlock) -> list[tuple[Any, ...]]:
    """The staging-table records (columns STAGING_COLUMNS) of a block's accepted rows."""
    count = len(block)
    if not count:
        return []
    columns = block.columns
    data_rows = list(zip(*feed_data_columns(columns, count), strict=True))
    insurer_numbers = columns["insurer_number"]
    described = {
        number.digits: (number.kind.value, number.prefecture_code) for number in set(insurer_numbers)
    }
    names = columns.get("insurer_name") or [None] * count
    hashes = [content_hash(data) for data in data_rows]
    keys = [data[:PERIOD_KEY_WIDTH] for data in data_rows]
    return [
        (line, name, *described[number.digits], digest, *order, *data)
        for line, name, number, digest, order, data in zip(
            block.lines, names, insurer_numbers, hashes, _order_in_chunk(keys, hashes), data_rows, strict=True
        )
    ]


def _order_in_chunk(
    keys: list[tuple[Any, ...]], hashes: list[str]
) -> list[tuple[int, int, bool, int, bool, str]]:
    """Per row, among the rows of its period in this chunk: its 1-based place (seq), its place
    from the end (from_last), whether it differs from the row before it (differs; False for
    the first), how many rows up to it differ from the row before them (later_changes),
    whether a later row differs from it (superseded: its version, if new, goes straight to
    the history) and the first row's content hash. Computed here, where the rows are in
    order anyway, so that the merge is a join without window sorts."""
    if len(set(keys)) == len(keys):  # the usual chunk: each period once
        return [(1, 1, False, 0, False, digest) for digest in hashes]
    positions: dict[tuple[Any, ...], list[int]] = {}
    for index, key in enumerate(keys):
        positions.setdefault(key, []).append(index)
    order: list[tuple[int, int, bool, int, bool, str]] = [(1, 1, False, 0, False, "")] * len(keys)
    for indexes in positions.values():
        period_hashes = [hashes[index] for index in indexes]
        differs = [False] + [after != before for before, after in itertools.pairwise(period_hashes)]
        running = list(itertools.accumulate(differs))
        for seq, index in enumerate(indexes, start=1):
            superseded = running[seq - 1] < running[-1]
            row = (
                seq,
                len(indexes) - seq + 1,
                differs[seq - 1],
                running[seq - 1],
                superseded,
                period_hashes[0],
            )
            order[index] = row
    return order


def chunk_insurers(records: Sequence[tuple[Any, ...]]) -> InsurersSeen:
    """Insurer number → (name, kind, prefecture) of the last named row of each insurer."""
    return {
        record[_INSURER_NUMBER]: (record[_INSURER_NAME], record[_INSURER_KIND], record[_INSURER_PREFECTURE])
        for record in records
        if record[_INSURER_NAME] is not None
    }


async def prepare_key_index(conn: AsyncConnection) -> bool:
    """Before a large import on PostgreSQL: into an empty registry (a first load), drop the
    individual-key index, to be built once by `restore_key_index` at the end instead of row by
    row (4 of the registry INSERT's 9.6 µs a row); into a registry with rows, make sure the index
    is there (an import killed mid-way may have left it out). True when it was dropped.

    A live registry is never locked here: the exclusive lock (which would queue confirmations
    behind any long read) is taken only once the registry was seen empty."""
    if not is_postgres(conn):
        return False
    if await _has_rows(conn):
        if not (
            await conn.execute(text(f"SELECT to_regclass('{individual_key_index.name}') IS NOT NULL"))
        ).scalar_one():
            await restore_key_index(conn)
        return False
    await conn.execute(text("LOCK TABLE qualifications IN ACCESS EXCLUSIVE MODE"))
    if await _has_rows(conn):  # loaded by another import in between
        return False
    await conn.execute(DropIndex(individual_key_index, if_exists=True))
    return True


async def _has_rows(conn: AsyncConnection) -> bool:
    return bool((await conn.execute(text("SELECT EXISTS (SELECT 1 FROM qualifications)"))).scalar_one())


async def restore_key_index(conn: AsyncConnection) -> None:
    await conn.execute(CreateIndex(individual_key_index, if_not_exists=True))


def chunk_table(import_id: int, chunk: int) -> str:
    """The unlogged table a worker process stages one chunk of a parallel import in."""
    return f"onshi_stage_{int(import_id)}_{int(chunk)}"


def create_chunk_table_sql(name: str) -> str:
    """DDL of a chunk table: the staging columns, unlogged (it lives for one merge)."""
    ddl = str(CreateTable(staging).compile(dialect=_postgres_dialect()))
    return ddl.replace(f"CREATE TEMPORARY TABLE {TEMP_STAGING}", f"CREATE UNLOGGED TABLE {name}", 1)


@functools.cache
def _postgres_dialect() -> Dialect:
    from sqlalchemy.dialects import postgresql

    return postgresql.dialect()  # type: ignore[no-untyped-call]


class QualificationLoader:
    """Merges chunks of staged rows within the caller's transaction.

    On PostgreSQL each group of merge statements goes to the server as one script (one
    round trip, no per-statement work in Python while validation runs beside it)."""

    def __init__(
        self,
        conn: AsyncConnection,
        import_id: int,
        recorded_at: datetime,
        memory: MergeMemory | None = None,
        staging_table: str = TEMP_STAGING,
    ) -> None:
        self._conn = conn
        self._memory = memory if memory is not None else MergeMemory()
        self._params = {"import_id": import_id, "now": recorded_at}
        # The two values are ours (an integer and a timestamp), so they may be inlined.
        self._literals = {
            ":import_id": str(int(import_id)),
            ":now": f"'{recorded_at.isoformat()}'::timestamptz",
        }
        self._staging = staging_table

    async def prepare(self) -> None:
        """Create the temporary staging table on this connection if needed (a precompiled
        statement: reflection would cost more than the merge); `merge` leaves it empty."""
        await self._conn.exec_driver_sql(_create_staging(self._conn.dialect))

    async def load(self, records: Sequence[tuple[Any, ...]]) -> ChunkResult:
        """Stage records (see `staging_records`) in the temporary table and merge them."""
        if not records:
            return ChunkResult(rejected=[])
        await self._stage(list(records))
        return await self.merge(chunk_insurers(records))

    async def merge(self, insurers_seen: InsurersSeen) -> ChunkResult:
        """Merge what the staging table holds. Leaves it empty (a chunk table is dropped)."""
        if is_postgres(self._conn):
            # One import at a time per database: concurrent merges would race on versions.
            await self._conn.execute(text("SELECT pg_advisory_xact_lock(7042001)"))
        await self._upsert_insurers(insurers_seen)
        rejected = await self._reject_unknown_insurers()
        if self._memory.all_new and await self._inserted_as_new():
            counts = (await self._conn.execute(text(self._sql(_COUNT_NEW)))).one()
        else:
            counts = await self._classify_and_merge()
        await self._run(self._emptying())
        return ChunkResult(loaded=int(counts[0] or 0), unchanged=int(counts[1] or 0), rejected=rejected)

    async def _inserted_as_new(self) -> bool:
        """Insert the chunk as periods new to the registry, or undo that and return False when
        one of them is registered already (and stop trying for the rest of the import)."""
        await self._run("SAVEPOINT onshi_new_periods")
        try:
            await self._run(_INSERT_ALL_NEW)
        except (UniqueViolationError, IntegrityError):
            await self._run("ROLLBACK TO SAVEPOINT onshi_new_periods")
            self._memory.all_new = False
            return False
        await self._run(_HISTORY_ALL_NEW, "RELEASE SAVEPOINT onshi_new_periods")
        return True

    async def _classify_and_merge(self) -> Any:
        """Steps 3 and 4 of the module's docstring; the chunk's (changed, unchanged) counts."""
        if is_postgres(self._conn):
            # Statistics on the join keys only (cheap): without them the planner guesses the
            # staged row count from the table's size and may scan the whole registry.
            await self._run(_ANALYZE_STAGING_KEYS)
        # The narrow classification table is analysed so that its joins with the registry
        # use the primary key for a few rows instead of scanning everything.
        await self._run(
            _CLASSIFY,
            _ANALYZE_CLASSIFIED,
            _HISTORY_FROM_CURRENT,
            _HISTORY_FROM_FILE,
            _UPDATE_CURRENT,
            _INSERT_NEW,
        )
        counts = (await self._conn.execute(text(_COUNT_CHANGED))).one()
        await self._run("DROP TABLE import_classified")
        return counts

    def _emptying(self) -> str:
        if self._staging != TEMP_STAGING:
            return f"DROP TABLE {TEMP_STAGING}"  # renamed to the chunk table by _sql
        # TRUNCATE leaves no dead rows behind to mislead the planner about the next chunk.
        return f"TRUNCATE {TEMP_STAGING}" if is_postgres(self._conn) else f"DELETE FROM {TEMP_STAGING}"

    async def _upsert_insurers(self, insurers_seen: InsurersSeen) -> None:
        """Create or rename the chunk's insurers (skipping those this import already wrote)."""
        known = self._memory.insurers
        changed = {number: seen for number, seen in insurers_seen.items() if known.get(number) != seen[0]}
        if not changed:
            return
        now = self._params["now"]
        rows = [
            {"insurer_number": number, "name": name, "kind": kind, "prefecture_code": prefecture,
             "created_at": now, "updated_at": now}
            for number, (name, kind, prefecture) in changed.items()
        ]  # fmt: skip
        statement = dialect_insert(self._conn, insurers)
        statement = statement.on_conflict_do_update(
            index_elements=["insurer_number"],
            set_={"name": statement.excluded.name, "updated_at": statement.excluded.updated_at},
            where=insurers.c.name != statement.excluded.name,
        )
        await self._conn.execute(statement, rows)
        known.update({number: name for number, (name, _, _) in changed.items()})

    def _sql(self, statement: str) -> str:
        return statement.replace(TEMP_STAGING, self._staging) if self._staging != TEMP_STAGING else statement

    async def _run(self, *statements: str) -> None:
        if is_postgres(self._conn):
            script = self._sql(";\n".join(statements))
            for name, literal in self._literals.items():
                script = script.replace(name, literal)
            raw = await self._conn.get_raw_connection()
            await raw.driver_connection.execute(script)  # type: ignore[union-attr]
            return
        for statement in statements:
            await self._conn.execute(text(self._sql(statement)), self._params)

    async def _stage(self, records: list[tuple[Any, ...]]) -> None:
        if is_postgres(self._conn):
            raw = await self._conn.get_raw_connection()
            await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
                TEMP_STAGING, records=records, columns=list(STAGING_COLUMNS)
            )
        else:
            await self._conn.execute(
                insert(staging), [dict(zip(STAGING_COLUMNS, r, strict=True)) for r in records]
            )

    async def _reject_unknown_insurers(self) -> list[RejectedRow]:
        unknown = "NOT EXISTS (SELECT 1 FROM insurers i WHERE i.insurer_number = s.insurer_number)"
        query = f"SELECT s.line, s.insurer_number FROM import_staging s WHERE {unknown} ORDER BY s.line"
        result = await self._conn.execute(text(self._sql(query)))
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
            await self._conn.execute(text(self._sql(f"DELETE FROM import_staging AS s WHERE {unknown}")))
        return rejected


_ANALYZE_CLASSIFIED = "ANALYZE import_classified"
# A small sample is enough for the planner to see a few thousand rows, each probing the
# primary key once (the default target samples every row of a chunk: 4 µs a row).
_ANALYZE_STAGING_KEYS = (
    f"SET LOCAL default_statistics_target = 10; ANALYZE import_staging ({', '.join(PERIOD_KEY)})"
)


@functools.cache
def _create_staging(dialect: Dialect) -> str:
    return str(CreateTable(staging, if_not_exists=True).compile(dialect=dialect))


def _cols(prefix: str, columns: Sequence[str]) -> str:
    return ", ".join(f"{prefix}{c}" for c in columns)


def _same_period(left: str, right: str) -> str:
    return " AND ".join(f"{left}.{c} = {right}.{c}" for c in PERIOD_KEY)


# Per staged row: whether it changes the version before it (the previous row of its period
# in this chunk — precomputed — else the current version), its place from the end of its
# period's rows, and the version number it would get. Narrow: the rows stay in staging.
_CURRENT_DIFFERS_FROM = "(q.content_hash IS NULL OR q.content_hash <> {})"
_CLASSIFY = f"""
CREATE TEMPORARY TABLE import_classified AS
SELECT s.line, {_cols("s.", PERIOD_KEY)}, s.from_last, s.superseded, COALESCE(q.version, 0) AS base_version,
       CASE WHEN s.seq = 1 THEN {_CURRENT_DIFFERS_FROM.format("s.content_hash")} ELSE s.differs END AS changed,
       COALESCE(q.version, 0) + s.later_changes
           + CASE WHEN {_CURRENT_DIFFERS_FROM.format("s.first_hash")} THEN 1 ELSE 0 END AS version
FROM import_staging s
LEFT JOIN qualifications q ON {_same_period("q", "s")}
"""

_COUNT_CHANGED = """
SELECT SUM(CASE WHEN changed THEN 1 ELSE 0 END), SUM(CASE WHEN changed THEN 0 ELSE 1 END) FROM import_classified
"""

_HISTORY_COLUMNS = (*QUALIFICATION_DATA_COLUMNS, "version")

_HISTORY_FROM_CURRENT = f"""
INSERT INTO qualification_history ({_cols("", _HISTORY_COLUMNS)}, superseded_at, superseded_by_import_id)
SELECT {_cols("q.", _HISTORY_COLUMNS)}, :now, :import_id
FROM qualifications q
JOIN (SELECT DISTINCT {_cols("", PERIOD_KEY)} FROM import_classified WHERE changed AND base_version > 0) c
  ON {_same_period("q", "c")}
"""

_SOURCE = "import_classified c JOIN import_staging s ON s.line = c.line"
_FROM_STAGED = f"{_cols('s.', DATA_COLUMNS)}, s.content_hash, :import_id, s.line, :now, c.version"
_INSERT_COLUMNS = f"{_cols('', DATA_COLUMNS)}, content_hash, import_id, import_line, recorded_at, version"

_HISTORY_FROM_FILE = f"""
INSERT INTO qualification_history ({_INSERT_COLUMNS}, superseded_at, superseded_by_import_id)
SELECT {_FROM_STAGED}, :now, :import_id
FROM {_SOURCE}
WHERE c.changed AND c.superseded
ORDER BY c.line
"""

_STAGED_AS = ", ".join(
    [f"s.{c} AS {c}" for c in DATA_COLUMNS]
    + ["s.content_hash AS content_hash", ":import_id AS import_id", "s.line AS import_line", ":now AS recorded_at",
       "c.version AS version"]
)  # fmt: skip
_UPDATED = (
    *DATA_COLUMNS[len(PERIOD_KEY) :],
    "content_hash",
    "import_id",
    "import_line",
    "recorded_at",
    "version",
)

# Periods that have a current version are updated in place (their old version is already in
# the history); new periods are plain inserts — no speculative insertion per row.
_UPDATE_CURRENT = f"""
UPDATE qualifications AS q SET {", ".join(f"{column} = u.{column}" for column in _UPDATED)}
FROM (
    SELECT {_STAGED_AS}
    FROM {_SOURCE}
    WHERE c.from_last = 1 AND c.version > c.base_version AND c.base_version > 0
) AS u
WHERE {_same_period("q", "u")}
"""

_INSERT_NEW = f"""
INSERT INTO qualifications ({_INSERT_COLUMNS})
SELECT {_FROM_STAGED}
FROM {_SOURCE}
WHERE c.from_last = 1 AND c.base_version = 0
"""

# A chunk whose periods are all new: each row's version counts the changes before it in its
# period (as `_CLASSIFY` gives with no current version), the last row becomes current and the
# changed rows a later row supersedes go to the history.
_CHANGED_IN_CHUNK = "(s.seq = 1 OR s.differs)"
_INSERT_ALL_NEW = f"""
INSERT INTO qualifications ({_INSERT_COLUMNS})
SELECT {_cols("s.", DATA_COLUMNS)}, s.content_hash, :import_id, s.line, :now, s.later_changes + 1
FROM import_staging s
WHERE s.from_last = 1
"""

_HISTORY_ALL_NEW = f"""
INSERT INTO qualification_history ({_INSERT_COLUMNS}, superseded_at, superseded_by_import_id)
SELECT {_cols("s.", DATA_COLUMNS)}, s.content_hash, :import_id, s.line, :now, s.later_changes + 1, :now, :import_id
FROM import_staging s
WHERE s.superseded AND {_CHANGED_IN_CHUNK}
ORDER BY s.line
"""

_COUNT_NEW = f"""
SELECT SUM(CASE WHEN {_CHANGED_IN_CHUNK} THEN 1 ELSE 0 END), SUM(CASE WHEN {_CHANGED_IN_CHUNK} THEN 0 ELSE 1 END)
FROM import_staging s
"""
