"""One plain, valid document per request kind (the shapes of the public samples)."""

from __future__ import annotations

from typing import Any

from onshi.wire import MessageKind

K = MessageKind
MIC = "1311111111"
PERSON = {
    "InsurerNumber": "  123456",
    "InsuredCardSymbol": "練馬",
    "InsuredIdentificationNumber": "5678",
    "InsuredBranchNumber": "01",
    "Birthdate": "19800101",
    "LimitApplicationCertificateRelatedConsFlg": "1",
}
REGISTRATION = {
    "ReferenceNumber": "24434",
    "InsurerNumber": "06123456",
    "InsuredCardSymbol": "1234",
    "InsuredIdentificationNumber": "5678",
    "InsuredBranchNumber": "00",
}
CARD_KEYS = {
    "MedicalInstitutionCode": MIC,
    "InsurerNumber": "06123456",
    "InsuranceCardSymbol": "1234",
    "InsuredPersonIdentificationNumber": "5678",
    "BranchNumber": "00",
    "ArbitraryFileIdentifier": "file-7",
}
HEADER = {"MedicalInstitutionCode": MIC, "ArbitraryFileIdentifier": "file-7"}
DATED_HEADER = {"QualificationConfirmationDate": "20250401", **HEADER}
DOWNLOAD = {"MessageHeader": {"MedicalInstitutionCode": MIC}, "MessageBody": {"ReceptionNumber": "R-0001"}}

REQUESTS: dict[MessageKind, dict[str, Any]] = {
    K.SINGLE_INQUIRY_REQUEST: {
        "MessageHeader": DATED_HEADER,
        "MessageBody": {"QualificationConfirmSearchInfo": PERSON},
    },
    K.BULK_INQUIRY_REQUEST: {
        "MessageHeader": DATED_HEADER,
        "MessageBody": {"QualificationConfirmSearchInfo": [PERSON, {**PERSON, "ArbitraryIdentifier": "p-2"}]},
    },
    K.ONLINE_INQUIRY_REQUEST: {
        "MessageHeader": HEADER,
        "MessageBody": {
            "QualificationConfirmSearchInfo": {
                "ExaminationDateFrom": "20250301",
                "ExaminationDateTo": "20250331",
                "MedicalTreatmentFlag": "3",
            }
        },
    },
    K.HOME_VISIT_INQUIRY_REQUEST: {
        "MessageHeader": HEADER,
        "MessageBody": {
            "QualificationConfirmSearchInfo": {
                "ConsentDateFrom": "20250301",
                "ConsentDateTo": "20250331",
                "MedicalTreatmentFlag": "2",
            }
        },
    },
    K.MEDICAL_AID_INQUIRY_REQUEST: {
        "MessageHeader": HEADER,
        "MessageBody": {"QualificationConfirmSearchInfo": {"MedicalTreatmentMonth": "202503"}},
    },
    K.REFERENCE_NUMBER_REQUEST: {
        "MessageHeader": HEADER,
        "MessageBody": {"ReferenceNumberRegistrationInfo": REGISTRATION},
    },
    K.BULK_REFERENCE_NUMBER_REQUEST: {
        "MessageHeader": HEADER,
        "MessageBody": {
            "ReferenceNumberRegistrationInfo": [REGISTRATION, {**REGISTRATION, "ReferenceNumber": "2"}]
        },
    },
    K.MEDICATION_INFO_REQUEST: {
        "MessageHeader": CARD_KEYS,
        "MessageBody": {
            "StartDate": "202410",
            "EndDate": "202503",
            "FileCategory": "4",
            "PrDiInfClassification": "1",
            "MedicalTreatmentFlag": "1",
        },
    },
    K.CHECKUP_INFO_REQUEST: {
        "MessageHeader": CARD_KEYS,
        "MessageBody": {"FileCategory": "2", "PrDiInfClassification": "1", "MedicalTreatmentFlag": "1"},
    },
    **{
        kind: DOWNLOAD
        for kind in (
            K.BULK_INQUIRY_DOWNLOAD_REQUEST,
            K.ONLINE_INQUIRY_DOWNLOAD_REQUEST,
            K.HOME_VISIT_INQUIRY_DOWNLOAD_REQUEST,
            K.MEDICAL_AID_INQUIRY_DOWNLOAD_REQUEST,
            K.BULK_REFERENCE_NUMBER_DOWNLOAD_REQUEST,
        )
    },
}
REQUEST_KINDS = sorted(REQUESTS)
