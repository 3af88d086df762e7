"""Public expense in result entries (wire-spec.md §5.2, §5.2.5; docs/public-expense.md).

An entry (ResultOfQualificationConfirmation) lists every entitlement valid on the date in
`PublicExpenseInfoList/PublicExpenseInfo` (onshi's names), and the medical-aid tickets in
`PublicExpenseResultList/MedicalTicketInfo` (OD2's face writer) with `NumberOfMedicalTickets`.
The entry of a person on medical aid without insurance is `onshi.wire.medical_aid`'s.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from onshi.domain.dates import format_wire_date, parse_wire_date
from onshi.domain.public_expense import Entitlement, Findings, MedicalTicket

Document = dict[str, Any]


def _d(value: date | None) -> str | None:
    return format_wire_date(value) if value else None


def _yen(value: int | None) -> str | None:
    return str(value) if value is not None else None


def entitlement_item(entitlement: Entitlement, priority: int) -> Document:
    terms = entitlement.effective_terms
    return {
        "PublicExpenseInfo": {
            "PublicExpenseNumber": entitlement.payer.number.digits,
            "BeneficiaryNumber": entitlement.recipient.digits,
            "PublicExpenseName": entitlement.programme.name_ja,
            "PublicExpensePayerName": entitlement.payer.name,
            "PublicExpenseValidStartDate": _d(entitlement.valid_from),
            "PublicExpenseValidEndDate": _d(entitlement.valid_to),
            "PublicExpenseContributionRatio": f"{terms.percent:03d}" if terms.percent is not None else None,
            "PublicExpenseSelfPayPerVisit": _yen(terms.per_visit_yen),
            "PublicExpenseSelfPay": _yen(terms.monthly_cap_yen),
            "PublicExpensePriority": str(priority),
        }
    }


def ticket_item(ticket: MedicalTicket, facility_code: str | None) -> Document:
    names = (*ticket.injury_names, None, None, None)
    remarks = (*ticket.remarks, None, None, None)

    def code(value: Any) -> str | None:
        return value.value if value is not None else None

    return {
        "MedicalTicketInfo": {
            "TicketType": ticket.ticket_type.value,
            "MedicalTicketValidDate": _d(ticket.valid_from),
            "MedicalTicketExpirationDate": _d(ticket.valid_to),
            "IssueNumber": ticket.issue_number,
            "MedicalTreatmentMonth": f"{ticket.month:%Y%m}",
            "DesignatedMedicalInstitutionCode": ticket.facility_code,
            "DesignatedMedicalInstitutionFlag": ticket.designated_flag(facility_code).value,
            "DesignatedMedicalInstitutionName": ticket.facility_name,
            "PrescriptionIssuerMedicalInstitutionCode": ticket.prescriber_code,
            "PrescriptionIssuerMedicalInstitutionName": ticket.prescriber_name,
            "InjuryName1": names[0],
            "InjuryName2": names[1],
            "InjuryName3": names[2],
            "MedicalTreatmentType": ticket.treatment_type.value,
            "SelfPayAmount": _yen(ticket.self_pay_yen),
            "DistrictContactName": ticket.district_contact,
            "HandlingContactName": ticket.handling_contact,
            "SingleOrCombinedUse": code(ticket.single_or_combined),
            "StatusOfSocialInsurance": code(ticket.social_insurance),
            "StatusOfInfecton": code(ticket.infection),
            "StatusOfElderlyMedicalCare": code(ticket.elderly_care),
            "StatusOfPrefecturalExpenses": code(ticket.prefectural),
            "Remarks1": remarks[0],
            "Remarks2": remarks[1],
            "Remarks3": remarks[2],
        }
    }


def public_expense_elements(findings: Findings) -> Document:
    """The elements an entry gets for `findings` (none when there is nothing to say)."""
    elements: Document = {}
    if findings.entitlements:
        elements["PublicExpenseInfoList"] = [
            entitlement_item(e, n) for n, e in enumerate(findings.entitlements, start=1)
        ]
    if findings.tickets:
        elements["NumberOfMedicalTickets"] = str(len(findings.tickets))
        elements["PublicExpenseResultList"] = [
            ticket_item(t, findings.facility_code) for t in findings.tickets
        ]
    return elements


# --- reading them back, for the screens that show them (the desk, the card reader) -----------


def entries_items(entry: Document, wrapper: str, item: str) -> list[Document]:
    """The items of a wrapper list (`<wrapper>/<item>*`), or items standing in the entry."""
    found: list[Any] = []
    for element in _as_list(entry.get(wrapper)):
        found.extend(_as_list(element.get(item)) if isinstance(element, dict) else [])
    found.extend(_as_list(entry.get(item)))
    return [value for value in found if isinstance(value, dict)]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _entitlement_text(info: Document) -> str:
    name = _text(info.get("PublicExpenseName")) or "公費"
    numbers = "/".join(
        filter(None, [_text(info.get("PublicExpenseNumber")), _text(info.get("BeneficiaryNumber"))])
    )
    end = _date(info.get("PublicExpenseValidEndDate"))
    return f"{name} {numbers}" + (f"（{end:%Y/%m/%d}まで）" if end else "")


def _date(value: Any) -> date | None:
    text = _text(value)
    try:
        return parse_wire_date(text) if text else None
    except ValueError:
        return None


def public_expense_of(entry: Document) -> str | None:
    """The entitlements an entry lists (PublicExpenseInfoList), in their order, as one line;
    an A1 entry without that list stands for its own medical aid."""
    items = entries_items(entry, "PublicExpenseInfoList", "PublicExpenseInfo")
    texts = [_entitlement_text(info) for info in items]
    if not texts and _text(entry.get("InsuredCardClassification")) == "A1":
        texts = [_entitlement_text({"PublicExpenseName": "医療扶助", **entry})]
    return "、".join(texts) or None


def tickets_of(entry: Document) -> str | None:
    """The medical-aid tickets (医療券・調剤券) an entry lists, as one line."""
    tickets = entries_items(entry, "PublicExpenseResultList", "MedicalTicketInfo")
    texts = [
        " ".join(filter(None, [
            "調剤券" if _text(t.get("TicketType")) == "02" else "医療券", _text(t.get("MedicalTreatmentMonth")),
            _text(t.get("DesignatedMedicalInstitutionName")),
            "（指定医療機関が異なります）" if _text(t.get("DesignatedMedicalInstitutionFlag")) == "1" else None,
        ]))
        for t in tickets
    ]  # fmt: skip
    return "、".join(texts) or None
