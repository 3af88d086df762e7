import pytest
from sqlalchemy import insert, select, text

from onshi.store.database import Database
from onshi.store.integrity import run_checks
from onshi.store.schema import qualification_history, qualifications
from tests.factories import feed_row
from tests.services.test_insurer_import import load


async def test_a_loaded_registry_passes_every_check(db: Database) -> None:
    await load(
        db,
        [feed_row(), feed_row(disqualification_date="20240401"), feed_row(insured_identification_number="2")],
    )
    async with db.read() as conn:
        found = {check.name: check.violations for check in await run_checks(conn)}
    checks = ["qualifications_insurer", "history_period", "history_import", "periods", "versions"]
    if not db.url.is_sqlite:
        checks += ["staging_leftovers", "key_index"]
    assert found == dict.fromkeys(checks, 0)


async def test_orphans_are_found(db: Database) -> None:
    await load(db, [feed_row()])
    async with db.write() as conn:
        current = (await conn.execute(select(qualifications))).mappings().one()
        await conn.execute(insert(qualifications).values(**{**current, "insurer_number": "99999999"}))
        history = {**current, "number": "X", "superseded_at": current["recorded_at"]}
        await conn.execute(insert(qualification_history).values(**history))
    async with db.read() as conn:
        found = {check.name: check.violations for check in await run_checks(conn)}
    assert found["qualifications_insurer"] == 1
    assert found["history_period"] == 1


async def test_chunk_tables_left_by_a_failed_import_are_found(db: Database) -> None:
    if db.url.is_sqlite:
        pytest.skip("parallel imports (and their chunk tables) exist on PostgreSQL only")
    async with db.write() as conn:
        await conn.execute(text("CREATE UNLOGGED TABLE onshi_stage_999_0 (line integer)"))
    async with db.read() as conn:
        found = {check.name: check.violations for check in await run_checks(conn)}
    assert found["staging_leftovers"] == 1
