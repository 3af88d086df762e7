"""Consents (同意): given with the card, inquired, updated and withdrawn by the patient.

Every change is written with its audit record in one transaction: a consent is never stored
without the record of it, and never changed without one.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent, member_subject_key
from onshi.domain.consent import ConsentContext, ConsentItem, checkup_allowed
from onshi.domain.consent_grants import ConsentGrant, patient_key
from onshi.domain.dates import now_jst
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.qualification import MemberKey, Qualification
from onshi.store import consents as store
from onshi.store.audit import insert_events
from onshi.store.database import Database

GRANT_ACTION = "consent.grant"
WITHDRAW_ACTION = "consent.withdraw"
UPDATE_ACTION = "consent.update"


def patient_of(qualification: Qualification) -> str:
    key = qualification.key
    return patient_key(
        key.insurer_number.digits, key.symbol, key.number, key.branch, qualification.individual_key
    )


async def record_grant(
    conn: AsyncConnection,
    actor: Actor,
    qualification: Qualification,
    context: ConsentContext,
    items: frozenset[ConsentItem],
    at: datetime,
    channel: str,
    first_visit: date | None = None,
) -> ConsentGrant:
    """Store a consent the patient just gave to the actor's facility, with its audit record."""
    grant = await store.insert_grant(
        conn,
        patient=patient_of(qualification),
        facility_code=actor.id,
        context=context,
        items=items,
        given_at=at,
        first_visit=first_visit or at.date(),
        channel=channel,
        member=qualification.key,
    )
    detail = {
        "grant_id": grant.id,
        "context": context.value,
        "items": sorted(i.value for i in items),
        "channel": channel,
    }
    await insert_events(
        conn, [AuditEvent(actor, GRANT_ACTION, "given", member_subject_key(qualification.key), detail, at)]
    )
    return grant


async def of_patient(db: Database, patient: str) -> list[ConsentGrant]:
    async with db.read() as conn:
        return await store.of_patient(conn, patient)


async def withdraw_all(db: Database, actor: Actor, patient: str, member: MemberKey) -> list[int]:
    """すべての同意を取消す: every live grant of the patient, to every facility."""
    at = now_jst()
    async with db.write() as conn:
        withdrawn = await store.withdraw(conn, patient, at, "patient")
        detail = {"grant_ids": withdrawn}
        event = AuditEvent(
            actor, WITHDRAW_ACTION, f"withdrawn:{len(withdrawn)}", member_subject_key(member), detail, at
        )
        await insert_events(conn, [event])
    return withdrawn


async def update_items(
    db: Database,
    actor: Actor,
    patient: str,
    member: MemberKey,
    grant_id: int,
    items: frozenset[ConsentItem],
    birthdate: date,
) -> ConsentGrant:
    """The patient changes which items one consent covers: the old grant is withdrawn and a new
    one given with the same facility, context, time and first visit: its window does not grow."""
    at = now_jst()
    if ConsentItem.CHECKUP in items and not checkup_allowed(birthdate, at.date()):
        raise InvalidValue(
            "items",
            Problem.INCONSISTENT,
            "特定健診等情報は40歳以上の方のみ同意できます",
            "checkups from age 40 only",
        )
    async with db.write() as conn:
        old = await store.get(conn, grant_id)
        if old is None or old.patient != patient or old.withdrawn_at is not None:
            raise InvalidValue(
                "grant_id", Problem.UNKNOWN_CODE, "変更できる同意がありません", "no live consent with that id"
            )
        await store.withdraw(conn, patient, at, "update", grant_id)
        new = await store.insert_grant(
            conn, patient=patient, facility_code=old.facility_code, context=old.context, items=items,
            given_at=old.given_at,
            first_visit=old.first_visit, channel="patient_update", member=member,
        )  # fmt: skip
        detail = {"old": grant_id, "new": new.id, "items": sorted(i.value for i in items)}
        await insert_events(
            conn, [AuditEvent(actor, UPDATE_ACTION, "updated", member_subject_key(member), detail, at)]
        )
    return new
