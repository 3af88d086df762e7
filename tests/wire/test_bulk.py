"""Bulk inquiry and reference-number registration results built from domain outcomes parse
strictly as their kinds, in both encodings, and say what clients check."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from onshi import wire
from onshi.domain.codes import Validity
from onshi.domain.dates import JST
from onshi.domain.eligibility import Reason, Verdict
from onshi.domain.errors import InvalidValue, Problem
from onshi.wire import MessageKind
from onshi.wire.bulk import (
    bulk_registration_result_document,
    bulk_result_document,
    confirm_unit,
    error_unit,
    in_progress_document,
    receipt_document,
    registration_result_document,
    registration_unit,
)
from onshi.wire.qualification import ResultHeader
from onshi.wire.result_codes import INFO
from tests.factories import qualification
from tests.wire.examples import PERSON, REGISTRATION

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=JST)
ON = date(2026, 11, 23)
HEADER = ResultHeader("1311111111", NOW, ON, "upload-1")
BULK_RESULTS = [
    MessageKind.BULK_INQUIRY_RESULT,
    MessageKind.ONLINE_INQUIRY_RESULT,
    MessageKind.HOME_VISIT_INQUIRY_RESULT,
    MessageKind.MEDICAL_AID_INQUIRY_RESULT,
]
RECEIPTS = [k for k in MessageKind if k.value.endswith("01res") and k.value.startswith("OQSmu")]


def roundtrip(document: dict[str, object], kind: MessageKind) -> dict[str, object]:
    for encoding in (wire.UTF8, wire.SHIFT_JIS):
        parsed = wire.parse(wire.to_xml(document, kind, encoding), kind)
    return parsed.document


@pytest.mark.parametrize("kind", RECEIPTS)
def test_receipt(kind: MessageKind) -> None:
    document = roundtrip(receipt_document(kind, HEADER, "R-42", NOW), kind)
    assert document["MessageBody"] == {
        "ReceptionNumber": "R-42",
        "ReceptionDateTime": "20261123093000",
        "ProcessingResultStatus": "1",
    }
    assert document["MessageHeader"]["SegmentOfResult"] == "1"
    assert "ErrorCode" not in document["MessageHeader"]


@pytest.mark.parametrize("kind", [*BULK_RESULTS, MessageKind.BULK_REFERENCE_NUMBER_RESULT])
def test_in_progress(kind: MessageKind) -> None:
    document = roundtrip(in_progress_document(kind, HEADER, "R-42"), kind)
    assert document["MessageHeader"]["SegmentOfResult"] == "2"
    assert document["MessageHeader"]["ReceptionNumber"] == "R-42"
    assert "MessageBody" not in document


@pytest.mark.parametrize("kind", BULK_RESULTS)
def test_bulk_result_counts_its_units(kind: MessageKind) -> None:
    valid = Verdict(Validity.VALID, Reason.VALID, (qualification(),))
    units = [
        confirm_unit(valid, ON, PERSON, NOW, reference_numbers=["24434"]),
        confirm_unit(Verdict(Validity.NOT_FOUND, Reason.NO_SUCH_NUMBERS), ON, PERSON),
        error_unit([InvalidValue("birthdate", Problem.IMPOSSIBLE_DATE, "日付が不正です", "bad")], PERSON),
    ]
    document = roundtrip(bulk_result_document(kind, HEADER, "R-42", units), kind)
    header = document["MessageHeader"]
    assert (
        header["NumberOfProcessingResult"],
        header["NumberOfNormalProcessing"],
        header["NumberOfError"],
    ) == (
        "3",
        "2",
        "1",
    )
    assert header["ReceptionNumber"] == "R-42"
    assert header["ArbitraryFileIdentifier"] == "upload-1"
    first, second, third = document["MessageBody"]["BulkConfirmUnit"]
    (entry,) = first["ResultOfQualificationConfirmation"]
    assert entry["Name"] == "山田　太郎"
    assert first["ReferenceNumber"] == ["24434"]
    assert first["QualificationConfirmSearchInfo"]["InsurerNumber"] == "  123456"
    assert second["QualificationValidity"] == "4"
    assert second["ProcessingResultCode"] == INFO[Reason.NO_SUCH_NUMBERS].code
    assert (third["ProcessingResultStatus"], third["ProcessingResultCode"]) == ("2", "ONSP1004")


def test_registration_results() -> None:
    single = roundtrip(registration_result_document(HEADER, "24434"), MessageKind.REFERENCE_NUMBER_RESULT)
    assert single["MessageBody"] == {"ReferenceNumber": "24434", "ProcessingResultStatus": "1"}
    assert single["MessageHeader"]["ArbitraryFileIdentifier"] == "upload-1"
    refused = registration_unit(REGISTRATION, INFO[Reason.NO_SUCH_NUMBERS])
    units = [registration_unit(REGISTRATION), refused]
    kind = MessageKind.BULK_REFERENCE_NUMBER_RESULT
    bulk = roundtrip(bulk_registration_result_document(HEADER, "R-9", units), kind)
    ok, failed = bulk["MessageBody"]["BulkRegistrationUnit"]
    assert ok["ReferenceNumberRegistrationInfo"] == REGISTRATION
    assert (failed["ProcessingResultStatus"], failed["ProcessingResultCode"]) == ("2", "ONSI2005")
    assert failed["ProcessingResultMessage"] == "該当する資格情報なし"
    assert bulk["MessageHeader"]["NumberOfError"] == "1"
