"""照会番号 (reference-number) registration: single OQSsiimm01 and bulk OQSmuimm01/02.

The result layouts are unconfirmed (no real file seen); they follow MR's parser, the one
client that reads them: header echo + status, body ReferenceNumber or BulkRegistrationUnit*."""

from __future__ import annotations

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
    RECEIPT_HEADER,
    RECEPTION_NUMBER,
    REFERENCE_NUMBER,
    SEGMENT_OF_RESULT,
    repeated,
)
from onshi.wire._spec import Field, group, raw, text

HEADER = group("MessageHeader", MEDICAL_INSTITUTION_CODE, ARBITRARY_FILE_IDENTIFIER, required=True)


def registration_info(required: bool) -> Field:
    """ReferenceNumberRegistrationInfo: the reference number and the card keys it belongs to."""
    return group(
        "ReferenceNumberRegistrationInfo",
        text("ReferenceNumber", required=required, max_length=50),
        raw("InsurerNumber", required=required, max_length=8),
        text("InsuredCardSymbol", max_length=40),
        text("InsuredIdentificationNumber", required=required, max_length=40),
        text("InsuredBranchNumber", max_length=4),
        required=required,
    )


REGISTRATION_REQUEST = group(
    "XmlMsg", HEADER, group("MessageBody", registration_info(required=True), required=True)
)

# The same header as a bulk upload's acknowledgement: echo + outcome.
REGISTRATION_RESULT = group(
    "XmlMsg", RECEIPT_HEADER, group("MessageBody", REFERENCE_NUMBER, *PROCESSING_RESULT)
)

BULK_REGISTRATION_REQUEST = group(
    "XmlMsg",
    HEADER,
    group(
        "MessageBody",
        repeated(registration_info(required=True), required=True, max_count=MAX_BULK_ENTRIES),
        required=True,
    ),
)

BULK_REGISTRATION_UNIT = group(
    "BulkRegistrationUnit", registration_info(required=False), *PROCESSING_RESULT, repeated=True
)

BULK_REGISTRATION_RESULT = group(
    "XmlMsg",
    group(
        "MessageHeader",
        PROCESS_EXECUTION_TIME,
        MEDICAL_INSTITUTION_CODE,
        ARBITRARY_FILE_IDENTIFIER,  # of the upload (01req); MR checks it
        RECEPTION_NUMBER,
        SEGMENT_OF_RESULT,
        ERROR_CODE,
        ERROR_MESSAGE,
        *BULK_COUNTS,
        CHARACTER_CODE,
        required=True,
    ),
    group("MessageBody", BULK_REGISTRATION_UNIT),
)
