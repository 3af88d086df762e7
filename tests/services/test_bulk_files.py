"""The two-step bulk files (OQSmuquc, OQSmuimm) end to end through `answer_file`: receipt
with a ReceptionNumber, 処理中 until the workers are done, then one unit per entry."""

from __future__ import annotations

import asyncio

import pytest

from onshi import wire
from onshi.services.batch_worker import run_worker
from onshi.services.request_files import answer_file
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from tests.factories import KYOKAI_TOKYO
from tests.services.test_batches import CLINIC, OTHER, registry  # noqa: F401 — fixture

K = wire.MessageKind


def upload(code: str = CLINIC.id, count: int = 3) -> bytes:
    people = [
        {
            "InsurerNumber": KYOKAI_TOKYO.digits,
            "InsuredCardSymbol": "123",
            "InsuredIdentificationNumber": "456" if n % 2 == 0 else "999",
            "Birthdate": "19800401",
            "LimitApplicationCertificateRelatedConsFlg": "0",
            "ArbitraryIdentifier": f"patient-{n}",
        }
        for n in range(count)
    ]
    document = {
        "MessageHeader": {
            "QualificationConfirmationDate": "20261124",
            "MedicalInstitutionCode": code,
            "ArbitraryFileIdentifier": "tomorrow",
        },
        "MessageBody": {"QualificationConfirmSearchInfo": people},
    }
    return wire.to_xml(document, K.BULK_INQUIRY_REQUEST, wire.SHIFT_JIS)


def download(reception_number: str, kind: wire.MessageKind = K.BULK_INQUIRY_DOWNLOAD_REQUEST) -> bytes:
    document = {
        "MessageHeader": {"MedicalInstitutionCode": CLINIC.id},
        "MessageBody": {"ReceptionNumber": reception_number},
    }
    return wire.to_xml(document, kind)


async def send(db: Database, name: str, data: bytes, kind: wire.MessageKind) -> dict:
    result_name, answer = await answer_file(db, DirectAuditLog(db.engine), CLINIC, name, data)
    assert result_name == wire.result_filename(name)
    return wire.parse(answer.to_xml(), kind).document


async def test_upload_then_download_in_progress_then_results(registry: Database) -> None:  # noqa: F811
    receipt = await send(registry, "OQSmuquc01req_20261123A.xml", upload(), K.BULK_INQUIRY_RECEIPT)
    assert receipt["MessageHeader"]["SegmentOfResult"] == "1"
    assert receipt["MessageHeader"]["CharacterCodeIdentifier"] == "1"  # answered in Shift_JIS
    number = receipt["MessageBody"]["ReceptionNumber"]
    pending = await send(registry, "OQSmuquc02req_1.xml", download(number), K.BULK_INQUIRY_RESULT)
    assert pending["MessageHeader"]["SegmentOfResult"] == "2"  # 処理中
    assert "MessageBody" not in pending
    await run_worker(registry, asyncio.Event(), until_idle=True)
    result = await send(registry, "OQSmuquc02req_2.xml", download(number), K.BULK_INQUIRY_RESULT)
    header = result["MessageHeader"]
    assert (header["SegmentOfResult"], header["ReceptionNumber"], header["ArbitraryFileIdentifier"]) == (
        "1",
        number,
        "tomorrow",
    )
    assert (
        header["NumberOfProcessingResult"],
        header["NumberOfNormalProcessing"],
        header["NumberOfError"],
    ) == ("3", "3", "0")
    units = result["MessageBody"]["BulkConfirmUnit"]
    assert [u["QualificationConfirmSearchInfo"]["ArbitraryIdentifier"] for u in units] == [
        "patient-0",
        "patient-1",
        "patient-2",
    ]
    assert [u["QualificationValidity"] for u in units] == ["1", "4", "1"]


async def test_the_same_file_again_gets_the_same_reception_number(registry: Database) -> None:  # noqa: F811
    first = await send(registry, "OQSmuquc01req_a.xml", upload(), K.BULK_INQUIRY_RECEIPT)
    again = await send(registry, "OQSmuquc01req_b.xml", upload(), K.BULK_INQUIRY_RECEIPT)
    assert first["MessageBody"]["ReceptionNumber"] == again["MessageBody"]["ReceptionNumber"]


@pytest.mark.parametrize("number", ["00000000000000000000", "not-mine"])
async def test_unknown_or_foreign_reception_numbers_are_refused(registry: Database, number: str) -> None:  # noqa: F811
    if number == "not-mine":
        _, answer = await answer_file(
            registry, DirectAuditLog(registry.engine), OTHER, "OQSmuquc01req_o.xml", upload(OTHER.id)
        )
        number = wire.parse(answer.to_xml(), K.BULK_INQUIRY_RECEIPT).document["MessageBody"][
            "ReceptionNumber"
        ]
    result = await send(registry, "OQSmuquc02req_x.xml", download(number), K.BULK_INQUIRY_RESULT)
    assert (result["MessageHeader"]["SegmentOfResult"], result["MessageHeader"]["ErrorCode"]) == (
        "9",
        "ONSE9103",
    )


async def test_too_many_entries_is_a_file_error(registry: Database) -> None:  # noqa: F811
    data = upload(count=10_001)
    result = await send(registry, "OQSmuquc01req_big.xml", data, K.BULK_INQUIRY_RECEIPT)
    assert result["MessageHeader"]["SegmentOfResult"] == "9"
    assert result["MessageHeader"]["ErrorCode"] == "ONSE9008"
    assert "10001" in result["MessageHeader"]["ErrorMessage"]


async def test_an_upload_for_another_facility_is_refused(registry: Database) -> None:  # noqa: F811
    result = await send(registry, "OQSmuquc01req_m.xml", upload(OTHER.id), K.BULK_INQUIRY_RECEIPT)
    assert (result["MessageHeader"]["SegmentOfResult"], result["MessageHeader"]["ErrorCode"]) == (
        "9",
        "ONSE9101",
    )


async def test_bulk_reference_number_registration(registry: Database) -> None:  # noqa: F811
    document = {
        "MessageHeader": {"MedicalInstitutionCode": CLINIC.id, "ArbitraryFileIdentifier": "regs"},
        "MessageBody": {
            "ReferenceNumberRegistrationInfo": [
                {"ReferenceNumber": "R-1", "InsurerNumber": KYOKAI_TOKYO.digits, "InsuredCardSymbol": "123",
                 "InsuredIdentificationNumber": "456"},
                {"ReferenceNumber": "R-2", "InsurerNumber": KYOKAI_TOKYO.digits,
                 "InsuredIdentificationNumber": "404"},
            ]
        },
    }  # fmt: skip
    data = wire.to_xml(document, K.BULK_REFERENCE_NUMBER_REQUEST)
    receipt = await send(registry, "OQSmuimm01req_202611230001.xml", data, K.BULK_REFERENCE_NUMBER_RECEIPT)
    number = receipt["MessageBody"]["ReceptionNumber"]
    await run_worker(registry, asyncio.Event(), until_idle=True)
    fetch = download(number, K.BULK_REFERENCE_NUMBER_DOWNLOAD_REQUEST)
    result = await send(registry, "OQSmuimm02req_202611230002.xml", fetch, K.BULK_REFERENCE_NUMBER_RESULT)
    units = result["MessageBody"]["BulkRegistrationUnit"]
    assert [
        (u["ReferenceNumberRegistrationInfo"]["ReferenceNumber"], u["ProcessingResultStatus"]) for u in units
    ] == [
        ("R-1", "1"),
        ("R-2", "2"),
    ]
    # The inquiry family does not know a registration batch's number.
    wrong = await send(registry, "OQSmuquc02req_w.xml", download(number), K.BULK_INQUIRY_RESULT)
    assert wrong["MessageHeader"]["ErrorCode"] == "ONSE9103"
