"""The MessageHeader of any result kind, filled from one ResultHeader.

Result headers differ by kind (a receipt has no QualificationConfirmationDate, a bulk result
carries ReceptionNumber and counts, medical-information results carry ResultCode); one
function fills every item the kind has, so builders and error answers cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from onshi.domain.codes import MedicalInfoResult, SegmentOfResult
from onshi.domain.dates import format_wire_date, format_wire_datetime
from onshi.wire.messages import MESSAGES, MessageKind
from onshi.wire.qualification import ResultHeader
from onshi.wire.result_codes import ResultCode

Document = dict[str, Any]


def children(kind: MessageKind, part: str) -> frozenset[str]:
    """Element names a kind has under MessageHeader or MessageBody."""
    return frozenset(child.name for child in MESSAGES[kind].spec.child(part).children)


def result_header(
    kind: MessageKind,
    h: ResultHeader,
    segment: SegmentOfResult = SegmentOfResult.NORMAL,
    error: ResultCode | None = None,
    message: str | None = None,
    **items: Any,
) -> Document:
    """MessageHeader of a result of `kind`. `items` sets kind-specific elements
    (ReceptionNumber, NumberOfError, QuaInf…); each must exist in the kind's header."""
    names = children(kind, "MessageHeader")
    unknown = set(items) - names
    if unknown:
        raise KeyError(f"{kind.value} MessageHeader has no {sorted(unknown)}")
    text = message or (error.summary_ja if error else None)
    failed = error is not None or segment is SegmentOfResult.ABNORMAL
    candidates: Document = {
        "ProcessExecutionTime": format_wire_datetime(h.processed_at),
        "QualificationConfirmationDate": format_wire_date(h.confirmation_date)
        if h.confirmation_date
        else None,
        "MedicalInstitutionCode": h.facility_code,
        "ArbitraryFileIdentifier": h.arbitrary_file_identifier,
        "ReferenceClassification": h.reference_classification.value,
        "SegmentOfResult": segment.value,
        "ErrorCode": error.code if error else None,
        "ErrorMessage": text if failed else None,
        # Medical-information clients read only these two (ResultCode 1 = success).
        "ResultCode": (MedicalInfoResult.FAILURE if failed else MedicalInfoResult.SUCCESS).value,
        "MessageContents": text,
        "CharacterCodeIdentifier": h.character_code.value,
        **items,
    }
    return {name: value for name, value in candidates.items() if name in names}


def result_entries(body: Document) -> list[Document]:
    """Every ResultOfQualificationConfirmation of a parsed result body or bulk unit, whether in
    ResultList or standing in the body (both layouts are read, README: wire compatibility)."""
    found: list[Any] = []
    for item in body.get("ResultList") or []:
        entry = item.get("ResultOfQualificationConfirmation") if isinstance(item, dict) else None
        found.extend(entry if isinstance(entry, list) else [entry] if entry else [])
    direct = body.get("ResultOfQualificationConfirmation")
    found.extend(direct if isinstance(direct, list) else [direct] if direct else [])
    return [entry for entry in found if isinstance(entry, dict)]
