"""The result of a person on medical aid (医療扶助) without health insurance (wire-spec.md §5.2).

One entry of their own: InsuredCardClassification A1 with PublicExpenseNumber, BeneficiaryNumber
and WelfareOfficeName (the names OD2's reader takes in place of the insurer's), InsurerName
repeating the welfare office (clients that require InsurerName find it), no insurer number, and
the public-expense lists of `onshi.wire.public_expense` (the tickets of the month).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from onshi.domain.codes import CardClassification, ProcessingResultStatus, Validity
from onshi.domain.dates import format_ja, format_wire_date
from onshi.domain.public_expense import Entitlement, Findings
from onshi.wire.public_expense import public_expense_elements
from onshi.wire.qualification import half_width_kana

Document = dict[str, Any]


def _d(value: date | None) -> str | None:
    return format_wire_date(value) if value else None


def medical_aid_entry(aid: Entitlement, findings: Findings) -> Document:
    """ResultOfQualificationConfirmation for a person on medical aid without health insurance."""
    person = aid.identity
    entry: Document = {
        "InsuredCardClassification": CardClassification.MEDICAL_AID.value,
        "PublicExpenseNumber": aid.payer.number.digits,
        "BeneficiaryNumber": aid.recipient.digits,
        "Name": person.name,
        "NameKana": half_width_kana(person.name_kana),
        "Sex1": person.sex.value,
        "Birthdate": format_wire_date(person.birthdate),
        "Address": person.address,
        "PostNumber": person.post_number,
        "QualificationDate": format_wire_date(aid.valid_from),
        "DisqualificationDate": _d(aid.valid_to + timedelta(days=1) if aid.valid_to else None),
        "InsurerName": aid.payer.name,
        "WelfareOfficeName": aid.payer.name,
    }
    entry.update(public_expense_elements(findings))
    return entry


def medical_aid_body(
    aid: Entitlement, findings: Findings, on: date, search_echo: Document | None, message: str | None = None
) -> Document:
    """The MessageBody of a result about a person on medical aid without health insurance."""
    validity = Validity.VALID if aid.is_valid_on(on) else Validity.INVALID
    text = " ".join(filter(None, [message, _outside(aid, on), findings.message_ja]))
    return {
        "QualificationConfirmSearchInfo": search_echo,
        "ProcessingResultStatus": ProcessingResultStatus.NORMAL.value,
        "ProcessingResultMessage": text or None,
        "QualificationValidity": validity.value,
        "ResultList": [{"ResultOfQualificationConfirmation": medical_aid_entry(aid, findings)}],
    }


def _outside(aid: Entitlement, on: date) -> str | None:
    if aid.valid_to is not None and aid.valid_to < on:
        return f"医療扶助の期間は{format_ja(aid.valid_to)}までです。福祉事務所にご確認ください。"
    if on < aid.valid_from:
        return f"医療扶助の期間は{format_ja(aid.valid_from)}からです。"
    return None
