"""An OQSmuquc02res joined from the units the workers rendered is, byte for byte, the file the
whole-document builder writes from the stored units — for valid, lost, not-found, invalid,
public-expense and technical-failure units, over several chunks, in UTF-8 and Shift_JIS."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import update

from onshi import wire
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.batch import CHUNK_SIZE, BatchKind, BatchStatus
from onshi.domain.dates import JST
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.services import batch_answers, batches, file_answers
from onshi.services.batch_worker import run_worker
from onshi.services.bulk_files import INQUIRY, result_document
from onshi.services.request_files import answer_file
from onshi.store import facilities
from onshi.store.audit import DirectAuditLog
from onshi.store.batches import ClaimedChunk
from onshi.store.database import Database
from onshi.store.schema import batch_chunks
from tests.factories import KYOKAI_TOKYO, feed_row
from tests.public_expense_data import CHILD_INSURANCE, CLINIC, load_all
from tests.services.test_insurer_import import load

K = wire.MessageKind
ACTOR = Actor(ActorKind.FACILITY, CLINIC, Channel.TERMINAL)
NOW = datetime(2026, 11, 24, 10, 15, 30, tzinfo=JST)
BROKEN = "broken-chunk"  # the first entry of a chunk whose answering fails


@pytest.fixture
async def registry(db: Database) -> Database:
    lost = feed_row(insured_identification_number="7", disqualification_date="20200331", reason_of_loss="1")
    assert (await load(db, [feed_row(), CHILD_INSURANCE, lost])).ok
    async with db.write() as conn:
        await facilities.save(
            conn, [Facility(FacilityCode(CLINIC), "テスト診療所", FacilityType.MEDICAL_CLINIC)]
        )
    await load_all(db)  # the child (枝番 01 of 456) has a 子ども医療費助成 entitlement
    return db


def entry(number: str, ident: str, birthdate: str = "19800401", **extra: str) -> dict[str, str]:
    return {
        "InsurerNumber": extra.pop("insurer", KYOKAI_TOKYO.digits),
        "InsuredCardSymbol": "123",
        "InsuredIdentificationNumber": number,
        "Birthdate": birthdate,
        "LimitApplicationCertificateRelatedConsFlg": extra.pop("consent", "0"),
        "ArbitraryIdentifier": ident,
        **extra,
    }


def entries() -> list[dict[str, str]]:
    kinds = [
        lambda n: entry("456", f"valid-{n}"),  # the holder and the child with public expense
        lambda n: entry("456", f"consent-{n}", consent="1"),
        lambda n: entry("456", f"child-{n}", "20150601", InsuredBranchNumber="01"),
        lambda n: entry("7", f"lost-{n}"),
        lambda n: entry("999", f"unknown-{n}"),
        lambda n: entry("456", f"bad-date-{n}", "19800431"),
        lambda n: entry("456", f"bad-insurer-{n}", insurer="12"),
        lambda n: entry("456", f"吉野〜𠮷-{n}"),  # Shift_JIS: one-way and missing characters
    ]
    listed = [kinds[n % len(kinds)](n) for n in range(2 * CHUNK_SIZE + 7)]
    listed[CHUNK_SIZE]["ArbitraryIdentifier"] = BROKEN
    return listed


@pytest.fixture
def broken_second_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    answer = batch_answers.ANSWERERS[BatchKind.INQUIRY]

    async def sometimes(conn: Any, chunk: ClaimedChunk, at: datetime) -> batch_answers.Answered:
        if chunk.entries[0].get("ArbitraryIdentifier") == BROKEN:
            raise RuntimeError("a bug")  # answered with technical-failure units
        return await answer(conn, chunk, at)

    monkeypatch.setitem(batch_answers.ANSWERERS, BatchKind.INQUIRY, sometimes)
    monkeypatch.setattr(file_answers, "now_jst", lambda: NOW)  # both files carry one time


def download(reception_number: str, encoding: str) -> bytes:
    document = {
        "MessageHeader": {"MedicalInstitutionCode": CLINIC},
        "MessageBody": {"ReceptionNumber": reception_number},
    }
    return wire.to_xml(document, K.BULK_INQUIRY_DOWNLOAD_REQUEST, encoding)


@pytest.mark.usefixtures("broken_second_chunk")
async def test_the_joined_download_is_the_built_file(registry: Database) -> None:
    upload = batches.Upload(
        BatchKind.INQUIRY, entries(), b"joined", wire.SHIFT_JIS, "file-1", date(2026, 11, 24)
    )
    batch, _ = await batches.submit(registry, ACTOR, upload)
    await run_worker(registry, asyncio.Event(), until_idle=True)
    done = await batches.find(registry, ACTOR, batch.reception_number)
    assert done is not None and done.status is BatchStatus.DONE
    units = await batches.results(registry, done)
    assert await batches.rendered_results(registry, done) is not None
    statuses = {(u["ProcessingResultStatus"], u.get("ProcessingResultCode")) for u in units}
    assert ("2", "ONSE9501") in statuses and len(statuses) >= 4  # failures, errors and verdicts
    assert any("PublicExpenseInfoList" in str(u) for u in units)
    for encoding in (wire.UTF8, wire.SHIFT_JIS):
        built = wire.to_xml(
            result_document(INQUIRY, ACTOR, done, units, encoding), K.BULK_INQUIRY_RESULT, encoding
        )
        _, answer = await answer_file(
            registry, DirectAuditLog(registry.engine), ACTOR, "OQSmuquc02req_1.xml", download(done.reception_number, encoding)
        )  # fmt: skip
        assert answer.xml is not None  # joined, not built
        assert answer.to_xml() == built
        assert built.count(b"<BulkConfirmUnit>") == len(units)


async def test_a_batch_without_rendered_units_is_built_as_before(registry: Database) -> None:
    upload = batches.Upload(BatchKind.INQUIRY, entries()[:3], b"plain", wire.UTF8, None, date(2026, 11, 24))
    batch, _ = await batches.submit(registry, ACTOR, upload)
    await run_worker(registry, asyncio.Event(), until_idle=True)
    async with registry.write() as conn:  # as a chunk answered before units were rendered
        await conn.execute(update(batch_chunks).values(results_xml=None))
    _, answer = await answer_file(
        registry, DirectAuditLog(registry.engine), ACTOR, "OQSmuquc02req_2.xml", download(batch.reception_number, wire.UTF8)
    )  # fmt: skip
    assert answer.xml is None
    units = wire.parse(answer.to_xml(), K.BULK_INQUIRY_RESULT).document["MessageBody"]["BulkConfirmUnit"]
    assert [u["QualificationConfirmSearchInfo"]["ArbitraryIdentifier"] for u in units] == [
        "valid-0",
        "consent-1",
        "child-2",
    ]
