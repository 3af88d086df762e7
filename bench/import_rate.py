"""Insurer import rows/s into PostgreSQL, beside the raw COPY + index limit of the same file,
and the load time extrapolated to Japan's 125 million insured.

The import loads the bench population database (bench._population), which the other benches
then reuse.

python -m bench.import_rate [--persons 1000000]
"""

from __future__ import annotations

import argparse
import asyncio

import psycopg

from bench._common import figure, fresh_database, population_file, server_description, timed
from bench._population import database_name, load


def raw_copy_seconds(path: str, columns: list[str]) -> float:
    """The physical limit: the same CSV into an untyped table with COPY, then a key index."""
    url = fresh_database("onshi_bench_raw", migrate=False)
    column_sql = ", ".join(f'"{c}" text' for c in columns)
    with psycopg.connect(url, autocommit=True) as conn:
        with timed() as elapsed:
            conn.execute(f"CREATE TABLE raw ({column_sql})")  # type: ignore[arg-type]
            with (
                open(path, "rb") as data,
                conn.cursor().copy("COPY raw FROM STDIN (FORMAT csv, HEADER true)") as copy,
            ):
                while chunk := data.read(1 << 20):
                    copy.write(chunk)
            conn.execute(
                "CREATE UNIQUE INDEX ON raw (insurer_number, insured_card_symbol, "
                "insured_identification_number, insured_branch_number, qualification_date)"
            )
        conn.execute("DROP TABLE raw")  # its space back before onshi's import
    return elapsed[0]


async def onshi_import_seconds(persons: int) -> tuple[float, int]:
    url = fresh_database(database_name(persons))
    with timed() as elapsed:
        report = await load(url, persons)
    return elapsed[0], report.total


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
    seconds, rows = asyncio.run(onshi_import_seconds(args.persons))
    figure("raw COPY + unique index (limit)", rows / raw, "rows/s", f"{raw:.1f} s")
    figure("onshi insurer import (validate + merge + history)", rows / seconds, "rows/s", f"{seconds:.1f} s")
    figure("ratio onshi / raw", 100 * raw / seconds, "%")
    national = 125_000_000 * rows / args.persons  # rows per person as in this feed (families, history)
    figure("125 M insured at this rate (extrapolated, linear)", national / (rows / seconds) / 60, "min",
           f"{national:,.0f} rows")  # fmt: skip
    figure(f"import rows/s ({rows:,} rows)", rows / seconds, "rows/s")


if __name__ == "__main__":
    main()
