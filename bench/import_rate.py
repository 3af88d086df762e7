"""Insurer import rows/s into PostgreSQL, beside the raw COPY + index limit of the same file.

python -m bench.import_rate [--persons 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import psycopg

from bench._common import figure, fresh_database, population_file, server_description, timed
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.services.parallel_import import import_file
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database


def raw_copy_seconds(path: str, columns: list[str]) -> float:
    """The physical limit: the same CSV into an untyped table with COPY, then a key index."""
    url = fresh_database("onshi_bench_raw", migrate=False)
    column_sql = ", ".join(f'"{c}" text' for c in columns)
    with psycopg.connect(url, autocommit=True) as conn, timed() as elapsed:
        conn.execute(f"CREATE TABLE raw ({column_sql})")  # type: ignore[arg-type]
        with (
            open(path, "rb") as data,
            conn.cursor().copy("COPY raw FROM STDIN (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := data.read(1 << 20):
                copy.write(chunk)
        conn.execute(
            "CREATE UNIQUE INDEX ON raw (insurer_number, insured_card_symbol, insured_identification_number, "
            "insured_branch_number, qualification_date)"
        )
    return elapsed[0]


async def onshi_import_seconds(path: str) -> tuple[float, int]:
    url = fresh_database("onshi_bench_import")
    database = Database.open(url)
    actor = Actor(ActorKind.OPERATOR, "bench", Channel.CLI)
    try:
        with timed() as elapsed:
            report = await import_file(database, DirectAuditLog(database.engine), Path(path), actor, path)
        assert report.ok, report.rejected[:3]
        return elapsed[0], report.total
    finally:
        await database.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    args = parser.parse_args()
    print(server_description(), flush=True)
    with timed() as generated:
        path = population_file(args.persons)
    figure("generate feed (or reuse)", generated[0], "s", str(path))
    columns = path.open(encoding="utf-8").readline().strip().split(",")
    raw = raw_copy_seconds(str(path), columns)
    seconds, rows = asyncio.run(onshi_import_seconds(str(path)))
    figure("raw COPY + unique index (limit)", rows / raw, "rows/s", f"{raw:.1f} s")
    figure("onshi insurer import (validate + merge + history)", rows / seconds, "rows/s", f"{seconds:.1f} s")
    figure("ratio onshi / raw", 100 * raw / seconds, "%")
    figure(f"import rows/s ({rows:,} rows)", rows / seconds, "rows/s")


if __name__ == "__main__":
    main()
