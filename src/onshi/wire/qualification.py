"""Domain ↔ wire documents for qualification confirmation (OQSsiquc01res and its face variant).

Documents are the nested dicts of `_codec` (element name → value); `onshi.wire.to_xml`
turns them into files and the API returns them as JSON under "XmlMsg".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import jaconv

from onshi.domain.codes import (
    CharacterCode,
    ConsentFlag,
    PreschoolClass,
    ProcessingResultStatus,
    ReferenceClassification,
    SegmentOfResult,
    Validity,
)
from onshi.domain.dates import format_wire_date, format_wire_datetime
from onshi.domain.eligibility import Verdict
from onshi.domain.errors import InvalidValue
from onshi.domain.public_expense import Findings
from onshi.domain.qualification import MemberKey, Qualification
from onshi.wire.public_expense import public_expense_elements
from onshi.wire.result_codes import INFO, INPUT_ERRORS, ResultCode

Document = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ResultHeader:
    facility_code: str
    processed_at: datetime
    confirmation_date: date | None = None
    arbitrary_file_identifier: str | None = None
    reference_classification: ReferenceClassification = ReferenceClassification.INSURANCE_CARD
    character_code: CharacterCode = CharacterCode.UTF8


def _d(value: date | None) -> str | None:
    return format_wire_date(value) if value else None


def _ratio(percent: int | None) -> str | None:
    return f"{percent:03d}" if percent is not None else None


def half_width_kana(text: str | None) -> str | None:
    """NameKana is half-width katakana with a half-width space (as terminal files carry it)."""
    if not text:
        return None
    return jaconv.z2h(text.replace("\u3000", " "), kana=True, ascii=False, digit=False)


def search_info(
    *,
    insurer_number: str,
    symbol: str | None,
    number: str,
    branch: str | None,
    birthdate: date | str,
    limit_consent: bool = False,
) -> Document:
    """QualificationConfirmSearchInfo: the card numbers a request asks about (written as given;
    a date or the wire's YYYYMMDD text for the birth date)."""
    return {
        "InsurerNumber": insurer_number,
        "InsuredCardSymbol": symbol,
        "InsuredIdentificationNumber": number,
        "InsuredBranchNumber": branch,
        "Birthdate": birthdate if isinstance(birthdate, str) else format_wire_date(birthdate),
        "LimitApplicationCertificateRelatedConsFlg": "1" if limit_consent else "0",
    }


def header(
    h: ResultHeader,
    segment: SegmentOfResult = SegmentOfResult.NORMAL,
    error: ResultCode | None = None,
    error_message: str | None = None,
) -> Document:
    return {
        "ProcessExecutionTime": format_wire_datetime(h.processed_at),
        "QualificationConfirmationDate": _d(h.confirmation_date),
        "MedicalInstitutionCode": h.facility_code,
        "ArbitraryFileIdentifier": h.arbitrary_file_identifier,
        "ReferenceClassification": h.reference_classification.value,
        "SegmentOfResult": segment.value,
        "ErrorCode": error.code if error else None,
        "ErrorMessage": error_message or (error.summary_ja if error else None),
        "CharacterCodeIdentifier": h.character_code.value,
    }


def qualification_entry(q: Qualification, on: date, limit_consent_at: datetime | None = None) -> Document:
    """ResultOfQualificationConfirmation for one qualification. Limit-certificate data only with
    the patient's consent (限度額適用認定証提供同意), and only certificates valid on the date."""
    entry: Document = {
        "InsuredCardClassification": q.card_classification.value,
        "InsurerNumber": q.key.insurer_number.wire,
        "InsuredCardSymbol": q.key.symbol or None,
        "InsuredIdentificationNumber": q.key.number,
        "InsuredBranchNumber": q.key.branch,
        "PersonalFamilyClassification": q.personal_family.value if q.personal_family else None,
        "InsuredName": q.insured_name,
        "Name": q.name,
        "NameOfOther": q.name_of_other,
        "NameKana": half_width_kana(q.name_kana),
        "NameOfOtherKana": half_width_kana(q.name_of_other_kana),
        "Sex1": q.sex1.value,
        "Sex2": q.sex2.value if q.sex2 else None,
        "Birthdate": format_wire_date(q.birthdate),
        "Address": q.address,
        "PostNumber": q.post_number,
        "QualificationDate": format_wire_date(q.qualification_date),
        "DisqualificationDate": _d(q.disqualification_date),
        "InsuredCertificateIssuanceDate": _d(q.card_issued_on),
        "InsuredCardValidDate": _d(q.card_valid_from),
        "InsuredCardExpirationDate": _d(q.card_valid_to),
        "InsuredPartialContributionRatio": _ratio(q.copay_percent),
        "PreschoolClassification": PreschoolClass.PRESCHOOL.value if q.preschool else None,
        "ReasonOfLoss": q.reason_of_loss.value if q.reason_of_loss else None,
        "InsurerName": q.insurer_name,
        "LimitApplicationCertificateRelatedConsFlg": (
            ConsentFlag.CONSENTED if limit_consent_at else ConsentFlag.NOT_CONSENTED
        ).value,
    }
    if q.elderly is not None:
        entry["ElderlyRecipientCertificateInfo"] = {
            "ElderlyRecipientCertificateDate": _d(q.elderly.issued_on),
            "ElderlyRecipientValidStartDate": _d(q.elderly.valid_from),
            "ElderlyRecipientValidEndDate": _d(q.elderly.valid_to),
            "ElderlyRecipientContributionRatio": _ratio(q.elderly.copay_percent),
        }
    if limit_consent_at is not None:
        entry["LimitApplicationCertificateRelatedConsTime"] = format_wire_datetime(limit_consent_at)
        if q.limit is not None and q.limit.is_valid_on(on):
            entry["LimitApplicationCertificateRelatedInfo"] = {
                "LimitApplicationCertificateClassification": q.limit.classification,
                "LimitApplicationCertificateClassificationFlag": q.limit.category,
                "LimitApplicationCertificateDate": _d(q.limit.issued_on),
                "LimitApplicationCertificateValidStartDate": _d(q.limit.valid_from),
                "LimitApplicationCertificateValidEndDate": _d(q.limit.valid_to),
                "LimitApplicationCertificateLongTermDate": _d(q.limit.long_term_from),
            }
    return entry


def verdict_body(
    verdict: Verdict,
    on: date,
    search_echo: Document | None,
    limit_consent_at: datetime | None = None,
    public_expense: Mapping[MemberKey, Findings] | None = None,
    message_ja: str | None = None,
) -> Document:
    """The body of a verdict. A valid qualification's entry also lists the person's public-expense
    entitlements and medical-aid tickets (`public_expense`, by person; onshi.wire.public_expense).
    `message_ja` replaces the verdict's own message."""
    info = INFO[verdict.reason]
    found = public_expense or {}
    entries = []
    notes = [message_ja if message_ja is not None else verdict.message_ja]
    for q in verdict.results:
        entry = qualification_entry(q, on, limit_consent_at)
        findings = found.get(q.key) if verdict.validity is Validity.VALID else None
        if findings:
            entry.update(public_expense_elements(findings))
            notes.append(findings.message_ja)
        entries.append({"ResultOfQualificationConfirmation": entry})
    return {
        "QualificationConfirmSearchInfo": search_echo,
        "ProcessingResultStatus": ProcessingResultStatus.NORMAL.value,
        "ProcessingResultCode": info.code or None,
        "ProcessingResultMessage": " ".join(filter(None, notes)) or None,
        "QualificationValidity": verdict.validity.value,
        "ResultList": entries,
    }


def input_error_body(errors: Sequence[InvalidValue], search_echo: Document | None) -> Document:
    first = errors[0]
    return {
        "QualificationConfirmSearchInfo": search_echo,
        "ProcessingResultStatus": ProcessingResultStatus.ERROR.value,
        "ProcessingResultCode": INPUT_ERRORS[first.problem].code,
        "ProcessingResultMessage": "、".join(f"{_label(e.field)}：{e.message_ja}" for e in errors),
    }


def file_error_document(h: ResultHeader, error: ResultCode, message: str | None = None) -> Document:
    """A whole-file error (SegmentOfResult 9). The body repeats it as a per-person error so
    that no client reading only ProcessingResultStatus could take it for a success."""
    text = message or error.summary_ja
    return {
        "MessageHeader": header(h, SegmentOfResult.ABNORMAL, error, text),
        "MessageBody": {
            "ProcessingResultStatus": ProcessingResultStatus.ERROR.value,
            "ProcessingResultCode": error.code,
            "ProcessingResultMessage": text,
        },
    }


_FIELD_LABELS = {
    "insurer_number": "保険者番号",
    "insured_card_symbol": "記号",
    "insured_identification_number": "番号",
    "insured_branch_number": "枝番",
    "birthdate": "生年月日",
    "qualification_confirmation_date": "資格確認日",
}


def _label(field: str) -> str:
    return _FIELD_LABELS.get(field, field)
