"""医療扶助一括照会 (OQSmutic, wire-spec.md §6.1): the medical-aid recipients with tickets naming
the facility for a treatment month (MedicalTreatmentMonth), one BulkConfirmUnit each.

A unit is what a confirmation of the recipient says on the month's day (today within the month,
else its first or last day): their insurance entry with the aid listed when the welfare office
linked a valid health insurance (併用), else their own A1 entry — with the month's tickets for
this facility in `PublicExpenseResultList`. The criteria entry is answered with every unit at
once (`CRITERIA_KINDS`); one audit record says how many recipients were listed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.audit import AuditEvent
from onshi.domain.codes import Validity
from onshi.domain.dates import month_end, parse_wire_month
from onshi.domain.public_expense import MedicalTicket
from onshi.services.batch_answered import Answered
from onshi.services.public_expense import findings_for, insurance_verdict, medical_aid_of
from onshi.store import public_expense as store
from onshi.store.batches import ClaimedChunk
from onshi.wire.bulk import confirm_unit
from onshi.wire.medical_aid import medical_aid_body

ACTION = "confirm.medical_aid_batch"
Unit = dict[str, Any]


def day_in(month: date, today: date) -> date:
    """The day a month's inquiry confirms on: today within the month, else its nearest end."""
    return min(max(today, month), month_end(month))


async def answer_medical_aid(conn: AsyncConnection, chunk: ClaimedChunk, at: datetime) -> Answered:
    facility = chunk.batch.actor.id
    answered = Answered()
    for entry in chunk.entries:
        month = parse_wire_month(entry["MedicalTreatmentMonth"], "MedicalTreatmentMonth")
        units = await recipient_units(conn, facility, month, day_in(month, at.date()))
        answered.units.append({"BulkConfirmUnit": units})
        answered.normal += 1
        detail = {"reception_number": chunk.batch.reception_number, "month": f"{month:%Y%m}"}
        answered.events.append(AuditEvent(chunk.batch.actor, ACTION, f"recipients:{len(units)}", detail=detail,
                                          occurred_at=at))  # fmt: skip
    return answered


async def recipient_units(conn: AsyncConnection, facility: str, month: date, on: date) -> list[Unit]:
    tickets = await store.tickets_for_facility(conn, facility, month)
    by_recipient: dict[tuple[str, str], list[MedicalTicket]] = {}
    for ticket in tickets:
        by_recipient.setdefault((ticket.payer.digits, ticket.recipient.digits), []).append(ticket)
    periods = await store.of_recipients(conn, list(by_recipient))
    units = []
    for key, theirs in by_recipient.items():
        aid = await medical_aid_of(conn, [p for p in periods if p.key == key], on, facility)
        if aid is None:
            continue
        findings = replace(aid.findings, tickets=tuple(theirs))
        verdict = await insurance_verdict(conn, aid.aid, on)
        if verdict is not None and verdict.validity is Validity.VALID:
            found = await findings_for(conn, verdict.results, on, facility)
            mine = {
                q.key: replace(found.get(q.key, findings), tickets=tuple(theirs)) for q in verdict.results
            }
            units.append(confirm_unit(verdict, on, None, None, (), mine))
            continue
        body = medical_aid_body(aid.aid, findings, on, None)
        entries = [item["ResultOfQualificationConfirmation"] for item in body.pop("ResultList")]
        units.append({**body, "ResultOfQualificationConfirmation": entries})
    return units
