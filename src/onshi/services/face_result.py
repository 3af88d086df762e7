"""The face-reader result (`OQSsiquc01res_face_*.xml`, wire-spec.md §5.3) of a card confirmation.

The same tree as an OQSsiquc01res with ReferenceClassification 1 (card), no search echo, a
random ArbitraryFileIdentifier, and per result entry: the patient's consent flags with their
times (viewing allowed for 24 hours), the 照会番号 the facility registered, the public-expense
entitlements of the day, and — only with the respective consent — the limit certificate and the
specific-disease certificates. A person on medical aid without insurance gets their A1 entry.

    document = card_result_document(outcome, facility_code)         # XmlMsg content
    data = wire.to_xml(document, wire.MessageKind.SINGLE_INQUIRY_RESULT, wire.SHIFT_JIS)

A refusal keeps SegmentOfResult 1 with ProcessingResultStatus 2 and its card code; a technical
failure ("could not verify") is SegmentOfResult 9, like any file that could not be processed.
"""

from __future__ import annotations

import base64
import secrets
from datetime import date, datetime
from typing import Any

from onshi.domain.card import CardProblem
from onshi.domain.codes import ConsentState, ProcessingResultStatus, ReferenceClassification
from onshi.domain.consent import VIEWING_WINDOW, ConsentChoices, ConsentItem
from onshi.domain.dates import format_wire_date, format_wire_datetime
from onshi.domain.qualification import Qualification
from onshi.services.card_confirmation import CardConfirmed, CardOutcome, CardRefused, expiry_message
from onshi.wire import qualification as wire_result
from onshi.wire.medical_aid import medical_aid_body
from onshi.wire.qualification import ResultHeader
from onshi.wire.result_codes import CARD_ERRORS, CARD_EXPIRY_NOTICE, ResultCode

Document = dict[str, Any]

# The element-name prefixes of each item's <prefix>ConsFlg / ConsTime / AvailableTime.
# 限度額 is written by `qualification_entry` (its flag is OQSCD001 and it has no AvailableTime).
CONSENT_ELEMENTS: dict[ConsentItem, tuple[str, ...]] = {
    ConsentItem.SURGERY: ("OperationInfo",),
    ConsentItem.TREATMENT: ("DiagnosisInfo", "PharmacistsInfo"),
    ConsentItem.CHECKUP: ("SpecificHealthCheckupsInfo",),
    ConsentItem.DISEASE: ("SpecificDiseasesCertificateRelated",),
}
_WITHOUT_AVAILABLE_TIME = frozenset({"SpecificDiseasesCertificateRelated"})


def face_file_identifier() -> str:
    """16 characters of URL-safe base64, like the identifiers seen in real face files."""
    return base64.urlsafe_b64encode(secrets.token_bytes(11)).decode()


def face_header(facility_code: str, processed_at: datetime, on: date | None) -> ResultHeader:
    return ResultHeader(
        facility_code=facility_code,
        processed_at=processed_at,
        confirmation_date=on,
        arbitrary_file_identifier=face_file_identifier(),
        reference_classification=ReferenceClassification.MY_NUMBER_CARD,
    )


def card_result_document(outcome: CardOutcome, facility_code: str) -> Document:
    if isinstance(outcome, CardRefused):
        return refused_document(outcome, facility_code)
    return confirmed_document(outcome, facility_code)


def confirmed_document(outcome: CardConfirmed, facility_code: str) -> Document:
    limit_at = outcome.processed_at if outcome.consent.agrees(ConsentItem.LIMIT) else None
    if outcome.medical_aid is not None:
        aid = outcome.medical_aid
        body = medical_aid_body(aid.aid, aid.findings, outcome.on, None)
    else:
        body = wire_result.verdict_body(outcome.verdict, outcome.on, None, limit_at, outcome.public_expense)
    for item in body["ResultList"]:
        entry = item["ResultOfQualificationConfirmation"]
        entry.update(consent_elements(outcome.consent, outcome.processed_at))
        subject = outcome.verdict.subject
        if subject is not None and outcome.reference_number:
            entry["ReferenceNumber"] = outcome.reference_number
        if subject is not None and outcome.consent.agrees(ConsentItem.DISEASE):
            entry["SpecificDiseasesCertificateList"] = disease_certificates(subject, outcome.on)
    if outcome.expires_soon:
        _add_expiry_notice(body, outcome.certificate_not_after)
    header = face_header(facility_code, outcome.processed_at, outcome.on)
    return {"MessageHeader": wire_result.header(header), "MessageBody": body}


def consent_elements(choices: ConsentChoices, at: datetime) -> Document:
    elements: Document = {}
    for item, prefixes in CONSENT_ELEMENTS.items():
        agreed = choices.agrees(item)
        for prefix in prefixes:
            elements[f"{prefix}ConsFlg"] = (ConsentState.YES if agreed else ConsentState.NO).value
            if agreed:
                elements[f"{prefix}ConsTime"] = format_wire_datetime(at)
                if prefix not in _WITHOUT_AVAILABLE_TIME:
                    elements[f"{prefix}AvailableTime"] = format_wire_datetime(at + VIEWING_WINDOW)
    return elements


def disease_certificates(subject: Qualification, on: date) -> list[Document]:
    def day(value: date | None) -> str | None:
        return format_wire_date(value) if value else None

    return [
        {
            "SpecificDiseasesCertificateInfo": {
                "SpecificDiseasesDiseaseCategory": c.category.value,
                "SpecificDiseasesCertificateDate": day(c.issued_on),
                "SpecificDiseasesValidStartDate": day(c.valid_from),
                "SpecificDiseasesValidEndDate": day(c.valid_to),
                "SpecificDiseasesSelfPay": str(c.self_pay_limit_yen) if c.self_pay_limit_yen else None,
            }
        }
        for c in subject.specific_diseases
        if c.is_valid_on(on)
    ]


def _add_expiry_notice(body: Document, not_after: datetime) -> None:
    """A code explaining the verdict stays; the notice is then added to its message."""
    body["ProcessingResultCode"] = body.get("ProcessingResultCode") or CARD_EXPIRY_NOTICE.code
    message = body.get("ProcessingResultMessage")
    body["ProcessingResultMessage"] = " ".join(filter(None, [message, expiry_message(not_after)]))


def refused_document(outcome: CardRefused, facility_code: str) -> Document:
    code = outcome.code
    text = " ".join(filter(None, [code.summary_ja + "。", outcome.message_ja]))
    header = face_header(facility_code, outcome.processed_at, outcome.on)
    if outcome.problem is CardProblem.UNVERIFIABLE:
        return wire_result.file_error_document(header, code, text)
    return {
        "MessageHeader": wire_result.header(header),
        "MessageBody": _error_body(code, text),
    }


def unverifiable_document(facility_code: str, processed_at: datetime) -> Document:
    """For technical failures outside the service (database down, CA unreadable)."""
    code = CARD_ERRORS[CardProblem.UNVERIFIABLE]
    return wire_result.file_error_document(face_header(facility_code, processed_at, None), code)


def _error_body(code: ResultCode, text: str) -> Document:
    return {
        "ProcessingResultStatus": ProcessingResultStatus.ERROR.value,
        "ProcessingResultCode": code.code,
        "ProcessingResultMessage": text,
    }
