"""The answer to a request file that cannot be processed, for every request kind.

A refused file is answered with the result kind that answers its request kind, carrying
SegmentOfResult 9, ErrorCode and a Japanese ErrorMessage, and — where the kind has them — a
per-person ProcessingResultStatus 2 (so a client reading only the body sees the failure) and
ResultCode ≠ 1 (what medical-information clients read). Whatever could be read of the
request is echoed: MedicalInstitutionCode, ArbitraryFileIdentifier and ReceptionNumber are
what clients match answers by (wire-spec.md §2, §10).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from onshi.domain.codes import CharacterCode, ProcessingResultStatus, ReferenceClassification, SegmentOfResult
from onshi.wire import _codec, _xml
from onshi.wire._api import SHIFT_JIS, UTF8, answer_of, to_xml
from onshi.wire._errors import WireError
from onshi.wire._fields import ARBITRARY_FILE_IDENTIFIER, MEDICAL_INSTITUTION_CODE, RECEPTION_NUMBER
from onshi.wire._spec import Field
from onshi.wire.messages import MESSAGES, MessageKind
from onshi.wire.qualification import ResultHeader
from onshi.wire.result_codes import FILE_ERRORS, ResultCode
from onshi.wire.results import children, result_header

Document = dict[str, Any]

# Written when the request's own code could not be read and the caller knows none either.
UNKNOWN_FACILITY = "0000000000"
_ECHOED: tuple[Field, ...] = (MEDICAL_INSTITUTION_CODE, ARBITRARY_FILE_IDENTIFIER, RECEPTION_NUMBER)
_SCAN_BYTES = 64 * 1024  # the header is at the start; never scan a huge file


@dataclass(frozen=True, slots=True)
class Salvaged:
    """What could be read of a refused request: echo values (checked) and its encoding."""

    values: dict[str, str]
    encoding: str


@dataclass(frozen=True, slots=True)
class ErrorResult:
    kind: MessageKind  # the result kind (answer of the request kind)
    document: Document
    encoding: str  # the request's encoding, so its writer can read the answer

    def to_xml(self) -> bytes:
        return to_xml(self.document, self.kind, self.encoding)


def error_document(
    request_kind: MessageKind,
    h: ResultHeader,
    error: ResultCode,
    message: str | None = None,
    reception_number: str | None = None,
) -> Document:
    """The error answer (SegmentOfResult 9) to a request of `request_kind`, as a document of
    `answer_of(request_kind)`; for refusals after parsing too (facility mismatch, unknown
    ReceptionNumber, no viewing consent)."""
    kind = answer_of(request_kind)
    text = message or error.summary_ja
    items = (
        {"ReceptionNumber": reception_number} if "ReceptionNumber" in children(kind, "MessageHeader") else {}
    )
    header = result_header(kind, h, SegmentOfResult.ABNORMAL, error, text, **items)
    candidates = {
        "ProcessingResultStatus": ProcessingResultStatus.ERROR.value,
        "ProcessingResultCode": error.code,
        "ProcessingResultMessage": text,
    }
    body = {name: value for name, value in candidates.items() if name in children(kind, "MessageBody")}
    return {"MessageHeader": header, "MessageBody": body}


def error_result(
    data: bytes,
    request_kind: MessageKind,
    error: WireError | ResultCode,
    processed_at: datetime,
    *,
    facility_code: str | None = None,
    message: str | None = None,
) -> ErrorResult:
    """The answer to a request file that was refused: `error` is the WireError `parse` raised
    (or a ResultCode for a refusal after parsing). The request's own MedicalInstitutionCode
    is echoed when it can be read, else `facility_code` (the caller's), else ten zeros."""
    code, text = _code_and_text(error, message)
    salvaged = salvage(data, request_kind)
    header = ResultHeader(
        facility_code=salvaged.values.get("MedicalInstitutionCode") or facility_code or UNKNOWN_FACILITY,
        processed_at=processed_at,
        arbitrary_file_identifier=salvaged.values.get("ArbitraryFileIdentifier"),
        reference_classification=ReferenceClassification.INSURANCE_CARD,
        character_code=CharacterCode.SHIFT_JIS if salvaged.encoding == SHIFT_JIS else CharacterCode.UTF8,
    )
    document = error_document(request_kind, header, code, text, salvaged.values.get("ReceptionNumber"))
    return ErrorResult(answer_of(request_kind), document, salvaged.encoding)


def _code_and_text(error: WireError | ResultCode, message: str | None) -> tuple[ResultCode, str]:
    if isinstance(error, ResultCode):
        return error, message or error.summary_ja
    code = FILE_ERRORS[error.kind]
    return code, message or f"{code.summary_ja}（{error.message}）"


def salvage(data: bytes, request_kind: MessageKind) -> Salvaged:
    """Echo values of a request that may be broken: from the tree when it is well-formed,
    else from the text of its first 64 KiB. Values that do not pass their check are dropped."""
    encoding = _xml.declared_encoding(data)
    found = _from_tree(data, request_kind)
    if found is None:
        found = _from_text(data[:_SCAN_BYTES], encoding)
    values = {spec.name: value for spec in _ECHOED if (value := _checked(found.get(spec.name), spec))}
    return Salvaged(values, encoding if encoding in (UTF8, SHIFT_JIS) else UTF8)


def _from_tree(data: bytes, request_kind: MessageKind) -> dict[str, str] | None:
    try:
        root, _ = _xml.parse(data, MESSAGES[request_kind].max_bytes)
    except WireError:
        return None
    found: dict[str, str] = {}
    for spec in _ECHOED:
        element = root.find(f"MessageHeader/{spec.name}")
        if element is None:
            element = root.find(f"MessageBody/{spec.name}")
        if element is not None and element.text and not len(element):
            found[spec.name] = element.text
    return found


def _from_text(prefix: bytes, encoding: str) -> dict[str, str]:
    text = prefix.decode("cp932" if encoding == SHIFT_JIS else "utf-8", errors="replace")
    found: dict[str, str] = {}
    for spec in _ECHOED:
        # No markup, references or control characters inside: only plain values are echoed.
        pattern = rf"<{spec.name}>([^<>&\x00-\x1f\ufffd]*)</{spec.name}>"
        if match := re.search(pattern, text):
            found[spec.name] = match.group(1)
    return found


def _checked(value: str | None, spec: Field) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return _codec.check(value.strip(), spec, spec.name)
    except WireError:
        return None
