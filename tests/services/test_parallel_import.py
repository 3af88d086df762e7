"""The parallel import (worker processes + ordered merges) gives exactly what the in-process
import gives, and cleans up after itself when a merge fails. PostgreSQL only: SQLite never
takes the parallel path."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.services import parallel_import
from onshi.services.insurer_import import ImportReport
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.integrity import run_checks
from onshi.store.schema import imports, qualification_history, qualifications
from tests.conftest import fresh_database_url
from tests.factories import feed_lines, feed_row

OPERATOR = Actor(ActorKind.OPERATOR, "tester", Channel.CLI)
ROW_COLUMNS = [c for c in qualifications.c if c.name not in {"import_id", "recorded_at"}]


@pytest.fixture
def pg_urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    first = fresh_database_url("postgresql", request, tmp_path)
    second = fresh_database_url("postgresql", request, tmp_path)
    yield next(first), next(second)
    for generator in (first, second):
        generator.close()


@pytest.fixture
async def pg_pair(pg_urls: tuple[str, str]) -> AsyncIterator[tuple[Database, Database]]:
    pair = Database.open(pg_urls[0], pool_size=2), Database.open(pg_urls[1], pool_size=2)
    try:
        yield pair
    finally:
        for database in pair:
            await database.close()


def feed_file(tmp_path: Path) -> Path:
    """Valid rows, bad rows, a cell with a line break, and one period changed across pieces."""
    rows = [feed_row(insured_identification_number=str(n)) for n in range(100, 130)]
    rows[3]["birthdate"] = "19900230"
    rows[11]["address"] = "東京都\n新宿区"
    rows[17]["insurer_number"] = "01130013"
    rows.append(feed_row(insured_identification_number="100", address="東京都中野区"))
    rows.append(feed_row(insured_identification_number="101", disqualification_date="20240401"))
    path = tmp_path / "feed.csv"
    path.write_text("".join(feed_lines(rows)), encoding="utf-8")
    return path


async def run(db: Database, path: Path) -> ImportReport:
    return await parallel_import.import_file(
        db, DirectAuditLog(db.engine), path, OPERATOR, "feed.csv", workers=2
    )


async def registry(db: Database) -> tuple[list[Any], int]:
    async with db.read() as conn:
        rows = (await conn.execute(select(*ROW_COLUMNS).order_by(*qualifications.primary_key))).all()
        history = (await conn.execute(select(func.count()).select_from(qualification_history))).scalar_one()
    return [tuple(row) for row in rows], int(history)


def summary(report: ImportReport) -> tuple[Any, ...]:
    return report.total, report.loaded, report.unchanged, [(r.line, r.reason_en) for r in report.rejected]


def force_parallel(monkeypatch: pytest.MonkeyPatch, piece_lines: int) -> None:
    """Even a small file goes to the worker processes, in pieces of about `piece_lines` lines."""
    monkeypatch.setattr(parallel_import, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel_import, "BLOCK_ROWS", piece_lines)


def before_each_merge(monkeypatch: pytest.MonkeyPatch, step: Callable[[int], Awaitable[None]]) -> None:
    """`step(n)` runs before the n-th chunk's merge (1-based); raising fails that merge."""
    merge = parallel_import._merge
    calls = 0

    async def wrapped(*args: Any) -> None:
        nonlocal calls
        calls += 1
        await step(calls)
        await merge(*args)

    monkeypatch.setattr(parallel_import, "_merge", wrapped)


@pytest.mark.postgres
@pytest.mark.parametrize("piece_lines", [6, 7])  # 6: a piece ends inside the quoted line break
async def test_parallel_import_matches_the_in_process_import(
    pg_pair: tuple[Database, Database], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece_lines: int
) -> None:
    single, parallel = pg_pair
    path = feed_file(tmp_path)
    expected = await run(single, path)  # small file: in-process
    force_parallel(monkeypatch, piece_lines)
    got = await run(parallel, path)
    assert summary(got) == summary(expected)
    # a line break inside a cell is refused, and later line numbers count it
    assert [r.line for r in got.rejected] == [5, 13, 20]
    assert await registry(parallel) == await registry(single)
    assert (await registry(parallel))[1] == 2


@pytest.mark.postgres
async def test_a_failed_merge_leaves_no_chunk_tables_a_failed_import_and_the_key_index(
    pg_pair: tuple[Database, Database], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = pg_pair[0]
    force_parallel(monkeypatch, 5)

    async def fail_the_second(merge: int) -> None:
        if merge == 2:
            raise RuntimeError("merge failed")

    before_each_merge(monkeypatch, fail_the_second)
    with pytest.raises(RuntimeError):
        await run(db, feed_file(tmp_path))
    async with db.read() as conn:
        leftovers = (
            await conn.execute(text("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'onshi_stage_%'"))
        ).scalar_one()
        status = (await conn.execute(select(imports.c.status))).scalar_one()
    assert (leftovers, status) == (0, "failed")
    assert await key_index_exists(db)  # a first load: dropped at its start, built again at its end


async def key_index_exists(db: Database) -> bool:
    async with db.read() as conn:
        found = await conn.execute(text("SELECT to_regclass('ix_qualifications_individual_key') IS NOT NULL"))
        return bool(found.scalar_one())


@pytest.mark.postgres
async def test_a_first_load_builds_the_key_index_at_its_end(
    pg_pair: tuple[Database, Database], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = pg_pair[0]
    force_parallel(monkeypatch, 7)
    during: list[bool] = []

    async def look(_: int) -> None:
        during.append(await key_index_exists(db))

    before_each_merge(monkeypatch, look)
    await run(db, feed_file(tmp_path))
    assert during and not any(during)  # the empty registry was loaded without it
    assert await key_index_exists(db)

    during.clear()
    await run(db, feed_file(tmp_path))  # a registry with rows keeps its index throughout
    assert during and all(during)


@pytest.mark.postgres
async def test_an_import_into_rows_rebuilds_a_key_index_left_out(
    pg_pair: tuple[Database, Database], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As after a first load killed mid-way: rows, no index. `onshi db check` reports it and
    the next import builds it before loading."""
    db = pg_pair[0]
    await run(db, feed_file(tmp_path))  # small file: in-process, the index untouched
    async with db.write() as conn:
        await conn.execute(text("DROP INDEX ix_qualifications_individual_key"))
    async with db.read() as conn:
        checks = {check.name: check.violations for check in await run_checks(conn)}
    assert checks["key_index"] == 1
    force_parallel(monkeypatch, 7)
    await run(db, feed_file(tmp_path))
    assert await key_index_exists(db)
    async with db.read() as conn:
        assert {c.name: c.violations for c in await run_checks(conn)}["key_index"] == 0
