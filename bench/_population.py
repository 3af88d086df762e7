"""The benches' registry: a generated population imported once per size and kept.

`population_database(N)` is the database `onshi_bench_p{N}`; the first bench that needs it
imports `population_file(N)` through onshi's own import and marks it done (table
`bench_population`), later ones reuse it (10 M persons take minutes to load). The import
bench always reloads it, timed.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
from sqlalchemy import text

from bench._common import bench_database_url, database_exists, fresh_database, population_file
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.services.parallel_import import ImportReport, import_file
from onshi.store import apikeys, facilities
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.engine import DatabaseUrl
from onshi.store.migrate import upgrade

BENCH_FACILITY = Facility(FacilityCode("1319900019"), "ベンチ診療所", FacilityType.MEDICAL_CLINIC)
Person = tuple[str, str, str, str, str]  # insurer, symbol, number, branch, birthdate YYYYMMDD


def database_name(persons: int) -> str:
    return f"onshi_bench_p{persons}"


def _loaded(url: str) -> bool:
    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT to_regclass('bench_population') IS NOT NULL").fetchone()
        return bool(found and found[0])


async def load(url: str, persons: int) -> ImportReport:
    """Import the generated feed into `url` (onshi's import path) and mark it loaded."""
    database = Database.open(url)
    try:
        path = population_file(persons)
        actor = Actor(ActorKind.OPERATOR, "bench", Channel.CLI)
        report = await import_file(database, DirectAuditLog(database.engine), Path(path), actor, str(path))
        assert report.ok, report.rejected[:3]
        async with database.write() as conn:
            await conn.execute(text("CREATE TABLE bench_population (persons bigint, rows bigint)"))
            await conn.execute(
                text("INSERT INTO bench_population VALUES (:p, :r)"), {"p": persons, "r": report.total}
            )
        return report
    finally:
        await database.close()


async def population_database(persons: int) -> str:
    """The URL of the loaded population of `persons` (imported now when not yet there)."""
    name = database_name(persons)
    url = bench_database_url(name)
    if database_exists(name) and _loaded(url):
        upgrade(DatabaseUrl.parse(url))  # a kept population outlives the code: its schema to this checkout's
        return url
    url = fresh_database(name)
    await load(url, persons)
    return url


async def bench_key(url: str) -> str:
    """A new API key of the bench clinic (registered, active)."""
    database = Database.open(url)
    try:
        async with database.write() as conn:
            await facilities.save(conn, [BENCH_FACILITY])
            key, _ = await apikeys.create(conn, ActorKind.FACILITY, BENCH_FACILITY.code.digits, "bench")
        return key.secret
    finally:
        await database.close()


async def sample_people(url: str, count: int, seed: int) -> list[Person]:
    """`count` registered card keys, chosen at random (repeatably) over the whole table."""
    database = Database.open(url)
    try:
        async with database.read() as conn:
            total = (await conn.execute(text("SELECT rows FROM bench_population"))).scalar_one()
            percent = min(100.0, 100.0 * count * 1.3 / max(1, total))
            rows = (
                await conn.execute(
                    text(
                        "SELECT insurer_number, symbol, number, branch, birthdate FROM qualifications "
                        f"TABLESAMPLE BERNOULLI ({percent:.6f}) REPEATABLE ({seed}) LIMIT {count}"
                    )
                )
            ).all()
    finally:
        await database.close()
    return [(i, s, n, b, d.strftime("%Y%m%d")) for i, s, n, b, d in rows]
