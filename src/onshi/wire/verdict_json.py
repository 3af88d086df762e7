"""The JSON answer to a single confirmation, built straight from the verdict.

`to_json(result_document(…))` builds the whole document as dicts with every element — most
of them None for a typical person — and `prune` copies it again without the absent ones:
≈ 50 µs per answer on the hot path. Here each element is written only when present, into
the dicts `orjson` serialises, so the bytes are the same (same keys, same order, same
values; orjson does the escaping in both). Only the plain shape is built here: an answer
with public-expense findings returns None and the caller takes the general builder.
tests/wire/test_verdict_json.py checks the equality on generated verdicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import orjson

from onshi.domain.codes import ConsentFlag, PreschoolClass, ProcessingResultStatus, SegmentOfResult
from onshi.domain.dates import format_wire_date, format_wire_datetime
from onshi.domain.eligibility import Verdict
from onshi.domain.public_expense import Findings
from onshi.domain.qualification import MemberKey, Qualification
from onshi.wire.qualification import ResultHeader, half_width_kana
from onshi.wire.result_codes import INFO

_NORMAL_SEGMENT = SegmentOfResult.NORMAL.value
_NORMAL_STATUS = ProcessingResultStatus.NORMAL.value
_PRESCHOOL = PreschoolClass.PRESCHOOL.value
_CONSENTED = ConsentFlag.CONSENTED.value
_NOT_CONSENTED = ConsentFlag.NOT_CONSENTED.value
# prune drops None and "" (and empty containers); every optional value here is a str or None.
# Codes go in as their StrEnum members, not `.value` (a property costing ≈ 0.5 µs each):
# orjson writes a str subclass as its text, so the bytes are the same.
_Doc = dict[str, Any]


def answer_json(
    h: ResultHeader,
    verdict: Verdict,
    on: date,
    search_echo: Mapping[str, Any] | None,
    limit_consent_at: datetime | None,
    public_expense: Mapping[MemberKey, Findings],
) -> bytes | None:
    """`orjson.dumps(wire.to_json({"MessageHeader": header(h), "MessageBody": verdict_body(…)}))`,
    or None when the answer carries public expense (the general builder writes those)."""
    if public_expense:
        return None
    header: _Doc = {"ProcessExecutionTime": format_wire_datetime(h.processed_at)}
    if h.confirmation_date:
        header["QualificationConfirmationDate"] = format_wire_date(h.confirmation_date)
    if h.facility_code:
        header["MedicalInstitutionCode"] = h.facility_code
    if h.arbitrary_file_identifier:
        header["ArbitraryFileIdentifier"] = h.arbitrary_file_identifier
    header["ReferenceClassification"] = h.reference_classification
    header["SegmentOfResult"] = _NORMAL_SEGMENT
    header["CharacterCodeIdentifier"] = h.character_code

    body: _Doc = {}
    if search_echo is not None:
        echo = {k: v for k, v in search_echo.items() if v is not None and v != ""}
        if echo:
            body["QualificationConfirmSearchInfo"] = echo
    body["ProcessingResultStatus"] = _NORMAL_STATUS
    info = INFO[verdict.reason]
    if info.code:
        body["ProcessingResultCode"] = info.code
    if message := verdict.message_ja:
        body["ProcessingResultMessage"] = message
    body["QualificationValidity"] = verdict.validity
    if verdict.results:
        body["ResultList"] = [
            {"ResultOfQualificationConfirmation": _entry(q, on, limit_consent_at)} for q in verdict.results
        ]
    return orjson.dumps({"XmlMsg": {"MessageHeader": header, "MessageBody": body}})


def _entry(q: Qualification, on: date, limit_consent_at: datetime | None) -> _Doc:
    """wire.qualification.qualification_entry without its absent elements (same order)."""
    key = q.key
    e: _Doc = {
        "InsuredCardClassification": q.card_classification,
        "InsurerNumber": key.insurer_number.wire,
    }
    if key.symbol:
        e["InsuredCardSymbol"] = key.symbol
    if key.number:
        e["InsuredIdentificationNumber"] = key.number
    if key.branch:
        e["InsuredBranchNumber"] = key.branch
    if q.personal_family:
        e["PersonalFamilyClassification"] = q.personal_family
    if q.insured_name:
        e["InsuredName"] = q.insured_name
    if q.name:
        e["Name"] = q.name
    if q.name_of_other:
        e["NameOfOther"] = q.name_of_other
    if kana := half_width_kana(q.name_kana):
        e["NameKana"] = kana
    if other_kana := half_width_kana(q.name_of_other_kana):
        e["NameOfOtherKana"] = other_kana
    e["Sex1"] = q.sex1
    if q.sex2:
        e["Sex2"] = q.sex2
    e["Birthdate"] = format_wire_date(q.birthdate)
    if q.address:
        e["Address"] = q.address
    if q.post_number:
        e["PostNumber"] = q.post_number
    e["QualificationDate"] = format_wire_date(q.qualification_date)
    if q.disqualification_date:
        e["DisqualificationDate"] = format_wire_date(q.disqualification_date)
    if q.card_issued_on:
        e["InsuredCertificateIssuanceDate"] = format_wire_date(q.card_issued_on)
    if q.card_valid_from:
        e["InsuredCardValidDate"] = format_wire_date(q.card_valid_from)
    if q.card_valid_to:
        e["InsuredCardExpirationDate"] = format_wire_date(q.card_valid_to)
    if q.copay_percent is not None:
        e["InsuredPartialContributionRatio"] = f"{q.copay_percent:03d}"
    if q.preschool:
        e["PreschoolClassification"] = _PRESCHOOL
    if q.reason_of_loss:
        e["ReasonOfLoss"] = q.reason_of_loss
    if q.insurer_name:
        e["InsurerName"] = q.insurer_name
    e["LimitApplicationCertificateRelatedConsFlg"] = _CONSENTED if limit_consent_at else _NOT_CONSENTED
    if (elderly := q.elderly) is not None:
        info = _dates(
            ("ElderlyRecipientCertificateDate", elderly.issued_on),
            ("ElderlyRecipientValidStartDate", elderly.valid_from),
            ("ElderlyRecipientValidEndDate", elderly.valid_to),
        )
        if elderly.copay_percent is not None:
            info["ElderlyRecipientContributionRatio"] = f"{elderly.copay_percent:03d}"
        if info:
            e["ElderlyRecipientCertificateInfo"] = info
    if limit_consent_at is not None:
        e["LimitApplicationCertificateRelatedConsTime"] = format_wire_datetime(limit_consent_at)
        if (limit := q.limit) is not None and limit.is_valid_on(on):
            certificate: _Doc = {}
            if limit.classification:
                certificate["LimitApplicationCertificateClassification"] = limit.classification
            if limit.category:
                certificate["LimitApplicationCertificateClassificationFlag"] = limit.category
            certificate |= _dates(
                ("LimitApplicationCertificateDate", limit.issued_on),
                ("LimitApplicationCertificateValidStartDate", limit.valid_from),
                ("LimitApplicationCertificateValidEndDate", limit.valid_to),
                ("LimitApplicationCertificateLongTermDate", limit.long_term_from),
            )
            if certificate:
                e["LimitApplicationCertificateRelatedInfo"] = certificate
    return e


def _dates(*items: tuple[str, date | None]) -> _Doc:
    return {name: format_wire_date(day) for name, day in items if day}
