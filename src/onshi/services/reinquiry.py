"""再照会 (re-inquiry): a facility in a continuing home-visit relationship (居宅同意取得型)
fetches the patient's latest qualification by the numbers it stored, without the card.

The relationship is the facility's HOME_VISIT consent from a card confirmation at the first
visit; the domain (authorise_reinquiry) decides whether it still runs. Refused — and audited —
for counter visits, online care, 往診, a lapsed or withdrawn relationship, another facility.
The answer is the same verdict as a confirmation by numbers, newer qualifications included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent, member_subject_key, subject_key
from onshi.domain.clinical_access import AccessRefused, Refusal, authorise_reinquiry
from onshi.domain.dates import now_jst
from onshi.domain.errors import InvalidValue
from onshi.services.clinical import care_months_for, find_patient, grants_first_visit, refusal_message
from onshi.services.confirmation import Confirmed, InputErrors, NumberConfirmation, build_query, decide_query
from onshi.services.consents import patient_of
from onshi.services.public_expense import findings_of
from onshi.store import consents
from onshi.store.audit import AuditLog
from onshi.store.database import Database

ACTION = "confirm.reinquiry"


@dataclass(frozen=True, slots=True)
class ReinquiryRefused:
    refusal: Refusal | None  # None: no patient with these numbers and birth date
    processed_at: datetime
    errors: tuple[InvalidValue, ...] = ()

    @property
    def message_ja(self) -> str:
        return refusal_message(self.refusal, self.errors)


@dataclass(frozen=True, slots=True)
class Reinquired:
    confirmed: Confirmed
    grant_id: int


async def reinquire(
    db: Database, audit: AuditLog, actor: Actor, request: NumberConfirmation
) -> Reinquired | ReinquiryRefused:
    at = now_jst()
    try:
        query = build_query(
            NumberConfirmation(
                request.insurer_number,
                request.number,
                request.birthdate,
                at.date(),
                request.symbol,
                request.branch,
            )
        )
    except InputErrors as rejected:
        return ReinquiryRefused(None, at, rejected.errors)
    patient = await find_patient(db, query)
    if patient is None:
        searched = subject_key(query.insurer_number.digits, query.symbol, query.number, query.branch)
        await audit.record(AuditEvent(actor, ACTION, "refused:no_patient", searched, occurred_at=at))
        return ReinquiryRefused(None, at)
    key = patient_of(patient)
    async with db.read() as conn:
        grants = await consents.of_patient(conn, key, actor.id)
        months = await care_months_for(conn, actor.id, key, grants_first_visit(grants), at.date())
    subject = member_subject_key(patient.key)
    try:
        grant = authorise_reinquiry(
            facility_code=actor.id, patient=key, at=at, grants=grants, care_months=months
        )
    except AccessRefused as refused:
        await audit.record(
            AuditEvent(actor, ACTION, f"refused:{refused.refusal.value}", subject, occurred_at=at)
        )
        return ReinquiryRefused(refused.refusal, at)
    verdict = await decide_query(db, query)
    public_expense = await findings_of(db, verdict, query.on, actor.id)
    detail = {"grant_id": grant.id}
    await audit.record(AuditEvent(actor, ACTION, f"validity:{verdict.validity.value}", subject, detail, at))
    return Reinquired(Confirmed(query, verdict, at, None, public_expense), grant.id)
