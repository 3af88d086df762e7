"""Minority forms seen in public clients are read as the majority form (README, Wire compatibility)."""

from __future__ import annotations

from onshi import wire
from onshi.wire import MessageKind

RESULT = MessageKind.SINGLE_INQUIRY_RESULT
HEADER = (
    "<MessageHeader><ProcessExecutionTime>20250401093000</ProcessExecutionTime>"
    "<MedicalInstitutionCode>1311111111</MedicalInstitutionCode><SegmentOfResult>1</SegmentOfResult></MessageHeader>"
)


def entry(inner: str) -> dict[str, object]:
    data = (
        f"<XmlMsg>{HEADER}<MessageBody><ResultList><ResultOfQualificationConfirmation>"
        "<InsuredCardClassification>A1</InsuredCardClassification><Name>試験　花子</Name><Sex1>2</Sex1>"
        f"<Birthdate>19800101</Birthdate><InsurerName>福祉事務所</InsurerName>{inner}"
        "</ResultOfQualificationConfirmation></ResultList></MessageBody></XmlMsg>"
    ).encode()
    parsed = wire.parse(data, RESULT).document
    return parsed["MessageBody"]["ResultList"][0]["ResultOfQualificationConfirmation"]  # type: ignore[no-any-return]


def test_one_clients_face_writer_names_for_consents() -> None:
    read = entry(
        "<PharmaceuticalInfoConsFlg>1</PharmaceuticalInfoConsFlg>"
        "<PharmaceuticalInfoConsTime>20250401093000</PharmaceuticalInfoConsTime>"
        "<PharmaceuticalInfoAcquisitionTime>20250402093000</PharmaceuticalInfoAcquisitionTime>"
        "<SpecificHealthCheckupsInfoAcquisitionTime>20250402093000</SpecificHealthCheckupsInfoAcquisitionTime>"
    )
    assert read["PharmacistsInfoConsFlg"] == "1"
    assert read["PharmacistsInfoConsTime"] == "20250401093000"
    assert read["PharmacistsInfoAvailableTime"] == "20250402093000"
    assert read["SpecificHealthCheckupsInfoAvailableTime"] == "20250402093000"


def test_medical_tickets_with_or_without_their_list() -> None:
    ticket = "<MedicalTicketInfo><TicketType>01</TicketType><StatusOfInfection>02</StatusOfInfection></MedicalTicketInfo>"
    wrapped = entry(f"<PublicExpenseResultList>{ticket}</PublicExpenseResultList>")
    loose = entry(ticket)
    expected = [{"MedicalTicketInfo": {"TicketType": "01", "StatusOfInfecton": "02"}}]
    assert wrapped["PublicExpenseResultList"] == loose["PublicExpenseResultList"] == expected
    document = {
        "MessageHeader": {
            "ProcessExecutionTime": "20250401093000",
            "MedicalInstitutionCode": "1311111111",
            "SegmentOfResult": "1",
        },
        "MessageBody": {"ResultList": [{"ResultOfQualificationConfirmation": loose}]},
    }
    xml = wire.to_xml(document, RESULT)
    assert b"<PublicExpenseResultList>" in xml
    assert b"<StatusOfInfecton>" in xml


def test_specific_diseases_in_the_repeated_list_form() -> None:
    read = entry(
        "<SpecificDiseasesCertificateList><SpecificDiseasesDiseaseCategory>1</SpecificDiseasesDiseaseCategory>"
        "</SpecificDiseasesCertificateList>"
    )
    assert read["SpecificDiseasesCertificateList"] == [
        {"SpecificDiseasesCertificateInfo": {"SpecificDiseasesDiseaseCategory": "1"}}
    ]


def test_bulk_unit_entries_inside_a_result_list() -> None:
    unit = (
        "<BulkConfirmUnit><ProcessingResultStatus>1</ProcessingResultStatus><ResultList>"
        "<ResultOfQualificationConfirmation><Name>甲</Name></ResultOfQualificationConfirmation></ResultList>"
        "<ResultOfQualificationConfirmation><Name>乙</Name></ResultOfQualificationConfirmation>"
        "<ReferenceNumber>1</ReferenceNumber><ReferenceNumber>2</ReferenceNumber></BulkConfirmUnit>"
    )
    data = f"<XmlMsg>{HEADER}<MessageBody>{unit}</MessageBody></XmlMsg>".encode()
    (read,) = wire.parse(data, MessageKind.BULK_INQUIRY_RESULT, lenient=True).document["MessageBody"][
        "BulkConfirmUnit"
    ]
    assert [e["Name"] for e in read["ResultOfQualificationConfirmation"]] == ["乙", "甲"]
    assert read["ReferenceNumber"] == ["1", "2"]


def test_receipt_as_smartkarte_models_it() -> None:
    data = (
        b"<XmlMsg><MessageHeader><ProcessExecutionTime>20250401093000</ProcessExecutionTime>"
        b"<MedicalInstitutionCode>1311111111</MedicalInstitutionCode><CharacterCodeIdentifier>2</CharacterCodeIdentifier>"
        b"</MessageHeader><MessageBody><ReceptionNumber>R-1</ReceptionNumber>"
        b"<ReceptionDateTime>20250401093001</ReceptionDateTime></MessageBody></XmlMsg>"
    )
    parsed = wire.parse(data, MessageKind.BULK_INQUIRY_RECEIPT, lenient=True).document
    assert parsed["MessageHeader"]["CharacterCodeIdentifier"] == "1"  # the 1=UTF-8/2=Shift_JIS table
    assert parsed["MessageBody"]["ReceptionNumber"] == "R-1"


def test_newer_consents_are_written_in_order() -> None:
    consents = {
        "DiagnosisNameConsFlg": "1",
        "PrescriptionInfoAvailableTime": "20250402093000",
        "TestInfoConsFlg": "3",
    }
    read = entry("".join(f"<{k}>{v}</{k}>" for k, v in consents.items()))
    assert consents.items() <= read.items()
