"""`onshi worker` as deployed: separate processes, killed with -9 mid-batch and restarted,
answer every entry exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time

from sqlalchemy import func, select

from onshi.domain.batch import CHUNK_SIZE, BatchStatus
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.services import batches
from onshi.store import facilities
from onshi.store.database import Database
from onshi.store.schema import audit_events, batch_chunks
from tests.cli.conftest import ONSHI, Cli
from tests.factories import feed_row
from tests.services.test_batches import CLINIC, inquiry, person
from tests.services.test_insurer_import import load

CHUNKS = 16


def run(database_url: str, work):  # type: ignore[no-untyped-def]
    async def main():  # type: ignore[no-untyped-def]
        db = Database.open(database_url, pool_size=2)
        try:
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(main())


async def submit(db: Database) -> str:
    assert (await load(db, [feed_row()])).ok
    async with db.write() as conn:
        await facilities.save(
            conn, [Facility(FacilityCode(CLINIC.id), "テスト診療所", FacilityType.MEDICAL_CLINIC)]
        )
    entries = [person(ArbitraryIdentifier=str(n)) for n in range(CHUNKS * CHUNK_SIZE)]
    batch, _ = await batches.submit(db, CLINIC, inquiry(entries))
    return batch.reception_number


async def done_chunks(db: Database) -> int:
    async with db.read() as conn:
        query = select(func.count()).where(batch_chunks.c.state == "done")
        return int((await conn.execute(query)).scalar_one())


def test_kill_9_mid_batch_then_restart_answers_every_entry_once(onshi: Cli, database_url: str) -> None:
    number = run(database_url, submit)
    env = {**os.environ, "ONSHI_DATABASE_URL": database_url}
    worker = subprocess.Popen(
        [str(ONSHI), "worker", "--processes", "2", "--concurrency", "2"],  # 4 loops on PostgreSQL
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while run(database_url, done_chunks) < 2:
            assert time.monotonic() < deadline, "the worker answered nothing"
            time.sleep(0.05)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # the parent and both children, mid-chunk
        worker.wait()
    assert run(database_url, done_chunks) < CHUNKS, "the kill came too late to test anything"
    result = onshi("worker", "--until-idle")
    assert "chunks answered" in result.stdout

    async def check(db: Database) -> tuple[BatchStatus, int, int]:
        batch = await batches.find(db, CLINIC, number)
        assert batch is not None
        async with db.read() as conn:
            query = select(func.count()).where(audit_events.c.action == "confirm.batch")
            audited = int((await conn.execute(query)).scalar_one())
        units = await batches.results(db, batch)
        assert [u["QualificationConfirmSearchInfo"]["ArbitraryIdentifier"] for u in units] == [
            str(n) for n in range(CHUNKS * CHUNK_SIZE)
        ]
        return batch.status, batch.done, audited

    assert run(database_url, check) == (BatchStatus.DONE, CHUNKS * CHUNK_SIZE, CHUNKS * CHUNK_SIZE)
