"""Answers to request files: every refusal is a document of the request's own answer kind."""

from __future__ import annotations

from onshi import wire
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.services.request_files import answer_file
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database

CLINIC = Actor(ActorKind.FACILITY, "1310000017", Channel.TERMINAL)


def registration(code: str) -> bytes:
    document = {
        "MessageHeader": {"MedicalInstitutionCode": code, "ArbitraryFileIdentifier": "reg-9"},
        "MessageBody": {
            "ReferenceNumberRegistrationInfo": {
                "ReferenceNumber": "P1",
                "InsurerNumber": "01130012",
                "InsuredIdentificationNumber": "456",
            }
        },
    }
    return wire.to_xml(document, wire.MessageKind.REFERENCE_NUMBER_REQUEST)


async def test_a_registration_for_another_facility_gets_a_registration_error_result(db: Database) -> None:
    name, answer = await answer_file(
        db, DirectAuditLog(db.engine), CLINIC, "OQSsiimm01req_x.xml", registration("1320000018")
    )
    assert name == "OQSsiimm01res_x.xml"
    parsed = wire.parse(answer.to_xml(), wire.MessageKind.REFERENCE_NUMBER_RESULT)
    header = parsed.document["MessageHeader"]
    assert (header["SegmentOfResult"], header["ErrorCode"], header["ArbitraryFileIdentifier"]) == (
        "9",
        "ONSE9101",
        "reg-9",
    )
