"""Domain ↔ wire documents for the two-step bulk exchanges and reference-number registration.

Every bulk family (OQSmuquc, OQSmuonq, OQSmuhvq, OQSmutic, OQSmuimm) answers its upload with a
receipt carrying a ReceptionNumber (…01res) and its download request with the result
(…02res), which says SegmentOfResult 2 while the work is still in progress. Functions that
serve several families take the result kind; write the document with
`onshi.wire.to_xml(document, kind, encoding)`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from lxml import etree

from onshi.domain.codes import ProcessingResultStatus, SegmentOfResult
from onshi.domain.dates import format_wire_datetime
from onshi.domain.eligibility import Verdict
from onshi.domain.errors import InvalidValue
from onshi.domain.public_expense import Findings
from onshi.domain.qualification import MemberKey
from onshi.wire import _codec, _xml
from onshi.wire._api import _with_character_code
from onshi.wire.messages import MESSAGES, MessageKind
from onshi.wire.qualification import ResultHeader, input_error_body, verdict_body
from onshi.wire.result_codes import ResultCode
from onshi.wire.results import result_header

Document = dict[str, Any]


def receipt_document(
    receipt_kind: MessageKind, h: ResultHeader, reception_number: str, received_at: datetime
) -> Document:
    """…01res: the upload was accepted under `reception_number` (the key of the …02req)."""
    return {
        "MessageHeader": result_header(receipt_kind, h),
        "MessageBody": {
            "ReceptionNumber": reception_number,
            "ReceptionDateTime": format_wire_datetime(received_at),
            "ProcessingResultStatus": ProcessingResultStatus.NORMAL.value,
        },
    }


def in_progress_document(result_kind: MessageKind, h: ResultHeader, reception_number: str) -> Document:
    """…02res while the upload is still being processed: SegmentOfResult 2 (処理中), no units.
    Clients ask again later with the same …02req."""
    header = result_header(result_kind, h, SegmentOfResult.IN_PROGRESS, ReceptionNumber=reception_number)
    return {"MessageHeader": header}


def bulk_result_document(
    result_kind: MessageKind,
    h: ResultHeader,
    reception_number: str,
    units: Sequence[Document],
    unit_name: str = "BulkConfirmUnit",
) -> Document:
    """…02res with its units (BulkConfirmUnit, or BulkRegistrationUnit for OQSmuimm02res);
    the header counts them. `h.arbitrary_file_identifier` should be the upload's."""
    normal, errors = _status_counts(units)
    header = bulk_result_header(result_kind, h, reception_number, (len(units), normal, errors))
    return {"MessageHeader": header, "MessageBody": {unit_name: list(units)}}


def bulk_result_header(
    result_kind: MessageKind, h: ResultHeader, reception_number: str, counts: tuple[int, int, int]
) -> Document:
    """The MessageHeader of a …02res with its units' (count, normal, errors)."""
    count, normal, errors = counts
    return result_header(
        result_kind,
        h,
        ReceptionNumber=reception_number,
        NumberOfProcessingResult=str(count),
        NumberOfNormalProcessing=str(normal),
        NumberOfError=str(errors),
    )


def _status_counts(units: Sequence[Document]) -> tuple[int, int]:
    normal = sum(u.get("ProcessingResultStatus") == ProcessingResultStatus.NORMAL for u in units)
    errors = sum(u.get("ProcessingResultStatus") == ProcessingResultStatus.ERROR for u in units)
    return normal, errors


# --- result files joined from pre-rendered units ----------------------------------------------
# A …02res of 10,000 units (≈ 18 MB) takes ≈ 1.5 s to build as one tree. Workers render each
# chunk's units once (`unit_fragments`) and a download joins them with the header
# (`joined_result_xml`): the bytes are those of `to_xml(bulk_result_document(…))`, since lxml
# indents an element by its depth alone (tests/services/test_bulk_joined.py and
# tests/wire/test_render.py compare them).

_UNIT_PLACEHOLDER = "onshi:units"  # inside a unit element: no header text can look like it
_UNIT_DEPTH = 2  # XmlMsg / MessageBody / unit
_UNIT_INDENT = "\n" + "  " * _UNIT_DEPTH


@dataclass(frozen=True, slots=True)
class UnitFragments:
    """Units as they stand in a result file's MessageBody (text, before encoding) and how
    many of them have each ProcessingResultStatus (the header's counts)."""

    xml: str
    normal: int
    errors: int


def unit_fragments(
    units: Sequence[Document], result_kind: MessageKind, unit_name: str = "BulkConfirmUnit"
) -> UnitFragments:
    """Units of `result_kind` rendered for `joined_result_xml` (straight to text, as lxml's
    pretty print would write them at their depth: `_codec.render`)."""
    if not units:
        raise ValueError(f"{unit_name}: no units to render")
    spec = MESSAGES[result_kind].spec.child("MessageBody").child(unit_name)
    xml = _UNIT_INDENT.join(_codec.render(unit, spec, _UNIT_DEPTH) for unit in units)
    normal, errors = _status_counts(units)
    return UnitFragments(xml, normal, errors)


def joined_result_xml(
    result_kind: MessageKind,
    header: Document,
    parts: Sequence[str],
    encoding: str,
    unit_name: str = "BulkConfirmUnit",
) -> bytes:
    """The …02res file that `to_xml(bulk_result_document(…), result_kind, encoding)` writes,
    from its header (`bulk_result_header`) and the `xml` of each part's UnitFragments, in order."""
    if not parts:
        raise ValueError("a result file joins at least one unit")
    spec = MESSAGES[result_kind].spec
    shell = _with_character_code({"MessageHeader": header}, spec, encoding)
    root = etree.Element(spec.name)
    root.append(_codec.build(shell["MessageHeader"], spec.child("MessageHeader")))
    etree.SubElement(etree.SubElement(root, "MessageBody"), unit_name).text = _UNIT_PLACEHOLDER
    text = etree.tostring(root, encoding="unicode", pretty_print=True)
    before, placeholder, after = text.partition(f"<{unit_name}>{_UNIT_PLACEHOLDER}</{unit_name}>")
    assert placeholder, "the placeholder unit is in the shell"
    pieces = [before]
    for n, part in enumerate(parts):
        pieces += [_UNIT_INDENT, part] if n else [part]
    return _xml.serialise_pieces([*pieces, after], encoding)


def confirm_unit(
    verdict: Verdict,
    on: date,
    search_echo: Document | None,
    limit_consent_at: datetime | None = None,
    reference_numbers: Sequence[str] = (),
    public_expense: Mapping[MemberKey, Findings] | None = None,
) -> Document:
    """BulkConfirmUnit for one confirmed person: the same content as a single result's body,
    with the entries directly in the unit (SK's layout) and the person's reference numbers."""
    body = verdict_body(verdict, on, search_echo, limit_consent_at, public_expense)
    entries = [item["ResultOfQualificationConfirmation"] for item in body.pop("ResultList")]
    return {**body, "ResultOfQualificationConfirmation": entries, "ReferenceNumber": list(reference_numbers)}


def error_unit(errors: Sequence[InvalidValue], search_echo: Document | None) -> Document:
    """BulkConfirmUnit for a person whose keys were invalid (ProcessingResultStatus 2)."""
    return input_error_body(errors, search_echo)


# --- 照会番号 registration -----------------------------------------------------------------------


def _outcome(error: ResultCode | None, message: str | None) -> Document:
    return {
        "ProcessingResultStatus": (
            ProcessingResultStatus.ERROR if error else ProcessingResultStatus.NORMAL
        ).value,
        "ProcessingResultCode": error.code if error else None,
        "ProcessingResultMessage": message or (error.summary_ja if error else None),
    }


def registration_result_document(
    h: ResultHeader, reference_number: str, error: ResultCode | None = None, message: str | None = None
) -> Document:
    """OQSsiimm01res: the reference number was registered (error None) or not (status 2)."""
    return {
        "MessageHeader": result_header(MessageKind.REFERENCE_NUMBER_RESULT, h),
        "MessageBody": {"ReferenceNumber": reference_number, **_outcome(error, message)},
    }


def registration_unit(
    info_echo: Document, error: ResultCode | None = None, message: str | None = None
) -> Document:
    """BulkRegistrationUnit: the request's ReferenceNumberRegistrationInfo and its outcome."""
    return {"ReferenceNumberRegistrationInfo": info_echo, **_outcome(error, message)}


def bulk_registration_result_document(
    h: ResultHeader, reception_number: str, units: Sequence[Document]
) -> Document:
    """OQSmuimm02res with one BulkRegistrationUnit per requested registration."""
    return bulk_result_document(
        MessageKind.BULK_REFERENCE_NUMBER_RESULT, h, reception_number, units, "BulkRegistrationUnit"
    )
