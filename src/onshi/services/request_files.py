"""Answering request files of the terminal's file interface (wire-spec.md) — whatever route
they come by: the terminal agent (`POST /api/v1/terminal/requests`) or a direct upload
(`POST /api/v1/confirmations/xml`).

Each request kind has a handler producing the result document. A file that cannot be
processed gets the spec's error result (SegmentOfResult 9, an error code and a readable
message), in the request's encoding when it could be read, and is audited like any other.
"""

from __future__ import annotations

from onshi import wire
from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent
from onshi.domain.codes import ConsentFlag
from onshi.domain.dates import now_jst
from onshi.services import bulk_files, medical_info_files
from onshi.services.confirmation import (
    Confirmed,
    NumberConfirmation,
    Outcome,
    confirm_by_numbers,
    result_document,
)
from onshi.services.file_answers import Answer, Handler, file_error, result_header, wire_error
from onshi.services.reference_numbers import ReferenceEntry, register_reference_number
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.wire.bulk import registration_result_document
from onshi.wire.result_codes import FACILITY_MISMATCH, FILE_ERRORS, INPUT_ERRORS

__all__ = ["Answer", "NotARequest", "answer_file", "outcome_status", "result_header", "single_inquiry"]


def outcome_status(outcome: Outcome) -> int:
    return 200 if isinstance(outcome, Confirmed) else INPUT_ERRORS[outcome.errors[0].problem].http_status


REQUEST = wire.MessageKind.SINGLE_INQUIRY_REQUEST
REGISTRATION = wire.MessageKind.REFERENCE_NUMBER_REQUEST
REGISTRATION_ACTION = "reference_number.register"


async def single_inquiry(db: Database, audit: AuditLog, actor: Actor, data: bytes) -> Answer:
    """OQSsiquc01req → OQSsiquc01res (資格確認照会)."""
    kind = wire.MessageKind.SINGLE_INQUIRY_RESULT
    try:
        parsed = wire.parse(data, REQUEST)
    except wire.WireError as error:
        return await file_error(audit, actor, REQUEST, FILE_ERRORS[error.kind], error.message)
    header = parsed.document["MessageHeader"]
    identifier = header.get("ArbitraryFileIdentifier")
    if header["MedicalInstitutionCode"] != actor.id:
        return await file_error(audit, actor, REQUEST, FACILITY_MISMATCH, None, identifier, parsed.encoding)
    search = parsed.document["MessageBody"]["QualificationConfirmSearchInfo"]
    outcome = await confirm_by_numbers(
        db,
        audit,
        actor,
        NumberConfirmation(
            insurer_number=search["InsurerNumber"],
            symbol=search.get("InsuredCardSymbol"),
            number=search["InsuredIdentificationNumber"],
            branch=search.get("InsuredBranchNumber"),
            birthdate=search["Birthdate"],
            on=header["QualificationConfirmationDate"],
            limit_consent=search["LimitApplicationCertificateRelatedConsFlg"] == ConsentFlag.CONSENTED,
        ),
    )
    confirmed_on = outcome.query.on if isinstance(outcome, Confirmed) else None
    result = result_header(actor, identifier, parsed.encoding, confirmed_on, outcome.processed_at)
    document = result_document(outcome, result, search)
    return Answer(document, kind, parsed.encoding, outcome_status(outcome))


async def reference_number_registration(db: Database, audit: AuditLog, actor: Actor, data: bytes) -> Answer:
    """OQSsiimm01req → OQSsiimm01res (照会番号登録): later card-reader results for the person
    carry the facility's own patient ID."""
    kind = wire.MessageKind.REFERENCE_NUMBER_RESULT
    try:
        parsed = wire.parse(data, REGISTRATION)
    except wire.WireError as error:
        return await wire_error(audit, actor, REGISTRATION, data, error, REGISTRATION_ACTION)
    header = parsed.document["MessageHeader"]
    identifier = header.get("ArbitraryFileIdentifier")
    if header["MedicalInstitutionCode"] != actor.id:
        return await file_error(
            audit,
            actor,
            REGISTRATION,
            FACILITY_MISMATCH,
            None,
            identifier,
            parsed.encoding,
            REGISTRATION_ACTION,
        )
    info = parsed.document["MessageBody"]["ReferenceNumberRegistrationInfo"]
    entry = ReferenceEntry(
        reference_number=info["ReferenceNumber"],
        insurer_number=info["InsurerNumber"],
        number=info["InsuredIdentificationNumber"],
        symbol=info.get("InsuredCardSymbol"),
        branch=info.get("InsuredBranchNumber"),
    )
    async with db.write() as conn:
        outcome = await register_reference_number(conn, actor, entry)
    h = result_header(actor, identifier, parsed.encoding)
    message = outcome.message_ja or None
    document = registration_result_document(h, info["ReferenceNumber"], outcome.code, message)
    return Answer(document, kind, parsed.encoding, 200 if outcome.registered else 422)


HANDLERS: dict[wire.MessageKind, Handler] = {
    wire.MessageKind.SINGLE_INQUIRY_REQUEST: single_inquiry,
    wire.MessageKind.REFERENCE_NUMBER_REQUEST: reference_number_registration,
    wire.MessageKind.MEDICATION_INFO_REQUEST: medical_info_files.medication_request,
    wire.MessageKind.CHECKUP_INFO_REQUEST: medical_info_files.checkup_request,
    **bulk_files.HANDLERS,
}


class NotARequest(ValueError):
    """The file name is not that of a request message onshi answers."""


async def answer_file(
    db: Database, audit: AuditLog, actor: Actor, filename: str, data: bytes
) -> tuple[str, Answer]:
    """The result file name and answer for a request file (raises NotARequest for names
    that are not a known request's: the terminal reports those itself)."""
    try:
        kind = wire.kind_of_filename(filename)
        result_name = wire.result_filename(filename)
    except wire.WireError as error:
        raise NotARequest(error.message) from None
    handler = HANDLERS.get(kind)
    if handler is None:
        return result_name, await not_handled(audit, actor, kind, data)
    return result_name, await handler(db, audit, actor, data)


async def not_handled(audit: AuditLog, actor: Actor, kind: wire.MessageKind, data: bytes) -> Answer:
    """A request kind onshi does not answer yet: the spec's error result, not silence."""
    error = FILE_ERRORS[wire.WireErrorKind.WRONG_MESSAGE]
    await audit.record(AuditEvent(actor, f"request.{kind.value}", f"error:{error.code}"))
    message = f"この電文（{kind.value}）にはまだ対応していません"
    result = wire.error_result(data, kind, error, now_jst(), facility_code=actor.id, message=message)
    return Answer(result.document, result.kind, result.encoding, error.http_status)
