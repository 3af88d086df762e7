"""Batches on both backends: accepted at once, answered chunk by chunk by workers, each entry
exactly once with its audit record; bad entries are that entry's error; resubmission is the
same batch; a chunk whose answering breaks is answered "not checked", never lost."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from onshi import wire
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.batch import CHUNK_SIZE, BatchKind, BatchStatus
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.services import batch_answers, batches
from onshi.services.batch_worker import run_worker, run_workers
from onshi.services.reference_numbers import ReferenceEntry, register_reference_numbers
from onshi.store import batches as store
from onshi.store import facilities
from onshi.store.database import Database
from onshi.store.schema import audit_events, batch_chunks
from tests.factories import KYOKAI_TOKYO, feed_row, insurer
from tests.services.test_insurer_import import load

CLINIC = Actor(ActorKind.FACILITY, "1310000017", Channel.API)
OTHER = Actor(ActorKind.FACILITY, "1310000025", Channel.API)
ROWS = [
    feed_row(),
    feed_row(insured_identification_number="7", disqualification_date="20200331", reason_of_loss="1"),
]


@pytest.fixture
async def registry(db: Database) -> Database:
    assert (await load(db, ROWS)).ok
    async with db.write() as conn:
        await facilities.save(
            conn,
            [
                Facility(FacilityCode(CLINIC.id), "テスト診療所", FacilityType.MEDICAL_CLINIC),
                Facility(FacilityCode(OTHER.id), "他院", FacilityType.MEDICAL_CLINIC),
            ],
        )
    return db


def person(number: str = "456", birthdate: str = "19800401", **extra: str) -> dict[str, str]:
    entry = {
        "InsurerNumber": extra.pop("insurer", KYOKAI_TOKYO.digits),
        "InsuredCardSymbol": "123",
        "InsuredIdentificationNumber": number,
        "Birthdate": birthdate,
        "LimitApplicationCertificateRelatedConsFlg": "0",
    }
    return {**entry, **extra}


def inquiry(entries: list[dict[str, str]], tag: str = "a") -> batches.Upload:
    from datetime import date

    return batches.Upload(
        BatchKind.INQUIRY, entries, f"upload-{tag}".encode(), wire.UTF8, f"file-{tag}", date(2026, 11, 24)
    )


async def drain(db: Database) -> int:
    return await run_worker(db, asyncio.Event(), until_idle=True)


async def audit_count(db: Database, action: str) -> int:
    async with db.read() as conn:
        query = select(func.count()).where(audit_events.c.action == action)
        return int((await conn.execute(query)).scalar_one())


async def test_every_entry_gets_its_answer_in_order_and_bad_keys_stay_per_entry(registry: Database) -> None:
    entries = [
        person(ArbitraryIdentifier="p1"),
        person("7", ArbitraryIdentifier="p2"),  # lost in 2020
        person("999", ArbitraryIdentifier="p3"),  # nobody
        person(insurer=insurer("0113001")[:-1] + "9", ArbitraryIdentifier="p4"),  # bad check digit
        person(birthdate="19800230", ArbitraryIdentifier="p5"),  # impossible date
    ]
    batch, created = await batches.submit(registry, CLINIC, inquiry(entries))
    assert created and batch.status is BatchStatus.PROCESSING and batch.total == 5
    assert len(batch.reception_number) == 20 and batch.reception_number.isdigit()
    assert await drain(registry) == 1
    done = await batches.find(registry, CLINIC, batch.reception_number)
    assert done is not None and done.status is BatchStatus.DONE
    assert (done.done, done.normal, done.error) == (5, 3, 2)
    assert done.finished_at is not None and done.finished_at.utcoffset() is not None
    units = await batches.results(registry, done)
    echoes = [u["QualificationConfirmSearchInfo"]["ArbitraryIdentifier"] for u in units]
    assert echoes == ["p1", "p2", "p3", "p4", "p5"]
    assert [u.get("QualificationValidity") for u in units] == ["1", "2", "4", None, None]
    assert [u["ProcessingResultStatus"] for u in units] == ["1", "1", "1", "2", "2"]
    assert units[3]["ProcessingResultCode"] == "ONSP1003"
    assert units[0]["ResultOfQualificationConfirmation"][0]["Name"] == "山田　太郎"
    assert await audit_count(registry, "confirm.batch") == 5
    assert await audit_count(registry, "batch.submit") == 1


async def test_the_same_upload_twice_is_one_batch(registry: Database) -> None:
    first, created = await batches.submit(registry, CLINIC, inquiry([person()]))
    again, created_again = await batches.submit(registry, CLINIC, inquiry([person()]))
    assert created and not created_again
    assert again.reception_number == first.reception_number
    async with registry.read() as conn:
        assert await store.pending_chunks(conn) == 1
    # Another facility uploading the same bytes has its own batch.
    theirs, created_theirs = await batches.submit(registry, OTHER, inquiry([person()]))
    assert created_theirs and theirs.reception_number != first.reception_number


async def test_a_reception_number_is_only_the_uploaders(registry: Database) -> None:
    batch, _ = await batches.submit(registry, CLINIC, inquiry([person()]))
    assert await batches.find(registry, OTHER, batch.reception_number) is None
    assert await batches.find(registry, CLINIC, batch.reception_number, BatchKind.REFERENCE_NUMBERS) is None


async def test_large_batches_are_answered_chunk_by_chunk(registry: Database) -> None:
    count = CHUNK_SIZE * 2 + 3
    entries = [person(ArbitraryIdentifier=str(n)) for n in range(count)]
    batch, _ = await batches.submit(registry, CLINIC, inquiry(entries))
    assert await batches.work_one(registry)
    half = await batches.find(registry, CLINIC, batch.reception_number)
    assert half is not None and half.status is BatchStatus.PROCESSING and half.done == CHUNK_SIZE
    assert await drain(registry) == 2
    done = await batches.find(registry, CLINIC, batch.reception_number)
    assert done is not None and done.status is BatchStatus.DONE
    units = await batches.results(registry, done)
    assert [u["QualificationConfirmSearchInfo"]["ArbitraryIdentifier"] for u in units] == [
        str(n) for n in range(count)
    ]
    assert await audit_count(registry, "confirm.batch") == count


async def test_results_carry_the_facilitys_reference_numbers(registry: Database) -> None:
    async with registry.write() as conn:
        await register_reference_numbers(
            conn, CLINIC, [ReferenceEntry("K-1", KYOKAI_TOKYO.digits, "456", "123")]
        )
    mine, _ = await batches.submit(registry, CLINIC, inquiry([person()]))
    theirs, _ = await batches.submit(registry, OTHER, inquiry([person()], "b"))
    await drain(registry)
    assert (await batches.results(registry, mine))[0]["ReferenceNumber"] == ["K-1"]
    assert not (await batches.results(registry, theirs))[0]["ReferenceNumber"]


async def test_registration_batches_register_and_report_each_entry(registry: Database) -> None:
    entries = [
        {"ReferenceNumber": "A-1", "InsurerNumber": KYOKAI_TOKYO.digits, "InsuredCardSymbol": "123",
         "InsuredIdentificationNumber": "456"},
        {"ReferenceNumber": "A-2", "InsurerNumber": KYOKAI_TOKYO.digits, "InsuredIdentificationNumber": "999"},
    ]  # fmt: skip
    upload = batches.Upload(BatchKind.REFERENCE_NUMBERS, entries, b"reg", wire.UTF8)
    batch, _ = await batches.submit(registry, CLINIC, upload)
    await drain(registry)
    units = await batches.results(registry, batch)
    assert [u["ProcessingResultStatus"] for u in units] == ["1", "2"]
    assert units[1]["ProcessingResultCode"] == "ONSP4001"
    assert units[0]["ReferenceNumberRegistrationInfo"]["ReferenceNumber"] == "A-1"
    assert await audit_count(registry, "reference.register") == 2


async def test_a_chunk_that_cannot_be_answered_is_answered_not_checked(
    registry: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: Any) -> batch_answers.Answered:
        async with registry.read():
            pass
        raise RuntimeError("a bug")

    monkeypatch.setitem(batch_answers.ANSWERERS, BatchKind.INQUIRY, broken)
    batch, _ = await batches.submit(registry, CLINIC, inquiry([person(), person("7")]))
    assert await drain(registry) == 1
    done = await batches.find(registry, CLINIC, batch.reception_number)
    assert done is not None and done.status is BatchStatus.DONE and done.error == 2
    units = await batches.results(registry, done)
    assert {u["ProcessingResultCode"] for u in units} == {"ONSE9501"}
    assert "QualificationValidity" not in units[0]
    async with registry.read() as conn:
        states = (await conn.execute(select(batch_chunks.c.state))).scalars().all()
    assert states == ["failed"]
    assert await audit_count(registry, "batch.inquiry") == 1


async def test_a_worker_that_dies_mid_chunk_leaves_it_for_the_next(registry: Database) -> None:
    batch, _ = await batches.submit(registry, CLINIC, inquiry([person()]))

    class Killed(BaseException):
        pass

    async def die_mid_chunk() -> None:
        async with registry.write() as conn:
            assert await store.claim(conn) is not None
            raise Killed  # the transaction is rolled back, as a killed process's would be

    with pytest.raises(Killed):
        await die_mid_chunk()
    assert await drain(registry) == 1
    done = await batches.find(registry, CLINIC, batch.reception_number)
    assert done is not None and done.status is BatchStatus.DONE
    assert await audit_count(registry, "confirm.batch") == 1


async def numbered_batch(registry: Database, count: int) -> store.Batch:
    """An inquiry of `count` entries whose ArbitraryIdentifier is their place: 0, 1, …"""
    batch, _ = await batches.submit(
        registry, CLINIC, inquiry([person(ArbitraryIdentifier=str(n)) for n in range(count)])
    )
    return batch


async def test_concurrent_workers_answer_each_entry_exactly_once(
    registry: Database, database_url: str
) -> None:
    count = CHUNK_SIZE * 6
    batch = await numbered_batch(registry, count)
    others = [Database.open(database_url, pool_size=2) for _ in range(3)]
    try:
        answered = await asyncio.gather(*(drain(db) for db in others))
    finally:
        for db in others:
            await db.close()
    assert sum(answered) == 6
    done = await batches.find(registry, CLINIC, batch.reception_number)
    assert done is not None and (done.status, done.done) == (BatchStatus.DONE, count)
    assert await audit_count(registry, "confirm.batch") == count


async def test_loops_of_one_process_share_its_pool_and_answer_each_entry_once(
    registry: Database, database_url: str
) -> None:
    """`onshi worker --concurrency 3`: three loops on one pool (PostgreSQL; SQLite runs one)."""
    count = CHUNK_SIZE * 6
    batch = await numbered_batch(registry, count)
    worker_db = Database.open(database_url, pool_size=4)
    try:
        assert await run_workers(worker_db, asyncio.Event(), 3, until_idle=True) == 6
    finally:
        await worker_db.close()
    done = await batches.find(registry, CLINIC, batch.reception_number)
    assert done is not None and (done.status, done.done) == (BatchStatus.DONE, count)
    units = await batches.results(registry, done)
    assert [u["QualificationConfirmSearchInfo"]["ArbitraryIdentifier"] for u in units] == [
        str(n) for n in range(count)
    ]
    assert await audit_count(registry, "confirm.batch") == count
