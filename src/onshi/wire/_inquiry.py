"""Qualification inquiries: single (OQSsiquc01), bulk by persons (OQSmuquc) and bulk by
criteria for オンライン診療 / 訪問診療 / 医療扶助 (OQSmuonq, OQSmuhvq, OQSmutic)."""

from __future__ import annotations

from onshi.domain import codes
from onshi.wire._fields import (
    ARBITRARY_FILE_IDENTIFIER,
    BULK_COUNTS,
    CHARACTER_CODE,
    ERROR_CODE,
    ERROR_MESSAGE,
    MAX_BULK_ENTRIES,
    MEDICAL_INSTITUTION_CODE,
    PROCESS_EXECUTION_TIME,
    PROCESSING_RESULT,
    RECEPTION_NUMBER,
    REFERENCE_NUMBER,
    RESULT_OF_QUALIFICATION,
    SEGMENT_OF_RESULT,
    repeated,
    search_info,
)
from onshi.wire._spec import code, day, group, month, wrapper

# --- OQSsiquc01req / OQSsiquc01res (and the face variant) --------------------------------------

SINGLE_INQUIRY_REQUEST = group(
    "XmlMsg",
    group(
        "MessageHeader",
        day("QualificationConfirmationDate", required=True),
        MEDICAL_INSTITUTION_CODE,
        ARBITRARY_FILE_IDENTIFIER,
        required=True,
    ),
    group("MessageBody", search_info(required=True), required=True),
)

RESULT_HEADER = group(
    "MessageHeader",
    PROCESS_EXECUTION_TIME,
    day("QualificationConfirmationDate"),
    MEDICAL_INSTITUTION_CODE,
    ARBITRARY_FILE_IDENTIFIER,
    code("ReferenceClassification", codes.ReferenceClassification),
    SEGMENT_OF_RESULT,
    ERROR_CODE,
    ERROR_MESSAGE,
    CHARACTER_CODE,
    required=True,
)

SINGLE_INQUIRY_RESULT = group(
    "XmlMsg",
    RESULT_HEADER,
    group(
        "MessageBody",
        search_info(required=False),
        *PROCESSING_RESULT,
        code("QualificationValidity", codes.Validity),
        code("PrescriptionIssueSelect", codes.PrescriptionIssue),
        wrapper("ResultList", RESULT_OF_QUALIFICATION),
    ),
)

# --- OQSmuquc01req: the persons to confirm ------------------------------------------------------

BULK_INQUIRY_REQUEST = group(
    "XmlMsg",
    group(
        "MessageHeader",
        day("QualificationConfirmationDate", required=True),
        MEDICAL_INSTITUTION_CODE,
        ARBITRARY_FILE_IDENTIFIER,
        required=True,
    ),
    group(
        "MessageBody",
        repeated(search_info(required=True), required=True, max_count=MAX_BULK_ENTRIES),
        required=True,
    ),
)

# --- OQSmu…01req by criteria: a single QualificationConfirmSearchInfo without persons -----------


CRITERIA_HEADER = group("MessageHeader", MEDICAL_INSTITUTION_CODE, ARBITRARY_FILE_IDENTIFIER, required=True)

# オンライン診療等: by examination dates or by consent dates (which pair is checked in _checks).
ONLINE_INQUIRY_REQUEST = group(
    "XmlMsg",
    CRITERIA_HEADER,
    group(
        "MessageBody",
        group(
            "QualificationConfirmSearchInfo",
            day("ExaminationDateFrom"),
            day("ExaminationDateTo"),
            day("ConsentDateFrom"),
            day("ConsentDateTo"),
            code("MedicalTreatmentFlag", codes.MedicalTreatmentFlag),
            required=True,
        ),
        required=True,
    ),
)

# 訪問診療等: by consent dates.
HOME_VISIT_INQUIRY_REQUEST = group(
    "XmlMsg",
    CRITERIA_HEADER,
    group(
        "MessageBody",
        group(
            "QualificationConfirmSearchInfo",
            day("ConsentDateFrom", required=True),
            day("ConsentDateTo", required=True),
            code("MedicalTreatmentFlag", codes.MedicalTreatmentFlag),
            required=True,
        ),
        required=True,
    ),
)

# 医療扶助: by treatment month.
MEDICAL_AID_INQUIRY_REQUEST = group(
    "XmlMsg",
    CRITERIA_HEADER,
    group(
        "MessageBody",
        group("QualificationConfirmSearchInfo", month("MedicalTreatmentMonth", required=True), required=True),
        required=True,
    ),
)

# --- OQSmu…02res: one BulkConfirmUnit per person ------------------------------------------------

BULK_CONFIRM_UNIT = group(
    "BulkConfirmUnit",
    search_info(required=False),
    *PROCESSING_RESULT,
    code("QualificationValidity", codes.Validity),
    # SK has the entry directly in the unit; another client searches any depth, so a
    # ResultList wrapper is read too.
    repeated(RESULT_OF_QUALIFICATION, also_in=("ResultList",)),
    repeated(REFERENCE_NUMBER),  # one per result (OD2)
    repeated=True,
)

BULK_INQUIRY_RESULT = group(
    "XmlMsg",
    group(
        "MessageHeader",
        PROCESS_EXECUTION_TIME,
        day("QualificationConfirmationDate"),
        MEDICAL_INSTITUTION_CODE,
        ARBITRARY_FILE_IDENTIFIER,
        RECEPTION_NUMBER,
        SEGMENT_OF_RESULT,
        ERROR_CODE,
        ERROR_MESSAGE,
        *BULK_COUNTS,
        CHARACTER_CODE,
        required=True,
    ),
    group("MessageBody", BULK_CONFIRM_UNIT),
)
