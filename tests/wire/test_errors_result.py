"""Error answers for refusals after parsing (facility mismatch, unknown ReceptionNumber, no
consent) have the same shape as answers to broken files, for every request kind."""

from __future__ import annotations

from datetime import datetime

import pytest

from onshi import wire
from onshi.domain.codes import CharacterCode
from onshi.domain.dates import JST
from onshi.wire import MessageKind
from onshi.wire.errors_result import error_document
from onshi.wire.qualification import ResultHeader, file_error_document
from onshi.wire.result_codes import FACILITY_MISMATCH, NO_VIEWING_CONSENT, RECEPTION_NUMBER_UNKNOWN
from tests.wire.examples import REQUEST_KINDS

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=JST)
HEADER = ResultHeader(
    "1311111111", NOW, arbitrary_file_identifier="file-7", character_code=CharacterCode.SHIFT_JIS
)


@pytest.mark.parametrize("kind", REQUEST_KINDS)
def test_error_document_for_every_request_kind(kind: MessageKind) -> None:
    answer = wire.answer_of(kind)
    document = error_document(kind, HEADER, FACILITY_MISMATCH, reception_number="R-1")
    for encoding in (wire.UTF8, wire.SHIFT_JIS):
        parsed = wire.parse(wire.to_xml(document, answer, encoding), answer).document
        header = parsed["MessageHeader"]
        assert (header["SegmentOfResult"], header["ErrorCode"]) == ("9", "ONSE9101")
        assert header["ErrorMessage"] == FACILITY_MISMATCH.summary_ja
        assert header["ArbitraryFileIdentifier"] == "file-7"
        if "ReceptionNumber" in header:
            assert answer.value.endswith("02res")


def test_single_inquiry_error_matches_the_existing_helper() -> None:
    document = error_document(MessageKind.SINGLE_INQUIRY_REQUEST, HEADER, FACILITY_MISMATCH)
    assert wire.prune(document) == wire.prune(file_error_document(HEADER, FACILITY_MISMATCH))


def test_unknown_reception_number_and_missing_consent() -> None:
    kind = MessageKind.BULK_INQUIRY_DOWNLOAD_REQUEST
    document = error_document(kind, HEADER, RECEPTION_NUMBER_UNKNOWN, reception_number="R-404")
    assert document["MessageHeader"]["ReceptionNumber"] == "R-404"
    assert document["MessageHeader"]["ErrorCode"] == "ONSE9103"
    info = error_document(MessageKind.MEDICATION_INFO_REQUEST, HEADER, NO_VIEWING_CONSENT)
    assert info["MessageHeader"]["ResultCode"] == "2"
    assert info["MessageHeader"]["MessageContents"] == NO_VIEWING_CONSENT.summary_ja


def test_error_result_accepts_a_result_code_too() -> None:
    kind = MessageKind.REFERENCE_NUMBER_REQUEST
    data = b"<XmlMsg><MessageHeader><MedicalInstitutionCode>2714206386</MedicalInstitutionCode></MessageHeader></XmlMsg>"
    result = wire.error_result(data, kind, FACILITY_MISMATCH, NOW, message="この端末の医療機関ではありません")
    parsed = wire.parse(result.to_xml(), result.kind).document
    assert parsed["MessageHeader"]["MedicalInstitutionCode"] == "2714206386"
    assert parsed["MessageHeader"]["ErrorMessage"] == "この端末の医療機関ではありません"
    assert parsed["MessageBody"]["ProcessingResultStatus"] == "2"


def test_results_cannot_be_answered() -> None:
    with pytest.raises(wire.WireError):
        error_document(MessageKind.SINGLE_INQUIRY_RESULT, HEADER, FACILITY_MISMATCH)
