"""The message table: every kind has a tree, requests name their answers, file names pair up,
and the trees carry what wire-spec.md lists."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from onshi import wire
from onshi.domain import codes
from onshi.wire._spec import Field, Fmt
from onshi.wire.messages import FACE_PREFIX, MESSAGES, MessageKind
from onshi.wire.result_codes import FILE_ERRORS

REQUESTS = [k for k in MessageKind if k.is_request]


def walk(spec: Field) -> Iterator[Field]:
    yield spec
    for child in (*spec.children, *((spec.item,) if spec.item else ())):
        yield from walk(child)


def names(kind: MessageKind) -> set[str]:
    return {f.name for f in walk(MESSAGES[kind].spec)}


def test_every_kind_has_a_message_and_every_request_an_answer() -> None:
    assert set(MESSAGES) == set(MessageKind)
    for kind, message in MESSAGES.items():
        assert message.spec.name == "XmlMsg"
        assert message.max_bytes >= 1024 * 1024
        assert message.label_ja
        if kind.is_request:
            assert message.answer is not None
            assert not message.answer.is_request
            assert message.answer.value == kind.value.replace("req", "res")
        else:
            assert message.answer is None
            assert message.check is None


@pytest.mark.parametrize("kind", REQUESTS)
def test_result_filename_for_every_request_kind(kind: MessageKind) -> None:
    name = f"{kind.value}_20250401_0001.xml"
    assert wire.kind_of_filename(name) is kind
    assert wire.result_filename(name) == f"{kind.value[:-3]}res_20250401_0001.xml"
    assert wire.kind_of_filename(wire.result_filename(name)) is wire.answer_of(kind)


def test_results_have_no_result_filename() -> None:
    with pytest.raises(wire.WireError):
        wire.result_filename("OQSmuquc02res_1.xml")
    assert (
        wire.kind_of_filename(f"{FACE_PREFIX}2714206386_20260929160112.xml")
        is MessageKind.SINGLE_INQUIRY_RESULT
    )


def test_unknown_prefixes_are_refused() -> None:
    for name in ("CIPsiquc01req_1.xml", "OQSmuquc03req_1.xml", "oqssiquc01req_1.xml"):
        with pytest.raises(wire.WireError) as caught:
            wire.kind_of_filename(name)
        assert caught.value.kind is wire.WireErrorKind.WRONG_MESSAGE


def test_every_result_states_its_encoding_and_outcome() -> None:
    for kind in MessageKind:
        if kind.is_request:
            continue
        header = {c.name for c in MESSAGES[kind].spec.child("MessageHeader").children}
        assert {"CharacterCodeIdentifier", "SegmentOfResult", "ErrorCode", "ErrorMessage"} <= header, kind
        assert {"ProcessExecutionTime", "MedicalInstitutionCode", "ArbitraryFileIdentifier"} <= header, kind


CONSENTS = [
    "SpecificHealthCheckupsInfo",
    "PharmacistsInfo",
    "DiagnosisInfo",
    "OperationInfo",
    # newer ones (ORCA patientgetv2, 2025-01-28)
    "DiagnosisName",
    "InfectiousInfo",
    "AllergyInfo",
    "ContraindicationInfo",
    "TestInfo",
    "PrescriptionInfo",
]


def test_face_result_carries_every_consent_and_reference_number() -> None:
    present = names(MessageKind.SINGLE_INQUIRY_RESULT)
    for prefix in CONSENTS:
        assert {f"{prefix}ConsFlg", f"{prefix}ConsTime", f"{prefix}AvailableTime"} <= present, prefix
    assert {
        "LimitApplicationCertificateRelatedConsFlg",
        "LimitApplicationCertificateRelatedConsTime",
        "SpecificDiseasesCertificateRelatedConsFlg",
        "SpecificDiseasesCertificateRelatedConsTime",
        "ReferenceNumber",
        "QualificationConfirmationKey",
        "ArbitraryIdentifier",
        "PrescriptionIssueSelect",
        "PublicExpenseNumber",
        "BeneficiaryNumber",
        "WelfareOfficeName",
        "MedicalTicketInfo",
    } <= present


def test_bulk_results_carry_counts_and_units() -> None:
    for kind in (
        MessageKind.BULK_INQUIRY_RESULT,
        MessageKind.ONLINE_INQUIRY_RESULT,
        MessageKind.HOME_VISIT_INQUIRY_RESULT,
        MessageKind.MEDICAL_AID_INQUIRY_RESULT,
    ):
        assert {"ReceptionNumber", "NumberOfProcessingResult", "NumberOfError", "BulkConfirmUnit"} <= names(
            kind
        )
    assert {"BulkRegistrationUnit", "ReceptionNumber"} <= names(MessageKind.BULK_REFERENCE_NUMBER_RESULT)


def test_medical_info_results_carry_the_described_trees() -> None:
    assert {
        "QuaInf",
        "MeTrMonthInf",
        "ShPrMonthInf",
        "CzDiMonthInf",
        "DrugInf",
        "MeTrInf",
        "ResultCode",
    } <= names(MessageKind.MEDICATION_INFO_RESULT)
    assert {"QualificationsInfo", "SpecificHealthCheckupInfo", "HealthCheckupResultAndQuestionInfo"} <= names(
        MessageKind.CHECKUP_INFO_RESULT
    )


def test_code_fields_use_the_domain_code_tables() -> None:
    tables = {frozenset(m.value for m in table) for table in vars(codes).values() if _is_table(table)}
    for kind in MessageKind:
        for field in walk(MESSAGES[kind].spec):
            if field.fmt is Fmt.CODE:
                assert field.codes in tables, (kind, field.name)


def _is_table(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, codes.StrEnum) and value is not codes.StrEnum


def test_every_wire_error_kind_has_a_file_error_code() -> None:
    assert set(FILE_ERRORS) == set(wire.WireErrorKind)
    assert len({c.code for c in FILE_ERRORS.values()}) == len(FILE_ERRORS)
