"""Reading result files as a receipt computer does: real-looking face files, answers, bulk units."""

from __future__ import annotations

from datetime import date

import pytest

from onshi import wire
from onshi.desk.results import Outcome, bulk_results, single_result
from tests.desk.conftest import face_document
from tests.wire.samples import shared_wire_doc


def read(name: str) -> dict[str, object]:
    data = shared_wire_doc(f"samples/{name}")  # ../shared, or $ONSHI_SHARED
    return wire.parse(data, wire.MessageKind.SINGLE_INQUIRY_RESULT, lenient=True).document


def test_a_real_terminal_face_file_reads_as_a_valid_confirmation() -> None:
    confirmation = single_result(read("01_face_OQSsiquc01res_face_myclinic-ts_test.xml"))
    assert confirmation.outcome is Outcome.VALID
    person = confirmation.person
    assert person is not None
    assert (person.name, person.birthdate, person.insurer_number) == (
        "診療　太郎",
        date(2001, 3, 27),
        "123456",
    )
    assert (person.symbol, person.number, person.branch, person.postal_code) == (
        "12-34",
        "4260",
        "01",
        "123-4567",
    )


def test_the_reference_number_comes_back_in_face_files() -> None:
    confirmation = single_result(read("07_face_synthetic_with_ReferenceNumber_MynaReception.xml"))
    assert confirmation.people[0].reference_number == "24434"


@pytest.mark.parametrize(
    ("validity", "outcome"),
    [
        ("1", Outcome.VALID),
        ("2", Outcome.INVALID),
        ("3", Outcome.INVALID),
        ("4", Outcome.NO_RECORD),
        ("5", Outcome.ERROR),
    ],
)
def test_validity_codes_become_what_staff_see(validity: str, outcome: Outcome) -> None:
    assert single_result(face_document(validity=validity)).outcome is outcome


def test_file_errors_and_in_progress_bulk_results() -> None:
    error = {"MessageHeader": {"SegmentOfResult": "9", "ErrorCode": "ONSE9001", "ErrorMessage": "形式誤り"}}
    assert single_result(error).outcome is Outcome.ERROR and single_result(error).message == "形式誤り"
    unprocessed, units = bulk_results({"MessageHeader": {"SegmentOfResult": "2"}, "MessageBody": {}})
    assert unprocessed is not None and unprocessed.outcome is Outcome.IN_PROGRESS and units == []


def test_bulk_units_read_with_their_identifiers_whatever_the_wrapper() -> None:
    entry = face_document()["MessageBody"]["ResultList"][0]["ResultOfQualificationConfirmation"]  # type: ignore[index]
    units = [
        {"QualificationConfirmSearchInfo": {"ArbitraryIdentifier": "L2"}, "ProcessingResultStatus": "1",
         "QualificationValidity": "1", "ResultOfQualificationConfirmation": [entry]},
        {"QualificationConfirmSearchInfo": {"ArbitraryIdentifier": "L3"}, "ProcessingResultStatus": "1",
         "QualificationValidity": "1", "ResultList": [{"ResultOfQualificationConfirmation": entry}]},
        {"QualificationConfirmSearchInfo": {"ArbitraryIdentifier": "L4"}, "ProcessingResultStatus": "2",
         "ProcessingResultCode": "ONSP1003"},
    ]  # fmt: skip
    unprocessed, read_units = bulk_results(
        {"MessageHeader": {"SegmentOfResult": "1"}, "MessageBody": {"BulkConfirmUnit": units}}
    )
    assert unprocessed is None
    assert [(u.identifier, u.outcome) for u in read_units] == [
        ("L2", Outcome.VALID), ("L3", Outcome.VALID), ("L4", Outcome.ERROR)
    ]  # fmt: skip
