"""What every answer to a request file is made of: the result document, its kind, encoding
and HTTP status; the result header echoing the request; the error result for a file that
could not be processed (audited like any request)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from onshi import wire
from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent
from onshi.domain.codes import CharacterCode
from onshi.domain.dates import now_jst
from onshi.services.confirmation import ACTION as INQUIRY_ACTION
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.wire.errors_result import error_document
from onshi.wire.qualification import ResultHeader
from onshi.wire.result_codes import FILE_ERRORS, ResultCode


@dataclass(frozen=True, slots=True)
class Answer:
    """A result document, the message kind it is, its encoding and the HTTP status that fits.
    `xml`, when given, is the file already written (a bulk result joined from its rendered
    units), and `document` then holds only its MessageHeader."""

    document: dict[str, Any]
    kind: wire.MessageKind
    encoding: str
    http_status: int
    xml: bytes | None = None

    def to_xml(self) -> bytes:
        return self.xml if self.xml is not None else wire.to_xml(self.document, self.kind, self.encoding)


Handler = Callable[[Database, AuditLog, Actor, bytes], Awaitable[Answer]]


def result_header(
    actor: Actor,
    identifier: str | None,
    encoding: str,
    confirmation_date: Any = None,
    processed_at: Any = None,
) -> ResultHeader:
    return ResultHeader(
        facility_code=actor.id,
        processed_at=processed_at or now_jst(),
        confirmation_date=confirmation_date,
        arbitrary_file_identifier=identifier,
        character_code=CharacterCode.SHIFT_JIS if encoding == wire.SHIFT_JIS else CharacterCode.UTF8,
    )


async def file_error(
    audit: AuditLog,
    actor: Actor,
    request_kind: wire.MessageKind,
    error: ResultCode,
    message: str | None,
    identifier: str | None = None,
    encoding: str = wire.UTF8,
    action: str = INQUIRY_ACTION,
) -> Answer:
    """The error result (in the kind that answers `request_kind`) for a file that could not
    be processed, audited like any request."""
    await audit.record(AuditEvent(actor, action, f"error:{error.code}"))
    header = ResultHeader(actor.id, now_jst(), arbitrary_file_identifier=identifier)
    document = error_document(request_kind, header, error, message)
    return Answer(document, wire.answer_of(request_kind), encoding, error.http_status)


async def wire_error(
    audit: AuditLog,
    actor: Actor,
    request_kind: wire.MessageKind,
    data: bytes,
    error: wire.WireError,
    action: str,
) -> Answer:
    """The error result for a request file the codec refused, echoing what could be read."""
    code = FILE_ERRORS[error.kind]
    await audit.record(AuditEvent(actor, action, f"error:{code.code}"))
    result = wire.error_result(data, request_kind, error, now_jst(), facility_code=actor.id)
    return Answer(result.document, result.kind, result.encoding, code.http_status)
